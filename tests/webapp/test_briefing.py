"""The briefing pack without JavaScript: the page, its changes as plain GET forms, its four downloads, its limits."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webapp.support import VIST_CITATION, VIST_PARAGRAPH, path_of, query_of, text_of

CUSTODY = "national-child-protection-inspections-2019-pcc-response--p-281fc040"
EXPLOITATION = "national-child-protection-inspections-2019-pcc-response--p-52b9af76"
GONE = "plymouth-jtai-2020-letter--p-0000gone"
"""A paragraph id of the right form that is not (or no longer) in the index."""
CUSTODY_TEXT = (
    "Police increasingly recognise the vulnerability of children in custody but too many are still detained "
    "unnecessarily"
)
CUSTODY_CITATION = (
    'Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "National Child Protection '
    'Inspections 2019 '
    'Thematic Report (PCC response)", 27 February 2020, Key findings › The detention of children in police custody, '
    '11th '
    f"paragraph, http://localhost/p/{CUSTODY}"
)
CUSTODY_MARKDOWN = (
    'Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "[National Child Protection '
    'Inspections 2019 '
    f'Thematic Report (PCC response)](http://localhost/p/{CUSTODY})", 27 February 2020, Key findings › The detention '
    'of '
    "children in police custody, 11th paragraph"
)
VIST_TEXT = (
    "The front door referral pathways used by the police are complex and are at risk of missing opportunities to "
    "share information to support multi-agency decision-making and planning. The force uses a red, amber, green "
    "(RAG) rating system to assess the risk to children through the use of a vulnerability, identification "
    "screening tool (VIST). Assessments of risk graded at green are not internally reviewed or shared with "
    "partners. The risk assessments graded amber or red are reviewed by the police central safeguarding team, and "
    "decisions to share information are made solely on police information. This team does not have access to "
    "information held on children's social care records to influence and enhance their decision-making. This "
    "means that important information about children and their families may not be shared even when they are "
    "open to other services."
)
NATIONAL_TITLE = "National Child Protection Inspections 2019 Thematic Report (PCC response)"
PLYMOUTH_TITLE = "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth"
PACK = (
    f"ids={CUSTODY},{VIST_PARAGRAPH},{GONE}&title=Briefing+for+the+chief+constable&note.{CUSTODY}=Ask+for+the+figures"
)


def today_text() -> str:
    today = date.today()
    return f"{today.day} {today:%B %Y}"


# -- the page -------------------------------------------------------------------------------


def test_the_page_groups_paragraphs_by_report_with_citation_permalink_and_note(page):
    """Each report a heading; each paragraph quoted with its citation, its permalink and its note."""
    soup = page(f"/briefing?{PACK}")
    assert text_of(soup.h1) == "Briefing for the chief constable"
    assert text_of(soup.select_one(".lede")) == f"{today_text()} · 3 paragraphs from 2 reports"
    assert [text_of(h) for h in soup.select(".pack-group__title")] == [NATIONAL_TITLE, PLYMOUTH_TITLE]
    items = soup.select(".pack-item")
    assert [item["id"] for item in items] == [f"item-{CUSTODY}", f"item-{VIST_PARAGRAPH}", f"item-{GONE}"]
    assert text_of(items[0].blockquote) == CUSTODY_TEXT
    assert text_of(items[0].select_one(".pack-item__cite")) == f"Citation: {CUSTODY_CITATION}"
    assert items[0].select_one(".pack-item__links a")["href"] == f"/p/{CUSTODY}"
    assert items[0].textarea["name"] == f"note.{CUSTODY}" and items[0].textarea.text == "Ask for the figures"
    assert text_of(items[1].select_one(".pack-item__cite")) == f"Citation: {VIST_CITATION}"


def test_a_paragraph_gone_after_a_reindex_is_shown_as_missing_in_place(page):
    """The missing paragraph keeps its place and its note box, and the page says what happened."""
    soup = page(f"/briefing?{PACK}")
    missing = soup.select_one(f"#item-{GONE}")
    assert "pack-item--missing" in missing["class"]
    assert text_of(missing.select_one(".pack-item__missing")) == (
        f"Missing paragraph. {GONE} is no longer in the collection: it was changed or removed when the reports "
        "were re-indexed."
    )
    assert text_of(soup.select_one(".notice--warning")).startswith(
        "1 of these paragraphs is no longer in the collection."
    )


def test_every_change_is_a_button_of_one_form_carrying_the_pack(page):
    """Move up/down, remove and save are buttons of one GET form that holds the ids and notes once."""
    soup = page(f"/briefing?{PACK}")
    form = soup.select_one("form.pack")
    assert (form["action"], form["method"]) == ("/briefing", "get")
    assert form.select_one("input[name=ids]")["value"] == f"{CUSTODY},{VIST_PARAGRAPH},{GONE}"
    buttons = [(b["name"], b["value"]) for b in form.select("button[type=submit]")]
    assert buttons == [
        ("op", "save"),
        ("op", f"report-down:{CUSTODY.split('--')[0]}"),
        ("op", "save"), ("op", f"remove:{CUSTODY}"),
        ("op", "report-up:plymouth-jtai-2020-letter"),
        ("op", f"down:{VIST_PARAGRAPH}"), ("op", "save"), ("op", f"remove:{VIST_PARAGRAPH}"),
        ("op", f"up:{GONE}"), ("op", "save"), ("op", f"remove:{GONE}"),
        ("op", "save"),
    ]  # fmt: skip


def test_share_link_and_downloads_carry_the_pack(page):
    soup = page(f"/briefing?{PACK}")
    share = soup.select_one("#share-url")["value"]
    assert path_of(share) == "/briefing"
    assert query_of(share) == {
        "ids": [f"{CUSTODY},{VIST_PARAGRAPH},{GONE}"],
        "title": ["Briefing for the chief constable"],
        f"note.{CUSTODY}": ["Ask for the figures"],
    }
    downloads = {a["data-format"]: a["href"] for a in soup.select(".js-export")}
    assert sorted(downloads) == ["csv", "docx", "md", "txt"]
    for extension, href in downloads.items():
        assert path_of(href) == f"/briefing.{extension}"
        assert query_of(href) == query_of(share)
    citations = soup.select_one("#citations-text").text
    assert citations == (
        f"{CUSTODY_CITATION}\n{VIST_CITATION}\n"
        f"Not found (no longer in the collection): {GONE}, http://localhost/p/{GONE}\n"
    )


def test_empty_pack_says_how_to_fill_it(page):
    soup = page("/briefing")
    assert text_of(soup.h1) == "Briefing pack"
    assert text_of(soup.select_one(".lede")) == "Your briefing pack is empty."
    assert soup.select(".pack-item") == []


# -- changes, without JavaScript ---------------------------------------------------------------


def test_adding_from_a_page_redirects_to_the_pack_and_remembers_it_in_a_cookie(client):
    """The "Add to briefing" form sends add=ID (and where it came from); the answer is the new pack's URL."""
    response = client.get(f"/briefing?add={VIST_PARAGRAPH}&back=/search%3Fq%3DVIST")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/briefing?ids={VIST_PARAGRAPH}&back=/search?q%3DVIST#item-{VIST_PARAGRAPH}"
    )
    assert response.headers["Set-Cookie"].startswith(f"findings_briefing={VIST_PARAGRAPH}; ")
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    # A second add from another page joins the pack the cookie remembers.
    second = client.get(f"/briefing?add={CUSTODY}")
    assert second.headers["Location"] == f"/briefing?ids={VIST_PARAGRAPH},{CUSTODY}#item-{CUSTODY}"
    assert second.headers["Set-Cookie"].startswith(f"findings_briefing={VIST_PARAGRAPH}.{CUSTODY}; ")


