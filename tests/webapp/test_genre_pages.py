"""Grades, programmes, responding offices and how a report was read, on pages over the genre fixtures."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from indexer.store.indexing import index_corpus
from tests.webapp.support import text_of
from webapp import create_app

GENRE = Path(__file__).resolve().parents[1] / "data" / "genre"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def genre_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("genre") / "corpus"
    shutil.copytree(GENRE, corpus, ignore=shutil.ignore_patterns("README.md"))
    index_dir = corpus.parent / "index"
    assert index_corpus(corpus, index_dir, workers=0).failed == []
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def _soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.data, "lxml")


def test_grade_filter_and_facet(genre_client):
    """`grade:inadequate` and ?grade= find the paragraphs under that judgement; the sidebar counts grades."""
    body = genre_client.get("/api/search?q=grade:inadequate&per_page=10").get_json()
    assert [hit["text"][:40] for hit in body["results"]] == [
        "Cleveland Police was graded inadequate a",
        "The extent to which the force is effecti",
        "Inadequate",
        "Officers do not always recognise the ris",
    ]
    assert body["total"] == 4
    by_url = genre_client.get("/api/search?grade=requires+improvement").get_json()
    assert (by_url["total"], by_url["filters"]) == (8, {"grade": ["requires improvement"]})
    facets = {f["value"]: f["count"] for f in genre_client.get("/api/search").get_json()["facets"]["grade"]}
    assert facets == {"adequate": 4, "inadequate": 4, "requires improvement": 8, "good": 2}
    refused = genre_client.get("/api/search?grade=excellent")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == (
        "No grade matches 'excellent'. Known values: adequate, good, inadequate, requires improvement."
    )
    soup = _soup(genre_client, "/search?q=force")
    titles = [text_of(node) for node in soup.select(".facet__title, .facet legend, .facet h3")]
    assert "Grade" in " ".join(titles) and "Programme" in " ".join(titles)


def test_programme_filter(genre_client):
    """Programme is read from the text: PEEL, JTAI, custody, crime data integrity, thematic."""
    facets = {f["value"]: f["count"] for f in genre_client.get("/api/search").get_json()["facets"]["programme"]}
    assert set(facets) == {"PEEL", "JTAI", "custody", "crime data integrity", "thematic"}
    custody = genre_client.get("/api/search?programme=custody").get_json()
    assert {hit["report_id"] for hit in custody["results"]} == {"custody-joint-inspection", "custody-report-gwent"}


def test_report_page_shows_grades_and_findings_in_detail(genre_client):
    soup = _soup(genre_client, "/reports/peel-graded-force-report")
    rows = {text_of(row.dt): text_of(row.dd) for row in soup.select(".report-header .summary-list__row")}
    assert rows["Grades"] == (
        "The extent to which the force is effective at investigating crime : Adequate "
        "The extent to which the force is effective at protecting vulnerable people : Inadequate "
        "Investigating crime : Adequate Protecting vulnerable people : Inadequate"
    )
    assert rows["Programme"] == "PEEL"
    assert rows["By"] == "HMICFRS"
    findings = [[text_of(td) for td in row.select("td")] for row in soup.select(".reading__findings tbody tr")]
    assert findings[4] == ["Recommendation", "Recommendation 3", "the force and police", "by 31 March 2025", "13"]
    cells = [row.select("td") for row in soup.select(".reading__facts tbody tr")]
    facts = {text_of(row[0]): text_of(row[2]) for row in cells}
    assert facts["Published"] == "Published on: 14 March 2024"
    assert facts["Programme"] == "PEEL 2023–25: An inspection of Northumbria Police"


def test_response_page_names_its_office_and_both_dates(genre_client):
    soup = _soup(genre_client, "/reports/pcc-response-letter")
    assert text_of(soup.select_one("h1")) == (
        "Response of the Police and Crime Commissioner for Kent to the report on the police response to "
        "violence against women and girls"
    )
    rows = {text_of(row.dt): text_of(row.dd) for row in soup.select(".report-header .summary-list__row")}
    assert rows["Published"] == "14 March 2022"
    assert rows["Report answered published"] == "2 February 2022"
    assert rows["Responding office"] == "Police and Crime Commissioner for Kent"


def test_citation_and_feed_name_the_author_as_the_document_does(genre_client):
    """HMIC's 2016 letter is cited as HMIC's; a response's feed entry names the responding office."""
    body = genre_client.get("/api/search?q=%22crime+recording+rules%22").get_json()
    hit = body["results"][0]
    assert hit["report_id"] == "hmic-letter-to-chief-constable"
    assert hit["citation"]["text"].startswith('HMIC, "Crime data integrity: revisit", 12 October 2016, ')
    feed = ET.fromstring(genre_client.get("/search.atom?q=welcome+report").data)
    authors = [entry.find(f"{ATOM}author/{ATOM}name").text for entry in feed.findall(f"{ATOM}entry")]
    assert "Police and Crime Commissioner for Kent" in authors
