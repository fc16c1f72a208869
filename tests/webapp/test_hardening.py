"""Hardening: bounded work for many filter values, trusted hosts only, JSON for OPTIONS, filters that resolve."""

from __future__ import annotations

import html

import feedparser
import pytest

from tests.webapp.support import DEVON, VIST_PARAGRAPH, text_of
from webapp import create_app

SEARCH_ROUTES = ["/search", "/api/search", "/search.csv", "/search.json", "/search.atom"]
VIST_DEVON_IDS = [
    "plymouth-jtai-2020-letter--p-854c266a",
    "plymouth-jtai-2020-letter--p-db8e577d",
    "plymouth-jtai-2020-pcc-response--p-bf0f73e2",
]


@pytest.mark.parametrize("route", SEARCH_ROUTES)
@pytest.mark.parametrize("count", [51, 3000])
def test_thousands_of_filter_values_are_refused_with_a_small_answer(client, route, count):
    """Every search route refuses more than 50 values of one filter with a small 400: no chip or link per value."""
    values = "&".join(f"force=x{i}" for i in range(count))
    response = client.get(f"{route}?q=custody&{values}")
    assert response.status_code == 400
    assert len(response.data) < 8_000
    assert "Too many values for filter 'forces' (the limit is 50)." in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_filter_values_spread_over_every_filter_are_bounded_too(client, route):
    """40 values of each of eight filters (320 in all) are refused: the limit of 50 counts all filters together."""
    params = ["force", "inspectorate", "theme", "section", "finding", "type", "year", "area"]
    values = "&".join(f"{param}=v{i}" for param in params for i in range(40))
    response = client.get(f"{route}?q=custody&{values}")
    assert response.status_code == 400
    assert len(response.data) < 8_000
    assert "Too many filter values (320); the limit is 50 in all." in html.unescape(response.get_data(as_text=True))


def test_refused_page_keeps_the_query_but_not_thousands_of_chips(page):
    """The problem page refills the query box and shows no filter chips for a refused flood of values."""
    soup = page("/search?q=custody&" + "&".join(f"force=x{i}" for i in range(500)), status=400)
    assert soup.select_one("#q")["value"] == "custody"
    assert soup.select(".chips a") == []


@pytest.mark.parametrize(
    "url",
    [
        "/search.atom?q=custody",
        "/api/search?q=VIST",
        "/api/openapi.json",
        "/search?q=VIST",
        "/api/paragraphs/" + VIST_PARAGRAPH,
    ],
)
def test_untrusted_host_is_refused(client, url):
    """Without FINDINGS_BASE_URL, a Host header other than the loopback names gets a 400 and is never echoed."""
    response = client.get(url, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.data
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000"])
def test_loopback_hosts_are_served_by_default(client, host):
    """The names `make run` serves on are trusted without configuration."""
    assert client.get("/api/search?q=VIST", headers={"Host": host}).status_code == 200


def test_base_url_is_the_only_source_of_absolute_urls(corpus_index):
    """With BASE_URL set, feed ids and links, citations and the OpenAPI server ignore the Host header."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "BASE_URL": "https://findings.example.org/"})
    client = app.test_client()
    evil = {"Host": "evil.example"}
    feed = feedparser.parse(client.get("/search.atom?q=VIST&force=devon", headers=evil).data)
    assert feed.bozo is False
    assert feed.feed.id == "https://findings.example.org/search.atom?q=VIST&force=devon"
    assert [entry.link for entry in feed.entries] == [
        "https://findings.example.org/p/plymouth-jtai-2020-letter--p-854c266a",
        "https://findings.example.org/p/plymouth-jtai-2020-letter--p-db8e577d",
        "https://findings.example.org/p/plymouth-jtai-2020-pcc-response--p-bf0f73e2",
    ]
    body = client.get("/api/paragraphs/" + VIST_PARAGRAPH, headers=evil).get_json()
    assert body["citation"]["text"].endswith(", 36th paragraph, https://findings.example.org/p/" + VIST_PARAGRAPH)
    assert client.get("/api/openapi.json", headers=evil).get_json()["servers"] == [{"url": "https://findings.example.org"}]
    assert b"evil.example" not in client.get("/search.csv?q=VIST", headers=evil).data


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("findings.example.org, 10.0.0.5", ["findings.example.org", "10.0.0.5"]),
        (["findings.example.org"], ["findings.example.org"]),
        ("*", None),
    ],
)
def test_trusted_hosts_are_configurable(corpus_index, setting, expected):
    """TRUSTED_HOSTS takes a list or a comma-separated string; "*" answers any host."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "TRUSTED_HOSTS": setting})
    assert app.config["TRUSTED_HOSTS"] == expected
    status = app.test_client().get("/help", headers={"Host": "findings.example.org"}).status_code
    assert status == 200


def test_trusted_hosts_from_the_environment(corpus_index, monkeypatch):
    """FINDINGS_TRUSTED_HOSTS names the hosts to answer; others still get a 400."""
    monkeypatch.setenv("FINDINGS_TRUSTED_HOSTS", "findings.example.org")
    monkeypatch.setenv("FINDINGS_INDEX_DIR", str(corpus_index))
    client = create_app().test_client()
    assert client.get("/help", headers={"Host": "findings.example.org"}).status_code == 200
    assert client.get("/help", headers={"Host": "localhost"}).status_code == 400


def test_a_base_url_that_is_not_absolute_fails_at_start_up(corpus_index):
    """A relative or schemeless BASE_URL would make broken citations: refuse it when the app is made."""
    with pytest.raises(ValueError, match="FINDINGS_BASE_URL must be an absolute http"):
        create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "BASE_URL": "findings.example.org"})


