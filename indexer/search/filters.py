"""Filter values as typed resolved to values the index stores, with a helpful refusal for no match."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from indexer.search.facets import FacetTable
from indexer.search.query import QueryError, year_range
from indexer.store.schema import FACET_FIELDS

FILTER_FIELDS = (*FACET_FIELDS, "status", "answered", "addressees", "areas", "report_id")
"""Fields a search can be filtered by: the facets, the chain's status and answered, areas and reports."""
FILTER_NOUNS = {
    "forces": "force",
    "inspectorates": "inspectorate",
    "themes": "theme",
    "section_type": "section type",
    "finding_type": "finding type",
    "doc_type": "document type",
    "year": "year",
    "areas": "area",
    "report_id": "report",
    "status": "status",
    "answered": "answered value",
    "addressees": "addressee",
    "grade": "grade",
    "programme": "programme",
}
MAX_SUGGESTED_VALUES = 5
CLOSE_ENOUGH = 0.75
"""Similarity (difflib ratio, whole value or typed words against the value's words) to be suggested."""
MAX_COMPARED_CHARS, MAX_COMPARED_WORDS, MAX_COMPARED_VALUES = 80, 6, 2000


def resolve_filters(
    filters: dict[str, list[str]], facets: FacetTable, resolve_values: Callable[[str, str], list[str]]
) -> dict[str, list[str]]:
    """Filter values as the index stores them, resolved the way field prefixes are.

    A value matches a stored value exactly, by a known alias, or by containing all the typed
    words (``devon`` -> "Devon and Cornwall Police"), as ``resolve_values(field, typed)`` says;
    a year may be a range (``2019..2021``). Raises QueryError, naming the closest known values,
    for a value that matches nothing.
    """
    resolved: dict[str, list[str]] = {}
    for name, values in filters.items():
        known = facets.fields[name].values
        found: list[str] = []
        for value in values:
            if name == "year":
                matches = _years_in(value, known)
            elif name == "report_id":
                matches = [value] if value in known else []
            else:
                matches = resolve_values(name, value)
            if not matches:
                raise QueryError(_no_match_message(name, value, known))
            found.extend(matches)
        resolved[name] = list(dict.fromkeys(found))
    return resolved


def _years_in(value: str, known: list[str]) -> list[str]:
    """Known years a year filter value stands for: one year, or a range such as 2019..2021."""
    years = year_range(value)
    if years is None:
        raise QueryError(
            f"Year '{_shown(value)}' is not a year. Use a year such as 2020, or a range such as 2019..2021."
        )
    start, end = years
    return [year for year in known if start <= year <= end]


def _no_match_message(name: str, value: str, known: list[str]) -> str:
    """What to say when a filter value matches nothing: the closest known values, or some known ones."""
    noun = FILTER_NOUNS.get(name, name)
    if name == "report_id":
        return f"No report has the id '{_shown(value)}'."
    if name == "year":
        return f"No documents from '{_shown(value)}'. Years in the index: {', '.join(sorted(known)) or 'none'}."
    close = _closest(value, known)
    if close:
        hint = f"Closest: {', '.join(close)}."
    elif known:
        shown = ", ".join(known[:MAX_SUGGESTED_VALUES])
        hint = f"Known values: {shown}." if len(known) <= MAX_SUGGESTED_VALUES else f"Known values include: {shown}."
    else:
        hint = f"The index has no {noun} values."
    return f"No {noun} matches '{_shown(value)}'. {hint}"


def _closest(value: str, known: list[str]) -> list[str]:
    """Known values most like a typed one, as a whole or word by word ("devan" -> "Devon and Cornwall Police")."""
    # Bounded: a 500-character value must not cost a comparison per word per known value.
    typed = value.lower().replace("_", " ")[:MAX_COMPARED_CHARS]
    typed_words = re.findall(r"\w+", typed)[:MAX_COMPARED_WORDS]
    known = known[:MAX_COMPARED_VALUES]
    scored = []
    for candidate in known:
        text = candidate.lower().replace("_", " ")
        words = re.findall(r"\w+", text)
        whole = difflib.SequenceMatcher(None, typed, text).ratio()
        by_word = (
            sum(max(difflib.SequenceMatcher(None, w, k).ratio() for k in words) for w in typed_words) / len(typed_words)
            if typed_words and words
            else 0.0
        )
        score = max(whole, by_word)
        if score >= CLOSE_ENOUGH:
            scored.append((-score, candidate))
    return [candidate for _, candidate in sorted(scored)[:MAX_SUGGESTED_VALUES]]


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
