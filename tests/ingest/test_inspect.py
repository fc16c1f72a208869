"""`findings inspect` and the index run's coverage report: how a file was read, and what was dropped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import main

GENRE = Path(__file__).resolve().parents[1] / "data" / "genre"


def test_inspect_shows_facts_with_their_lines_findings_and_dropped_text():
    """The JSON reading of a custody report: each fact's source line, numbered findings, dropped lines with reasons."""
    result = CliRunner().invoke(main, ["inspect", str(GENRE / "custody-joint-inspection.txt"), "--json"])
    assert result.exit_code == 0, result.output
    reading = json.loads(result.stdout)
    assert reading["facts"]["published"] == [
        {
            "value": "2018-01-23",
            "from": "This report describes what we found during an unannounced inspection of the four custody suites "
            "run jointly by Warwickshire Police and West Mercia Police, published on 23 January 2018.",
        }
    ]
    assert [fact["value"] for fact in reading["facts"]["inspectorates"]] == ["HMICFRS", "HMI Prisons"]
    assert [(f["finding_type"], f["number"]) for f in reading["findings"]] == [
        ("cause_of_concern", "1.3"),
        ("recommendation", "1.4"),
        ("area_for_improvement", "1.5"),
        ("area_for_improvement", "1.6"),
        ("notable_practice", "1.7"),
    ]
    assert reading["dropped"][:2] == [
        {"text": "Contents", "reason": "contents heading"},
        {"text": "Introduction ................................................ 5", "reason": "contents line"},
    ]
    assert (reading["words_read"], reading["words_indexed"]) == (290, 245)


def test_inspect_prints_labelled_findings_numbers():
    """Printed numbers such as "AFI 2" are shown with each finding."""
    result = CliRunner().invoke(main, ["inspect", str(GENRE / "force-response-minutes.txt")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Document type: force_response" in lines
    assert [line.split(":")[0] for line in lines if line.startswith("  area_for_improvement")] == [
        "  area_for_improvement (AFI 1; the force, police)",
        "  area_for_improvement (AFI 2; the force, police)",
    ]


def test_inspect_refuses_a_file_with_no_text(tmp_path):
    """A file that cannot be read gets its name and reason, not a traceback."""
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(empty)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {empty}: empty file\n"


def test_index_reports_each_files_coverage_and_names_low_ones(tmp_path):
    """`findings index` prints each file's share of words indexed, warns about low ones and names them at the end."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("peel-question-page.txt", "thematic-report.txt"):
        shutil.copy(GENRE / name, corpus / name)
    result = CliRunner().invoke(main, ["index", str(corpus), "--index-dir", str(tmp_path / "index"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  peel-question-page.txt: 78% of its words indexed",
        "  thematic-report.txt: 100% of its words indexed",
    ]
    assert result.stderr.splitlines() == [
        f"warning: peel-question-page.txt: only 78% of its words were indexed; `findings inspect "
        f"{corpus / 'peel-question-page.txt'}` shows what was dropped and why",
        "low coverage (under 80% of words indexed): peel-question-page.txt",
    ]