@pytest.mark.parametrize("url", ["/api/search", "/api/openapi.json", "/api/paragraphs/" + VIST_PARAGRAPH])
def test_options_on_the_api_answers_json(client, url):
    """OPTIONS under /api/ answers JSON listing the allowed methods, like every other API answer."""
    response = client.options(url)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert sorted(response.get_json()["allow"]) == ["GET", "HEAD", "OPTIONS"]
    assert sorted(m.strip() for m in response.headers["Allow"].split(",")) == ["GET", "HEAD", "OPTIONS"]


@pytest.mark.parametrize("value", ["devon", "Devon", "Devon and Cornwall", "DEVON AND CORNWALL POLICE"])
@pytest.mark.parametrize("route", ["/api/search", "/search.json"])
def test_url_filters_resolve_like_field_prefixes(client, route, value):
    """force=devon finds what force:devon finds: exact value, alias, or all the typed words."""
    body = client.get(f"{route}?q=VIST&force={value}").get_json()
    assert sorted(r["id"] for r in body["results"]) == VIST_DEVON_IDS
    assert body["filters"] == {"forces": [DEVON]}


def test_doc_type_filter_resolves_a_short_value(client):
    """type=pcc means pcc_response."""
    body = client.get("/api/search?q=VIST&type=pcc").get_json()
    assert [r["id"] for r in body["results"]] == ["plymouth-jtai-2020-pcc-response--p-bf0f73e2"]
    assert body["filters"] == {"doc_type": ["pcc_response"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "force=dorset",
            "No force matches 'dorset'. "
            "Known values: Devon and Cornwall Police, Hampshire and Isle of Wight Constabulary.",
        ),
        ("force=devan", "No force matches 'devan'. Closest: Devon and Cornwall Police."),
        (
            "finding=aff",
            "No finding type matches 'aff'. Known values: area_for_improvement, key_finding, recommendation, strength.",
        ),
        ("year=2031", "No documents from '2031'. Years in the index: 2020."),
        ("year=abc", "Year 'abc' is not a year. Use a year such as 2020, or a range such as 2019..2021."),
    ],
)
def test_filter_value_matching_nothing_is_refused_with_the_closest_values(client, query, message):
    """A filter value that matches no stored value is a 400 naming the closest known values, never a silent zero."""
    response = client.get(f"/api/search?q=VIST&{query}")
    assert response.status_code == 400
    assert response.get_json() == {"error": message, "status": 400}


def test_search_page_chips_show_the_resolved_value(page):
    """On the page, force=devon shows a chip for the force it stands for, and the facet is ticked."""
    soup = page("/search?q=VIST&force=devon")
    chips = [text_of(chip) for chip in soup.select(".chips a")]
    assert chips == [f"Remove filter Force: {DEVON} ×", "Clear all filters"]
    assert "3 paragraphs match" in text_of(soup)


def test_search_page_filter_matching_nothing_says_so(page):
    """/search?force=kent is a 400 page naming the known forces, not "0 paragraphs"."""
    soup = page("/search?q=VIST&force=kent", status=400)
    assert "No force matches 'kent'." in text_of(soup)
