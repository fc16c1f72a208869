"""How a file was read, for ``findings inspect`` and the web app: facts with their sources, and what was dropped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.pipeline import parse_report_with_structure
from indexer.model import Paragraph, Report


@dataclass(frozen=True)
class Reading:
    """One file as Findings reads it."""

    report: Report
    facts: dict[str, list[tuple[str, str]]]
    """Front-matter field -> (value, the line it came from)."""
    sections: list[tuple[str, str]]
    """(heading, section type), in order."""
    findings: list[Paragraph]
    """The paragraphs that are findings, in order."""

    def as_dict(self) -> dict:
        report = self.report
        return {
            "file": report.source_file,
            "facts": {name: [{"value": v, "from": line} for v, line in pairs] for name, pairs in self.facts.items()},
            "sections": [{"heading": heading, "section_type": kind} for heading, kind in self.sections],
            "findings": [
                {
                    "finding_type": p.finding_type,
                    "number": p.finding_label,
                    "addressees": list(p.addressees),
                    "deadline": p.deadline,
                    "text": p.text,
                }
                for p in self.findings
            ],
            "grades": [
                {"section": section, "grade": grade}
                for section, grade in dict.fromkeys((p.section, p.grade) for p in report.paragraphs if p.grade)
            ],
            "dropped": [{"text": item.text, "reason": item.reason} for item in report.dropped],
            "words_read": report.words_read,
            "words_indexed": report.words_indexed,
            "coverage": round(report.coverage, 3),
        }


def read_explained(path: Path) -> Reading:
    """Parse one file and say how: raises ReportParseError as :func:`parse_report` does."""
    report, _, _ = parse_report_with_structure(path, path.parent)
    sections: list[tuple[str, str]] = []
    for paragraph in report.paragraphs:
        if not sections or sections[-1][0] != paragraph.section:
            sections.append((paragraph.section, paragraph.section_type))
    findings = [paragraph for paragraph in report.paragraphs if paragraph.finding_type]
    facts: dict[str, list[tuple[str, str]]] = {}
    for name, value, line in report.facts:
        facts.setdefault(name, []).append((value, line))
    for name in ("inspectorates", "forces", "programme"):
        facts.setdefault(name, [])
    return Reading(report, facts, sections, findings)
