"""Highlighting: find where a query matched in a paragraph, and mark it up safely.

Matches are found by running the index analyzer over the text, so a stemmed
word, a hyphen variant or an acronym's expansion is marked exactly where it
matched. A phrase is marked as one span. Everything else is HTML-escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from indexer.store.analysis import analyze

SNIPPET_CHARS = 220
MAX_FRAGMENTS = 2


@dataclass(frozen=True)
class MatchSpec:
    """What to mark: index terms, phrases (sequences of terms) and raw word prefixes."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.prefixes)


@dataclass
class Highlight:
    """The marked spans of one text."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def matched(self) -> list[str]:
        """The distinct forms that matched, as written in the text."""
        seen: dict[str, None] = {}
        for start, end in self.spans:
            seen.setdefault(self.text[start:end], None)
        return list(seen)

    def html(self, start: int = 0, end: int | None = None) -> str:
        """Escaped text of ``[start, end)`` with ``<mark>`` around matches."""
        end = len(self.text) if end is None else end
        out, cursor = [], start
        for span_start, span_end in self.spans:
            if span_end <= start or span_start >= end:
                continue
            span_start, span_end = max(span_start, start), min(span_end, end)
            out.append(escape(self.text[cursor:span_start]))
            out.append(f"<mark>{escape(self.text[span_start:span_end])}</mark>")
            cursor = span_end
        out.append(escape(self.text[cursor:end]))
        return "".join(out)

    def snippet(self, *, chars: int = SNIPPET_CHARS, fragments: int = MAX_FRAGMENTS) -> str:
        """One or two fragments around the densest matches, joined by an ellipsis."""
        if len(self.text) <= chars * fragments or not self.spans:
            if len(self.text) <= chars * fragments:
                return self.html()
            return self.html(0, _word_end(self.text, chars)) + " …"
        windows = _best_windows(self.spans, len(self.text), chars, fragments)
        parts = []
        for start, end in windows:
            start, end = _word_start(self.text, start), _word_end(self.text, end)
            prefix = "… " if start > 0 else ""
            suffix = " …" if end < len(self.text) else ""
            parts.append(prefix + self.html(start, end).strip() + suffix)
        return " ".join(parts).replace("… …", "…")


def find_matches(text: str, spec: MatchSpec) -> Highlight:
    """Where ``spec`` matches ``text``."""
    if not spec or not text:
        return Highlight(text)
    tokens = analyze(text, positions=True, chars=True)
    spans: list[tuple[int, int]] = []
    by_position: dict[int, list[tuple[str, int, int]]] = {}
    for term, position, start, end in tokens:
        by_position.setdefault(position, []).append((term, start, end))
        if term in spec.terms:
            spans.append((start, end))
        elif spec.prefixes:
            raw = text[start:end].lower()
            if raw.startswith(spec.prefixes):
                spans.append((start, end))
    for phrase in spec.phrases:
        for position, entries in by_position.items():
            if not any(term == phrase[0] for term, _, _ in entries):
                continue
            ends = []
            for offset, word in enumerate(phrase[1:], start=1):
                hit = [e for e in by_position.get(position + offset, []) if e[0] == word]
                if not hit:
                    break
                ends.append(max(e[2] for e in hit))
            else:
                start = min(s for t, s, _ in entries if t == phrase[0])
                spans.append((start, ends[-1] if ends else max(e for t, _, e in entries if t == phrase[0])))
    return Highlight(text, _merge(text, spans))


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start] in ("-", "‑")):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_windows(spans, length, chars, fragments):
    """Up to ``fragments`` non-overlapping windows covering the most spans."""
    candidates = []
    for start, _ in spans:
        window_start = max(0, min(start - chars // 4, length - chars))
        window_end = window_start + chars
        count = sum(1 for s, e in spans if s >= window_start and e <= window_end)
        candidates.append((count, -window_start, window_start, window_end))
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in sorted(candidates, reverse=True):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == fragments:
            break
    return sorted(chosen)


def _word_start(text: str, index: int) -> int:
    if index <= 0:
        return 0
    space = text.rfind(" ", 0, index)
    return space + 1 if space >= 0 and index - space < 30 else index


def _word_end(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.find(" ", index)
    return space if space >= 0 and space - index < 30 else index
