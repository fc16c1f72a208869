"""A generated multi-page PDF through the whole pipeline: paragraphs, pages, findings, footnotes."""

from __future__ import annotations

from indexer.ingest.pipeline import parse_report

from .test_pdf_reader import _report


def test_pdf_report_paragraphs(tmp_path):
    """The bullet cut by the page break is one finding on its first page; the footnote is attached."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = parse_report(_report(corpus / "anyshire.pdf"), corpus)
    assert report.meta.title == "Inspection of Anyshire Police"
    assert [(p.section_type, p.finding_type, p.page, p.text) for p in report.paragraphs] == [
        (
            "summary",
            None,
            1,
            "We found that the force has improved how it protects vulnerable people since our last inspection in 2019.",
        ),
        ("summary", None, 1, "It still needs to improve in two areas."),
        (
            "areas_for_improvement",
            "area_for_improvement",
            1,
            "The force should make sure that supervisors review all crime reports.",
        ),
        ("areas_for_improvement", "area_for_improvement", 1, "The force should train its call handlers."),
        ("areas_for_improvement", "area_for_improvement", 1, "Numbered item one."),
        (
            "areas_for_improvement",
            "area_for_improvement",
            1,
            "The force should improve how it records crimes against children.",
        ),
        ("next_steps", None, 2, "We will return to the force in 2022 to check on its progress."),
    ]
    assert [(f.marker, f.text) for f in report.paragraphs[0].footnotes] == [
        ("1", "See the 2019 inspection report, published in March.")
    ]
