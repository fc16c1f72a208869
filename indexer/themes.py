"""Theme tagging from the editable taxonomy in ``themes.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

THEMES_FILE = Path(__file__).with_name("themes.toml")


@dataclass(frozen=True)
class Theme:
    """A theme and the compiled pattern of its terms."""

    name: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str]


def _term_pattern(term: str) -> str:
    wildcard = term.endswith("*")
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    ending = r"[\w-]*" if wildcard else r"(?![\w-])"
    return r"(?<![\w-])" + body + ending


@lru_cache(maxsize=4)
def load_themes(path: Path = THEMES_FILE) -> tuple[Theme, ...]:
    """The themes of a taxonomy file, in file order."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    themes = []
    for entry in data.get("theme", []):
        terms = tuple(entry["terms"])
        pattern = re.compile("|".join(_term_pattern(term) for term in terms), re.I)
        themes.append(Theme(entry["name"], terms, pattern))
    return tuple(themes)


def tag_themes(text: str, themes: tuple[Theme, ...] | None = None) -> tuple[str, ...]:
    """Names of the themes ``text`` is about, in taxonomy order."""
    themes = load_themes() if themes is None else themes
    return tuple(theme.name for theme in themes if theme.pattern.search(text))
