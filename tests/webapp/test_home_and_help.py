"""The home page (what is in the corpus, example searches) and the query language help page."""

from __future__ import annotations

from collections import Counter

from tests.webapp.support import DEVON, path_of, query_of, text_of


def table(soup, title: str) -> dict[str, tuple[int, str]]:
    panel = next(p for p in soup.select(".corpus__panel") if text_of(p.h3) == title)
    return {
        text_of(row.a): (int(text_of(row.select_one(".numeric"))), row.a["href"]) for row in panel.select("tbody tr")
    }


def test_home_shows_what_is_in_the_corpus(page, service):
    """Reports by type, forces and inspectorates are counted from the index, each linking to a filtered search."""
    soup = page("/")
    reports = service.reports()
    stats = {text_of(item.dt): text_of(item.dd) for item in soup.select(".stats__item")}
    assert stats == {
        "Reports and responses": str(len(reports)),
        "Paragraphs": str(service.stats()["paragraphs"]),
        "Published": "8 January 2020 to 9 December 2020",
    }
    by_type = Counter(report["doc_type"] for report in reports)
    assert table(soup, "Reports by type") == {
        "Inspection letter": (by_type["inspection_letter"], "/search?type=inspection_letter"),
        "PCC response": (by_type["pcc_response"], "/search?type=pcc_response"),
    }
    forces = table(soup, "Forces")
    assert forces[DEVON][0] == sum(DEVON in report["forces"] for report in reports)
    assert query_of(forces[DEVON][1]) == {"force": [DEVON]}
    assert set(table(soup, "Inspectorates")) == {"HMICFRS", "Ofsted", "CQC", "HMI Probation"}


def test_home_has_a_search_box_and_example_searches(page):
    """The home page offers the query box and example searches that work."""
    soup = page("/")
    form = soup.select_one("form[role=search]")
    assert path_of(form["action"]) == "/search" and form.find("input", attrs={"name": "q"}) is not None
    examples = {text_of(a): query_of(a["href"]) for a in soup.select(".example-list a")}
    assert examples["VIST"] == {"q": ["VIST"]}
    assert examples['"street triage"'] == {"q": ['"street triage"']}
    assert examples["custody in Devon and Cornwall"] == {"q": ["custody"], "force": [DEVON]}


def test_example_searches_find_something(client, page):
    """Every example search on the home page has results."""
    for link in page("/").select(".example-list a"):
        soup = page(link["href"])
        assert soup.select("li.result"), link["href"]


def test_latest_reports_link_to_report_pages(page, service):
    """The latest reports list links to their pages, newest first."""
    links = [a["href"] for a in page("/").select(".report-list__title")]
    assert links == [f"/reports/{entry['report_id']}" for entry in service.reports()[:6]]


def test_help_documents_the_query_language(page):
    """The help page covers every part of the syntax, each with a working example link."""
    soup = page("/help")
    text = text_of(soup.main)
    for feature in ('"street triage"', "custody -overnight", "OR", "(CAMHS OR", "criminal*", "force:", "inspectorate:",
                    "theme:", "section:", "finding:", "type:", "year:2019..2021", "area:", "Acronyms", "Hyphens",
                    "British and American spellings"):  # fmt: skip
        assert feature in text, feature
    examples = [a for a in soup.select("main table a") if path_of(a["href"]) == "/search"]
    assert len(examples) >= 13
    assert "5,000" in text


def test_help_examples_all_run(client, page):
    """Every example on the help page is a valid search (never a 400)."""
    for link in page("/help").select("main table a"):
        if path_of(link["href"]) == "/search":
            assert client.get(link["href"]).status_code == 200, link["href"]
