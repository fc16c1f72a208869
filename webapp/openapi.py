"""The OpenAPI 3.1 description of the JSON API, exports and feed, served at /api/openapi.json.

The component schemas are derived from the record definitions (:mod:`indexer.model`, and the links the
web app adds, :mod:`webapp.links`): see :data:`COMPONENTS`.
"""

from __future__ import annotations

from dataclasses import is_dataclass
from types import UnionType
from typing import Any, Union, get_args, get_origin

from indexer.briefing import NOTE_MAX_CHARS, PACK_CAP, TITLE_MAX_CHARS
from indexer.briefing.export import CSV_COLUMNS as PACK_CSV_COLUMNS
from indexer.briefing.export import FORMATS
from indexer.model import (
    ChainLink,
    FacetValue,
    FieldSpec,
    FindingList,
    FindingResponse,
    Footnote,
    GlossaryEntry,
    KeyTermRecord,
    LinkedParagraph,
    LinkedReport,
    Paragraph,
    RankedParagraph,
    ReportDetail,
    ReportResponse,
    SearchHit,
    SearchResult,
    SimilarParagraph,
    SimilarResult,
    TrackedFinding,
    own_fields,
    record_fields,
)
from indexer.search.citation import Citation
from indexer.search.query import MAX_QUERY_CHARS
from indexer.search.service import MAX_FILTER_VALUES, MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS
from indexer.search.similar import DEFAULT_LIMIT, MAX_LIMIT
from webapp.exports import Export
from webapp.links import ExportLinks, ParagraphLinks, ReportLinks
from webapp.params import MAX_VALUE_CHARS, TEXT_PATTERN, URL_FILTERS

COMPONENT_PATH = "#/components/schemas/"
FILTER_DESCRIPTIONS = {
    "force": "Only paragraphs about this force, e.g. `Devon and Cornwall Police`.",
    "inspectorate": "Only reports by this inspectorate, e.g. `HMICFRS`.",
    "theme": "Only paragraphs tagged with this theme, e.g. `Mental health`.",
    "section": "Only this kind of section, e.g. `areas_for_improvement`.",
    "finding": "Only this kind of finding: `strength`, `area_for_improvement`, `recommendation`, "
    "`cause_of_concern`, `notable_practice` or `key_finding`.",
    "type": "Only this kind of document: `inspection_report`, `thematic_report`, `inspection_letter`, "
    "`pcc_response`, `force_response` or `progress_update`.",
    "year": "Only documents published in this year, e.g. `2020`.",
    "area": "Only paragraphs about this local authority area, e.g. `Plymouth`.",
    "grade": "Only paragraphs under this graded judgement, e.g. `inadequate` or `requires improvement`.",
    "status": "Only findings whose response status is this: `accepted`, `agreed`, `partially accepted`, "
    "`not accepted`, `completed`, `in progress`, `awaiting review`, `superseded`, `acknowledged` or "
    "`no response found`.",
    "answered": "`answered` for findings some response in the collection answers, `not answered` for the others.",
    "programme": "Only documents of this inspection programme: `PEEL`, `JTAI`, `custody`, `crime data integrity`, "
    "`child protection` or `thematic`.",
}



def _filter_parameters() -> list[dict]:
    """The filter parameters every search route takes (and similar findings)."""
    return [
        {
            "name": param,
            "in": "query",
            "description": FILTER_DESCRIPTIONS[param]
            + " Repeat for several values (they combine with OR). A value matches a stored value exactly, by a "
            "known alias, or by containing all its words (`devon`); one that matches nothing is refused, naming "
            f"the closest known values. At most {MAX_FILTER_VALUES} filter values in all.",
            "schema": {
                "type": "array",
                "maxItems": MAX_FILTER_VALUES,
                "items": {"type": "string", "maxLength": MAX_VALUE_CHARS, "pattern": TEXT_PATTERN},
            },
            "style": "form",
            "explode": True,
        }
        for param, _field in URL_FILTERS
    ]


def _query_parameters(*, paging: bool) -> list[dict]:
    parameters: list[dict[str, Any]] = [
        {
            "name": "q",
            "in": "query",
            "description": (
                "The query: words, \"phrases\", -exclusion, OR, parentheses, field:value, wildcard*. See /help."
            ),
            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS, "pattern": TEXT_PATTERN},
        }
    ]
    parameters += _filter_parameters()
    parameters.append(
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}}
    )
    if paging:
        parameters += [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1},
             "description": f"Only the first {MAX_RESULT_WINDOW} results can be paged through."},
            {"name": "per_page", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}},
        ]  # fmt: skip
    return parameters


