"""Similar findings in the web app: their page (and its fragment for findings.js), the permalink landing, the API."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.webapp.support import text_of

CUSTODY = "national-child-protection-inspections-2019-pcc-response--p-281fc040"
TOP_FIVE = [
    "plymouth-jtai-2020-pcc-response--p-78301828",
    "feeling-heard-jtai-thematic-2020-pcc-response--p-e69e3c55",
    "portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4",
    "feeling-heard-jtai-thematic-2020-pcc-response--p-926958fb",
    "plymouth-jtai-2020-letter--p-57edd3a4",
]


def test_api_answers_the_similar_findings_with_links(client):
    data = client.get(f"/api/paragraphs/{CUSTODY}/similar").get_json()
    assert [r["id"] for r in data["results"]] == TOP_FIVE
    assert data["limit"] == 5 and data["filters"] == {}
    assert data["paragraph"]["url"] == f"/p/{CUSTODY}"
    first = data["results"][0]
    assert first["url"] == f"/p/{TOP_FIVE[0]}"
    assert first["citation"]["text"].endswith(f", 8th paragraph, http://localhost/p/{TOP_FIVE[0]}")
    assert first["shared"] == ["Police", "recognised", "custody", "Recognising", "children", "vulnerable"]
    assert [key["word"] for key in data["key_terms"]] == [
        "increasingly", "custody", "vulnerability", "recognise", "Police", "children",
    ]  # fmt: skip


def test_api_filters_and_limit(client):
    data = client.get(f"/api/paragraphs/{CUSTODY}/similar?force=hampshire&limit=2").get_json()
    assert data["filters"] == {"forces": ["Hampshire and Isle of Wight Constabulary"]}
    assert [r["id"] for r in data["results"]] == [
        "portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-a73b3823",
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=abc", "limit must be a whole number, like limit=5; got 'abc'."),
        ("limit=21", "limit must be from 1 to 20."),
        ("limit=0", "limit must be from 1 to 20."),
        ("force=atlantis", "No force matches 'atlantis'. Known values: Devon and Cornwall Police, Hampshire and "
         "Isle of Wight Constabulary."),
    ],
)  # fmt: skip
def test_api_refuses_bad_parameters_with_a_message(client, query, message):
    response = client.get(f"/api/paragraphs/{CUSTODY}/similar?{query}")
    assert response.status_code == 400
    assert response.get_json() == {"error": message, "status": 400}


@pytest.mark.parametrize("paragraph_id", ["plymouth-jtai-2020-letter--p-00000000", "..%2Fetc", "UPPER"])
def test_unknown_paragraph_is_404(client, paragraph_id):
    assert client.get(f"/api/paragraphs/{paragraph_id}/similar").status_code == 404
    assert client.get(f"/p/{paragraph_id}/similar").status_code == 404


def test_page_lists_them_with_shared_words_marked(page):
    soup = page(f"/p/{CUSTODY}/similar")
    assert text_of(soup.h1) == "Similar findings in other reports"
    assert text_of(soup.select_one("#similar-title")) == "5 similar findings"
    items = soup.select(".similar-item")
    assert [item.select_one(".similar-item__title a")["href"] for item in items] == [f"/p/{i}" for i in TOP_FIVE]
    assert [mark.text for mark in items[1].select("mark")] == [
        "police", "recognise", "children", "police", "vulnerability", "children", "children", "custody",
    ]  # fmt: skip
    assert text_of(items[1].select_one(".similar-item__shared")) == (
        "Shared words: police, recognise, children, vulnerability, custody"
    )
    assert [b["value"] for b in soup.select(".similar-item button[name=add]")] == TOP_FIVE
    assert [m.text for m in soup.select(".similar-source mark")] == [
        "Police", "recognise", "vulnerability", "children", "custody",
    ]  # fmt: skip


def test_page_filter_form_keeps_its_choices(page):
    soup = page(f"/p/{CUSTODY}/similar?finding=key_finding&limit=10")
    assert soup.select_one("#similar-finding option[selected]")["value"] == "key_finding"
    assert soup.select_one("#similar-limit option[selected]")["value"] == "10"
    assert [i.select_one("a")["href"] for i in soup.select(".similar-item")] == [
        "/p/feeling-heard-jtai-thematic-2020-pcc-response--p-bf928c5c"
    ]


def test_page_refuses_a_filter_matching_nothing_with_a_message(client):
    response = client.get(f"/p/{CUSTODY}/similar?force=atlantis")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    assert text_of(soup.select_one(".error-summary p")).startswith("No force matches 'atlantis'.")


def test_fragment_is_the_list_alone(client):
    """What findings.js puts under a paragraph of a report: the list, no page around it."""
    response = client.get(f"/p/{CUSTODY}/similar?partial=1")
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<ol class="similar-list">') and "<html" not in body
    soup = BeautifulSoup(body, "lxml")
    assert [a["href"] for a in soup.select(".similar-item__title a")] == [f"/p/{i}" for i in TOP_FIVE]


def test_report_paragraphs_link_to_their_similar_findings(page, service):
    soup = page("/reports/national-child-protection-inspections-2019-pcc-response")
    links = [a["href"] for a in soup.select(".para .js-similar")]
    report = service.report("national-child-protection-inspections-2019-pcc-response")
    assert links == [f"/p/{record['id']}/similar" for record in report["paragraphs"]]


def test_permalink_landing_shows_the_cited_paragraphs_similar_findings(client):
    landing = client.get(f"/p/{CUSTODY}", follow_redirects=True)
    soup = BeautifulSoup(landing.get_data(as_text=True), "lxml")
    section = soup.select_one(".para--cited .similar--landing")
    assert text_of(section.h2) == "Similar findings in other reports"
    assert [a["href"] for a in section.select(".similar-item__title a")] == [f"/p/{i}" for i in TOP_FIVE]
    assert section.select_one(".similar__more a")["href"] == f"/p/{CUSTODY}/similar"
