"""Paragraph numbers as printed, and citations that never imply a number the report does not print."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.pipeline import parse_report
from indexer.search.citation import citation, ordinal

GENRE = Path(__file__).resolve().parents[1] / "data" / "genre"


def test_printed_paragraph_numbers_are_kept():
    """A custody report's "1.4 Recommendation: ..." keeps 1.4 as its printed number; unnumbered text has none."""
    path = GENRE / "custody-joint-inspection.txt"
    numbers = [(p.printed_number, p.text[:12]) for p in parse_report(path, path.parent).paragraphs]
    assert numbers[:3] == [(None, "4–15 Septemb"), (None, "This report "), (None, "Custody insp")]
    assert [number for number, _ in numbers if number] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]


RECORD = {
    "inspectorates": ["HMICFRS"], "doc_type": "inspection_report", "forces": [], "section": "Summary",
    "section_type": "summary", "report_title": "A report", "published": "2018-01-23", "page": None,
}  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "number", "where"),
    [("3.14", 40, "Summary, para 3.14"), (None, 36, "Summary, 36th paragraph"), (None, 2, "Summary, 2nd paragraph")],
)
def test_citation_says_para_only_for_a_printed_number(printed, number, where):
    """"para 3.14" where the report prints it; otherwise "36th paragraph", counted in reading order."""
    record = dict(RECORD, printed_number=printed, paragraph_number=number)
    assert citation(record, "https://findings.example.org/p/x")["text"] == (
        f'HMICFRS, "A report", 23 January 2018, {where}, https://findings.example.org/p/x'
    )


def test_ordinals():
    """English ordinal suffixes, teens included."""
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 36, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "36th", "101st", "111th"
    ]  # fmt: skip