CHAIN_DESCRIPTIONS = {
    "force": "Only findings of reports about this force.",
    "inspectorate": "Only findings of reports by this inspectorate.",
    "report": "Only findings of this report (its id).",
    "year": "Only findings of reports published in this year (or a range, `2019..2021`).",
    "addressee": "Only findings for this addressee or agency, e.g. `police` or `chief constables`.",
    "status": "Only findings with this status, e.g. `in progress` or `no response found`.",
    "finding": "Only this kind of finding: `recommendation`, `area_for_improvement` or `cause_of_concern`.",
    "answered": "`answered` or `not answered`: findings with or without a response in the collection.",
}


def _chain_parameters(*, paging: bool) -> list[dict]:
    parameters: list[dict[str, Any]] = [
        {
            "name": param,
            "in": "query",
            "description": description + f" Repeat for several values. At most {MAX_FILTER_VALUES} values in all.",
            "schema": {
                "type": "array",
                "maxItems": MAX_FILTER_VALUES,
                "items": {"type": "string", "maxLength": MAX_VALUE_CHARS, "pattern": TEXT_PATTERN},
            },
            "style": "form",
            "explode": True,
        }
        for param, description in CHAIN_DESCRIPTIONS.items()
    ]
    if paging:
        parameters += [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50},
            },
        ]
    return parameters


def _id_parameter(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    }


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"{COMPONENT_PATH}{schema_name}"}}},
    }


ERROR_400 = _json("Error", "The query or a parameter was refused; `error` says what to change.")
ERROR_404 = _json("Error", "No such report or paragraph.")
RESULT_LINKS = {
    "GetReport": {
        "operationId": "getReport",
        "parameters": {"report_id": "$response.body#/results/0/report_id"},
        "description": "The report of the first result.",
    },
    "GetParagraph": {
        "operationId": "getParagraph",
        "parameters": {"paragraph_id": "$response.body#/results/0/id"},
        "description": "The first result's paragraph, with its permalink and citation.",
    },
    "GetSimilar": {
        "operationId": "getSimilar",
        "parameters": {"paragraph_id": "$response.body#/results/0/id"},
        "description": "The paragraphs of other reports most like the first result.",
    },
}

COMPONENTS: tuple[tuple[str, type, type | None, tuple[type, ...]], ...] = (
    ("Citation", Citation, None, ()),
    ("Footnote", Footnote, None, ()),
    ("Paragraph", Paragraph, None, (ParagraphLinks,)),
    ("SearchHit", SearchHit, Paragraph, ()),
    ("FacetValue", FacetValue, None, ()),
    ("GlossaryEntry", GlossaryEntry, None, ()),
    ("SearchResult", SearchResult, None, ()),
    ("LinkedReport", LinkedReport, None, ()),
    ("ReportResponse", ReportResponse, LinkedReport, ()),
    ("Report", ReportDetail, None, (ReportLinks,)),
    ("ExportedParagraph", RankedParagraph, Paragraph, (ExportLinks,)),
    ("Export", Export, None, ()),
    ("ChainLink", ChainLink, None, ()),
    ("LinkedParagraph", LinkedParagraph, Paragraph, ()),
    ("FindingResponse", FindingResponse, None, ()),
    ("TrackedFinding", TrackedFinding, None, ()),
    ("FindingList", FindingList, None, ()),
    ("KeyTerm", KeyTermRecord, None, ()),
    ("SimilarParagraph", SimilarParagraph, Paragraph, ()),
    ("SimilarResult", SimilarResult, None, ()),
)
"""(component name, record, the record it extends, what the web app adds to it): each component schema is
derived from its record's fields. A record that extends another is that one's component and its own fields;
a field whose type is a record of this table refers to that record's component."""
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}
JSON_TYPES: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _schemas() -> dict:
    refs = {record: name for name, record, _, _ in COMPONENTS}
    schemas = {}
    for name, record, extends, additions in COMPONENTS:
        if extends is None:
            schemas[name] = record_schema(record, *additions, refs=refs)
        else:
            own = [*own_fields(record, extends)]
            for addition in additions:
                own += record_fields(addition, served_only=True)
            schemas[name] = {
                "description": _summary(record),
                "allOf": [{"$ref": f"{COMPONENT_PATH}{refs[extends]}"}, _object(own, refs)],
            }
    schemas["Error"] = ERROR_SCHEMA
    return schemas


def record_schema(record: type, *additions: type, refs: dict[type, str] | None = None) -> dict:
    """The JSON schema of a record class's served fields (and those of ``additions``), all required."""
    entries = [entry for source in (record, *additions) for entry in record_fields(source, served_only=True)]
    return {"description": _summary(record), **_object(entries, refs or {})}


