"""Phrases through the word-pair field: exactly the paragraphs where the words stand in a run, ranked by BM25."""

from __future__ import annotations

import pytest
from whoosh.formats import Frequency

from indexer.search import compile as compile_module
from indexer.search.query import QueryError
from indexer.search.service import SearchService
from indexer.store.analysis import PairAnalyzer, pair_counts
from indexer.store.indexing import index_corpus

LETTER = "plymouth-jtai-2020-letter"
RESPONSE = "plymouth-jtai-2020-pcc-response"
THEMATIC = "national-child-protection-inspections-2019-pcc-response"
FEELING = "feeling-heard-jtai-thematic-2020-pcc-response"
PORTSMOUTH = "portsmouth-jtai-2020-hampshire-opcc-response"


def found(service, query: str) -> set[tuple[str, int]]:
    """(report id, paragraph number) of every match; checks the total agrees."""
    result = service.search(query, per_page=100)
    assert result["pages"] == 1
    pairs = {(r["report_id"], r["paragraph_number"]) for r in result["results"]}
    assert result["total"] == len(pairs)
    return pairs


def reports(service, query: str) -> list[str]:
    """The report ids of every match, sorted; checks the total agrees."""
    result = service.search(query, per_page=100)
    assert result["total"] == len(result["results"])
    return sorted(r["report_id"] for r in result["results"])


def paragraphs(report: str, *numbers: int) -> set[tuple[str, int]]:
    return {(report, number) for number in numbers}


PHRASE_CASES = [
    (
        '"mental health"',
        paragraphs(LETTER, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 20, 21, 22, 23, 29, 31, 32, 34, 38, 39,
                   43, 45)
        | paragraphs(RESPONSE, 1, 4, 7, 8, 9, 12) | paragraphs(FEELING, 3, 8, 11) | paragraphs(PORTSMOUTH, 2, 4),
    ),
    ('"child protection"', paragraphs(LETTER, 44) | paragraphs(THEMATIC, 1, 3, 12, 13) | paragraphs(PORTSMOUTH, 1, 2)),
    (
        '"multi-agency safeguarding hub"',
        paragraphs(LETTER, 13, 37, 39, 40) | paragraphs(THEMATIC, 15) | paragraphs(PORTSMOUTH, 3),
    ),
    (
        '"child and adolescent mental health services"',
        paragraphs(LETTER, 12, 14, 15, 16, 21) | paragraphs(PORTSMOUTH, 4),
    ),
    ('"vulnerability identification screening tool"', paragraphs(LETTER, 36, 37) | paragraphs(RESPONSE, 9)),
    ('"front door"', paragraphs(LETTER, 1, 26, 36) | paragraphs(RESPONSE, 1, 9)),
    ('"the police and crime commissioner"', paragraphs(LETTER, 19) | paragraphs(RESPONSE, 11)),
    ('"well-being"', paragraphs(LETTER, 3, 4, 6, 8, 9, 12, 14, 15, 23, 31, 34, 43) | paragraphs(PORTSMOUTH, 2)),
    (
        "multi-agency",
        paragraphs(LETTER, 1, 5, 7, 13, 15, 30, 32, 34, 36, 37, 40, 45, 51, 52)
        | paragraphs(RESPONSE, 1, 4) | paragraphs(THEMATIC, 15) | paragraphs(FEELING, 3),
    ),
    ("MASH", paragraphs(LETTER, 13, 37, 39, 40) | paragraphs(THEMATIC, 15) | paragraphs(PORTSMOUTH, 3)),
    ("CAMHS", paragraphs(LETTER, 12, 14, 15, 16, 21) | paragraphs(PORTSMOUTH, 4)),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), PHRASE_CASES, ids=[c[0] for c in PHRASE_CASES])
def test_phrases_match_these_paragraphs(service, query, expected):
    """A phrase (typed, an acronym's expansion, or a hyphenated word's parts) matches exactly these paragraphs."""
    assert found(service, query) == expected


@pytest.fixture
def phrase_corpus(make_corpus, tmp_path):
    """Three one-paragraph reports: the phrase in a run, its word pairs apart, its words out of order."""
    corpus = make_corpus({
        "a.md": "Report A\n\nChild and adolescent mental health services met. Mental health services again.\n",
        "b.md": "Report B\n\nMental health matters. Health services for adolescent children.\n",
        "c.md": "Report C\n\nServices; health and mental wellbeing.\n",
    })
    index_corpus(corpus, tmp_path / "index", workers=0)
    return corpus, tmp_path / "index"


