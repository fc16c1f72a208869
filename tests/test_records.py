"""The records of indexer.model and what is derived from them; the indexer does not depend on the web app."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT

from indexer.model import Footnote, Paragraph, SearchHit, own_fields, record_fields, spec
from indexer.store.schema import FACET_FIELDS, from_document, make_schema, to_document

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH_FIELDS = [
    "id", "report_id", "report_title", "section", "section_type", "finding_type", "paragraph_number", "anchor",
    "page", "doc_type", "published", "year", "inspectorates", "forces", "areas", "source_url", "source_file",
    "themes", "text", "footnotes", "is_bullet", "printed_number", "author", "programme", "grade", "finding_label",
    "addressees", "deadline", "parent_finding", "responds_to_published",
]  # fmt: skip
"""The keys of a paragraph record, in order: what `findings dump` prints and every answer starts with."""


@dataclass(frozen=True, kw_only=True)
class LanguageParagraph(Paragraph):
    """A paragraph record with one field more, as a new field would be declared."""

    language: str = field(metadata=spec("The paragraph's language.", index="id", facet=10, csv=22))


def _paragraph(record: type = Paragraph, **changes) -> Paragraph:
    values = {
        "id": "r--p-1", "report_id": "r", "report_title": "A report", "section": "Summary",
        "section_type": "summary", "finding_type": "recommendation", "paragraph_number": 3, "anchor": "p-1",
        "page": 7, "doc_type": "inspection_report", "published": "2020-01-08", "year": 2020,
        "inspectorates": ("HMICFRS", "Ofsted"), "forces": ("Kent Police",), "areas": (), "source_url": None,
        "source_file": "r.md", "themes": ("Custody",), "text": "Custody, checked.",
        "footnotes": (Footnote("1", "A note."),), "is_bullet": True,
    }  # fmt: skip
    values.update(changes)
    return record(**values)


def test_paragraph_record_keys_are_pinned():
    """The paragraph record's keys and order come from the Paragraph definition and stay as they were."""
    assert [name for name, _, _ in record_fields(Paragraph)] == PARAGRAPH_FIELDS


def test_facet_fields_come_from_the_specs_in_display_order():
    """FACET_FIELDS is the fields with a facet place, in that order."""
    assert FACET_FIELDS == (
        "inspectorates", "forces", "themes", "section_type", "finding_type", "doc_type", "year", "grade", "programme",
    )  # fmt: skip


def test_whoosh_schema_has_a_field_of_the_declared_kind_for_every_record_field():
    """Each index kind becomes its whoosh field type; only words and pairs are added."""
    schema = make_schema()
    assert set(schema.names()) == {*PARAGRAPH_FIELDS, "words", "pairs"}
    kinds = {"id": ID, "keyword": KEYWORD, "text": TEXT, "numeric": NUMERIC, "stored": STORED}
    for name, _, field_spec in record_fields(Paragraph):
        assert type(schema[name]) is kinds[field_spec.index], name
    assert schema["id"].unique and schema["text"].format.supports("positions")
    assert not schema["section"].format.supports("positions")
    assert schema["published"].column_type is not None and schema["year"].column_type is None


def test_document_round_trip_gives_the_json_ready_record():
    """A paragraph written as a whoosh document reads back as its record: lists, footnote dicts, an int year."""
    document = to_document(_paragraph())
    assert document["inspectorates"] == "HMICFRS,Ofsted" and document["year"] == "2020"
    assert document["footnotes"] == [["1", "A note."]] and document["_boost"] > 1
    assert "areas" not in document and document["source_url"] is None
    record = from_document({k: v for k, v in document.items() if k not in ("words", "pairs", "_boost")})
    assert list(record) == PARAGRAPH_FIELDS
    assert record["inspectorates"] == ["HMICFRS", "Ofsted"] and record["areas"] == []
    assert record["footnotes"] == [{"marker": "1", "text": "A note."}]
    assert (record["year"], record["page"], record["is_bullet"], record["source_url"]) == (2020, 7, True, None)


def test_empty_values_are_left_out_of_the_index_and_read_back_empty():
    """No finding type, date or year: nothing is indexed for them, and the record has None."""
    document = to_document(_paragraph(finding_type=None, published=None, year=None, is_bullet=False))
    assert not {"finding_type", "published", "year", "_boost"} & set(document)
    record = from_document(document)
    assert (record["finding_type"], record["published"], record["year"], record["is_bullet"]) == (
        None, None, None, False,
    )  # fmt: skip


def test_a_new_field_is_one_declaration():
    """A field added to the record definition is in the whoosh schema and survives the document round trip."""
    assert type(make_schema(LanguageParagraph)["language"]) is ID
    document = to_document(_paragraph(LanguageParagraph, language="cy"))
    assert document["language"] == "cy"
    assert from_document(document, LanguageParagraph)["language"] == "cy"
    assert [name for name, _, _ in own_fields(LanguageParagraph, Paragraph)] == ["language"]


def test_search_hit_extends_the_paragraph_record():
    """A search hit is the paragraph record, then its score, snippet and matched forms."""
    assert [name for name, _, _ in own_fields(SearchHit, Paragraph)] == ["score", "snippet", "matched"]


def test_sort_orders_are_the_services():
    """The record definition's sort enum is what the service accepts."""
    from indexer.model import SORT_ORDERS
    from indexer.search.service import SORTS

    assert tuple(SORTS) == SORT_ORDERS


def test_dead_code_is_gone():
    """Records are dicts at the edges through the schema mapping, not a method of Paragraph."""
    assert not hasattr(Paragraph, "to_record")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_indexer_never_imports_the_web_app():
    """No module under indexer/ imports webapp: the core returns ids, and the web app depends on it, not back."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path) if name.split(".")[0] == "webapp")
        for path in sorted((ROOT / "indexer").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 20
