"""CSV and JSON exports of a search, and the Atom feed."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest

from tests.webapp.support import DEVON, VIST_CITATION, VIST_MARKDOWN, VIST_PARAGRAPH
from webapp import create_app
from webapp.exports import CSV_COLUMNS, neutralise

ATOM = "{http://www.w3.org/2005/Atom}"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_export_has_every_match_with_citation_and_permalink(client, service):
    """The CSV holds every match (not one page), with permalink and both citation columns."""
    response = client.get("/search.csv?q=VIST")
    assert response.headers["Content-Disposition"] == 'attachment; filename="findings-vist.csv"'
    assert response.get_data()[:3] == b"\xef\xbb\xbf"
    rows = read_csv(response)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["id"] for row in rows] == [record["id"] for record in service.export("VIST")]
    first = rows[0]
    assert first["id"] == VIST_PARAGRAPH
    assert first["permalink"] == f"http://localhost/p/{VIST_PARAGRAPH}"
    assert first["citation"] == VIST_CITATION
    assert first["citation_markdown"] == VIST_MARKDOWN
    assert first["inspectorates"] == "Ofsted; CQC; HMICFRS; HMI Probation"
    assert first["paragraph_number"] == "36"
    assert response.headers["X-Findings-Truncated"] == "false"


def test_csv_export_is_not_limited_to_a_page(client):
    """All 108 paragraphs export, past the 100-per-page limit of the page and API."""
    assert len(read_csv(client.get("/search.csv"))) == 108


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (36, 36),
        (None, None),
    ],
)
def test_neutralise_prefixes_formula_cells(cell, expected):
    """Cells a spreadsheet would evaluate get a leading apostrophe; others are untouched."""
    assert neutralise(cell) == expected


def test_csv_cells_never_start_a_formula(client):
    """No cell of a whole-corpus export starts with = + - @ tab or CR."""
    for row in read_csv(client.get("/search.csv")):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_csv_neutralises_formulas_coming_from_the_index(corpus_index, monkeypatch):
    """A report whose text or title starts like a formula is exported inert."""
    from webapp.service import get_service

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    service = get_service(app)
    record = service.export("VIST")[0]
    evil = dict(record, report_title="=cmd|' /C calc'!A0", text="@SUM(1+1)*cmd", section="-2+3")
    monkeypatch.setattr(service, "export", lambda *args, **kwargs: [dict(evil)])
    row = read_csv(app.test_client().get("/search.csv?q=VIST"))[0]
    assert (row["report_title"], row["text"], row["section"]) == ("'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd", "'-2+3")


def test_export_cap_limits_and_says_so(corpus_index):
    """With EXPORT_CAP=5 the exports hold five rows and report that they were cut short."""
    client = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "EXPORT_CAP": 5}).test_client()
    response = client.get("/search.csv?q=children")
    assert len(read_csv(response)) == 5 and response.headers["X-Findings-Truncated"] == "true"
    body = client.get("/search.json?q=children").get_json()
    assert (body["count"], body["cap"], body["truncated"], len(body["results"])) == (5, 5, True, 5)


def test_json_export_has_search_and_records(client, service):
    """The JSON export states the search and lists every match with url, permalink and citation."""
    response = client.get(f"/search.json?q=custody&force={DEVON}&sort=newest")
    assert response.headers["Content-Disposition"] == 'attachment; filename="findings-custody.json"'
    body = response.get_json()
    expected = service.export("custody", filters={"forces": [DEVON]}, sort="newest")
    assert {k: body[k] for k in ("query", "filters", "sort", "count", "cap", "truncated")} == {
        "query": "custody",
        "filters": {"forces": [DEVON]},
        "sort": "newest",
        "count": len(expected),
        "cap": 5000,
        "truncated": False,
    }
    assert [r["id"] for r in body["results"]] == [r["id"] for r in expected]
    assert {r["permalink"] for r in body["results"]} == {f"http://localhost/p/{r['id']}" for r in expected}


@pytest.mark.parametrize("path", ["/search.csv", "/search.json", "/search.atom"])
def test_exports_refuse_bad_queries_with_400(client, path):
    """Exports and the feed refuse what the search page refuses, with 400, never 500."""
    for query in ("q=ab%2A", "sort=sideways", "q=%00", "q=" + "x" * 600):
        assert client.get(f"{path}?{query}").status_code == 400


def test_json_export_error_is_json(client):
    response = client.get("/search.json?sort=sideways")
    assert response.mimetype == "application/json" and "Unknown sort" in response.get_json()["error"]


def test_atom_feed_is_valid_and_newest_first(client, service):
    """/search.atom is well-formed Atom: feed id, title, updated, self link, entries newest first."""
    response = client.get(f"/search.atom?q=custody&force={DEVON}")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == f"Findings: “custody”, force: {DEVON}"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/search.atom?q=custody&force=Devon+and+Cornwall+Police"
    entries = feed.findall(f"{ATOM}entry")
    expected = service.search("custody", filters={"forces": [DEVON]}, sort="newest", per_page=50)["results"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"http://localhost/p/{r['id']}" for r in expected]
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        for name in ("id", "title", "updated", "content", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == entry.findtext(f"{ATOM}id")


def test_atom_content_is_escaped_html(client):
    """Entry content is type="html": the snippet's markup arrives as escaped text, never as XML."""
    response = client.get("/search.atom?q=VIST")
    raw = response.get_data(as_text=True)
    assert "&lt;mark&gt;" in raw and "<mark>" not in raw
    content = ET.fromstring(response.get_data()).find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "<mark>VIST</mark>" in content.text


def test_atom_escapes_what_the_user_typed(client):
    """A query full of markup is escaped in the feed, which stays well-formed."""
    response = client.get("/search.atom?q=%3Cscript%3E%26%22'")
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    assert feed.findtext(f"{ATOM}title") == "Findings: “<script>&\"'”"
