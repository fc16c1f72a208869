"""The data contract: raw blocks from readers, and the records every later stage passes on.

Readers turn a file into a list of :class:`Block`. ``clean`` repairs the blocks,
``structure`` turns them into sections and paragraphs, ``metadata`` reads the
report's facts, and ``store`` writes one whoosh document per :class:`Paragraph`.

Each record a stage hands on is defined once, here: :class:`Paragraph` (the
indexed unit, what ``findings dump`` prints), :class:`SearchHit` and
:class:`SearchResult` (what a search answers), :class:`ReportEntry` (the
manifest's record of a report) and :class:`ReportDetail` (a report with its
paragraphs). Each field carries a :class:`FieldSpec` (see :func:`spec`), and
the other forms are derived from these definitions: the whoosh schema and
paragraph <-> document mapping (:mod:`indexer.store.schema`), the CSV columns
(:mod:`webapp.exports`) and the OpenAPI component schemas (:mod:`webapp.openapi`).
Adding a field to a record is one edit here, plus the code that extracts it.
On the wire (JSON, CSV, templates) records travel as plain dicts with these keys.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, get_type_hints

BlockKind = Literal["text", "bullet", "heading", "footnote", "signature", "dropped"]
"""``dropped``: text a reader left out (its ``marker`` says why); cleaning records it and takes it out."""
IndexKind = Literal["id", "keyword", "text", "numeric", "stored"]

DOC_TYPES = (
    "inspection_report",
    "thematic_report",
    "inspection_letter",
    "pcc_response",
    "force_response",
    "progress_update",
)
REPORT_TYPES = ("inspection_report", "thematic_report", "inspection_letter")
"""Documents an inspectorate publishes."""
RESPONSE_TYPES = ("pcc_response", "force_response", "progress_update")
"""Documents that answer an inspectorate's report."""
SORT_ORDERS = ("relevance", "newest", "oldest")
"""How a search may be sorted: what ``indexer.search.service.SORTS`` accepts (a test keeps them equal)."""
FINDING_STATUSES = (
    "accepted",
    "agreed",
    "partially accepted",
    "not accepted",
    "completed",
    "in progress",
    "awaiting review",
    "superseded",
    "acknowledged",
    "no response found",
)
"""What a response says was done about a finding ("acknowledged": it answers without a status)."""
GLOSSARY_SOURCES = ("glossary", "corpus")
"""Where a glossary entry's expansion comes from: the glossary file, or a definition in the corpus."""

SPEC_KEY = "findings"
"""The key of a :class:`FieldSpec` in a dataclass field's metadata."""


@dataclass(frozen=True)
class FieldSpec:
    """What the derived forms of a record need to know about one of its fields."""

    doc: str
    """What the field holds, in a sentence: the OpenAPI description."""
    index: IndexKind | None = None
    """How the whoosh document holds it: ``id`` (one exact term), ``keyword`` (several exact terms, for a
    tuple of strings), ``text`` (analysed words), ``numeric``, ``stored`` (kept, not searchable); None for
    fields of records that are not indexed."""
    unique: bool = False
    """An ``id`` field whose value names one document (whoosh updates by it)."""
    sortable: bool = False
    """Whoosh keeps a column of its values, for sorting."""
    phrase: bool = False
    """A ``text`` field that keeps word positions, for phrase queries."""
    facet: int | None = None
    """Its place (from 1) among the facets counted for every search, in display order; None for no facet."""
    csv: int | None = None
    """Its place (from 1) among the columns of CSV exports; None when exports leave it out."""
    enum: tuple[str, ...] = ()
    """The only values it takes, when they are a closed set."""
    served: bool = True
    """False for bookkeeping the store keeps but no answer shows."""


def spec(doc: str, **details: Any) -> dict[str, FieldSpec]:
    """A record field's metadata: ``field(metadata=spec("What it is.", index="id", csv=3))``."""
    return {SPEC_KEY: FieldSpec(doc, **details)}


def spec_of(record_field: Field) -> FieldSpec:
    """The field's :class:`FieldSpec` (an empty one for a field declared without)."""
    return record_field.metadata.get(SPEC_KEY) or FieldSpec("")


@cache
def record_fields(record: type, *, served_only: bool = False) -> tuple[tuple[str, Any, FieldSpec], ...]:
    """(name, type, spec) of each field of a record class, in declaration order (inherited fields first)."""
    if not is_dataclass(record):
        raise TypeError(f"{record!r} is not a record class")
    hints = get_type_hints(record)
    found = ((f.name, hints[f.name], spec_of(f)) for f in fields(record))
    return tuple(entry for entry in found if entry[2].served or not served_only)


