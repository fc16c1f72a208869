"""The full build's fast writer writes the same index files as whoosh's own writer."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Frequency, Positions

from indexer.ingest.pipeline import parse_report
from indexer.store.analysis import (
    ANALYZER,
    PairAnalyzer,
    index_counts,
    index_positions,
    make_word_analyzer,
    pair_counts,
    word_counts,
)
from indexer.store.bulkwrite import BulkSegmentWriter, ReportRouter
from indexer.store.indexing import corpus_files
from indexer.store.schema import FAST_FIELDS, make_schema, to_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus_reports():
    files, _ = corpus_files(CORPUS)
    return [parse_report(path, CORPUS) for path in files]


TRICKY = [
    "The police",
    "the multi-agency's team’s co-operation with the force's well-being programme",
    "a an the of",
    "It's -- well-being's  ageing-programme organisations organised; re-re-referral",
    "ÉCOLE café-bar 3-4-5 x-y 2019/20 £1,000 HMICFRS’s PEEL-inspection",
    "",
]


def test_fast_analysis_gives_whoosh_analyzer_terms_positions_and_counts(corpus_reports):
    texts = TRICKY + [p.text for r in corpus_reports for p in r.paragraphs] + [
        p.section or "" for r in corpus_reports for p in r.paragraphs
    ]
    positions, frequency, words, pairs = Positions(), Frequency(), make_word_analyzer(), PairAnalyzer()
    for text in texts:
        expected = {w: v for w, _, _, v in positions.word_values(text, ANALYZER, mode="index")}
        assert {w: positions.encode(p) for w, p in index_positions(text).items()} == expected, text
        expected = {w: n for w, n, _, _ in frequency.word_values(text, ANALYZER, mode="index")}
        assert index_counts(text) == expected, text
        expected = {w: n for w, n, _, _ in frequency.word_values(text, words, mode="index")}
        assert word_counts(text) == expected, text
        expected = {w: n for w, n, _, _ in frequency.word_values(text, pairs, mode="index")}
        assert pair_counts(text) == expected, text


def _files(folder) -> dict[str, str]:
    """Segment files by extension (segment names are random), with their digests."""
    out = {}
    for path in folder.iterdir():
        if path.name.startswith("MAIN_") and "." in path.name and not path.name.endswith(".toc"):
            out[path.name.split(".", 1)[1]] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_bulk_writer_writes_byte_identical_segment_files(tmp_path, corpus_reports):
    documents = [to_document(p) for r in corpus_reports for p in r.paragraphs]
    assert any("_boost" in d for d in documents)
    written = {}
    for name in ("whoosh", "bulk"):
        folder = tmp_path / name
        folder.mkdir()
        index = whoosh_index.create_in(str(folder), make_schema())
        if name == "whoosh":
            writer = index.writer(compound=False)
        else:
            writer = BulkSegmentWriter(index, fast_fields=FAST_FIELDS, compound=False)
        for document in documents:
            writer.add_document(**document)
        writer.commit()
        written[name] = _files(folder)
    assert written["bulk"] == written["whoosh"]
    assert {"pst", "trm", "_stored.col", "_text_len.col"} <= set(written["bulk"])


def test_router_keeps_corpus_order_per_process_whatever_the_parse_order():
    added = []
    files = [(f"r{n}.md", 100) for n in range(6)]
    router = ReportRouter(2, files, lambda worker, report: added.append((worker, report)))
    assert router.runs == [["r0.md", "r1.md", "r2.md"], ["r3.md", "r4.md", "r5.md"]]
    assert router.order == ["r0.md", "r3.md", "r1.md", "r4.md", "r2.md", "r5.md"]
    router.parsed("r4.md", "R4")
    router.parsed("r1.md", "R1")
    assert added == []
    router.failed("r3.md")
    assert added == [(1, "R4")]
    router.parsed("r0.md", "R0")
    router.parsed("r2.md", "R2")
    router.parsed("r5.md", "R5")
    assert added == [(1, "R4"), (0, "R0"), (0, "R1"), (0, "R2"), (1, "R5")]


@pytest.mark.parametrize(("segment_postings", "segments"), [(10**9, 2), (1, 5)])
def test_parallel_build_cuts_segments_by_postings_and_keeps_every_document_in_order(
    tmp_path, corpus_reports, segment_postings, segments
):
    """Two writer processes; with a budget of one posting each report is a segment of its own.
    Either way the index holds every paragraph once, in corpus order, and finds the same ones."""
    from whoosh.qparser import QueryParser

    from indexer.store.bulkwrite import ParallelBuild
    from indexer.store.schema import report_documents

    assert len(corpus_reports) == 5
    index = whoosh_index.create_in(str(tmp_path), make_schema())
    build = ParallelBuild(index, 2, report_documents, FAST_FIELDS, segment_postings=segment_postings)
    runs = ReportRouter(2, [(r.source_file, 1) for r in corpus_reports], lambda *_: None).runs
    by_file = {r.source_file: r for r in corpus_reports}
    for worker, run in enumerate(runs):
        for name in run:
            build.feed(worker).add_report(by_file[name])
    build.commit()
    index = whoosh_index.open_dir(str(tmp_path))
    assert len(index._segments()) == segments
    expected = [p.id for name in runs[0] + runs[1] for p in by_file[name].paragraphs]
    with index.searcher() as searcher:
        stored = [fields["id"] for fields in searcher.all_stored_fields()]
        assert stored == expected
        query = QueryParser("text", index.schema).parse("custody")
        found = sorted(hit["id"] for hit in searcher.search(query, limit=None))
    assert found == sorted(p.id for r in corpus_reports for p in r.paragraphs if "custody" in p.text.lower())


def test_a_writer_process_that_dies_stops_the_build_instead_of_hanging(tmp_path, corpus_reports):
    """Reports wait in a bounded queue; once the writer is gone, handing it one more is an error, not a wait."""
    import os
    import signal
    import time

    from indexer.store.bulkwrite import QUEUED_REPORTS, ParallelBuild
    from indexer.store.schema import report_documents

    index = whoosh_index.create_in(str(tmp_path), make_schema())
    build = ParallelBuild(index, 1, report_documents, FAST_FIELDS)
    try:
        (process,) = build._processes
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
        feed = build.feed(0)
        started = time.monotonic()
        with pytest.raises(RuntimeError, match=r"index writer process died \(exit code -9\)"):
            for _ in range(QUEUED_REPORTS + 2):
                feed.add_report(corpus_reports[0])
        assert time.monotonic() - started < 10
    finally:
        build.cancel()
