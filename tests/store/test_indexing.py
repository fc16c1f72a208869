"""Indexing runs: incremental updates, stable anchors, links between reports, bad files, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.search.service import SearchService
from indexer.store.generations import current_generation, read_manifest, writer_lock
from indexer.store.indexing import index_corpus

REPORT = """Inspection of custody in Exampleshire

The report was published on 3rd March 2021.

Key findings

- Children are held in custody overnight too often.
- The force does not record the reasons for detention.

Recommendations

1. All chief constables should review custody for children.
"""


def ids(index_dir: Path) -> dict[str, list[str]]:
    with SearchService(index_dir) as service:
        out: dict[str, list[str]] = {}
        for record in service.all_paragraphs():
            out.setdefault(record["report_id"], []).append(record["anchor"])
        return out


def test_incremental_run_touches_only_changes(make_corpus, tmp_path):
    """Unchanged files are skipped; changed, added and removed ones are handled."""
    corpus = make_corpus({"a.md": REPORT, "b.md": REPORT.replace("Exampleshire", "Otherton")})
    index_dir = tmp_path / "index"
    first = index_corpus(corpus, index_dir, workers=0)
    assert (first.indexed, first.unchanged, first.removed, first.failed) == (["a.md", "b.md"], [], [], [])
    again = index_corpus(corpus, index_dir, workers=0)
    assert (again.indexed, again.unchanged, again.generation) == ([], ["a.md", "b.md"], first.generation)
    (corpus / "b.md").unlink()
    (corpus / "c.md").write_text(REPORT.replace("Exampleshire", "Thirdshire"), encoding="utf-8")
    third = index_corpus(corpus, index_dir, workers=0)
    assert (third.indexed, third.unchanged, third.removed) == (["c.md"], ["a.md"], ["b.md"])
    assert sorted(ids(index_dir)) == ["a", "c"]


def test_anchor_survives_edits_to_other_paragraphs(make_corpus, tmp_path):
    """Editing, adding or removing one paragraph leaves the others' anchors alone."""
    corpus = make_corpus({"a.md": REPORT})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    before = ids(index_dir)["a"]
    edited = REPORT.replace("- The force does not record", "- A new finding comes first.\n- The force does not record")
    edited = edited.replace("too often.", "too often, say inspectors.")
    (corpus / "a.md").write_text(edited, encoding="utf-8")
    index_corpus(corpus, index_dir, workers=0)
    after = ids(index_dir)["a"]
    assert len(after) == len(before) + 1
    unchanged = [a for i, a in enumerate(before) if i != 1]  # paragraph 2 was edited
    assert set(unchanged) <= set(after)
    assert before[1] not in after


def test_findings_and_metadata_of_a_markdown_report(make_corpus, tmp_path):
    """Headings, bullets and numbered items become typed findings with report metadata."""
    corpus = make_corpus({"exampleshire.md": REPORT})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    with SearchService(index_dir) as service:
        records = list(service.all_paragraphs())
    assert [(r["section_type"], r["finding_type"], r["paragraph_number"]) for r in records] == [
        ("summary", None, 1),
        ("key_findings", "key_finding", 2),
        ("key_findings", "key_finding", 3),
        ("recommendations", "recommendation", 4),
    ]
    assert {(r["published"], r["year"], r["report_title"]) for r in records} == {
        ("2021-03-03", 2021, "Inspection of custody in Exampleshire")
    }


def test_response_links_to_report_in_corpus(service):
    """The Plymouth PCC response points at the Plymouth letter, and back."""
    response = service.report("plymouth-jtai-2020-pcc-response")
    letter = service.report("plymouth-jtai-2020-letter")
    assert response["responds_to_report"] == {
        "report_id": "plymouth-jtai-2020-letter",
        "title": "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth",
    }
    assert [r["report_id"] for r in letter["responses"]] == ["plymouth-jtai-2020-pcc-response"]
    others = [service.report(r)["responds_to_report"] for r in (
        "feeling-heard-jtai-thematic-2020-pcc-response",
        "national-child-protection-inspections-2019-pcc-response",
        "portsmouth-jtai-2020-hampshire-opcc-response",
    )]
    assert others == [None, None, None]