def own_fields(record: type, base: type) -> tuple[tuple[str, Any, FieldSpec], ...]:
    """The served fields ``record`` declares beyond those of ``base`` (one of its ancestors)."""
    inherited = {name for name, _, _ in record_fields(base)}
    return tuple(entry for entry in record_fields(record, served_only=True) if entry[0] not in inherited)


class ReportParseError(Exception):
    """A file could not be read as a report; ``reason`` says why, for the user."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Footnote:
    """A footnote taken out of the text flow."""

    marker: str = field(metadata=spec("The marker as printed, normalised to digits (`1`)."))
    text: str = field(metadata=spec("The footnote's text."))


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


# -- the records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report: the unit that is indexed, found and cited."""

    id: str = field(
        metadata=spec("Globally unique and stable: `{report_id}--{anchor}`.", index="id", unique=True, csv=1)
    )
    report_id: str = field(metadata=spec("The report the paragraph is in.", index="id", csv=2))
    report_title: str = field(metadata=spec("The report's title.", index="stored", csv=3))
    section: str = field(metadata=spec("The heading the paragraph sits under, as printed.", index="text", csv=10))
    section_type: str = field(
        metadata=spec(
            "The kind of section: `summary`, `key_strengths`, `areas_for_improvement`, `key_findings`, "
            "`recommendations`, `case_study`, `next_steps`, `pcc_response`, `chief_constable_response` or `other`.",
            index="id",
            facet=4,
            csv=11,
        )
    )
    finding_type: str | None = field(
        metadata=spec(
            "For a finding, its kind: `strength`, `area_for_improvement`, `recommendation`, `cause_of_concern`, "
            "`notable_practice` or `key_finding`.",
            index="id",
            facet=5,
            csv=12,
        )
    )
    paragraph_number: int = field(
        metadata=spec("1-based, in reading order, within the report.", index="numeric", sortable=True, csv=13)
    )
    anchor: str = field(
        metadata=spec("HTML id, derived from the content, stable when other paragraphs change.", index="stored")
    )
    page: int | None = field(metadata=spec("The PDF page the paragraph starts on.", index="stored", csv=14))
    doc_type: str = field(metadata=spec("The kind of document.", index="id", enum=DOC_TYPES, facet=6, csv=4))
    published: str | None = field(
        metadata=spec(
            "ISO date: `YYYY-MM-DD`, or `YYYY-MM` when the document gives only a month.",
            index="id",
            sortable=True,
            csv=5,
        )
    )
    year: int | None = field(metadata=spec("The year of publication.", index="id", facet=7))
    inspectorates: tuple[str, ...] = field(
        metadata=spec("The inspectorates that wrote the report.", index="keyword", facet=1, csv=6)
    )
    forces: tuple[str, ...] = field(
        metadata=spec("The police forces the report is about.", index="keyword", facet=2, csv=7)
    )
    areas: tuple[str, ...] = field(
        metadata=spec("The local authority areas the report is about.", index="keyword", csv=8)
    )
    source_url: str | None = field(metadata=spec("Where the report was published.", index="stored"))
    source_file: str = field(metadata=spec("The report's file, relative to the corpus folder.", index="id"))
    themes: tuple[str, ...] = field(
        metadata=spec("The themes the paragraph is about (see `themes.toml`).", index="keyword", facet=3, csv=9)
    )
    text: str = field(metadata=spec("The paragraph's text.", index="text", phrase=True, csv=15))
    footnotes: tuple[Footnote, ...] = field(
        default=(), metadata=spec("The footnotes its text refers to.", index="stored")
    )
    is_bullet: bool = field(default=False, metadata=spec("True for a bullet point.", index="stored"))
    printed_number: str | None = field(
        default=None,
        metadata=spec(
            "The paragraph's number as the report prints it (`3.14`), if it prints one.", index="stored", csv=16
        ),
    )
    author: str = field(
        default="",
        metadata=spec(
            "Who speaks in the document, as it names them: the inspectorates (`HMIC` in a report that predates "
            "HMICFRS), or the office that responds (`Police and Crime Commissioner for Surrey`).",
            index="stored",
            csv=17,
        ),
    )
    programme: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            "The inspection programme the report belongs to (or the answered report, for a response): "
            "`PEEL`, `JTAI`, `custody`, `crime data integrity`, `child protection` or `thematic`.",
            index="keyword",
            facet=9,
            csv=18,
        ),
    )
    grade: str | None = field(
        default=None,
        metadata=spec(
            "The graded judgement the paragraph states, or of the question it sits under: `outstanding`, "
            "`good`, `adequate`, `requires improvement`, `inadequate` (PEEL), or HM Inspectorate of Prisons' "
            "`reasonably good`, `not sufficiently good`, `poor`.",
            index="id",
            facet=8,
            csv=19,
        ),
    )
    finding_label: str | None = field(
        default=None,
        metadata=spec("A finding's number as printed: `Recommendation 3`, `AFI 7`, `3.14`.", index="stored", csv=20),
    )
    addressees: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            "For a finding, who it asks to act or which agency it is about: `chief constables`, `the force`, "
            "`NPCC`, `PCCs`, `police`, `children's social care`, `health`, `youth offending team`...",
            index="keyword",
            csv=21,
        ),
    )
    deadline: str | None = field(
        default=None,
        metadata=spec(
            "For a finding, its deadline as printed: `by 31 March 2021`, `within six months`.", index="stored"
        ),
    )
    parent_finding: str | None = field(
        default=None,
        metadata=spec("For a recommendation, the id of the cause of concern it belongs to.", index="id"),
    )
    responds_to_published: str | None = field(
        default=None,
        metadata=spec(
            "For a response, the date of the report it answers, as its text gives it (`published` is then the "
            "response's own date when it states one, else this date).",
            index="stored",
        ),
    )