def test_without_ids_the_page_shows_the_pack_the_cookie_remembers(client, page):
    client.set_cookie("findings_briefing", f"{CUSTODY}.{VIST_PARAGRAPH}")
    soup = page("/briefing")
    assert [item["data-id"] for item in soup.select(".pack-item")] == [CUSTODY, VIST_PARAGRAPH]
    assert text_of(soup.select_one(".js-briefing-count")) == "2"


def test_a_damaged_cookie_is_an_empty_pack(client, page):
    client.set_cookie("findings_briefing", "NOT AN ID")
    soup = page("/briefing")
    assert text_of(soup.select_one(".lede")) == "Your briefing pack is empty."
    assert text_of(soup.select_one(".js-briefing-count")) == "0"


@pytest.mark.parametrize(
    "op, location",
    [
        (f"down:{VIST_PARAGRAPH}", f"ids={CUSTODY},{GONE},{VIST_PARAGRAPH}#item-{VIST_PARAGRAPH}"),
        (f"up:{GONE}", f"ids={CUSTODY},{GONE},{VIST_PARAGRAPH}#item-{GONE}"),
        (f"up:{VIST_PARAGRAPH}", f"ids={CUSTODY},{VIST_PARAGRAPH},{GONE}#item-{VIST_PARAGRAPH}"),
        ("report-up:plymouth-jtai-2020-letter", f"ids={VIST_PARAGRAPH},{GONE},{CUSTODY}#pack"),
        (f"remove:{GONE}", f"ids={CUSTODY},{VIST_PARAGRAPH}#pack"),
        ("save", f"ids={CUSTODY},{VIST_PARAGRAPH},{GONE}"),
    ],
)
def test_moves_and_removals_rewrite_the_ids(client, op, location):
    """A move swaps a paragraph with its neighbour in the same report (none past the ends), or two reports."""
    response = client.get(f"/briefing?ids={CUSTODY},{VIST_PARAGRAPH},{GONE}&op={op}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/briefing?{location}"


def test_notes_typed_into_the_form_are_kept_tidied_and_dropped_with_their_paragraph(client):
    response = client.get(
        f"/briefing?ids={CUSTODY},{VIST_PARAGRAPH}&note.{CUSTODY}=++Ask+for%0Athe+figures+&note.{VIST_PARAGRAPH}="
        f"&note.{GONE}=not+in+the+pack&op=save"
    )
    location = f"/briefing?ids={CUSTODY},{VIST_PARAGRAPH}&note.{CUSTODY}=Ask+for+the+figures"
    assert response.headers["Location"] == location
    removed = client.get(f"/briefing?ids={CUSTODY},{VIST_PARAGRAPH}&note.{CUSTODY}=Ask&op=remove:{CUSTODY}")
    assert removed.headers["Location"] == f"/briefing?ids={VIST_PARAGRAPH}#pack"


def test_removing_the_last_paragraph_forgets_the_cookie(client):
    response = client.get(f"/briefing?ids={CUSTODY}&op=remove:{CUSTODY}")
    assert response.headers["Location"] == "/briefing#pack"
    assert response.headers["Set-Cookie"].startswith("findings_briefing=; Expires=Thu, 01 Jan 1970")


def test_paragraphs_added_by_permalink_join_their_report(client):
    response = client.get(f"/briefing?ids={VIST_PARAGRAPH},{CUSTODY}&add=https://x.example/p/{GONE}?q=VIST&op=save")
    assert response.headers["Location"] == f"/briefing?ids={VIST_PARAGRAPH},{GONE},{CUSTODY}#item-{GONE}"


# -- refused ---------------------------------------------------------------------------------------


def many_ids(count: int) -> str:
    return ",".join(f"plymouth-jtai-2020-letter--p-{number:08x}" for number in range(count))


CAP_MESSAGE = (
    "A briefing pack holds at most 200 paragraphs; this one has more. Remove some, or split them into two packs."
)


@pytest.mark.parametrize("path", ["/briefing", "/briefing.docx", "/briefing.md", "/briefing.csv", "/briefing.txt"])
def test_more_than_200_paragraphs_are_refused_with_a_clear_message(client, path):
    response = client.get(f"{path}?ids={many_ids(201)}")
    assert (response.status_code, response.mimetype) == (400, "text/html")
    assert CAP_MESSAGE in response.get_data(as_text=True)


def test_200_paragraphs_export(client):
    """The cap itself is allowed: 200 (here all missing) export in one CSV."""
    response = client.get(f"/briefing.csv?ids={many_ids(200)}")
    assert response.status_code == 200
    assert response.headers["X-Findings-Missing"] == "200"
    assert len(list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))) == 201


