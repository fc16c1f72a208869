"""Theme tagging from the editable taxonomy in ``themes.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from indexer.ingest.termmatch import TermMatcher

THEMES_FILE = Path(__file__).with_name("themes.toml")


class Taxonomy:
    """The themes of a taxonomy file, in file order, and a matcher for their terms."""

    def __init__(self, themes: dict[str, tuple[str, ...]]) -> None:
        self.names = tuple(themes)
        self.matcher = TermMatcher((term, name) for name, terms in themes.items() for term in terms)

    def tag(self, text: str) -> tuple[str, ...]:
        """Names of the themes ``text`` is about, in taxonomy order."""
        found = self.matcher.labels(text)
        return tuple(name for name in self.names if name in found)


@lru_cache(maxsize=4)
def load_themes(path: Path = THEMES_FILE) -> Taxonomy:
    """The taxonomy of a themes file."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return Taxonomy({entry["name"]: tuple(entry["terms"]) for entry in data.get("theme", [])})


def tag_themes(text: str, taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Names of the themes ``text`` is about, in taxonomy order."""
    return (taxonomy or load_themes()).tag(text)
