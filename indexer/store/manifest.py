"""The manifest of a generation: one entry per report, response links and the corpus's glossary."""

from __future__ import annotations

from datetime import UTC, datetime

from indexer.ingest.metadata import normalise_title
from indexer.model import REPORT_TYPES, RESPONSE_TYPES, Report
from indexer.store.schema import SCHEMA_VERSION


def report_entry(report: Report) -> dict:
    """The manifest's record of one report."""
    meta = report.meta
    return {
        "report_id": report.report_id,
        "source_file": report.source_file,
        "content_hash": report.content_hash,
        "title": meta.title,
        "doc_type": meta.doc_type,
        "published": meta.published,
        "inspectorates": list(meta.inspectorates),
        "forces": list(meta.forces),
        "areas": list(meta.areas),
        "source_url": meta.source_url,
        "responds_to_title": meta.responds_to_title,
        "responds_to_published": meta.responds_to_published,
        "author": meta.author,
        "programme": list(meta.programme),
        "responds_to_override": report.responds_to,
        "responds_to": None,
        "paragraph_count": len(report.paragraphs),
        "defined_acronyms": [list(pair) for pair in report.defined_acronyms],
        "words_read": report.words_read,
        "words_indexed": report.words_indexed,
        "dropped": [[item.text, item.reason] for item in report.dropped],
        "facts": [list(fact) for fact in report.facts],
    }


def link_responses(reports: dict[str, dict]) -> None:
    """Point each PCC response at the report it answers, when that report is indexed."""
    by_title = {
        normalise_title(entry["title"]): report_id
        for report_id, entry in reports.items()
        if entry["doc_type"] in REPORT_TYPES
    }
    by_url = {
        entry["source_url"]: report_id
        for report_id, entry in reports.items()
        if entry["doc_type"] in REPORT_TYPES and entry["source_url"]
    }
    for report_id, entry in reports.items():
        target = None
        override = entry.get("responds_to_override")
        if override:
            target = override if override in reports else by_title.get(normalise_title(override))
        elif entry["doc_type"] in RESPONSE_TYPES:
            target = by_title.get(normalise_title(entry.get("responds_to_title") or "")) or by_url.get(
                entry.get("source_url") or ""
            )
        entry["responds_to"] = target if target != report_id else None


def build_manifest(reports: dict[str, dict], number: int, chain: dict | None = None) -> dict:
    """The manifest of a generation: its reports, the glossary they define, and the accountability chain."""
    glossary: dict[str, str] = {}
    for report_id in sorted(reports):
        for acronym, expansion in reports[report_id]["defined_acronyms"]:
            glossary.setdefault(acronym, expansion)
    return {
        "schema_version": SCHEMA_VERSION,
        "generation": number,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reports": reports,
        "glossary": glossary,
        "links": (chain or {}).get("links", []),
        "findings": (chain or {}).get("findings", {}),
    }
