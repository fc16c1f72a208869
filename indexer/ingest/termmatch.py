"""Find which of many named terms occur in a text, in one pass over its words.

One regular expression per force, theme or inspectorate made parsing a long
report slow (each scans the whole text). Instead the text is split into words
once, and each word looks up the terms that start with it.

Terms are compared word by word, so punctuation and hyphens between words do
not matter ("self-harm" matches "self harm"). A term ending in ``*`` matches
any ending of its last word. A term written in capitals (an acronym such as
"CQC") only matches in capitals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

WORD_RE = re.compile(r"\w+")
RECENT_TEXTS = 4
RECENT_MIN_CHARS = 2000
"""Only long texts are worth remembering (short ones, such as single lines, are cheap to match again)."""


class TermMatcher:
    """Labels of the terms found in a text. Build once, match many texts."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._terms: dict[tuple[str, ...], set[str]] = {}
        self._exact: dict[tuple[str, ...], set[str]] = {}
        self._lengths: dict[str, set[int]] = {}
        self._wild: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._prefixes: dict[str, set[str]] = {}
        for term, label in entries:
            wildcard = term.endswith("*")
            raw = WORD_RE.findall(term.rstrip("*"))
            if not raw:
                continue
            exact = all(word.isupper() for word in raw if word.isalpha()) and any(w.isalpha() for w in raw)
            lower = tuple(word.lower() for word in raw)
            if wildcard and len(raw) == 1:
                self._prefixes.setdefault(lower[0], set()).add(label)
            elif wildcard:
                self._wild.setdefault(lower[0], []).append((lower, label))
            else:
                table = self._exact if exact else self._terms
                table.setdefault(tuple(raw) if exact else lower, set()).add(label)
                self._lengths.setdefault(lower[0], set()).add(len(raw))
        self._prefix_tuple = tuple(self._prefixes)
        self._recent: dict[str, dict[str, int]] = {}

    def labels(self, text: str) -> set[str]:
        """Labels of every term that occurs in ``text``."""
        known = self._recent.get(text)
        if known is not None:
            return set(known)
        if len(text) >= RECENT_MIN_CHARS:
            return set(self.first_positions(text))
        found: set[str] = set()
        for _, labels in self._matches(WORD_RE.findall(text)):
            found |= labels
        return found

    def first_positions(self, text: str) -> dict[str, int]:
        """For each label found in ``text``, where its first term starts (a character offset).

        The last few texts' answers are kept: reading a report asks about the same whole text twice
        (its metadata, then the lines its facts come from), and a pass over a long report's words is
        the costly part.
        """
        known = self._recent.get(text)
        if known is not None:
            return dict(known)
        first_word: dict[str, int] = {}
        for index, labels in self._matches(WORD_RE.findall(text)):
            for label in labels:
                first_word.setdefault(label, index)
        # Word numbers to character offsets, reading only as far as the last first occurrence.
        wanted = sorted(set(first_word.values()))
        offsets: dict[int, int] = {}
        if wanted:
            for number, match in enumerate(WORD_RE.finditer(text)):
                if number == wanted[len(offsets)]:
                    offsets[number] = match.start()
                    if len(offsets) == len(wanted):
                        break
        first = {label: offsets[index] for label, index in first_word.items()}
        if len(text) >= RECENT_MIN_CHARS:
            if len(self._recent) >= RECENT_TEXTS:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = first
        return dict(first)

    def _matches(self, words: list[str]) -> Iterator[tuple[int, set[str]]]:
        """(word index, labels of the terms starting there) for each word where terms start."""
        lowered = [word.lower() for word in words]
        lengths, terms, exact, wild = self._lengths, self._terms, self._exact, self._wild
        prefixes = self._prefix_tuple
        for index, word in enumerate(lowered):
            found: set[str] | None = None
            for length in lengths.get(word, ()):
                key = tuple(lowered[index : index + length])
                if key in terms:
                    found = (found or set()) | terms[key]
                exact_key = tuple(words[index : index + length])
                if exact_key in exact:
                    found = (found or set()) | exact[exact_key]
            for words_wild, label in wild.get(word, ()):
                size = len(words_wild)
                candidate = lowered[index : index + size]
                if (
                    len(candidate) == size
                    and tuple(candidate[:-1]) == words_wild[:-1]
                    and candidate[-1].startswith(words_wild[-1])
                ):
                    found = (found or set()) | {label}
            if prefixes and word.startswith(prefixes):
                for prefix, labels in self._prefixes.items():
                    if word.startswith(prefix):
                        found = (found or set()) | labels
            if found:
                yield index, found
