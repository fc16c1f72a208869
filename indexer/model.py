"""The data contract: raw blocks from readers, and the report and paragraph records.

Readers turn a file into a list of :class:`Block`. ``clean`` repairs the blocks,
``structure`` turns them into sections and paragraphs, ``metadata`` reads the
report's facts, and ``store`` writes one whoosh document per :class:`Paragraph`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

BlockKind = Literal["text", "bullet", "heading", "footnote", "signature"]

SECTION_TYPES = (
    "summary",
    "key_strengths",
    "areas_for_improvement",
    "key_findings",
    "recommendations",
    "case_study",
    "next_steps",
    "pcc_response",
    "chief_constable_response",
    "other",
)

FINDING_TYPES = ("strength", "area_for_improvement", "recommendation", "key_finding")

DOC_TYPES = ("inspection_report", "pcc_response")


class ReportParseError(Exception):
    """A file could not be read as a report; ``reason`` says why, for the user."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Footnote:
    """A footnote taken out of the text flow."""

    marker: str
    """The marker as printed, normalised to digits (``"1"``)."""
    text: str


@dataclass(frozen=True)
class Block:
    """One visual block of a document, as a reader found it."""

    text: str
    """The block's text. Lines inside it are joined by ``\\n`` until ``clean`` joins them."""
    kind: BlockKind = "text"
    """``heading`` only when the format says so (HTML ``<h2>``, markdown ``#``, large PDF type)."""
    page: int | None = None
    """1-based PDF page the block starts on, or None when the format has no pages."""
    after_page_break: bool = False
    """True when a page break comes right before this block."""
    level: int = 0
    """Heading level (1 = title) when the format gives one, else 0."""
    marker: str = ""
    """The footnote marker (``¹``, ``2``) of a footnote block, or the bullet/number label."""
    links: tuple[str, ...] = ()
    """Targets of the links in the block (markdown and HTML), in order."""
    footnotes: tuple[Footnote, ...] = ()
    """Footnotes whose markers ``clean`` took out of this block's text."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report: the unit that is indexed, found and cited."""

    id: str
    """Globally unique and stable: ``{report_id}-{anchor}``."""
    report_id: str
    report_title: str
    section: str
    """The heading the paragraph sits under, as printed."""
    section_type: str
    """One of :data:`SECTION_TYPES`."""
    finding_type: str | None
    """One of :data:`FINDING_TYPES` for a bullet in a findings section, else None."""
    paragraph_number: int
    """1-based, in reading order, within the report."""
    anchor: str
    """HTML id, derived from the content, stable when other paragraphs change."""
    page: int | None
    doc_type: str
    published: str | None
    """ISO date: ``YYYY-MM-DD``, or ``YYYY-MM`` when the document gives only a month."""
    year: int | None
    inspectorates: tuple[str, ...]
    forces: tuple[str, ...]
    areas: tuple[str, ...]
    source_url: str | None
    source_file: str
    themes: tuple[str, ...]
    text: str
    footnotes: tuple[Footnote, ...] = ()
    is_bullet: bool = False

    def to_record(self) -> dict:
        """The JSON-ready record used by the CLI, the API and the web app."""
        record = asdict(self)
        for name in ("inspectorates", "forces", "areas", "themes"):
            record[name] = list(record[name])
        record["footnotes"] = [dict(f) for f in record["footnotes"]]
        return record


@dataclass(frozen=True)
class ReportMeta:
    """Facts about a report, read from its text (and an optional sidecar)."""

    title: str
    doc_type: str
    published: str | None
    inspectorates: tuple[str, ...]
    forces: tuple[str, ...]
    areas: tuple[str, ...]
    source_url: str | None
    responds_to_title: str | None = None
    """For a PCC response, the title of the report it answers, as the text gives it."""


@dataclass(frozen=True)
class Report:
    """A parsed report: its metadata and its paragraphs in reading order."""

    report_id: str
    source_file: str
    content_hash: str
    meta: ReportMeta
    paragraphs: tuple[Paragraph, ...]
    responds_to: str | None = None
    """report_id of the report this PCC response answers, when it is in the corpus."""
    defined_acronyms: tuple[tuple[str, str], ...] = field(default=())
    """(acronym, expansion) pairs the text defines in place."""
