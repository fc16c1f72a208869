"""The whoosh schema and the mapping between a paragraph and its whoosh document.

Both are derived from the field specs of :class:`indexer.model.Paragraph`: a field's
``index`` kind picks its whoosh field type and how its value is written and read back.
Only ``words`` and ``pairs`` (other analyses of ``text``) and the finding boost are
added here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, get_args, get_origin

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema

from indexer.model import FieldSpec, Paragraph, Report, record_fields
from indexer.store.analysis import PairAnalyzer, make_analyzer, make_word_analyzer

SCHEMA_VERSION = 6
"""Bumped when documents change shape: an index of another version is rebuilt, not updated."""


FAST_FIELDS = {"text": "positions", "pairs": "pairs", "section": "counts", "words": "words"}
"""Fields a full build analyses through the cached fast path (see :mod:`indexer.store.bulkwrite`)."""
FACET_FIELDS: tuple[str, ...] = tuple(
    name for _, name in sorted((spec.facet, name) for name, _, spec in record_fields(Paragraph) if spec.facet)
)
"""Fields with facet counts, in display order (their specs' ``facet``)."""
FINDING_BOOST = 1.25
"""Findings outrank ordinary prose that uses the same words as often."""
INDEXED_KINDS = ("id", "keyword", "text", "numeric")
"""Kinds whose empty values (None, no values) are left out of the document: there is nothing to index."""


def make_schema(record: type = Paragraph) -> Schema:
    """One whoosh document per paragraph: a whoosh field per record field, and ``words`` and ``pairs``."""
    analyzer = make_analyzer()
    schema_fields = {name: _whoosh_field(spec, analyzer) for name, _, spec in record_fields(record)}
    # Other analyses of ``text``: ``words`` for word lookups (see indexer.store.analysis), and
    # consecutive-position word pairs (PairAnalyzer) that phrase queries look up before whoosh checks positions.
    schema_fields["words"] = TEXT(analyzer=make_word_analyzer(), phrase=False)
    schema_fields["pairs"] = TEXT(analyzer=PairAnalyzer(), phrase=False)
    return Schema(**schema_fields)


def _whoosh_field(spec: FieldSpec, analyzer) -> FieldType:
    if spec.index == "id":
        return ID(stored=True, unique=spec.unique, sortable=spec.sortable)
    if spec.index == "keyword":
        return KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)
    if spec.index == "text":
        return TEXT(stored=True, analyzer=analyzer, phrase=spec.phrase)
    if spec.index == "numeric":
        return NUMERIC(stored=True, sortable=spec.sortable)
    if spec.index == "stored":
        return STORED()
    raise ValueError(f"a paragraph field needs an index kind, not {spec.index!r}")


class _Codec:
    """How one field's value is written into a whoosh document and read back as a record value (None: as is)."""

    def __init__(self, write: Callable[[Any], Any] | None = None, read: Callable[[Any], Any] | None = None) -> None:
        self.write = write
        self.read = read


def _codec(kind: str | None, annotation: Any) -> _Codec:
    item = _tuple_item(annotation)
    if kind == "keyword":
        # Comma-separated terms: a comma inside a value would split it.
        return _Codec(
            lambda values: ",".join(value.replace(",", " ") for value in values),
            lambda stored: stored.split(",") if stored else [],
        )
    if item is not None and is_dataclass(item):
        names = [f.name for f in fields(item)]
        return _Codec(
            lambda values: [[getattr(value, name) for name in names] for value in values],
            lambda stored: [dict(zip(names, value, strict=True)) for value in stored or []],
        )
    if item is not None:
        return _Codec(list, lambda stored: list(stored or []))
    if _plain(annotation) is int and kind == "id":
        return _Codec(str, lambda stored: int(stored) if stored else None)
    if _plain(annotation) is bool:
        return _Codec(read=bool)
    return _Codec()


def _tuple_item(annotation: Any) -> Any:
    """T of ``tuple[T, ...]``, else None."""
    if get_origin(annotation) is tuple:
        return get_args(annotation)[0]
    return None


def _plain(annotation: Any) -> Any:
    """T of ``T | None``, else the annotation itself."""
    options = [option for option in get_args(annotation) if option is not type(None)]
    return options[0] if len(options) == 1 and len(get_args(annotation)) == 2 else annotation


@cache
def _layout(record: type) -> tuple[tuple[str, bool, _Codec], ...]:
    """(name, left out when empty, codec) of each field of a record class."""
    return tuple(
        (name, spec.index in INDEXED_KINDS, _codec(spec.index, annotation))
        for name, annotation, spec in record_fields(record)
    )


def to_document(paragraph: Paragraph) -> dict:
    """The whoosh fields of one paragraph."""
    document = {}
    record: type = type(paragraph)
    for name, skip_empty, codec in _layout(record):
        value = getattr(paragraph, name)
        if skip_empty and (value is None or value == ()):
            continue
        document[name] = codec.write(value) if codec.write else value
    document["words"] = document["pairs"] = paragraph.text
    if paragraph.finding_type:
        document["_boost"] = FINDING_BOOST
    return document


def from_document(stored: dict, record: type = Paragraph) -> dict:
    """The paragraph record (a dict with the keys of :class:`Paragraph`, JSON-ready) of stored fields."""
    record_dict = {}
    for name, _, codec in _layout(record):
        value = stored.get(name)
        record_dict[name] = codec.read(value) if codec.read else value
    return record_dict


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
