"""The web app's record shapes: CSV columns and OpenAPI schemas derived from indexer.model, links from url_for."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.model import Paragraph, RankedParagraph, ReportDetail, SearchHit, SearchResult, own_fields, spec
from tests.webapp.support import PLYMOUTH_LETTER, VIST_PARAGRAPH
from webapp import create_app
from webapp.exports import CSV_COLUMNS, csv_fields
from webapp.openapi import record_schema

PARAGRAPH_KEYS = [
    "id", "report_id", "report_title", "section", "section_type", "finding_type", "paragraph_number", "anchor",
    "page", "doc_type", "published", "year", "inspectorates", "forces", "areas", "source_url", "source_file",
    "themes", "text", "footnotes", "is_bullet", "printed_number", "author", "programme", "grade", "finding_label",
    "addressees", "deadline", "parent_finding", "responds_to_published",
]  # fmt: skip
REPORT_KEYS = [
    "report_id", "source_file", "content_hash", "title", "doc_type", "published", "inspectorates", "forces",
    "areas", "source_url", "responds_to_title", "responds_to_published", "author", "programme", "responds_to",
    "paragraph_count", "words_read", "words_indexed",
    "paragraphs", "responses", "responds_to_report",
]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class LanguageParagraph(Paragraph):
    """A paragraph record with one field more, as a new field would be declared."""

    language: str = field(metadata=spec("The paragraph's language.", index="id", csv=22))


def _schemas(client) -> dict:
    return client.get("/api/openapi.json").get_json()["components"]["schemas"]


def _properties(schemas: dict, name: str) -> list[str]:
    """A component's property names, following allOf references."""
    schema = schemas[name]
    names: list[str] = []
    for part in schema.get("allOf", [schema]):
        if "$ref" in part:
            names += _properties(schemas, part["$ref"].rsplit("/", 1)[1])
        else:
            names += list(part["properties"])
    return names


def test_csv_columns_are_pinned():
    """The CSV columns come from the paragraph definition's csv places, then permalink and citations."""
    assert CSV_COLUMNS == (
        "id", "report_id", "report_title", "doc_type", "published", "inspectorates", "forces", "areas", "themes",
        "section", "section_type", "finding_type", "paragraph_number", "page", "text", "printed_number", "author",
        "programme", "grade", "finding_label", "addressees", "permalink", "citation", "citation_markdown",
    )  # fmt: skip


def test_a_new_field_reaches_the_csv_columns_and_the_openapi_schema():
    """A field declared once in a record shows up as a CSV column and an OpenAPI property, described."""
    assert csv_fields(LanguageParagraph)[-1] == "language"
    schema = record_schema(LanguageParagraph)
    assert schema["properties"]["language"] == {"type": "string", "description": "The paragraph's language."}
    assert schema["required"][-1] == "language"


def test_openapi_components_are_derived_from_the_records(client):
    """Paragraph, SearchHit, SearchResult and Report list exactly the records' served fields, plus the links."""
    schemas = _schemas(client)
    assert _properties(schemas, "Paragraph") == [*PARAGRAPH_KEYS, "url", "citation"]
    hit_fields = [name for name, _, _ in own_fields(SearchHit, Paragraph)]
    assert _properties(schemas, "SearchHit") == [*PARAGRAPH_KEYS, "url", "citation", *hit_fields]
    assert _properties(schemas, "SearchResult") == list(SearchResult.__dataclass_fields__)
    assert _properties(schemas, "Report") == [*REPORT_KEYS, "url"]
    assert {"defined_acronyms", "responds_to_override"} <= set(ReportDetail.__dataclass_fields__)
    assert _properties(schemas, "ExportedParagraph") == [*PARAGRAPH_KEYS, "url", "citation", "score", "permalink"]
    assert [name for name, _, _ in own_fields(RankedParagraph, Paragraph)] == ["score"]
    paragraph = schemas["Paragraph"]["properties"]
    assert paragraph["doc_type"]["enum"] == [
        "inspection_report", "thematic_report", "inspection_letter", "pcc_response", "force_response",
        "progress_update",
    ]
    assert paragraph["finding_type"]["type"] == ["string", "null"]
    assert paragraph["footnotes"]["items"] == {"$ref": "#/components/schemas/Footnote"}
    assert schemas["SearchResult"]["properties"]["sort"]["enum"] == ["relevance", "newest", "oldest"]


def test_answers_have_exactly_the_derived_fields(client):
    """Every JSON answer has the keys its derived component lists: the derived schemas describe what is served."""
    schemas = _schemas(client)
    search = client.get("/api/search?q=VIST").get_json()
    assert list(search) == _properties(schemas, "SearchResult")
    hit = search["results"][0]
    assert set(hit) == set(_properties(schemas, "SearchHit"))
    assert list(hit)[: len(PARAGRAPH_KEYS)] == PARAGRAPH_KEYS and list(hit)[-2:] == ["url", "citation"]
    assert list(search["facets"]["forces"][0]) == _properties(schemas, "FacetValue")
    assert list(search["glossary"][0]) == _properties(schemas, "GlossaryEntry")
    report = client.get(f"/api/reports/{PLYMOUTH_LETTER}").get_json()
    # The manifest is stored with sorted keys: an entry's own fields come back in that order.
    assert set(report) == set(_properties(schemas, "Report")) and list(report)[-4:] == [*REPORT_KEYS[-3:], "url"]
    assert list(report["paragraphs"][0]) == _properties(schemas, "Paragraph")
    assert list(report["responses"][0]) == _properties(schemas, "ReportResponse")
    assert list(client.get(f"/api/paragraphs/{VIST_PARAGRAPH}").get_json()) == _properties(schemas, "LinkedParagraph")
    export = client.get("/search.json?q=VIST").get_json()
    assert list(export) == _properties(schemas, "Export")
    assert list(export["results"][0]) == [*PARAGRAPH_KEYS, "score", "url", "citation", "permalink"]


def test_links_follow_the_mount_point_and_base_url(corpus_index):
    """Under a script root, url and citations include it once, with or without BASE_URL (the app's public root)."""
    for base_url, root in ((None, "http://localhost/findings"), ("https://example.org/findings", None)):
        app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "BASE_URL": base_url})
        body = app.test_client().get(f"/api/paragraphs/{VIST_PARAGRAPH}", base_url="http://localhost/findings/").get_json()
        assert body["url"] == f"/findings/p/{VIST_PARAGRAPH}"
        assert body["citation"]["text"].endswith(f", {root or base_url}/p/{VIST_PARAGRAPH}")