@pytest.mark.parametrize(
    "query, message",
    [
        ("ids=Not_An_Id", "'Not_An_Id' is not a paragraph id. Paragraph ids look like "
         "plymouth-jtai-2020-letter--p-854c266a: the end of a paragraph's permalink (/p/…)."),
        (f"ids={CUSTODY}&note.{CUSTODY}=" + "x" * 281,
         f"The note on {CUSTODY} is 281 characters long; a note holds at most 280."),
        (f"ids={CUSTODY}&title=" + "t" * 121, "The pack's title is 121 characters long; it may have at most 120."),
        (f"ids={CUSTODY}&op=sideways:{CUSTODY}", "'sideways:national-child-protection-insp…' is not a change to a "
         "pack. Use up:ID, down:ID, remove:ID, report-up:REPORT or report-down:REPORT."),
        (f"ids={CUSTODY}&back=//elsewhere.example/", "'back' must be a page of this site, such as /search?q=custody."),
        (f"ids={CUSTODY}&note.{CUSTODY}=a%01b", "The address contains characters that cannot be used. Remove them "
         "and try again."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_saying_what_to_change(client, query, message):
    response = client.get(f"/briefing?{query}")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    assert text_of(soup.select_one(".error-summary p")) == message


def test_an_export_needs_ids(client):
    response = client.get("/briefing.md")
    assert response.status_code == 400
    assert "The pack is empty: give its paragraphs as ids=ID,ID,… (at most 200)." in response.get_data(as_text=True)


# -- downloads ---------------------------------------------------------------------------------------


def test_word_document_has_title_date_headings_quotes_notes_citations_hyperlinks_and_sources(client):
    """Opened with python-docx: the title and date first; a heading per report; each paragraph quoted, with its
    note and its citation, which ends in the permalink as a real hyperlink; the sources; what was not found."""
    response = client.get(f"/briefing.docx?{PACK}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="briefing-for-the-chief-constable-{date.today().isoformat()}.docx"'
    )
    document = Document(io.BytesIO(response.get_data()))
    assert document.core_properties.title == "Briefing for the chief constable"
    shown = [(p.style.name, p.text) for p in document.paragraphs]
    original = (
        "https://www.justiceinspectorates.gov.uk/hmicfrs/wp-content/uploads/"
        "national-child-protection-inspections-2019-thematic-report.pdf"
    )
    assert shown == [
        ("Title", "Briefing for the chief constable"),
        ("Normal", f"{today_text()} · 3 paragraphs from 2 reports"),
        ("Heading 1", NATIONAL_TITLE),
        ("Normal", "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, 27 February 2020"),
        ("Quote", CUSTODY_TEXT),
        ("Normal", "Note: Ask for the figures"),
        ("Normal", CUSTODY_CITATION),
        ("Heading 1", PLYMOUTH_TITLE),
        ("Normal", "Ofsted, CQC, HMICFRS and HMI Probation, 8 January 2020"),
        ("Quote", VIST_TEXT),
        ("Normal", VIST_CITATION),
        ("Quote", "This paragraph is no longer in the collection: it was changed or removed when the reports were "
                  f"re-indexed. ({GONE})"),
        ("Normal", f"Permalink: http://localhost/p/{GONE}"),
        ("Heading 1", "Sources"),
        ("List Number", f"Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "
         f"“{NATIONAL_TITLE}”, 27 "
                        f"February 2020. Original: {original}. In Findings: "
                        "http://localhost/reports/national-child-protection-inspections-2019-pcc-response"),
        ("List Number", f"Ofsted, CQC, HMICFRS and HMI Probation, “{PLYMOUTH_TITLE}”, 8 January 2020. In Findings: "
                        "http://localhost/reports/plymouth-jtai-2020-letter"),
        ("Heading 1", "Not found"),
        ("Normal", f"1 paragraph of the pack is no longer in the collection: {GONE}"),
    ]  # fmt: skip
    links = [[(link.address, link.text) for link in p.hyperlinks] for p in document.paragraphs]
    assert [pair for pairs in links for pair in pairs] == [
        (f"http://localhost/p/{CUSTODY}", f"http://localhost/p/{CUSTODY}"),
        (f"http://localhost/p/{VIST_PARAGRAPH}", f"http://localhost/p/{VIST_PARAGRAPH}"),
        (f"http://localhost/p/{GONE}", f"http://localhost/p/{GONE}"),
        (original, original),
        ("http://localhost/reports/national-child-protection-inspections-2019-pcc-response",
         "http://localhost/reports/national-child-protection-inspections-2019-pcc-response"),
        ("http://localhost/reports/plymouth-jtai-2020-letter", "http://localhost/reports/plymouth-jtai-2020-letter"),
    ]  # fmt: skip
    note = document.paragraphs[5]
    assert [(run.text, run.bold) for run in note.runs] == [("Note: ", True), ("Ask for the figures", None)]


def test_markdown_export(client):
    response = client.get(f"/briefing.md?ids={CUSTODY}&note.{CUSTODY}=Ask+for+the+*figures*")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="briefing-pack-{date.today().isoformat()}.md"'
    )
    assert response.get_data(as_text=True) == "\n".join(
        [
            "# Briefing pack",
            "",
            f"{today_text()} · 1 paragraph from 1 report",
            "",
            f"## {NATIONAL_TITLE}",
            "",
            "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, 27 February 2020",
            "",
            f"> {CUSTODY_TEXT}",
            "",
            "**Note:** Ask for the \\*figures\\*",
            "",
            f"{CUSTODY_MARKDOWN}, <http://localhost/p/{CUSTODY}>",
            "",
            "## Sources",
            "",
            f'1. Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "{NATIONAL_TITLE}", 27 '
            'February 2020. '
            "Original: <https://www.justiceinspectorates.gov.uk/hmicfrs/wp-content/uploads/"
            "national-child-protection-inspections-2019-thematic-report.pdf>. In Findings: "
            "<http://localhost/reports/national-child-protection-inspections-2019-pcc-response>.",
            "",
        ]
    )


def test_csv_export_has_a_row_per_paragraph_in_pack_order(client):
    response = client.get(f"/briefing.csv?{PACK}")
    assert response.mimetype == "text/csv" and response.get_data()[:3] == b"\xef\xbb\xbf"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["position"], r["id"], r["status"], r["note"], r["citation"]) for r in rows] == [
        ("1", CUSTODY, "found", "Ask for the figures", CUSTODY_CITATION),
        ("2", VIST_PARAGRAPH, "found", "", VIST_CITATION),
        ("3", GONE, "missing", "", ""),
    ]
    assert rows[0]["citation_markdown"] == CUSTODY_MARKDOWN
    assert rows[2]["permalink"] == f"http://localhost/p/{GONE}"
    assert rows[1]["text"] == VIST_TEXT


