"""Similar findings: the paragraphs of OTHER reports that say most nearly the same thing as one paragraph.

"More like this", in three steps, all from the index's own term statistics:

1. **Key terms.** The paragraph's text is analysed as the index analyses it (stems, spelling
   and hyphen variants folded). Each term is weighted by how often the paragraph uses it and how
   rare it is in the corpus: ``(1 + ln tf) * idf``, with BM25's ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``.
   Terms no other paragraph has cannot match anything and are left out; the heaviest
   :data:`MAX_KEY_TERMS` are kept.
2. **Candidates.** Each key term's postings are read straight from its posting blocks (as search's
   match masks are) and its weight is added to every paragraph that has it, with numpy; the paragraph's
   own report, deleted documents and whatever the filters leave out get nothing.
3. **Ranking.** The :data:`RERANKED` best candidates are scored as BM25 would score the key terms
   with each occurring once (``shared weight * (k1 + 1) / (1 + k1 * (1 - b + b * length / average))``),
   so a long paragraph does not win by length alone. Ties go to the lower document number.

Only the final few are read back from the index and highlighted with the words they share.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from indexer.search.facets import posting_ids
from indexer.search.highlight import MatchSpec, find_matches
from indexer.store.analysis import analyze, terms
from indexer.store.schema import from_document

FIELD = "text"
MAX_KEY_TERMS = 16
"""How many of the paragraph's terms are looked up: enough for a paragraph's gist, and a bound on the work."""
MAX_POSTINGS = 6000
"""The most postings the key terms may have between them: the bound on a lookup's work at any corpus size.

Key terms are taken heaviest first while their document frequencies fit; a term too common to fit (it would
be among the lightest anyway) is left out. At about 1.5 µs a posting (whoosh unpickles each block's word
positions with its ids), this keeps the reading under ~10 ms however large the index grows; on the shipped
corpus it never binds."""
RERANKED = 200
"""Candidates scored with their lengths (the rest cannot overtake them by much, and cost nothing)."""
DEFAULT_LIMIT = 5
MAX_LIMIT = 20
BM25_K1 = 1.2
BM25_B = 0.75

FUNCTION_WORDS = """
about above across after again against all almost already also although always am among any anyone anything
around because been before being below between both but can cannot could did do does doing done down during
each either else enough even ever every few further get gets getting got had having he her here hers herself him
himself his how however i if into just least less like many may me might more most much must my myself neither
no nor not now off often once one only onto other others otherwise our ours ourselves out over own per perhaps
quite rather same she should since so some still such than their theirs them themselves then there therefore these
they those though through throughout thus too towards under unless until up upon us very via we well what
whatever when whenever where whereas whether which while whilst who whom whose why within without would yet
you your yours
"""
"""Words that say how, not what: never key terms, however rare a small corpus makes them look."""
SKIPPED_TERMS = frozenset(term for word in FUNCTION_WORDS.split() for term in terms(word))


@dataclass(frozen=True)
class KeyTerm:
    """One of the terms a paragraph's similar findings are found by."""

    term: str
    """The index term (a stem: ``custodi``)."""
    word: str
    """The term as the paragraph first writes it (``custody``)."""
    weight: float
    """``(1 + ln tf) * idf``: how much a paragraph sharing it gains."""


def key_terms(reader, text: str, *, limit: int = MAX_KEY_TERMS, max_postings: int = MAX_POSTINGS) -> list[KeyTerm]:
    """The heaviest terms of ``text`` by frequency in it and rarity in the index, heaviest first, whose postings
    add up to at most ``max_postings``."""
    tokens = analyze(text, chars=True)
    counts = Counter(term for term, *_ in tokens)
    first_form: dict[str, str] = {}
    for term, _, start, end in tokens:
        first_form.setdefault(term, text[start:end])
    total = reader.doc_count_all()
    weighted = []
    for term, count in counts.items():
        if term in SKIPPED_TERMS or term.isdigit():
            continue
        df = reader.doc_frequency(FIELD, term)
        if df < 2:  # only this paragraph has it: no other paragraph can share it
            continue
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        weighted.append((KeyTerm(term, first_form[term], round((1 + math.log(count)) * idf, 4)), df))
    weighted.sort(key=lambda pair: (-pair[0].weight, pair[0].term))
    chosen: list[KeyTerm] = []
    postings = 0
    for key, df in weighted:
        if postings + df > max_postings:
            continue
        chosen.append(key)
        postings += df
        if len(chosen) == limit:
            break
    return chosen


