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
from collections.abc import Iterable

WORD_RE = re.compile(r"\w+")


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

    def labels(self, text: str) -> set[str]:
        """Labels of every term that occurs in ``text``."""
        words = WORD_RE.findall(text)
        lowered = [word.lower() for word in words]
        found: set[str] = set()
        for index, word in enumerate(lowered):
            for length in self._lengths.get(word, ()):
                key = tuple(lowered[index : index + length])
                if key in self._terms:
                    found |= self._terms[key]
                exact_key = tuple(words[index : index + length])
                if exact_key in self._exact:
                    found |= self._exact[exact_key]
            for words_wild, label in self._wild.get(word, ()):
                size = len(words_wild)
                candidate = lowered[index : index + size]
                if (
                    len(candidate) == size
                    and tuple(candidate[:-1]) == words_wild[:-1]
                    and candidate[-1].startswith(words_wild[-1])
                ):
                    found.add(label)
            if self._prefix_tuple and word.startswith(self._prefix_tuple):
                for prefix, labels in self._prefixes.items():
                    if word.startswith(prefix):
                        found |= labels
        return found
