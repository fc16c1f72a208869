"""Acronyms: the editable glossary file, and definitions found in the reports.

A report defines an acronym in place: "multi-agency safeguarding hub (MASH)".
:func:`find_definitions` recognises that when the words' initials spell the
acronym, so that every new report teaches the search engine its acronyms.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).with_name("glossary.toml")

DEFINITION_RE = re.compile(r"\((?P<acronym>[A-Z][A-Za-z&]{1,9})\)")
# Small words an acronym may skip or use ("skills training on risk management (STORM)").
SKIPPABLE_WORDS = frozenset(["and", "of", "the", "for", "on", "in", "to", "&"])
WORDS_BEFORE = 12


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> dict[str, str]:
    """Acronym -> expansion from the glossary file."""
    with open(path, "rb") as handle:
        return dict(tomllib.load(handle).get("acronyms", {}))


def acronym_key(acronym: str) -> str:
    """The form acronyms are compared in: upper case, a plural ``s`` dropped ("MASHs")."""
    if len(acronym) > 2 and acronym.endswith("s") and acronym[:-1].isupper():
        acronym = acronym[:-1]
    return acronym.upper()


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, expansion) pairs that ``text`` defines in parentheses."""
    found = []
    for match in DEFINITION_RE.finditer(text):
        acronym = match["acronym"]
        letters = acronym_key(acronym).replace("&", "")
        if not letters.isalpha() or sum(c.isupper() for c in acronym) < 2:
            continue
        before = text[: match.start()].rstrip()
        words = re.findall(r"[\w'&]+(?:-[\w']+)*", before)[-WORDS_BEFORE:]
        expansion_words = _match_initials(words, letters.lower())
        if expansion_words:
            start = _start_of_words(before, len(expansion_words))
            expansion = before[start:].strip(" ,")
            found.append((acronym_key(acronym), expansion))
    return found


def _start_of_words(text: str, count: int) -> int:
    spans = [m.start() for m in re.finditer(r"[\w'&]+(?:-[\w']+)*", text)]
    return spans[-count]


def _match_initials(words: list[str], letters: str) -> list[str] | None:
    """The shortest run of words ending at the acronym whose initials spell ``letters``."""
    for size in range(1, len(words) + 1):
        candidate = words[-size:]
        if candidate[0].lower() in SKIPPABLE_WORDS:
            continue
        if _spells(candidate, letters):
            return candidate
    return None


def _spells(words: list[str], letters: str) -> bool:
    """Whether the words' initials (hyphen parts and capitals count) spell ``letters``."""

    @cache
    def walk(word_index: int, letter_index: int) -> bool:
        if word_index == len(words):
            return letter_index == len(letters)
        word = words[word_index]
        options = []
        if word.lower() in SKIPPABLE_WORDS:
            options.append(letter_index)  # skipped
        for initials in _initials(word):
            if letters.startswith(initials, letter_index):
                options.append(letter_index + len(initials))
        return any(walk(word_index + 1, nxt) for nxt in options)

    return walk(0, 0)


def _initials(word: str) -> set[str]:
    parts = [part for part in word.split("-") if part]
    options = {word[0].lower(), "".join(part[0] for part in parts).lower()}
    if word.isupper() and word.isalpha():
        options.add(word.lower())  # "CAMHS outreach team (COT)" uses C; "HMI ..." uses HMI
    return options