def test_citations_as_plain_text(client):
    response = client.get(f"/briefing.txt?ids={EXPLOITATION},{CUSTODY}")
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="briefing-pack-{date.today().isoformat()}.txt"'
    )
    assert response.get_data(as_text=True) == (
        'Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "National Child Protection '
        'Inspections 2019 '
        'Thematic Report (PCC response)", 27 February 2020, Key findings › The response to risk and vulnerability, 9th '
        f"paragraph, http://localhost/p/{EXPLOITATION}\n{CUSTODY_CITATION}\n"
    )


def test_a_note_that_looks_like_a_formula_is_inert_in_csv(client):
    response = client.get(f"/briefing.csv?ids={CUSTODY}&note.{CUSTODY}=%3DHYPERLINK(%22http://x%22)")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0]["note"] == "'=HYPERLINK(\"http://x\")"


# -- on other pages ---------------------------------------------------------------------------------


def test_every_search_result_and_report_paragraph_has_an_add_button(page, service):
    """The buttons belong to the page's #briefing-add form, which sends add=ID and where the reader was."""
    soup = page("/search?q=custody")
    buttons = soup.select("li.result button[name=add]")
    assert len(buttons) == len(soup.select("li.result")) > 0
    assert all(button["form"] == "briefing-add" for button in buttons)
    form = soup.select_one("form#briefing-add")
    assert (form["action"], form["method"]) == ("/briefing", "get")
    assert form.select_one("input[name=back]")["value"] == "/search?q=custody"
    report = page("/reports/plymouth-jtai-2020-letter")
    paragraphs = report.select(".para")
    assert [p.select_one("button[name=add]")["value"] for p in paragraphs] == [
        record["id"] for record in service.report("plymouth-jtai-2020-letter")["paragraphs"]
    ]
    assert text_of(report.select_one(".js-briefing-link")) == "Briefing 0 paragraphs collected"