@dataclass(frozen=True, kw_only=True)
class RankedParagraph(Paragraph):
    """A paragraph record in the order a search ranks it (what an export lists)."""

    score: float | None = field(metadata=spec("The relevance score, or null when sorted by date."))


@dataclass(frozen=True, kw_only=True)
class SearchHit(RankedParagraph):
    """A paragraph record on a page of search results, with what the query matched in it."""

    snippet: str = field(metadata=spec("Escaped HTML with <mark> around matches."))
    matched: tuple[str, ...] = field(metadata=spec("The distinct forms that matched, as written in the text."))


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet and how many results have it."""

    value: str = field(metadata=spec("The value, as stored."))
    count: int = field(metadata=spec("Results with this value, counting the other filters but not this facet's."))
    selected: bool = field(metadata=spec("True when the search filters by this value."))


@dataclass(frozen=True)
class GlossaryEntry:
    """An acronym the query uses and what it stands for."""

    acronym: str = field(metadata=spec("The acronym, as the glossary or the corpus writes it."))
    expansion: str = field(metadata=spec("What it stands for."))
    source: str = field(metadata=spec("Where the expansion comes from.", enum=GLOSSARY_SOURCES))


@dataclass(frozen=True)
class SearchResult:
    """One page of a search: the matches, facet counts, glossary entries and suggestions."""

    query: str = field(metadata=spec("The query as given."))
    total: int = field(metadata=spec("Paragraphs matching the query and filters."))
    page: int = field(metadata=spec("This page's number, from 1."))
    per_page: int = field(metadata=spec("Results per page."))
    pages: int = field(metadata=spec("Pages in all (at least 1)."))
    sort: str = field(metadata=spec("The order of the results.", enum=SORT_ORDERS))
    filters: dict[str, tuple[str, ...]] = field(
        metadata=spec("The filters applied, by index field, with values as stored.")
    )
    facets: dict[str, tuple[FacetValue, ...]] = field(metadata=spec("Facet counts, by index field."))
    results: tuple[SearchHit, ...] = field(metadata=spec("This page's matches, best first (or by date)."))
    suggestion: str | None = field(metadata=spec("A corrected spelling of the query, if one looks likely."))
    corrected: bool = field(metadata=spec("True when nothing matched the query and the results are the suggestion's."))
    glossary: tuple[GlossaryEntry, ...] = field(metadata=spec("The acronyms the query uses."))
    notes: tuple[str, ...] = field(metadata=spec("What was done to the query, in words."))


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
    author: str = ""
    """Who speaks in the document, as it names them (see :attr:`Paragraph.author`)."""
    programme: tuple[str, ...] = ()
    responds_to_published: str | None = None
    """For a response, the date of the report it answers."""


@dataclass(frozen=True)
class DroppedText:
    """Text of a document that is not indexed, and why: nothing disappears without a reason."""

    text: str
    reason: str
    """What kind of text it is: "cookie banner or site chrome", "contents line", "page number", "signature"..."""


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
    dropped: tuple[DroppedText, ...] = field(default=())
    """Text read from the file but not indexed, each with its reason, in reading order."""
    words_read: int = 0
    """Words in the text the reader found in the file."""
    words_indexed: int = 0
    """Words of that text that were indexed: paragraphs, footnotes, headings and the title."""
    facts: tuple[tuple[str, str, str], ...] = field(default=())
    """(field, value, the line it was read from) for each fact of the front matter."""

    @property
    def coverage(self) -> float:
        """The share of the file's words that were indexed (1.0 for a file with no words)."""
        return min(1.0, self.words_indexed / self.words_read) if self.words_read else 1.0


