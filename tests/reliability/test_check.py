"""`findings check`: differences between index and corpus are found, printed, and repaired."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.store.check import CHANGED, INCONSISTENT, NOT_INDEXED, ORPHAN, check_index, find_differences
from indexer.store.generations import current_generation, writer_lock
from indexer.store.indexing import index_corpus

from reportgen import report_text, write_corpus
from support import index_contents, run_findings


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, Path]:
    corpus = write_corpus(tmp_path / "corpus", dict.fromkeys(range(4), 0), paragraphs=6)
    index_dir = tmp_path / "index"
    assert index_corpus(corpus, index_dir, workers=0).failed == []
    return corpus, index_dir


def _run(corpus: Path, index_dir: Path, *, repair: bool = False) -> tuple[int, list[str]]:
    lines: list[str] = []
    return check_index(corpus, index_dir, repair=repair, echo=lines.append), lines


def test_clean_index_checks_clean(indexed):
    """An index built from the corpus has no differences: exit 0 and one summary line."""
    corpus, index_dir = indexed
    status, lines = _run(corpus, index_dir)
    assert (status, lines) == (0, [f"The index (gen-000001, 4 reports, 52 paragraphs) matches {corpus}."])


def test_changed_missing_and_orphaned_files_are_listed(indexed):
    """An edit, a new file and a deleted file are each reported by name, with exit 1."""
    corpus, index_dir = indexed
    (corpus / "report-000.md").write_text(report_text(0, 9, paragraphs=6), encoding="utf-8")
    (corpus / "new.md").write_text(report_text(7, paragraphs=6), encoding="utf-8")
    (corpus / "report-003.md").unlink()
    (corpus / "copy.md").write_text((corpus / "report-001.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = find_differences(corpus, index_dir)
    assert [(d.kind, d.subject) for d in result.differences] == [
        (NOT_INDEXED, "new.md"),
        (CHANGED, "report-000.md"),
        (ORPHAN, "report-003.md"),
    ]
    assert result.skipped == (("copy.md", "duplicate content: same as report-001.md"),)
    status, lines = _run(corpus, index_dir)
    assert status == 1
    assert lines == [
        "not indexed: new.md",
        "changed since indexed: report-000.md (content hash differs)",
        "indexed but no longer in the corpus: report-003.md",
        "skipped: copy.md: duplicate content: same as report-001.md",
        f"3 differences between the index (gen-000001, 4 reports, 52 paragraphs) and {corpus}.",
        "Run `findings check --repair` to re-index what differs.",
    ]


def test_repair_reindexes_and_then_reports_clean(indexed):
    """--repair runs the indexer on what differs, checks again, and exits 0."""
    corpus, index_dir = indexed
    (corpus / "report-000.md").write_text(report_text(0, 9, paragraphs=6), encoding="utf-8")
    (corpus / "report-003.md").unlink()
    status, lines = _run(corpus, index_dir, repair=True)
    assert status == 0
    assert lines[-3:] == [
        "Repairing: re-indexing what differs.",
        "1 indexed, 2 unchanged, 1 removed, 0 failed.",
        f"The index (gen-000002, 3 reports, 39 paragraphs) matches {corpus}.",
    ]
    assert find_differences(corpus, index_dir).clean


def test_damaged_index_is_inconsistent_and_repair_rebuilds(indexed):
    """Paragraphs missing from whoosh (manifest says otherwise) need a rebuild; --repair does one."""
    corpus, index_dir = indexed
    live = current_generation(index_dir)
    from indexer.store.generations import open_generation

    writer = open_generation(live).writer()
    writer.delete_by_term("report_id", "report-002")
    writer.commit()
    result = find_differences(corpus, index_dir)
    assert [(d.kind, d.subject, d.detail) for d in result.differences] == [
        (INCONSISTENT, "report-002", "0 paragraphs in the index, 13 in the manifest")
    ]
    status, lines = _run(corpus, index_dir, repair=True)
    assert status == 0, lines
    assert "Repairing: rebuilding the whole index." in lines
    assert len(index_contents(index_dir).paragraph_ids) == 52


def test_unreadable_manifest_is_inconsistent_and_repair_rebuilds(indexed):
    """A manifest that is not JSON is reported, and the repair run rebuilds instead of crashing."""
    corpus, index_dir = indexed
    (current_generation(index_dir) / "manifest.json").write_text("{not json", encoding="utf-8")
    result = find_differences(corpus, index_dir)
    assert [(d.kind, d.subject) for d in result.differences] == [(INCONSISTENT, "gen-000001")]
    assert result.differences[0].detail.startswith("manifest unreadable: ")
    status, lines = _run(corpus, index_dir, repair=True)
    assert status == 0, lines
    assert find_differences(corpus, index_dir).clean


def test_missing_index_is_reported_and_repair_builds_it(tmp_path):
    """No index at all: check says so; --repair builds one."""
    corpus = write_corpus(tmp_path / "corpus", {0: 0}, paragraphs=4)
    index_dir = tmp_path / "index"
    status, lines = _run(corpus, index_dir)
    assert status == 1
    assert lines == [
        f"index inconsistent: - (no index in {index_dir})",
        f"1 difference between the index (not built) and {corpus}.",
        "Run `findings check --repair` to re-index what differs.",
    ]
    status, lines = _run(corpus, index_dir, repair=True)
    assert (status, lines[-1]) == (0, f"The index (gen-000001, 1 report, 11 paragraphs) matches {corpus}.")


def test_file_that_cannot_be_indexed_stays_a_difference_after_repair(indexed):
    """A file that fails to parse is reported with its reason, and the exit status stays 1."""
    corpus, index_dir = indexed
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    status, lines = _run(corpus, index_dir, repair=True)
    assert status == 1
    assert "failed: broken.txt: binary file, not text (too many control characters)" in lines
    assert lines[-2:] == [
        "not indexed: broken.txt",
        f"1 difference between the index (gen-000001, 4 reports, 52 paragraphs) and {corpus}.",
    ]


def test_repair_while_locked_says_so(indexed):
    """--repair while another indexer runs reports the lock and exits 1, changing nothing."""
    corpus, index_dir = indexed
    (corpus / "report-003.md").unlink()
    with writer_lock(index_dir):
        status, lines = _run(corpus, index_dir, repair=True)
    assert status == 1
    assert lines[-1].startswith("cannot repair: index is locked")


def test_cli_check_exit_status(indexed):
    """`findings check` prints differences and exits 1; `--repair` then 0; no traceback."""
    corpus, index_dir = indexed
    shutil.copy(corpus / "report-000.md", corpus / "sub-copy.md")
    (corpus / "report-001.md").write_text(report_text(1, 5, paragraphs=6), encoding="utf-8")
    result = run_findings("check", str(corpus), "--index-dir", str(index_dir))
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        1,
        "changed since indexed: report-001.md (content hash differs)",
    )
    repaired = run_findings("check", str(corpus), "--index-dir", str(index_dir), "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "Traceback" not in repaired.stderr
    again = run_findings("check", str(corpus), "--index-dir", str(index_dir))
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        "skipped: sub-copy.md: duplicate content: same as report-000.md",
        f"The index (gen-000002, 4 reports, 52 paragraphs) matches {corpus}.",
    ]


def test_missing_segment_file_is_inconsistent_and_repair_rebuilds(indexed):
    """A live generation that lost a segment file cannot be read: reported, and rebuilt by --repair."""
    corpus, index_dir = indexed
    for segment in current_generation(index_dir).glob("*.seg"):
        segment.unlink()
    result = find_differences(corpus, index_dir)
    assert [(d.kind, d.subject) for d in result.differences] == [(INCONSISTENT, "gen-000001")]
    assert result.differences[0].detail.startswith("cannot read the index: ")
    status, lines = _run(corpus, index_dir, repair=True)
    assert status == 0, lines
    assert len(index_contents(index_dir).paragraph_ids) == 52
