"""How a file was read, for ``findings inspect`` and the web app: facts with their sources, and what was dropped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.metadata import evidence
from indexer.ingest.pipeline import parse_report_with_structure
from indexer.ingest.structure import finding_number
from indexer.model import Report


@dataclass(frozen=True)
class Reading:
    """One file as Findings reads it."""

    report: Report
    facts: dict[str, list[tuple[str, str]]]
    """Front-matter field -> (value, the line it came from)."""
    sections: list[tuple[str, str]]
    """(heading, section type), in order."""
    findings: list[tuple[str, str | None, str]]
    """(finding type, number as printed, text)."""

    def as_dict(self) -> dict:
        report = self.report
        return {
            "file": report.source_file,
            "facts": {name: [{"value": v, "from": line} for v, line in pairs] for name, pairs in self.facts.items()},
            "sections": [{"heading": heading, "section_type": kind} for heading, kind in self.sections],
            "findings": [
                {"finding_type": kind, "number": number, "text": text} for kind, number, text in self.findings
            ],
            "dropped": [{"text": item.text, "reason": item.reason} for item in report.dropped],
            "words_read": report.words_read,
            "words_indexed": report.words_indexed,
            "coverage": round(report.coverage, 3),
        }


def read_explained(path: Path) -> Reading:
    """Parse one file and say how: raises ReportParseError as :func:`parse_report` does."""
    report, structure, full_text = parse_report_with_structure(path, path.parent)
    sections: list[tuple[str, str]] = []
    for paragraph in report.paragraphs:
        if not sections or sections[-1][0] != paragraph.section:
            sections.append((paragraph.section, paragraph.section_type))
    findings = [
        (paragraph.finding_type, finding_number(paragraph.text), paragraph.text)
        for paragraph in report.paragraphs
        if paragraph.finding_type
    ]
    return Reading(report, evidence(report.meta, structure, full_text), sections, findings)