def test_sidecar_overrides_fields(make_corpus, tmp_path):
    """A .meta.toml sidecar overrides what the text says; bad sidecars are reported."""
    corpus = make_corpus({
        "a.md": REPORT,
        "a.meta.toml": 'published = "2022-06-01"\nforces = ["Kent Police"]\n',
        "b.md": REPORT,
        "b.meta.toml": 'colour = "blue"\n',
    })
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert summary.failed == [("b.md", "sidecar b.meta.toml has unknown fields: colour")]
    with SearchService(tmp_path / "index") as service:
        record = next(service.all_paragraphs())
    assert (record["published"], record["forces"]) == ("2022-06-01", ["Kent Police"])


BAD_FILES = {
    "empty.txt": b"",
    "blank.md": b"   \n\n  ",
    "binary.txt": bytes(range(256)) * 8,
    "fake.pdf": b"this is not a PDF at all",
    "broken.html": b"<html><body><div><p>",
}
EXPECTED_REASONS = {
    "empty.txt": "empty file",
    "blank.md": "empty file",
    "binary.txt": "binary file, not text (contains NUL bytes)",
}


def test_bad_files_are_reported_and_the_rest_indexed(make_corpus, tmp_path):
    """Each bad file fails with its reason; the good file is indexed anyway."""
    corpus = make_corpus({"good.md": REPORT, **BAD_FILES})
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert summary.indexed == ["good.md"]
    reasons = dict(summary.failed)
    assert sorted(reasons) == sorted(BAD_FILES)
    for name, reason in EXPECTED_REASONS.items():
        assert reasons[name] == reason
    assert "PDF" in reasons["fake.pdf"]
    assert reasons["broken.html"] == "no text found"


def test_cp1252_and_bom_files_decode(make_corpus, tmp_path):
    """cp1252 curly quotes and a UTF-8 BOM both come out as clean text."""
    text = "Inspection of Westshire\n\nThe force’s “front door” works well.\n"
    corpus = make_corpus({"cp.txt": text.encode("cp1252"), "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8")})
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as service:
        texts = {r["source_file"]: r["text"] for r in service.all_paragraphs()}
    expected = "The force's \"front door\" works well."
    assert texts == {"bom.txt": expected, "cp.txt": expected}


def test_failed_run_keeps_previous_index(make_corpus, tmp_path, monkeypatch):
    """An exception during the build leaves the previous generation live and searchable."""
    corpus = make_corpus({"a.md": REPORT})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    live = current_generation(index_dir)
    (corpus / "b.md").write_text(REPORT.replace("Exampleshire", "Otherton"), encoding="utf-8")
    import indexer.store.writing as writing

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writing, "add_reports", explode)
    with pytest.raises(RuntimeError):
        index_corpus(corpus, index_dir, workers=0)
    assert current_generation(index_dir) == live
    assert sorted(ids(index_dir)) == ["a"]
    monkeypatch.undo()
    summary = index_corpus(corpus, index_dir, workers=0)
    assert summary.indexed == ["b.md"]
    assert not [p.name for p in index_dir.iterdir() if p.name.endswith(".tmp")]


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_index_summary_and_exit_status(make_corpus, tmp_path):
    """`findings index` summarises, lists failures with reasons and exits 1 when any failed."""
    corpus = make_corpus({"good.md": REPORT, "empty.txt": b""})
    result = run_cli("index", str(corpus), "--index-dir", str(tmp_path / "index"))
    assert result.returncode == 1
    assert result.stdout.startswith("1 indexed, 0 unchanged, 0 removed, 1 failed; 4 paragraphs in ")
    assert result.stderr.strip() == "failed: empty.txt: empty file"


def test_cli_reports_lock(make_corpus, tmp_path):
    """A second indexer gets a clear "index is locked" message, not a traceback."""
    corpus = make_corpus({"good.md": REPORT})
    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        result = run_cli("index", str(corpus), "--index-dir", str(index_dir))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: index is locked")
    assert "Traceback" not in result.stderr