def rank_similar(
    readers, live: np.ndarray, allowed: np.ndarray, keys: list[KeyTerm], limit: int
) -> list[tuple[int, float]]:
    """(document number, score) of the ``limit`` best paragraphs among ``allowed`` for ``keys``, best first."""
    size = len(live)
    scores = np.zeros(size, dtype=np.float64)
    field_type = readers.reader.schema[FIELD]
    for key in keys:
        encoded = field_type.to_bytes(key.term)
        for leaf, base in readers.leaves:
            scores[posting_ids(leaf, FIELD, encoded) + base] += key.weight
    scores[~(allowed & live)] = 0.0
    found = np.flatnonzero(scores)
    if not len(found):
        return []
    if len(found) > RERANKED:
        # The RERANKED highest; among equal scores, the lowest document numbers (argpartition is not stable).
        order = np.lexsort((found, -scores[found]))
        found = found[order[:RERANKED]]
    reader = readers.reader
    average = reader.field_length(FIELD) / max(1, reader.doc_count_all())
    ranked = []
    for docnum in found.tolist():
        length = reader.doc_field_length(docnum, FIELD) or 0
        norm = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / max(average, 1.0)))
        ranked.append((docnum, round(float(scores[docnum]) * norm, 4)))
    ranked.sort(key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


def shared_highlight(text: str, keys: list[KeyTerm]) -> tuple[str, list[str]]:
    """``text``'s snippet with the key terms it shares marked, and those words as written in it."""
    highlight = find_matches(text, MatchSpec(frozenset(key.term for key in keys)))
    return highlight.snippet(), highlight.matched


def similar_records(state, paragraph_id: str, filters: dict[str, list[str]], limit: int) -> dict | None:
    """The similar-findings answer for one paragraph (ids, no links), or None when there is no such paragraph.

    ``filters`` are resolved filter values (as the index stores them). ``state`` is a
    :class:`~indexer.search.state.SearchState`.
    """
    size = state.facets.size
    with state.readers() as readers:
        document = readers.searcher.document(id=paragraph_id)
        if document is None:
            return None
        source = from_document(document)
        keys = key_terms(readers.reader, source["text"] or "")
        allowed = ~state.facets.fields["report_id"].mask_for([source["report_id"]], size)
        for name, values in filters.items():
            allowed &= state.facets.fields[name].mask_for(values, size)
        hits = rank_similar(readers, state.facets.live, allowed, keys, limit)
        stored = [readers.searcher.stored_fields(docnum) for docnum, _ in hits]
    # Terms some result shares, for marking the paragraph itself.
    shared_terms: set[str] = set()
    results = []
    for (_, score), fields in zip(hits, stored, strict=True):
        record = from_document(fields)
        text = record["text"] or ""
        snippet, shared = shared_highlight(text, keys)
        shared_terms.update(term for term, *_ in analyze(" ".join(shared)))
        results.append(dict(record, score=score, snippet=snippet, shared=shared))
    marked = find_matches(source["text"] or "", MatchSpec(frozenset(shared_terms)))
    return {
        "paragraph": source,
        "marked": marked.html(),
        "key_terms": [{"term": key.term, "word": key.word, "weight": key.weight} for key in keys],
        "filters": filters,
        "limit": limit,
        "results": results,
    }
