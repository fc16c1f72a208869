"""Report pages, paragraph permalinks, and refusing ids that are not ids."""

from __future__ import annotations

import pytest

from tests.webapp.support import (
    PLYMOUTH_LETTER,
    PLYMOUTH_RESPONSE,
    VIST_ANCHOR,
    VIST_CITATION,
    VIST_PARAGRAPH,
    assert_no_internals,
    path_of,
    query_of,
    text_of,
)


def test_report_page_lists_every_paragraph_by_section(page, service):
    """Every paragraph appears once, in order, with its number, anchor and permalink icon."""
    report = service.report(PLYMOUTH_LETTER)
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    paragraphs = soup.select("div.para")
    assert [p["id"] for p in paragraphs] == [record["anchor"] for record in report["paragraphs"]]
    assert [text_of(p.select_one(".para__number")) for p in paragraphs] == [
        str(record["paragraph_number"]) for record in report["paragraphs"]
    ]
    assert [p.select_one("a.para__link")["href"] for p in paragraphs] == [f"/p/{r['id']}" for r in report["paragraphs"]]
    assert text_of(soup.h1) == report["title"]
    assert len(soup.find_all("h1")) == 1


def test_report_sections_are_headed_and_listed_in_contents(page):
    """Section headings follow the report, and the contents list links to each."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    headings = [text_of(h) for h in soup.select(".report-section__title")]
    assert headings[:4] == ["Summary", "Key Strengths", "Case study: effective practice", "Areas for improvement"]
    contents = [(text_of(a), a["href"]) for a in soup.select("nav.contents a")]
    assert [name for name, _ in contents] == [
        *headings, "Recommendations and responses", "Footnotes", "How this report was read"
    ]  # fmt: skip
    for _, href in contents:
        assert soup.find(id=href.lstrip("#")) is not None


def test_subsections_get_their_own_heading(page):
    """A "Key findings › Topic" section shows Key findings once, then each topic as a subheading."""
    soup = page("/reports/national-child-protection-inspections-2019-pcc-response")
    assert [text_of(h) for h in soup.select(".report-section__title")].count("Key findings") == 1
    assert "The role of leaders and leadership" in [text_of(h) for h in soup.select(".report-section__subtitle")]


def test_findings_are_marked_by_type(page):
    """Strengths and areas for improvement carry a badge and a class naming their type."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    kinds = {}
    for paragraph in soup.select("div.para--finding"):
        kinds.setdefault(text_of(paragraph.select_one(".tag")), set()).update(paragraph["class"])
    assert set(kinds) == {"Strength", "Area for improvement"}
    assert "para--strength" in kinds["Strength"]
    assert "para--area-for-improvement" in kinds["Area for improvement"]


def test_footnotes_are_linked_both_ways(page, service):
    """Footnote markers link to the footnotes list, and each footnote links back."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    notes = soup.select("section.footnotes li")
    expected = [note for record in service.report(PLYMOUTH_LETTER)["paragraphs"] for note in record["footnotes"]]
    assert [text_of(li.select_one("span:nth-of-type(2)")) for li in notes] == [note["text"] for note in expected]
    for li in notes:
        back = li.select_one("a.footnotes__back")["href"].lstrip("#")
        ref = soup.find(id=back)
        assert ref.name == "a" and ref["href"] == f"#{li['id']}"


def test_query_highlights_terms_throughout(page):
    """?q= marks the query's matches in every paragraph and lists the matching paragraphs."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}?q=VIST")
    marked = [p["id"] for p in soup.select("div.para") if p.select("mark")]
    assert VIST_ANCHOR in marked
    assert [a["href"] for a in soup.select(".highlight-bar__jump a")] == [f"#{anchor}" for anchor in marked]
    assert query_of(soup.select_one(".breadcrumbs li:last-child a")["href"]) == {"q": ["VIST"]}


def test_cited_paragraph_is_marked_with_its_citation(page):
    """?p=<anchor> marks that paragraph (a class and aria-current) and shows its citation."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}?q=VIST&p={VIST_ANCHOR}")
    cited = soup.select("div.para--cited")
    assert [p["id"] for p in cited] == [VIST_ANCHOR]
    assert cited[0]["aria-current"] == "true"
    assert text_of(cited[0].select_one("#cited-text")) == VIST_CITATION


def test_unknown_cited_anchor_is_ignored(page):
    """A ?p= value that is not an anchor of this report marks nothing (and is not an error)."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}?p=p-ffffffff")
    assert soup.select("div.para--cited") == []
    soup = page(f"/reports/{PLYMOUTH_LETTER}?p=<script>")
    assert soup.select("div.para--cited") == []


def test_report_links_to_its_response_and_back(page):
    """An inspection links to the PCC response to it, and the response links back."""
    letter = page(f"/reports/{PLYMOUTH_LETTER}")
    row = {text_of(r.dt): r.dd for r in letter.select(".summary-list__row")}
    assert [a["href"] for a in row["Responses to this report"].find_all("a")] == [f"/reports/{PLYMOUTH_RESPONSE}"]
    response = page(f"/reports/{PLYMOUTH_RESPONSE}")
    row = {text_of(r.dt): r.dd for r in response.select(".summary-list__row")}
    assert row["Responds to"].a["href"] == f"/reports/{PLYMOUTH_LETTER}"
    assert row["Original"].a["href"].startswith("https://www.justiceinspectorates.gov.uk/")


def test_reports_index_lists_every_report(page, service):
    """/reports lists every report, newest first, each linking to its page."""
    soup = page("/reports")
    assert [a["href"] for a in soup.select("table tbody td:first-child a")] == [
        f"/reports/{entry['report_id']}" for entry in service.reports()
    ]


def test_permalink_redirects_to_the_paragraph_in_its_report(client):
    """/p/<id> answers 302 to the report, marking and scrolling to the paragraph, keeping ?q=."""
    response = client.get(f"/p/{VIST_PARAGRAPH}?q=VIST")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert path_of(location) == f"/reports/{PLYMOUTH_LETTER}"
    assert query_of(location) == {"q": ["VIST"], "p": [VIST_ANCHOR]}
    assert location.endswith(f"#{VIST_ANCHOR}")
    plain = client.get(f"/p/{VIST_PARAGRAPH}").headers["Location"]
    assert plain == f"/reports/{PLYMOUTH_LETTER}?p={VIST_ANCHOR}#{VIST_ANCHOR}"


@pytest.mark.parametrize(
    "url",
    [
        "/reports/no-such-report",
        "/p/no-such-paragraph",
        "/p/plymouth-jtai-2020-letter--p-00000000",
        "/reports/PLYMOUTH-JTAI-2020-LETTER",
        "/reports/..%2F..%2Fetc%2Fpasswd",
        "/reports/../../etc/passwd",
        "/reports/%2e%2e",
        "/reports/..",
        "/reports/%2Fetc%2Fpasswd",
        "/reports/plymouth-jtai-2020-letter%00",
        "/reports/plymouth_jtai",
        "/reports/a.b",
        "/reports/" + "a" * 300,
        "/p/..%5C..%5Cwindows",
        "/api/reports/..%2Fmanifest",
        "/api/paragraphs/%2e%2e",
        "/static/..%2F__init__.py",
        "/static/../__init__.py",
    ],
)
def test_unknown_and_malformed_ids_are_not_found(app, client, url):
    """Ids that are unknown or not [a-z0-9-]+ give 404, never a traceback or a file."""
    response = client.get(url)
    assert response.status_code == 404
    assert_no_internals(response.get_data(as_text=True), app)
