"""Phrases through the word-pair field: the same paragraphs as whoosh's position check alone."""

from __future__ import annotations

import time

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.formats import Frequency

from indexer.search import compile as compile_module
from indexer.search.query import QueryError, parse
from indexer.store.analysis import PairAnalyzer, pair_counts

PHRASES = [
    "mental health",
    "child protection",
    "multi-agency safeguarding hub",
    "child and adolescent mental health services",
    "vulnerability identification screening tool",
    "front door",
    "the police and crime commissioner",
    "well-being",
    "children missing from home",
    "co-operation",
]


def _old_docs(state, query_text, monkeypatch) -> set[int]:
    """Paragraphs the query matched before the pair field: whoosh's position check alone."""
    with monkeypatch.context() as patch:
        patch.setattr(
            compile_module.Compiler,
            "_text_phrase",
            staticmethod(lambda terms: wq.Phrase("text", terms) if len(terms) > 1 else wq.Term("text", terms[0])),
        )
        old = state.compiler.compile(parse(query_text))
    live = set(np.flatnonzero(state.facets.live).tolist())
    return set(state.searcher.docs_for_query(state._query(old))) & live


@pytest.mark.parametrize(
    "query_text", [*(f'"{phrase}"' for phrase in PHRASES), "MASH", "CAMHS", "VIST", "multi-agency"]
)
def test_pair_phrase_matches_exactly_what_positions_match(service, query_text, monkeypatch):
    state = service.state
    expected = _old_docs(state, query_text, monkeypatch)
    compiled = state.compiler.compile(parse(query_text))
    assert set(np.flatnonzero(state._mask(compiled)).tolist()) == expected
    ranked = state.searcher.search(state._query(compiled), limit=None)
    assert {hit.docnum for hit in ranked} == expected
    assert service.search(query_text)["total"] == len(expected)
    assert any(isinstance(q, wq.Term) and q.fieldname == "pairs" for q in compiled.query.leaves())


def test_pair_analyzer_and_fast_path_agree(service):
    """The whoosh writer's analyzer and the bulk writer's fast path give the same pair terms."""
    texts = [r["text"] for r in service.all_paragraphs()] + [
        "", "a an the", "multi-agency multi agency multiagency", "re-re-referral co-operation's well-being",
        "x-y-z x-y 3-4-5", "The police and crime commissioner’s office",
    ]
    frequency, analyzer = Frequency(), PairAnalyzer()
    for text in texts:
        expected = {w: n for w, n, _, _ in frequency.word_values(text, analyzer, mode="index")}
        assert pair_counts(text) == expected, text
        assert all("\x1f" in key for key in expected)


def test_phrase_hits_rank_by_how_often_the_phrase_occurs(service):
    result = service.search('"mental health"', per_page=50)
    assert result["total"] > 0
    assert all("mental health" in r["text"].lower() for r in result["results"])
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)


def test_broad_prefix_is_refused_quickly(service, monkeypatch):
    monkeypatch.setattr(compile_module, "MAX_PREFIX_POSTINGS", 5)
    started = time.perf_counter()
    with pytest.raises(QueryError, match="matches too many words"):
        service.search("con*")
    with pytest.raises(QueryError, match="matches too many words"):
        service.search("crim*")
    assert time.perf_counter() - started < 0.5


def test_prefix_mask_matches_whoosh(service):
    state = service.state

    for query in ("criminal*", "safeguard*", "vulnerab*"):
        compiled = state.compiler.compile(parse(query))
        expected = set(state.searcher.docs_for_query(state._query(compiled)))
        assert set(np.flatnonzero(state._mask(compiled)).tolist()) == expected
        assert service.search(query)["total"] == len(expected) > 0
