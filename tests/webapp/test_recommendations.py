"""The accountability chain on the web: the Recommendations view, its CSV and API, report and response pages."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from indexer.cli import main
from tests.webapp.support import PLYMOUTH_LETTER, text_of

RESPONSE = "plymouth-jtai-2020-pcc-response"
ANSWERING = f"{RESPONSE}--p-bf0f73e2"
OFFICE = "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"


def test_recommendations_view_lists_findings_with_their_responses(page):
    soup = page("/recommendations?force=devon&answered=answered")
    assert text_of(soup.select_one(".chain-summary")) == "3 findings: 3 in progress."
    rows = soup.select(".chain-table tbody tr")
    assert [text_of(row.select("td")[2]) for row in rows] == ["In progress"] * 3
    responses = [text_of(row.select("td")[3]) for row in rows]
    assert responses == [f"{OFFICE} , 8 January 2020: in progress"] * 3
    assert {a["href"] for row in rows for a in row.select("td")[3].select("a")} == {f"/p/{ANSWERING}"}
    # The form keeps the choices, and the CSV link carries them.
    assert soup.select_one("#filter-answered option[selected]")["value"] == "answered"
    assert soup.select_one('a[href^="/recommendations.csv"]')["href"] == (
        "/recommendations.csv?force=Devon+and+Cornwall+Police&answered=answered"
    )


def test_unanswered_police_findings_and_refusals(page, client):
    soup = page("/recommendations?force=devon&answered=not+answered")
    assert text_of(soup.select_one(".chain-summary")) == "14 findings: 14 no response found."
    assert {text_of(row.select("td")[3]) for row in soup.select(".chain-table tbody tr")} == {
        "No response in this collection"
    }
    assert client.get("/recommendations?colour=red").status_code == 400
    body = client.get("/api/recommendations?status=finished").get_json()
    assert body == {
        "error": "No status matches 'finished'. Known values include: accepted, agreed, partially accepted, "
        "not accepted, completed.",
        "status": 400,
    }


def test_recommendations_csv(client):
    response = client.get("/recommendations.csv?answered=answered")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "report_title", "published", "finding_type", "finding_label", "text", "addressees", "deadline", "forces",
        "inspectorates", "status", "responses", "permalink",
    ]  # fmt: skip
    assert len(rows) == 4
    assert rows[1][9:11] == ["in progress", f"{OFFICE} (2020-01-08): in progress"]
    assert rows[1][11].startswith("http://localhost/p/plymouth-jtai-2020-letter--p-")


def test_api_recommendations_and_report_findings(client):
    body = client.get("/api/recommendations?answered=answered&per_page=2").get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["findings"])) == (3, 1, 2, 2)
    assert body["filters"] == {"answered": ["answered"]}
    assert body["statuses"] == {"in progress": 3}
    findings = client.get(f"/api/reports/{PLYMOUTH_LETTER}/findings").get_json()
    assert len(findings) == 17 and {f["finding_type"] for f in findings} == {"area_for_improvement"}
    answered = [f for f in findings if f["responses"]]
    assert [f["responses"][0]["author"] for f in answered] == [OFFICE] * 3
    assert client.get("/api/reports/no-such-report/findings").status_code == 404


def test_report_page_lists_findings_with_responses(page):
    soup = page(f"/reports/{PLYMOUTH_LETTER}")
    items = soup.select("#chain .chain-list > li")
    assert len(items) == 17
    answered = [item for item in items if item.select_one("ul")]
    assert len(answered) == 3
    assert text_of(answered[0].select_one("ul")) == f"{OFFICE} , 8 January 2020 : in progress (“will work”)"
    unanswered = [item for item in items if not item.select_one("ul")]
    assert {text_of(item.select_one(".muted")) for item in unanswered} == {"No response to this in the collection."}


def test_response_page_says_what_each_paragraph_answers(page):
    soup = page(f"/reports/{RESPONSE}")
    notes = soup.select(".para__answers")
    assert len(notes) == 1
    assert text_of(notes[0]).startswith(
        "Answers, in “Joint targeted area inspection of the multi-agency response to children's mental health in "
        "Plymouth”: The front door referral pathways used by the police are complex... (in progress; shares the "
        "words “front door referral pathways”) ;"
    )
    assert [a["href"] for a in notes[0].select("a")] == [
        "/p/plymouth-jtai-2020-letter--p-854c266a",
        "/p/plymouth-jtai-2020-letter--p-db8e577d",
        "/p/plymouth-jtai-2020-letter--p-69455c3f",
    ]


def test_cli_lists_recommendations(corpus_index):
    result = CliRunner().invoke(
        main, ["recommendations", "--index-dir", str(corpus_index), "--force", "devon", "--answered", "answered"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "3 findings"
    assert [line.split(":")[0] for line in lines if not line.startswith(" ")][:3] == [
        "area for improvement [in progress]"
    ] * 3
    refused = CliRunner().invoke(main, ["recommendations", "--index-dir", str(corpus_index), "--status", "done"])
    assert refused.exit_code == 1 and "No status matches 'done'" in refused.output