def _object(entries, refs: dict[type, str]) -> dict:
    properties = {name: _property(annotation, field_spec, refs) for name, annotation, field_spec in entries}
    return {"type": "object", "properties": properties, "required": list(properties)}


def _property(annotation: Any, field_spec: FieldSpec, refs: dict[type, str]) -> dict:
    schema = _type_schema(annotation, refs)
    if field_spec.enum:
        nullable = isinstance(schema.get("type"), list)
        schema["enum"] = [*field_spec.enum, None] if nullable else list(field_spec.enum)
    if field_spec.doc:
        schema["description"] = field_spec.doc
    return schema


def _type_schema(annotation: Any, refs: dict[type, str]) -> dict:
    """The JSON schema of a field's type: str, int, float, bool, ``T | None``, ``tuple[T, ...]``,
    ``dict[str, T]``, or a record (a reference to its component, else inline)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType) and type(None) in args and len(args) == 2:
        (inner,) = (arg for arg in args if arg is not type(None))
        schema = _type_schema(inner, refs)
        if isinstance(schema.get("type"), str):
            return dict(schema, type=[schema["type"], "null"])
        return {"oneOf": [schema, {"type": "null"}]}
    if origin in (tuple, list) and (origin is list or args[-1:] == (Ellipsis,)):
        return {"type": "array", "items": _type_schema(args[0], refs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], refs)}
    if annotation in refs:
        return {"$ref": f"{COMPONENT_PATH}{refs[annotation]}"}
    if is_dataclass(annotation) and isinstance(annotation, type):
        return record_schema(annotation, refs=refs)
    if annotation in JSON_TYPES:
        return {"type": JSON_TYPES[annotation]}
    raise TypeError(f"no JSON schema for {annotation!r}")


PACK_PARAMETERS = [
    {
        "name": "ids",
        "in": "query",
        "required": True,
        "description": f"The pack's paragraph ids, comma-separated, in order (at most {PACK_CAP}; more is refused "
        "with a 400). Paragraphs of one report are kept together, in the order of their report's first paragraph. "
        "An id no longer in the index is written as missing, never dropped.",
        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$"},
    },
    {
        "name": "title",
        "in": "query",
        "description": f"The pack's title (at most {TITLE_MAX_CHARS} characters); `Briefing pack` by default.",
        "schema": {"type": "string", "maxLength": TITLE_MAX_CHARS, "pattern": TEXT_PATTERN},
    },
]
PACK_DESCRIPTION = (
    "A note on a paragraph travels as `note.<paragraph id>=text` (at most "
    f"{NOTE_MAX_CHARS} characters; not listed as a parameter because its name holds the id), as the page "
    "/briefing writes them. Nothing is stored on the server. The X-Findings-Missing header counts the "
    "paragraphs no longer in the index."
)
PACK_EXPORTS = {
    "docx": ("exportBriefingDocx", "The pack as a Word document", "Title and date; a heading per report; each "
             "paragraph quoted with its note, citation and permalink (a hyperlink); the sources."),
    "md": ("exportBriefingMarkdown", "The pack as Markdown", "The same content as the Word document."),
    "csv": ("exportBriefingCsv", "The pack as CSV", "One row per paragraph in pack order, with columns "
            + ", ".join(PACK_CSV_COLUMNS) + ". UTF-8 with a byte order mark; formula-like cells get an apostrophe."),
    "txt": ("exportBriefingCitations", "Every citation of the pack, as plain text", "One citation per line."),
}  # fmt: skip


def _pack_paths() -> dict:
    paths = {}
    for extension, (operation, summary, description) in PACK_EXPORTS.items():
        paths[f"/briefing.{extension}"] = {
            "get": {
                "operationId": operation,
                "summary": summary,
                "description": f"{description} {PACK_DESCRIPTION}",
                "parameters": PACK_PARAMETERS,
                "responses": {
                    "200": {"description": summary, "content": {FORMATS[extension]: {"schema": {"type": "string"}}}},
                    "400": {
                        "description": f"No ids, an id that is not one, more than {PACK_CAP} paragraphs, or a note "
                        "or title too long.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                },
            }
        }
    return paths


def _summary(record: type) -> str:
    return (record.__doc__ or "").strip().split("\n\n")[0]


def openapi_document(*, export_cap: int, server_url: str) -> dict:
    """The whole OpenAPI 3.1 document."""
    search_parameters = _query_parameters(paging=True)
    export_parameters = _query_parameters(paging=False)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Findings API",
            "version": "1.0.0",
            "summary": (
                "Search what inspectors said about police forces and their partners, and cite the exact paragraph."
            ),
            "description": "Read-only. Every search URL parameter is also accepted by the HTML page /search, so a "
            "search can be moved between the page, the API, the exports and the feed by changing the path.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server_url or "/"}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "One page of matching paragraphs, with facet counts, glossary entries and citations",
                    "parameters": search_parameters,
                    "responses": {
                        "200": dict(_json("SearchResult", "The result page."), links=RESULT_LINKS),
                        "400": ERROR_400,
                    },
                }
            },
            "/api/reports/{report_id}": {
                "get": {
                    "operationId": "getReport",
                    "summary": "A whole report: metadata, every paragraph in order, and linked reports",
                    "parameters": [_id_parameter("report_id")],
                    "responses": {"200": _json("Report", "The report."), "404": ERROR_404},
                }
            },
            "/api/paragraphs/{paragraph_id}": {
                "get": {
                    "operationId": "getParagraph",
                    "summary": "One paragraph with its permalink, citation, and the findings it answers or is "
                    "answered by",
                    "parameters": [_id_parameter("paragraph_id")],
                    "responses": {"200": _json("LinkedParagraph", "The paragraph."), "404": ERROR_404},
                }
            },
            "/api/paragraphs/{paragraph_id}/similar": {
                "get": {
                    "operationId": "getSimilar",
                    "summary": "The paragraphs of other reports most like this one, with the words they share marked",
                    "description": "More like this: the paragraph's key terms, weighted by how rare they are in the "
                    "corpus, searched for in every other report. Never the paragraph itself or its own report.",
                    "parameters": [
                        _id_parameter("paragraph_id"),
                        {
                            "name": "limit",
                            "in": "query",
                            "description": "How many to return.",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                        },
                        *_filter_parameters(),
                    ],
                    "responses": {
                        "200": _json("SimilarResult", "The similar findings."),
                        "400": ERROR_400,
                        "404": ERROR_404,
                    },
                }
            },
            "/search.json": {
                "get": {
                    "operationId": "exportJson",
                    "summary": f"Every match of a search (up to {export_cap}) as a JSON download",
                    "parameters": export_parameters,
                    "responses": {
                        "200": _json("Export", "The matches, best first (or by date when sorted)."),
                        "400": ERROR_400,
                    },
                }
            },
            "/api/reports/{report_id}/findings": {
                "get": {
                    "operationId": "getReportFindings",
                    "summary": "A report's recommendations, areas for improvement and causes of concern, each with "
                    "the response paragraphs that answer it and its status",
                    "parameters": [_id_parameter("report_id")],
                    "responses": {
                        "200": {
                            "description": "The findings, in reading order.",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": f"{COMPONENT_PATH}TrackedFinding"}}
                                }
                            },
                        },
                        "404": ERROR_404,
                    },
                }
            },
            "/api/recommendations": {
                "get": {
                    "operationId": "listRecommendations",
                    "summary": "Every tracked finding in the collection, filtered, with its responses and status",
                    "parameters": _chain_parameters(paging=True),
                    "responses": {"200": _json("FindingList", "A page of findings."), "400": ERROR_400},
                }
            },
            "/recommendations.csv": {
                "get": {
                    "operationId": "exportRecommendationsCsv",
                    "summary": "Every tracked finding that passes the filters, as a CSV download",
                    "description": "UTF-8 with a byte order mark; formula-like cells are prefixed with an apostrophe.",
                    "parameters": _chain_parameters(paging=False),
                    "responses": {
                        "200": {
                            "description": "The findings.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": {
                            "description": "A parameter was refused.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            "/search.csv": {
                "get": {
                    "operationId": "exportCsv",
                    "summary": f"Every match of a search (up to {export_cap}) as a CSV download",
                    "description": "UTF-8 with a byte order mark. Cells that a spreadsheet would read as a formula "
                    "(starting with = + - @, tab or carriage return) are prefixed with an apostrophe. "
                    "The X-Findings-Truncated header says whether the cap cut the export short.",
                    "parameters": export_parameters,
                    "responses": {
                        "200": {"description": "The matches.", "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "400": {
                            "description": "The query or a parameter was refused.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            "/search.atom": {
                "get": {
                    "operationId": "feed",
                    "summary": "An Atom feed of a search's newest matching paragraphs",
                    "parameters": export_parameters,
                    "responses": {
                        "200": {
                            "description": "The feed.",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": {
                            "description": "The query or a parameter was refused.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            **_pack_paths(),
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
