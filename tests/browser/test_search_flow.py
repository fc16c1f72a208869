"""The search flow in a real browser against the real server: search, narrow, open, cite, export."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEVON = "Devon and Cornwall Police"
HAMPSHIRE = "Hampshire and Isle of Wight Constabulary"
VIST_ANCHOR = "p-854c266a"


def result_count(page) -> int:
    words = page.locator("#results-count").inner_text().split()
    return 0 if words[0] == "No" else int(words[0].replace(",", ""))


def facet_counts(page, name: str) -> dict[str, int]:
    counts = {}
    for link in page.locator(f"section.facet[aria-labelledby='facet-{name}'] a.facet__link").all():
        label = link.locator(".facet__label").evaluate("el => el.firstChild.textContent.trim()")
        counts[label] = int(link.locator(".facet__count").evaluate("el => el.firstChild.textContent").replace(",", ""))
    return counts


def test_search_for_vist_finds_the_vist_findings(page, service, artifacts):
    """Typing VIST on the home page finds the two Plymouth areas for improvement, with the glossary entry."""
    page.goto("/")
    page.get_by_label("Search inspection findings").fill("VIST")
    page.get_by_label("Search inspection findings").press("Enter")
    page.wait_for_url("**/search?q=VIST")
    expected = service.search("VIST")
    assert result_count(page) == expected["total"]
    results = page.locator("li.result")
    expect(results).to_have_count(expected["total"])
    expect(results.nth(0).locator(".result__where")).to_contain_text("Areas for improvement, paragraph 36")
    expect(results.nth(0).locator(".tag")).to_have_text("Area for improvement")
    expect(results.nth(1).locator(".result__where")).to_contain_text("Areas for improvement, paragraph 37")
    expect(results.nth(0).locator(".snippet mark").last).to_have_text("VIST")
    expect(page.locator(".glossary__expansion")).to_have_text("vulnerability identification screening tool")
    page.screenshot(path=artifacts / "search-vist.png", full_page=True)


def test_force_facet_narrows_results_and_updates_counts(page, artifacts):
    """Clicking a force facet narrows the results, marks the facet, adds a chip and recounts other facets."""
    page.goto("/search?q=children")
    before_total = result_count(page)
    before_types = facet_counts(page, "doc_type")
    page.locator("section.facet[aria-labelledby='facet-forces'] a.facet__link", has_text=HAMPSHIRE).click()
    page.wait_for_url("**force=Hampshire*")
    after_total = result_count(page)
    assert 0 < after_total < before_total
    assert facet_counts(page, "doc_type") != before_types
    assert sum(facet_counts(page, "doc_type").values()) == after_total
    expect(page.locator("a.facet__link--selected")).to_contain_text(HAMPSHIRE)
    expect(page.locator(".chips a.chip")).to_contain_text(f"Force: {HAMPSHIRE}")
    expect(page.locator("li.result")).to_have_count(after_total)
    page.screenshot(path=artifacts / "search-filtered.png", full_page=True)
    # The chip removes the filter again.
    page.locator(".chips a.chip").click()
    page.wait_for_url("**/search?q=children")
    assert result_count(page) == before_total


def test_view_in_report_lands_on_the_highlighted_paragraph(page, artifacts):
    """"View in report" opens the report scrolled to the cited paragraph, marked and highlighted."""
    page.goto("/search?q=VIST")
    page.locator("li.result").first.get_by_role("link", name="View in report").click()
    page.wait_for_url(f"**/reports/plymouth-jtai-2020-letter?q=VIST&p={VIST_ANCHOR}#{VIST_ANCHOR}")
    paragraph = page.locator(f"#{VIST_ANCHOR}")
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == VIST_ANCHOR
    expect(paragraph).to_have_class(
        "para para--finding para--area-for-improvement para--bullet para--matched para--cited"
    )
    expect(paragraph).to_be_in_viewport()
    expect(paragraph.locator(".para__text mark").last).to_have_text("VIST")
    expect(paragraph.locator(".tag--cited")).to_have_text("Cited paragraph")
    # Other paragraphs mentioning VIST are highlighted too.
    assert page.locator(".para--matched").count() >= 2
    page.screenshot(path=artifacts / "report-cited.png")
    page.screenshot(path=artifacts / "report-full.png", full_page=True)


def test_copy_citation_puts_the_citation_on_the_clipboard(page, live_server):
    """"Copy citation" copies the plain-text citation, with an absolute permalink, and says so."""
    page.goto("/search?q=VIST")
    first = page.locator("li.result").first
    button = first.locator(".result__actions button.js-copy")
    expect(button).to_have_accessible_name("Copy citation for paragraph 36")
    button.click()
    expect(button).to_have_text("Copied")
    expected = (
        "Ofsted, CQC, HMICFRS and HMI Probation, "
        "\"Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth\", "
        f"8 January 2020, Areas for improvement, 36th paragraph, {live_server}/p/plymouth-jtai-2020-letter--p-854c266a"
    )
    assert page.evaluate("navigator.clipboard.readText()") == expected
    expect(page.locator("#live-status")).to_have_text("Citation copied")
    # The Markdown form is inside "Cite this paragraph".
    first.locator("details.cite summary").click()
    first.get_by_role("button", name="Copy Markdown").click()
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        "8 January 2020, Areas for improvement, 36th paragraph"
    )


def test_csv_export_downloads(page, service):
    """The CSV link downloads every match of the search as a file."""
    page.goto("/search?q=custody&force=Devon+and+Cornwall+Police")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "findings-custody.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = service.export("custody", filters={"forces": [DEVON]})
    assert [row["id"] for row in rows] == [record["id"] for record in expected]
    assert all(row["permalink"].startswith("http://127.0.0.1:") for row in rows)


def test_keyboard_alone_reaches_and_uses_a_facet(page):
    """Tab from the top reaches the skip link first, then a facet link, which Enter follows; focus is visible."""
    page.goto("/search?q=children")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(
            "!!document.activeElement.closest('.filters') && document.activeElement.matches('a.facet__link')"
        ):
            break
    else:
        pytest.fail("Tab never reached a facet link")
    focused = page.evaluate("document.activeElement.textContent")
    assert DEVON in focused or HAMPSHIRE in focused
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"
    page.keyboard.press("Enter")
    page.wait_for_url("**force=*")
    expect(page.locator(".chips a.chip")).to_have_count(1)


def test_pages_work_without_javascript(browser, live_server):
    """Without JavaScript the copy button stays hidden and the citation can still be read and selected."""
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto("/search?q=VIST")
        first = page.locator("li.result").first
        expect(first.get_by_role("button", name="Copy citation")).to_be_hidden()
        first.locator("details.cite summary").click()
        expect(first.locator(".cite__text").first).to_be_visible()
        expect(first.locator(".cite__text").first).to_contain_text("Areas for improvement, 36th paragraph, http://127.0.0.1:")
    finally:
        context.close()