def test_phrase_needs_its_words_in_one_run_not_just_its_pairs(phrase_corpus):
    """A three-word phrase needs its words in one run: its two pairs apart (B) or its words apart (C) do not match."""
    _, index = phrase_corpus
    with SearchService(index) as service:
        assert reports(service, '"mental health services"') == ["a"]
        assert reports(service, '"health services"') == ["a", "b"]
        assert reports(service, "mental health services") == ["a", "b", "c"]


def test_phrases_across_segments_and_deleted_paragraphs(phrase_corpus):
    """After an incremental re-index (a new segment, a replaced report), phrases match the live paragraphs only."""
    corpus, index = phrase_corpus
    with SearchService(index) as service:
        (corpus / "b.md").write_text("Report B\n\nMental health services arrived. Health matters.\n", encoding="utf-8")
        (corpus / "d.md").write_text("Report D\n\nNo mental health here, only services.\n", encoding="utf-8")
        index_corpus(corpus, index, workers=0)
        assert reports(service, '"mental health services"') == ["a", "b"]
        assert sorted(r["text"] for r in service.search('"mental health services"')["results"]) == [
            "Child and adolescent mental health services met. Mental health services again.",
            "Mental health services arrived. Health matters.",
        ]


def test_pair_analyzer_and_fast_path_agree(service):
    """The whoosh writer's analyzer and the bulk writer's fast path give the same pair terms."""
    texts = [r["text"] for r in service.all_paragraphs()] + [
        "", "a an the", "multi-agency multi agency multiagency", "re-re-referral co-operation's well-being",
        "x-y-z x-y 3-4-5", "The police and crime commissioner’s office",
    ]  # fmt: skip
    frequency, analyzer = Frequency(), PairAnalyzer()
    for text in texts:
        expected = {w: n for w, n, _, _ in frequency.word_values(text, analyzer, mode="index")}
        assert pair_counts(text) == expected, text
        assert all("\x1f" in key for key in expected)


def test_phrase_hits_rank_by_how_often_the_phrase_occurs(service):
    """Phrase hits are ranked by BM25 over the phrase: paragraphs saying it twice, shortest first, lead."""
    result = service.search('"mental health"', per_page=50)
    assert result["total"] == 38
    assert [(r["report_id"], r["paragraph_number"]) for r in result["results"][:4]] == [
        (LETTER, 15), (LETTER, 11), (LETTER, 16), (LETTER, 8)
    ]  # fmt: skip
    assert all(r["text"].lower().count("mental health") == 2 for r in result["results"][:4])
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)


def test_broad_prefix_is_refused(service, monkeypatch):
    """A trailing wildcard whose words have more postings than the limit is refused with a message."""
    monkeypatch.setattr(compile_module, "MAX_PREFIX_POSTINGS", 5)
    with pytest.raises(QueryError, match="matches too many words"):
        service.search("con*")
    with pytest.raises(QueryError, match="matches too many words"):
        service.search("crim*")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "criminal*",
            paragraphs(LETTER, 31) | paragraphs(RESPONSE, 10) | paragraphs(THEMATIC, 9, 24) | paragraphs(PORTSMOUTH, 2),
        ),
        (
            "safeguard*",
            paragraphs(LETTER, 1, 5, 13, 23, 29, 34, 36, 46) | paragraphs(RESPONSE, 7)
            | paragraphs(THEMATIC, 1, 15, 16, 22) | paragraphs(PORTSMOUTH, 2),
        ),
        (
            "vulnerab*",
            paragraphs(LETTER, 36, 47) | paragraphs(RESPONSE, 8) | paragraphs(THEMATIC, 11, 15)
            | paragraphs(FEELING, 6, 10) | paragraphs(PORTSMOUTH, 1, 2, 4),
        ),
    ],
)  # fmt: skip
def test_prefix_matches_these_paragraphs(service, query, expected):
    """A trailing wildcard matches exactly the paragraphs with a word starting so."""
    assert found(service, query) == expected