@dataclass(frozen=True)
class ReportEntry:
    """The index manifest's record of one report (see :mod:`indexer.store.manifest`)."""

    report_id: str = field(metadata=spec("The report's id: its file's path, as a slug."))
    source_file: str = field(metadata=spec("The report's file, relative to the corpus folder."))
    content_hash: str = field(metadata=spec("SHA-256 of the file's bytes, when it was indexed."))
    title: str = field(metadata=spec("The report's title."))
    doc_type: str = field(metadata=spec("The kind of document.", enum=DOC_TYPES))
    published: str | None = field(metadata=spec("ISO date: `YYYY-MM-DD`, or `YYYY-MM`."))
    inspectorates: tuple[str, ...] = field(metadata=spec("The inspectorates that wrote the report."))
    forces: tuple[str, ...] = field(metadata=spec("The police forces the report is about."))
    areas: tuple[str, ...] = field(metadata=spec("The local authority areas the report is about."))
    source_url: str | None = field(metadata=spec("Where the report was published."))
    responds_to_title: str | None = field(
        metadata=spec("For a PCC response, the title of the report it answers, as its text gives it.")
    )
    responds_to_published: str | None = field(
        metadata=spec("For a response, the date of the report it answers, as its text gives it.")
    )
    author: str = field(metadata=spec("Who speaks in the document: the inspectorates, or the responding office."))
    programme: tuple[str, ...] = field(metadata=spec("The inspection programme (PEEL, JTAI, custody...)."))
    responds_to_override: str | None = field(metadata=spec("The report a sidecar says this one answers.", served=False))
    responds_to: str | None = field(metadata=spec("The id of the indexed report this one answers."))
    paragraph_count: int = field(metadata=spec("Paragraphs indexed."))
    defined_acronyms: tuple[tuple[str, str], ...] = field(
        metadata=spec("(acronym, expansion) pairs the text defines in place.", served=False)
    )
    words_read: int = field(metadata=spec("Words in the text read from the file."))
    words_indexed: int = field(metadata=spec("Words of that text that were indexed."))
    dropped: tuple[tuple[str, str], ...] = field(
        metadata=spec("(text, reason) of the text that was not indexed, in reading order.", served=False)
    )
    facts: tuple[tuple[str, str, str], ...] = field(
        metadata=spec("(field, value, the line it was read from) for the front matter.", served=False)
    )


@dataclass(frozen=True)
class LinkedReport:
    """Another report this one is linked to."""

    report_id: str = field(metadata=spec("The linked report's id."))
    title: str = field(metadata=spec("The linked report's title."))


@dataclass(frozen=True)
class ReportResponse(LinkedReport):
    """A PCC response to this report."""

    published: str | None = field(metadata=spec("When the response was published."))


@dataclass(frozen=True, kw_only=True)
class ReportDetail(ReportEntry):
    """A whole report: its manifest entry, every paragraph in order, and the reports linked to it."""

    paragraphs: tuple[Paragraph, ...] = field(metadata=spec("Every paragraph, in reading order."))
    responses: tuple[ReportResponse, ...] = field(metadata=spec("The PCC responses to this report."))
    responds_to_report: LinkedReport | None = field(metadata=spec("The report this one answers, if indexed."))


# -- the accountability chain ---------------------------------------------------------------


@dataclass(frozen=True)
class ChainLink:
    """A link between a response paragraph and a finding it answers, seen from one end."""

    paragraph_id: str = field(metadata=spec("The paragraph at the other end."))
    report_id: str = field(metadata=spec("Its report."))
    status: str = field(metadata=spec("The status the response paragraph states.", enum=FINDING_STATUSES))
    evidence: str = field(metadata=spec("What made the link: the reference, the heading, or the shared words."))


@dataclass(frozen=True, kw_only=True)
class LinkedParagraph(Paragraph):
    """A paragraph record with the accountability chain through it."""

    answers: tuple[ChainLink, ...] = field(
        metadata=spec("For a response paragraph, the findings (recommendations, areas for improvement, causes of "
                      "concern) it answers.")
    )  # fmt: skip
    answered_by: tuple[ChainLink, ...] = field(metadata=spec("For a finding, the response paragraphs that answer it."))


