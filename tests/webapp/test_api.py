"""The JSON API and its OpenAPI document."""

from __future__ import annotations

import pytest

from tests.webapp.support import PLYMOUTH_LETTER, PLYMOUTH_RESPONSE, VIST_CITATION, VIST_MARKDOWN, VIST_PARAGRAPH

RESULT_KEYS = ["query", "total", "page", "per_page", "pages", "sort", "filters", "facets", "results",
               "suggestion", "corrected", "glossary", "notes"]  # fmt: skip


def test_api_search_returns_the_shared_result_shape(client, service):
    """/api/search answers what SearchService.search gives, each result with its permalink and absolute citation."""
    response = client.get("/api/search?q=VIST&force=Devon+and+Cornwall+Police&per_page=2")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    expected = service.search("VIST", filters={"forces": ["Devon and Cornwall Police"]}, per_page=2)
    assert list(body) == RESULT_KEYS
    results = body.pop("results")
    assert body == {key: value for key, value in expected.items() if key != "results"}
    assert [{k: v for k, v in r.items() if k not in ("url", "citation")} for r in results] == expected["results"]
    assert [list(r)[-2:] for r in results] == [["url", "citation"]] * len(results)
    assert [r["url"] for r in results] == [f"/p/{r['id']}" for r in expected["results"]]
    assert results[0]["citation"] == {"text": VIST_CITATION, "markdown": VIST_MARKDOWN}


def test_api_search_uses_url_parameter_names(client):
    """Filters arrive under the same names as on the search page and come back as index fields."""
    body = client.get("/api/search?q=children&finding=strength&type=inspection_letter&year=2020&sort=oldest").get_json()
    assert body["filters"] == {"finding_type": ["strength"], "doc_type": ["inspection_letter"], "year": ["2020"]}
    assert body["sort"] == "oldest"
    assert {r["finding_type"] for r in body["results"]} == {"strength"}


@pytest.mark.parametrize(
    "query, message_start",
    [
        ("q=ab%2A", "'ab*' is too broad"),
        ("q=nosuchfield:x", "Unknown field 'nosuchfield:'"),
        ("q=" + "a" * 501, "Parameter 'q' is too long"),
        ("page=0", "page must be a whole number from 1"),
        ("page=abc", "page must be a whole number"),
        ("per_page=10000", "per_page must be from 1 to 100"),
        ("page=999999", "Page 999999 is too deep"),
        ("sort=random", "Unknown sort 'random'"),
        ("q=a%00b", "The address contains a NUL character"),
    ],
)
def test_api_search_refusals_are_json_400(client, query, message_start):
    """A refused query or parameter is a 400 with {"error": message}."""
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"].startswith(message_start)


def test_api_report_has_paragraphs_with_citations(client, service):
    """/api/reports/<id> is the report with every paragraph's permalink and citation."""
    body = client.get(f"/api/reports/{PLYMOUTH_LETTER}").get_json()
    report = service.report(PLYMOUTH_LETTER)
    assert body["title"] == report["title"] and body["url"] == f"/reports/{PLYMOUTH_LETTER}"
    assert [p["id"] for p in body["paragraphs"]] == [p["id"] for p in report["paragraphs"]]
    vist = next(p for p in body["paragraphs"] if p["id"] == VIST_PARAGRAPH)
    assert vist["url"] == f"/p/{VIST_PARAGRAPH}"
    assert vist["citation"]["text"] == VIST_CITATION
    assert body["responses"][0]["report_id"] == PLYMOUTH_RESPONSE


def test_api_paragraph_is_the_record_with_citation(client, service):
    """/api/paragraphs/<id> is SearchService.paragraph's record, then its permalink and citation."""
    body = client.get(f"/api/paragraphs/{VIST_PARAGRAPH}").get_json()
    assert body == dict(
        service.paragraph(VIST_PARAGRAPH),
        url=f"/p/{VIST_PARAGRAPH}",
        citation={"text": VIST_CITATION, "markdown": VIST_MARKDOWN},
    )
    assert list(body)[-4:] == ["url", "citation", "answers", "answered_by"]
    # The front door area for improvement, answered by the commissioner's paragraph that names it.
    assert (body["answers"], body["answered_by"]) == (
        [],
        [
            {
                "paragraph_id": "plymouth-jtai-2020-pcc-response--p-bf0f73e2",
                "report_id": "plymouth-jtai-2020-pcc-response",
                "status": "in progress",
                "evidence": "shares the words “front door referral pathways”",
            }
        ],
    )


@pytest.mark.parametrize("url", ["/api/reports/nope", "/api/paragraphs/nope", "/api/nothing-here", "/api/reports/A.B"])
def test_api_not_found_is_json(client, url):
    """Unknown API addresses answer 404 in JSON."""
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["status"] == 404


def test_api_rejects_other_methods_in_json(client):
    """POST to the API is 405 with an Allow header and a JSON body."""
    response = client.post("/api/search")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert "GET" in response.headers["Allow"]


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_describes_every_endpoint(client, app):
    """/api/openapi.json is OpenAPI 3.1 covering the API, exports and feed, and every $ref resolves."""
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/search", "/api/reports/{report_id}", "/api/paragraphs/{paragraph_id}", "/api/openapi.json",
        "/search.csv", "/search.json", "/search.atom", "/api/reports/{report_id}/findings", "/api/recommendations",
        "/recommendations.csv",
        "/api/paragraphs/{paragraph_id}/similar",
        "/briefing.docx", "/briefing.md", "/briefing.csv", "/briefing.txt",
    }  # fmt: skip
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in document["components"]["schemas"]
    for path, item in document["paths"].items():
        operation = item["get"]
        assert operation["operationId"] and "200" in operation["responses"]
        for parameter in operation.get("parameters", []):
            assert parameter["in"] in ("query", "path") and "schema" in parameter
            if parameter["in"] == "path":
                assert "{" + parameter["name"] + "}" in path and parameter["required"] is True
    parameters = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters == {"q", "force", "inspectorate", "theme", "section", "finding", "type", "year", "area",
                          "grade", "programme", "status", "answered", "sort", "page", "per_page"}  # fmt: skip
    assert str(app.config["EXPORT_CAP"]) in document["paths"]["/search.csv"]["get"]["summary"]


def test_openapi_required_fields_exist_in_real_answers(client):
    """Fields the document marks required are present in real answers."""
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    search = client.get("/api/search?q=VIST").get_json()
    assert set(schemas["SearchResult"]["required"]) <= set(search)
    assert set(schemas["Paragraph"]["required"]) <= set(search["results"][0])
    report = client.get(f"/api/reports/{PLYMOUTH_LETTER}").get_json()
    assert set(schemas["Report"]["required"]) <= set(report)
    assert set(schemas["Paragraph"]["properties"]) == set(report["paragraphs"][0])
    similar = client.get(f"/api/paragraphs/{VIST_PARAGRAPH}/similar").get_json()
    assert set(schemas["SimilarResult"]["required"]) == set(similar)
    assert set(schemas["Paragraph"]["properties"]) == set(similar["paragraph"])
    own = set(schemas["SimilarParagraph"]["allOf"][1]["properties"])
    assert own == {"score", "snippet", "shared"}
    assert set(schemas["Paragraph"]["properties"]) | own == set(similar["results"][0])
    assert set(schemas["KeyTerm"]["required"]) == set(similar["key_terms"][0])
