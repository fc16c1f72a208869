"""The whoosh schema and the mapping between a paragraph and its whoosh document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.model import Paragraph, Report
from indexer.store.analysis import PairAnalyzer, make_analyzer, make_word_analyzer

SCHEMA_VERSION = 4
"""Bumped when documents change shape: an index of another version is rebuilt, not updated."""


FAST_FIELDS = {"text": "positions", "pairs": "pairs", "section": "counts", "words": "words"}
"""Fields a full build analyses through the cached fast path (see :mod:`indexer.bulkwrite`)."""
FACET_FIELDS = ("inspectorates", "forces", "themes", "section_type", "finding_type", "doc_type", "year")
"""Fields with facet counts, in display order."""
MULTI_VALUED = ("inspectorates", "forces", "areas", "themes")
FINDING_BOOST = 1.25
"""Findings outrank ordinary prose that uses the same words as often."""


def make_schema() -> Schema:
    """One whoosh document per paragraph (see :class:`indexer.model.Paragraph`)."""
    analyzer = make_analyzer()
    keyword = {"stored": True, "commas": True, "lowercase": False, "scorable": False}
    return Schema(
        id=ID(stored=True, unique=True),
        report_id=ID(stored=True),
        report_title=STORED(),
        section=TEXT(stored=True, analyzer=analyzer, phrase=False),
        section_type=ID(stored=True),
        finding_type=ID(stored=True),
        paragraph_number=NUMERIC(stored=True, sortable=True),
        anchor=STORED(),
        page=STORED(),
        doc_type=ID(stored=True),
        published=ID(stored=True, sortable=True),
        year=ID(stored=True),
        inspectorates=KEYWORD(**keyword),
        forces=KEYWORD(**keyword),
        areas=KEYWORD(**keyword),
        themes=KEYWORD(**keyword),
        source_url=STORED(),
        source_file=ID(stored=True),
        text=TEXT(stored=True, analyzer=analyzer, phrase=True),
        words=TEXT(analyzer=make_word_analyzer(), phrase=False),
        # Consecutive-position word pairs of ``text`` (see indexer.store.analysis.PairAnalyzer):
        # phrase queries look them up before whoosh checks positions.
        pairs=TEXT(analyzer=PairAnalyzer(), phrase=False),
        footnotes=STORED(),
        is_bullet=STORED(),
    )


def to_document(paragraph: Paragraph) -> dict:
    """The whoosh fields of one paragraph."""
    document = {
        "id": paragraph.id,
        "report_id": paragraph.report_id,
        "report_title": paragraph.report_title,
        "section": paragraph.section,
        "section_type": paragraph.section_type,
        "paragraph_number": paragraph.paragraph_number,
        "anchor": paragraph.anchor,
        "page": paragraph.page,
        "doc_type": paragraph.doc_type,
        "source_url": paragraph.source_url,
        "source_file": paragraph.source_file,
        "text": paragraph.text,
        "words": paragraph.text,
        "pairs": paragraph.text,
        "footnotes": [[note.marker, note.text] for note in paragraph.footnotes],
        "is_bullet": paragraph.is_bullet,
    }
    if paragraph.finding_type:
        document["finding_type"] = paragraph.finding_type
        document["_boost"] = FINDING_BOOST
    if paragraph.published:
        document["published"] = paragraph.published
        document["year"] = paragraph.published[:4]
    for name in MULTI_VALUED:
        values = [value.replace(",", " ") for value in getattr(paragraph, name)]
        if values:
            document[name] = ",".join(values)
    return document


def from_document(stored: dict) -> dict:
    """The paragraph record (as :meth:`Paragraph.to_record` gives it) of stored fields."""
    record = {
        "id": stored["id"],
        "report_id": stored["report_id"],
        "report_title": stored.get("report_title"),
        "section": stored.get("section"),
        "section_type": stored.get("section_type"),
        "finding_type": stored.get("finding_type"),
        "paragraph_number": stored.get("paragraph_number"),
        "anchor": stored.get("anchor"),
        "page": stored.get("page"),
        "doc_type": stored.get("doc_type"),
        "published": stored.get("published"),
        "year": int(stored["year"]) if stored.get("year") else None,
        "source_url": stored.get("source_url"),
        "source_file": stored.get("source_file"),
        "text": stored.get("text"),
        "footnotes": [{"marker": marker, "text": text} for marker, text in stored.get("footnotes") or []],
        "is_bullet": bool(stored.get("is_bullet")),
    }
    for name in MULTI_VALUED:
        value = stored.get(name)
        record[name] = value.split(",") if value else []
    return {key: record[key] for key in RECORD_ORDER}


RECORD_ORDER = (
    "id", "report_id", "report_title", "section", "section_type", "finding_type", "paragraph_number",
    "anchor", "page", "doc_type", "published", "year", "inspectorates", "forces", "areas", "source_url",
    "source_file", "themes", "text", "footnotes", "is_bullet",
)  # fmt: skip


def report_documents(report: Report) -> Iterator[dict]:
    """The whoosh documents of one report's paragraphs."""
    for paragraph in report.paragraphs:
        yield to_document(paragraph)


def add_reports(writer, reports: Iterable[Report]) -> int:
    """Add every paragraph of ``reports``; returns how many.

    ``writer`` is a whoosh writer, or a full build's feed (which takes whole
    reports, see :meth:`Generation.parallel_build`).
    """
    count = 0
    for report in reports:
        if hasattr(writer, "add_report"):
            writer.add_report(report)
            count += len(report.paragraphs)
            continue
        for paragraph in report.paragraphs:
            writer.add_document(**to_document(paragraph))
            count += 1
    return count