@dataclass(frozen=True)
class FindingResponse:
    """A response paragraph that answers a finding, with its office and date."""

    paragraph_id: str = field(metadata=spec("The answering paragraph."))
    report_id: str = field(metadata=spec("The response it is in."))
    status: str = field(metadata=spec("The status it states.", enum=FINDING_STATUSES))
    evidence: str = field(metadata=spec("What made the link."))
    phrase: str = field(metadata=spec("The words the status is read from (empty when none)."))
    title: str | None = field(metadata=spec("The response's title."))
    author: str = field(metadata=spec("The responding office."))
    published: str | None = field(metadata=spec("The response's date."))


@dataclass(frozen=True)
class TrackedFinding:
    """A recommendation, area for improvement or cause of concern, and what was said about it."""

    id: str = field(metadata=spec("The finding's paragraph id."))
    report_id: str = field(metadata=spec("Its report."))
    finding_type: str = field(metadata=spec("`recommendation`, `area_for_improvement` or `cause_of_concern`."))
    finding_label: str | None = field(metadata=spec("Its number as printed."))
    text: str = field(metadata=spec("Its text (cut at 600 characters)."))
    addressees: tuple[str, ...] = field(metadata=spec("Who must act, or the agencies it is about."))
    deadline: str | None = field(metadata=spec("Its deadline as printed."))
    parent_finding: str | None = field(metadata=spec("For a recommendation, its cause of concern."))
    paragraph_number: int = field(metadata=spec("Its place in its report."))
    anchor: str = field(metadata=spec("Its anchor in the report page."))
    report_title: str = field(metadata=spec("Its report's title."))
    published: str | None = field(metadata=spec("Its report's date."))
    year: int | None = field(metadata=spec("Its report's year."))
    forces: tuple[str, ...] = field(metadata=spec("Its report's forces."))
    inspectorates: tuple[str, ...] = field(metadata=spec("Its report's inspectorates."))
    status: str = field(metadata=spec("The most advanced status any response gives it.", enum=FINDING_STATUSES))
    responses: tuple[FindingResponse, ...] = field(metadata=spec("The response paragraphs that answer it."))


@dataclass(frozen=True)
class FindingList:
    """A page of the corpus-wide list of findings, with counts by status."""

    total: int = field(metadata=spec("Findings that pass the filters."))
    page: int = field(metadata=spec("This page's number, from 1."))
    per_page: int = field(metadata=spec("Findings per page."))
    filters: dict[str, tuple[str, ...]] = field(metadata=spec("The filters applied."))
    statuses: dict[str, int] = field(metadata=spec("Findings by status, over all that pass the filters."))
    findings: tuple[TrackedFinding, ...] = field(metadata=spec("This page's findings, newest report first."))
@dataclass(frozen=True)
class KeyTermRecord:
    """One of the terms a paragraph's similar findings are found by, and its weight."""

    term: str = field(metadata=spec("The index term (a stem, e.g. `custodi`)."))
    word: str = field(metadata=spec("The term as the paragraph first writes it (`custody`)."))
    weight: float = field(metadata=spec("How often the paragraph uses it, times how rare it is in the corpus."))


@dataclass(frozen=True, kw_only=True)
class SimilarParagraph(Paragraph):
    """A paragraph of another report that says much the same, with the words it shares marked."""

    score: float = field(metadata=spec("How similar it is: the weight of the key terms it shares, for its length."))
    snippet: str = field(metadata=spec("Escaped HTML of its text with <mark> around the key terms it shares."))
    shared: tuple[str, ...] = field(metadata=spec("The words it shares with the paragraph, as written in its text."))


@dataclass(frozen=True)
class SimilarResult:
    """The paragraphs of other reports most like one paragraph ("more like this")."""

    paragraph: Paragraph = field(metadata=spec("The paragraph the others are like."))
    marked: str = field(
        metadata=spec("Escaped HTML of the paragraph's text with <mark> around the words some result shares.")
    )
    key_terms: tuple[KeyTermRecord, ...] = field(
        metadata=spec("The paragraph's terms that were searched for, heaviest first.")
    )
    filters: dict[str, tuple[str, ...]] = field(
        metadata=spec("The filters applied, by index field, with values as stored.")
    )
    limit: int = field(metadata=spec("The most results asked for."))
    results: tuple[SimilarParagraph, ...] = field(
        metadata=spec("Paragraphs of other reports, most similar first (never the paragraph's own report).")
    )