def test_cli_dump_matches_index(corpus_index):
    """`findings dump` prints one JSON record per paragraph with the right report facts."""
    result = run_cli("dump", env_extra={"FINDINGS_INDEX_DIR": str(corpus_index)})
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 108
    by_report = {}
    for record in records:
        by_report.setdefault(record["report_id"], set()).add(
            (record["doc_type"], record["published"], tuple(record["forces"]), tuple(record["inspectorates"]))
        )
    jtai_four = ("Ofsted", "CQC", "HMICFRS", "HMI Probation")
    assert by_report == {
        "feeling-heard-jtai-thematic-2020-pcc-response": {
            ("pcc_response", "2020-12-09", ("Devon and Cornwall Police",), jtai_four)
        },
        "national-child-protection-inspections-2019-pcc-response": {
            ("pcc_response", "2020-02-27", ("Devon and Cornwall Police",), ("HMICFRS",))
        },
        "plymouth-jtai-2020-letter": {
            ("inspection_letter", "2020-01-08", ("Devon and Cornwall Police",), jtai_four)
        },
        "plymouth-jtai-2020-pcc-response": {
            ("pcc_response", "2020-01-08", ("Devon and Cornwall Police",), jtai_four)
        },
        "portsmouth-jtai-2020-hampshire-opcc-response": {
            ("pcc_response", "2020-05", ("Hampshire and Isle of Wight Constabulary",), jtai_four)
        },
    }
    manifest = read_manifest(current_generation(corpus_index))
    assert sum(e["paragraph_count"] for e in manifest["reports"].values()) == 108


@pytest.mark.parametrize(
    "names",
    [
        ["a report.md", "a_report.md"],
        ["kent/2020.md", "kent-2020.md"],
        ["a.md", "a.txt", "a-md.txt"],
    ],
)
def test_report_ids_are_distinct(names):
    """Files whose names fold to the same slug still get different report ids."""
    from indexer.store.indexing import assign_report_ids

    ids = assign_report_ids(names)
    assert sorted(ids) == sorted(names)
    assert len(set(ids.values())) == len(names)


def test_long_names_give_short_ids():
    """Report ids stay short enough for URLs, whatever the file name."""
    from indexer.ingest.pipeline import report_id_for

    assert report_id_for("x" * 400 + ".md") == "x" * 150


def test_www_source_url_gets_a_scheme(make_corpus, tmp_path):
    """A "www." link becomes an absolute https address, not a relative link."""
    corpus = make_corpus({"a.md": "Report\n\nThe full report can be viewed here: www.example.org/r.pdf\n"})
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as service:
        assert service.report("a")["source_url"] == "https://www.example.org/r.pdf"


@pytest.mark.parametrize(
    ("sidecar", "expected"),
    [
        ('source_url = "javascript:alert(1)"\n', "sidecar source_url must be an http(s) address"),
        ("forces = 3\n", "sidecar forces must be a list of names"),
        ('forces = "Atlantis Police"\n', "sidecar names an unknown force: Atlantis Police"),
    ],
)
def test_bad_sidecar_values_are_reported(make_corpus, tmp_path, sidecar, expected):
    """Sidecar values are checked; the reason names the field."""
    corpus = make_corpus({"a.md": REPORT, "a.meta.toml": sidecar})
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert summary.failed == [("a.md", expected)]


def test_sidecar_single_value_without_brackets(make_corpus, tmp_path):
    """`forces = "Kent Police"` is one force, not a list of letters."""
    corpus = make_corpus({"a.md": REPORT, "a.meta.toml": 'forces = "Kent Police"\ninspectorates = "HMICFRS"\n'})
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as service:
        record = next(service.all_paragraphs())
    assert (record["forces"], record["inspectorates"]) == (["Kent Police"], ["HMICFRS"])


def test_a_segment_left_with_only_deleted_documents_is_dropped(make_corpus, tmp_path):
    """Replacing a report twice leaves no segment of deleted documents behind, and every paragraph is found once."""
    from indexer.search.service import SearchService
    from indexer.store.generations import current_generation, open_generation

    corpus = make_corpus({"a.md": REPORT, "b.md": REPORT.replace("Exampleshire", "Otherton")})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    for place in ("Northmoor", "Southmoor"):
        (corpus / "b.md").write_text(REPORT.replace("too often", f"too often in {place}"), encoding="utf-8")
        assert index_corpus(corpus, index_dir, workers=0).indexed == ["b.md"]
    index = open_generation(current_generation(index_dir))
    try:
        segments = [(segment.doc_count_all(), segment.deleted_count()) for segment in index._segments()]
    finally:
        index.close()
    assert all(deleted < count for count, deleted in segments), segments
    with SearchService(index_dir) as service:
        texts = [record["text"] for record in service.all_paragraphs()]
    assert len(texts) == 8
    assert [text for text in texts if "moor" in text] == [
        "Children are held in custody overnight too often in Southmoor."
    ]
