"""The briefing pack in chromium: adding, reordering, noting, removing, sharing by URL, downloading the .docx,
and the same pack without JavaScript; similar findings opening under their paragraph."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CUSTODY = "national-child-protection-inspections-2019-pcc-response--p-281fc040"
LIAISON = "plymouth-jtai-2020-letter--p-24d599bb"
VIST = "plymouth-jtai-2020-letter--p-854c266a"
PACK_KEY = "findings.briefing"


def stored(page) -> dict:
    return json.loads(page.evaluate(f"window.localStorage.getItem('{PACK_KEY}')") or "null")


def shown_ids(page) -> list[str]:
    return page.locator(".pack-item").evaluate_all("items => items.map(item => item.dataset.id)")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def collect(page) -> None:
    """Two custody results from the search page and the VIST paragraph from its report, without leaving a page."""
    page.goto("/search?q=custody")
    count = page.locator(".js-briefing-count")
    expect(count).to_have_text("0")
    results = page.locator("li.result")
    results.nth(0).get_by_role("button", name="Add to briefing").click()
    results.nth(1).get_by_role("button", name="Add to briefing").click()
    expect(count).to_have_text("2")
    assert page.url.endswith("/search?q=custody")  # nothing navigated
    expect(results.nth(0).locator(".js-briefing-add")).to_have_text(
        "Remove from briefing: paragraph 11 of National Child Protection Inspections 2019 Thematic Report (PCC "
        "response)"
    )
    expect(page.locator("#live-status")).to_have_text("Added to your briefing pack, which now has 2 paragraphs.")
    page.goto("/reports/plymouth-jtai-2020-letter")
    expect(count).to_have_text("2")
    expect(page.locator("#p-24d599bb .js-briefing-add-label")).to_have_text("Remove from briefing")
    page.locator("#p-854c266a").get_by_role("button", name="Add to briefing").click()
    expect(count).to_have_text("3")
    assert stored(page) == {"ids": [CUSTODY, LIAISON, VIST], "notes": {}, "title": ""}


def test_add_reorder_note_remove_and_share(page, browser, live_server):
    collect(page)
    page.get_by_role("link", name="Briefing 3 paragraphs collected").click()
    page.wait_for_url("**/briefing?ids=*")
    assert shown_ids(page) == [CUSTODY, LIAISON, VIST]
    expect(page.locator(".pack-group__title")).to_have_text([
        "National Child Protection Inspections 2019 Thematic Report (PCC response)",
        "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth",
    ])  # fmt: skip

    # Reorder: a paragraph within its report, then a whole report.
    page.locator(f"[id='item-{LIAISON}']").get_by_role("button", name="Move down").click()
    page.wait_for_url(f"**/briefing?ids={CUSTODY},{VIST},{LIAISON}#item-{LIAISON}")
    assert shown_ids(page) == [CUSTODY, VIST, LIAISON]
    page.get_by_role("button", name=re.compile(r"^Move report up\W+Joint targeted area inspection")).click()
    page.wait_for_url(f"**/briefing?ids={VIST},{LIAISON},{CUSTODY}#pack")
    assert stored(page)["ids"] == [VIST, LIAISON, CUSTODY]

    # A note is kept as it is typed: in this browser, in the address and in the downloads.
    page.get_by_label("Note on paragraph 11 of National").fill("Ask for the custody figures")
    assert stored(page)["notes"] == {CUSTODY: "Ask for the custody figures"}
    assert query(page.url)[f"note.{CUSTODY}"] == ["Ask for the custody figures"]
    word = page.get_by_role("link", name="Word (.docx)")
    assert query(word.get_attribute("href"))[f"note.{CUSTODY}"] == ["Ask for the custody figures"]
    page.goto("/briefing")  # the plain address shows this browser's pack, notes and all
    page.wait_for_url("**/briefing?ids=*")
    expect(page.get_by_label("Note on paragraph 11 of National")).to_have_value("Ask for the custody figures")

    # Remove.
    page.locator(f"[id='item-{LIAISON}']").get_by_role("button", name="Remove").click()
    page.wait_for_url(f"**/briefing?ids={VIST},{CUSTODY}&note.{CUSTODY}=*")
    assert shown_ids(page) == [VIST, CUSTODY]
    expect(page.locator(".js-briefing-count")).to_have_text("2")
    assert stored(page) == {"ids": [VIST, CUSTODY], "notes": {CUSTODY: "Ask for the custody figures"}, "title": ""}

    # Share: the link opens the same pack, notes and all, in a browser that has none of it.
    shared = page.locator("#share-url").input_value()
    assert shared.startswith(live_server + "/briefing?")
    other = browser.new_context()
    try:
        reader = other.new_page()
        reader.goto(shared)
        assert shown_ids(reader) == [VIST, CUSTODY]
        expect(reader.get_by_label("Note on paragraph 11 of National")).to_have_value("Ask for the custody figures")
        expect(reader.locator(".js-briefing-count")).to_have_text("2")
        assert stored(reader)["ids"] == [VIST, CUSTODY]
        expect(reader.locator(".js-shared")).to_be_hidden()
    finally:
        other.close()


def test_a_shared_link_does_not_replace_ones_own_pack(page):
    """Opening someone else's pack offers to keep it or merge it; one's own pack is unchanged until then."""
    collect(page)
    page.goto(f"/briefing?ids={LIAISON}&note.{LIAISON}=From+a+colleague")
    notice = page.locator(".js-shared")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Your own briefing pack (3 paragraphs) is kept as it is unless you choose:")
    assert stored(page)["ids"] == [CUSTODY, LIAISON, VIST]
    page.get_by_role("button", name="Add these paragraphs to my pack").click()
    page.wait_for_url("**/briefing?ids=*")
    assert shown_ids(page) == [CUSTODY, LIAISON, VIST]
    assert stored(page)["notes"] == {LIAISON: "From a colleague"}
    expect(page.locator(".js-shared")).to_be_hidden()


def test_download_the_word_document(page, tmp_path):
    collect(page)
    page.goto("/briefing")  # the cookie's ids, which this browser's pack (without notes) agrees with
    assert shown_ids(page) == [CUSTODY, LIAISON, VIST]
    page.get_by_label("Title of the pack").fill("Custody briefing")
    page.get_by_label("Note on paragraph 36 of Joint").fill("Front door: ask the MASH")
    with page.expect_download() as info:
        page.get_by_role("link", name="Word (.docx)").click()
    download = info.value
    assert download.suggested_filename.startswith("custody-briefing-") and download.suggested_filename.endswith(".docx")
    target = tmp_path / "pack.docx"
    download.save_as(target)
    document = Document(str(target))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings == [
        ("Title", "Custody briefing"),
        ("Heading 1", "National Child Protection Inspections 2019 Thematic Report (PCC response)"),
        ("Heading 1", "Joint targeted area inspection of the multi-agency response to children's mental health in "
                      "Plymouth"),
        ("Heading 1", "Sources"),
    ]  # fmt: skip
    assert "Note: Front door: ask the MASH" in [p.text for p in document.paragraphs]
    links = [link.address for p in document.paragraphs for link in p.hyperlinks]
    assert links[:3] == [f"{page.url.split('/briefing')[0]}/p/{pid}" for pid in (CUSTODY, LIAISON, VIST)]


def test_copy_all_citations(page, context):
    collect(page)
    page.goto("/briefing")
    page.get_by_role("button", name="Copy all citations").click()
    expect(page.locator("#live-status")).to_have_text("All citations copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#citations-text").input_value()
    assert copied.count("\n") == 3 and copied.splitlines()[2].endswith(f"/p/{VIST}")


def test_the_pack_works_without_javascript(browser, live_server):
    """Without JavaScript the add buttons are a form, the ids live in a cookie and in the address, and every change
    is a button of the pack's form."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/search?q=custody")
        page.locator("li.result").nth(0).get_by_role("button", name="Add to briefing").click()
        page.wait_for_url(f"**/briefing?ids={CUSTODY}&back=**#item-{CUSTODY}")
        page.get_by_role("link", name="Back to where you were").click()
        page.wait_for_url("**/search?q=custody")
        expect(page.locator(".js-briefing-count")).to_have_text("1")
        page.locator("li.result").nth(1).get_by_role("button", name="Add to briefing").click()
        page.wait_for_url(f"**/briefing?ids={CUSTODY},{LIAISON}&back=**")
        assert shown_ids(page) == [CUSTODY, LIAISON]
        page.get_by_label("Note on paragraph 11 of National").fill("Typed without scripts")
        page.get_by_role("button", name="Save note on paragraph 11 of National").click()
        page.wait_for_url(f"**/briefing?ids={CUSTODY},{LIAISON}&note.{CUSTODY}=Typed+without+scripts&back=**")
        page.get_by_role("button", name=re.compile(r"^Move report up\W+Joint targeted area inspection")).click()
        assert shown_ids(page) == [LIAISON, CUSTODY]
        expect(page.get_by_label("Note on paragraph 11 of National")).to_have_value("Typed without scripts")
        page.locator(f"[id='item-{LIAISON}']").get_by_role("button", name="Remove").click()
        assert shown_ids(page) == [CUSTODY]
        expect(page.locator("#citations-text")).to_have_value(
            'Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "National Child Protection '
            'Inspections 2019 '
            'Thematic Report (PCC response)", 27 February 2020, Key findings › The detention of children in police '
            'custody, 11th '
            f"paragraph, {live_server}/p/{CUSTODY}\n"
        )
    finally:
        context.close()


def test_similar_findings_open_under_their_paragraph(page):
    page.goto("/reports/national-child-protection-inspections-2019-pcc-response")
    link = page.locator("#p-281fc040").get_by_role("link", name="Similar findings to paragraph 11")
    link.click()
    panel = page.locator("#similar-p-281fc040")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    assert page.url.endswith("/reports/national-child-protection-inspections-2019-pcc-response")
    expect(panel.locator(".similar-item__title a")).to_have_count(5)
    expect(panel.locator(".similar-item__title a").nth(1)).to_have_attribute(
        "href", "/p/feeling-heard-jtai-thematic-2020-pcc-response--p-e69e3c55"
    )
    expect(link).to_have_attribute("aria-expanded", "true")
    # Their add buttons add to the pack like any other.
    panel.locator(".js-briefing-add").first.click()
    expect(page.locator(".js-briefing-count")).to_have_text("1")
    link.click()
    expect(panel).to_be_hidden()
    expect(link).to_have_attribute("aria-expanded", "false")
