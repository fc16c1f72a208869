""""Did you mean": a corrected query when a typed word is probably misspelt."""

from __future__ import annotations

from indexer.ingest.glossary import acronym_key
from indexer.search.query import plain_words, replace_words
from indexer.store.analysis import terms

SUGGEST_MIN_CHARS = 4
MAX_EDITS = 2


def suggest(reader, tree, query_text: str, glossary_keys) -> str | None:
    """``query_text`` with each unknown plain word replaced by the closest indexed word, or None.

    A word is left alone when it is short, not purely letters, a glossary acronym
    (``glossary_keys`` holds their :func:`acronym_key`), or found in the index as typed
    or as an index term. The replacement is an indexed word within two edits, sharing
    the first letter if one does; ties go to the more frequent word.
    """
    if tree is None:
        return None
    replacements = {}
    for word in plain_words(tree):
        lower = word.lower()
        if len(lower) < SUGGEST_MIN_CHARS or not lower.isalpha() or acronym_key(word) in glossary_keys:
            continue
        if reader.doc_frequency("words", lower) > 0 or any(
            reader.doc_frequency("text", term) > 0 for term in terms(word)
        ):
            continue
        candidates = [t for t in reader.terms_within("words", lower, MAX_EDITS, prefix=1) if t != lower]
        if not candidates:
            candidates = [t for t in reader.terms_within("words", lower, MAX_EDITS) if t != lower]
        if candidates:
            replacements[word] = max(candidates, key=lambda t: (-distance(lower, t), reader.doc_frequency("words", t)))
    return replace_words(query_text, replacements) if replacements else None


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance, optimal string alignment (a transposition is one edit: "safegaurding")."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if previous2 is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
