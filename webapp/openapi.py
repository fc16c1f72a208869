"""The OpenAPI 3.1 description of the JSON API, exports and feed, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from indexer.search.query import MAX_QUERY_CHARS
from indexer.search.service import MAX_FILTER_VALUES, MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS
from webapp.params import MAX_VALUE_CHARS, TEXT_PATTERN, URL_FILTERS

FILTER_DESCRIPTIONS = {
    "force": "Only paragraphs about this force, e.g. `Devon and Cornwall Police`.",
    "inspectorate": "Only reports by this inspectorate, e.g. `HMICFRS`.",
    "theme": "Only paragraphs tagged with this theme, e.g. `Mental health`.",
    "section": "Only this kind of section, e.g. `areas_for_improvement`.",
    "finding": "Only this kind of finding: `strength`, `area_for_improvement`, `recommendation` or `key_finding`.",
    "type": "Only this kind of document: `inspection_report` or `pcc_response`.",
    "year": "Only documents published in this year, e.g. `2020`.",
    "area": "Only paragraphs about this local authority area, e.g. `Plymouth`.",
}

NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}


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
    for param, _field in URL_FILTERS:
        parameters.append(
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
        )
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
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
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
}


def _schemas() -> dict:
    citation = {
        "type": "object",
        "required": ["text", "markdown"],
        "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
    }
    paragraph = {
        "type": "object",
        "description": "One paragraph record: the shape shared by the API, exports and `findings dump`.",
        "properties": {
            "id": {"type": "string"},
            "report_id": {"type": "string"},
            "report_title": {"type": "string"},
            "section": {"type": "string"},
            "section_type": {"type": "string"},
            "finding_type": NULLABLE_STRING,
            "paragraph_number": {"type": "integer"},
            "anchor": {"type": "string"},
            "page": {"type": ["integer", "null"]},
            "doc_type": {"type": "string", "enum": ["inspection_report", "pcc_response"]},
            "published": NULLABLE_STRING,
            "year": {"type": ["integer", "null"]},
            "inspectorates": STRINGS,
            "forces": STRINGS,
            "areas": STRINGS,
            "source_url": NULLABLE_STRING,
            "source_file": {"type": "string"},
            "themes": STRINGS,
            "text": {"type": "string"},
            "footnotes": {
                "type": "array",
                "items": {"type": "object", "properties": {"marker": {"type": "string"}, "text": {"type": "string"}}},
            },
            "is_bullet": {"type": "boolean"},
            "url": {"type": "string", "description": "The paragraph's permalink, relative to the server."},
            "citation": {"$ref": "#/components/schemas/Citation"},
        },
        "required": ["id", "report_id", "paragraph_number", "anchor", "text"],
    }
    result = {
        "allOf": [
            {"$ref": "#/components/schemas/Paragraph"},
            {
                "type": "object",
                "properties": {
                    "snippet": {"type": "string", "description": "Escaped HTML with <mark> around matches."},
                    "matched": STRINGS,
                    "score": {"type": ["number", "null"]},
                },
            },
        ]
    }
    facet_value = {
        "type": "object",
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}},
    }
    search_result = {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "pages", "sort", "filters", "facets", "results"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "sort": {"type": "string", "enum": list(SORTS)},
            "filters": {"type": "object", "additionalProperties": STRINGS},
            "facets": {"type": "object", "additionalProperties": {"type": "array", "items": facet_value}},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "suggestion": NULLABLE_STRING,
            "corrected": {"type": "boolean"},
            "glossary": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "acronym": {"type": "string"},
                        "expansion": {"type": "string"},
                        "source": {"type": "string"},
                    },
                },
            },
            "notes": STRINGS,
        },
    }
    linked = {"type": "object", "properties": {"report_id": {"type": "string"}, "title": {"type": "string"}}}
    report = {
        "type": "object",
        "properties": {
            "report_id": {"type": "string"},
            "title": {"type": "string"},
            "doc_type": {"type": "string"},
            "published": NULLABLE_STRING,
            "inspectorates": STRINGS,
            "forces": STRINGS,
            "areas": STRINGS,
            "source_url": NULLABLE_STRING,
            "source_file": {"type": "string"},
            "url": {"type": "string"},
            "paragraphs": {"type": "array", "items": {"$ref": "#/components/schemas/Paragraph"}},
            "responses": {
                "type": "array",
                "items": {"allOf": [linked, {"type": "object", "properties": {"published": NULLABLE_STRING}}]},
            },
            "responds_to_report": {"oneOf": [linked, {"type": "null"}]},
        },
        "required": ["report_id", "title", "paragraphs"],
    }
    export = {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "filters": {"type": "object", "additionalProperties": STRINGS},
            "sort": {"type": "string"},
            "count": {"type": "integer"},
            "cap": {"type": "integer"},
            "truncated": {"type": "boolean"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Paragraph"}},
        },
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    }
    return {"Citation": citation, "Paragraph": paragraph, "SearchHit": result, "SearchResult": search_result,
            "Report": report, "Export": export, "Error": error}  # fmt: skip


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
                    "summary": "One paragraph with its permalink and citation",
                    "parameters": [_id_parameter("paragraph_id")],
                    "responses": {"200": _json("Paragraph", "The paragraph."), "404": ERROR_404},
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
