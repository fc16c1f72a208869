"""The report page says how the report was read: words indexed, and each left-out line with its reason."""

from __future__ import annotations

from tests.webapp.support import PLYMOUTH_LETTER, text_of


def test_report_page_shows_how_it_was_read(page):
    """The Plymouth letter's page counts its words and lists its letter chrome as left out, with reasons."""
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    section = soup.select_one("#how-read")
    assert text_of(section.select_one(".reading__coverage")) == (
        "3,311 words of the 3,395 words in the file are indexed (98%). "
        "The text below was not indexed, each with the reason."
    )
    rows = [[text_of(cell) for cell in row.select("td")] for row in section.select(".reading__dropped tbody tr")]
    assert [reason for reason, _ in rows] == [
        "letter heading: addressees and date",
        "letter heading: addressees and date",
        "salutation",
        "sign-off and signatures",
        "sign-off and signatures",
    ]
    assert rows[2] == ["salutation", "Dear local partnership"]
    assert soup.select_one('.contents a[href="#how-read"]') is not None
    facts = [[text_of(cell) for cell in row.select("td")] for row in section.select(".reading__facts tbody tr")]
    assert facts[:3] == [
        [
            "Title",
            "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth",
            "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth",
        ],
        ["Published", "2020-01-08", "8 January 2020"],
        ["Document type", "inspection_letter", "a letter: it opens with a salutation"],
    ]
    findings = section.select(".reading__findings tbody tr")
    assert len(findings) == 24 + 17  # strengths, areas for improvement


def test_dropped_text_is_not_in_the_api_report(client):
    """The API's report keeps its documented shape: the dropped lines are for the page, not the record."""
    body = client.get(f"/api/reports/{PLYMOUTH_LETTER}").get_json()
    assert "dropped" not in body
    assert (body["words_read"], body["words_indexed"]) == (3395, 3311)