# -- fuzzed: never a 500 -------------------------------------------------------------------------------

PARAMETERS = st.sampled_from(["ids", "add", "op", "title", "back", f"note.{CUSTODY}", "note.", "notes", "ids[]"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
"""Any text a URL can carry (UTF-8 has no lone surrogates)."""
VALUES = st.one_of(
    TEXT,
    st.sampled_from([CUSTODY, f"{CUSTODY},{GONE}", f"up:{CUSTODY}", "remove:", "report-up:x", "save", "/search",
                     "//evil", "a" * 201, ",,,", " ", "\x00", "\x85", f"https://x/p/{CUSTODY}"]),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(PARAMETERS, VALUES), max_size=5), path=st.sampled_from(
    ["/briefing", "/briefing.docx", "/briefing.md", "/briefing.csv", "/briefing.txt"]))  # fmt: skip
def test_any_briefing_request_is_answered_or_refused_never_a_500(client, params, path):
    """Whatever the parameters, the pack routes answer (200, or 303 after a change) or refuse with a 400."""
    response = client.get(path, query_string=params)
    assert response.status_code in (200, 303, 400), (params, response.status_code)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(st.sampled_from(["limit", "force", "finding", "year", "partial", "q"]),
                                 st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)),
                       max_size=4))  # fmt: skip
def test_any_similar_request_is_answered_or_refused_never_a_500(client, params):
    for path in (f"/p/{CUSTODY}/similar", f"/api/paragraphs/{CUSTODY}/similar"):
        response = client.get(path, query_string=params)
        assert response.status_code in (200, 400), (path, params, response.status_code)
