"""The `findings search` command: filters resolve like field prefixes, citations carry absolute links."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer.cli import main

VIST_DEVON_IDS = [
    "plymouth-jtai-2020-letter--p-854c266a",
    "plymouth-jtai-2020-letter--p-db8e577d",
    "plymouth-jtai-2020-pcc-response--p-bf0f73e2",
]


def _search(corpus_index, *args: str, env: dict[str, str] | None = None):
    runner = CliRunner()
    environment = {"FINDINGS_BASE_URL": "", **(env or {})}
    return runner.invoke(main, ["search", *args, "--index-dir", str(corpus_index)], env=environment)


@pytest.mark.parametrize("value", ["devon", "Devon", "Devon and Cornwall", "Devon and Cornwall Police"])
def test_force_option_resolves_like_the_field_prefix(corpus_index, value):
    """--force devon finds what force:devon finds."""
    result = _search(corpus_index, "VIST", "--force", value, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(r["id"] for r in data["results"]) == VIST_DEVON_IDS
    assert data["filters"] == {"forces": ["Devon and Cornwall Police"]}


def test_doc_type_option_takes_a_short_value(corpus_index):
    """--doc-type pcc means pcc_response."""
    data = json.loads(_search(corpus_index, "VIST", "--doc-type", "pcc", "--json").stdout)
    assert [r["id"] for r in data["results"]] == ["plymouth-jtai-2020-pcc-response--p-bf0f73e2"]


def test_a_filter_matching_nothing_is_an_error_naming_the_closest(corpus_index):
    """--force devan exits 1 with the closest force, never "0 paragraphs"."""
    result = _search(corpus_index, "VIST", "--force", "devan")
    assert result.exit_code == 1
    assert result.stderr == "Error: No force matches 'devan'. Closest: Devon and Cornwall Police.\n"


def test_citations_are_absolute_when_a_base_url_is_set(corpus_index):
    """With FINDINGS_BASE_URL set, the citation printed for a briefing ends in an absolute permalink."""
    result = _search(corpus_index, "VIST", "--force", "devon", "--limit", "1", env={"FINDINGS_BASE_URL": "https://findings.example.org/"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "  Ofsted, CQC, HMICFRS and HMI Probation, \"Joint targeted area inspection of the multi-agency response to "
        "children's mental health in Plymouth\", 8 January 2020, Areas for improvement, 36th paragraph, "
        "https://findings.example.org/p/plymouth-jtai-2020-letter--p-854c266a"
    )
    assert result.stderr == ""


def test_base_url_option_wins_and_json_carries_it(corpus_index):
    """--base-url sets the permalink root in --json output too."""
    result = _search(corpus_index, "VIST", "--force", "devon", "--limit", "1", "--json", "--base-url", "http://127.0.0.1:5000")
    data = json.loads(result.stdout)
    assert data["results"][0]["citation"]["text"].endswith(
        ", 36th paragraph, http://127.0.0.1:5000/p/plymouth-jtai-2020-letter--p-854c266a"
    )


def test_without_a_base_url_the_cli_says_how_to_set_one(corpus_index):
    """Relative links are flagged on stderr with the variable to set."""
    result = _search(corpus_index, "VIST", "--limit", "1")
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: citations link to /p/... paths. Set FINDINGS_BASE_URL (or --base-url) to the web app's address, "
        "e.g. FINDINGS_BASE_URL=http://127.0.0.1:5000, for links that work in a briefing.\n"
    )


def test_a_base_url_that_is_not_an_address_is_refused(corpus_index):
    """A base URL without a scheme would make broken links: refuse it with what to type instead."""
    result = _search(corpus_index, "VIST", "--base-url", "findings.example.org")
    assert result.exit_code == 1
    assert "must be an absolute address such as https://findings.example.org" in result.stderr


def test_json_results_end_with_permalink_and_citation(corpus_index):
    """--json results are the service's records, then the permalink path and the citation, as the API gives them."""
    data = json.loads(_search(corpus_index, "VIST", "--json", "--base-url", "https://findings.example.org").stdout)
    for record in data["results"]:
        assert list(record)[-2:] == ["url", "citation"]
        assert record["url"] == f"/p/{record['id']}"
        assert record["citation"]["markdown"].count(f"(https://findings.example.org/p/{record['id']})") == 1


def test_cli_permalinks_are_the_web_apps_route(corpus_index):
    """The CLI's permalink path is what the web app's url_for makes for a paragraph."""
    from indexer.cli import PERMALINK_PATH
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    with app.test_request_context():
        from flask import url_for

        assert url_for("reports.permalink", paragraph_id=VIST_DEVON_IDS[0]) == PERMALINK_PATH.format(
            id=VIST_DEVON_IDS[0]
        )


def test_serve_is_added_by_the_web_apps_entry_point(corpus_index, monkeypatch):
    """`findings serve` is found through the findings.commands entry point and passes its options on."""
    from importlib import import_module
    from importlib.metadata import entry_points

    assert [(point.name, point.value) for point in entry_points(group="findings.commands")] == [
        ("serve", "webapp.serve:serve_command")
    ]
    calls = []
    # The module, not the function that webapp/__init__.py exports under the same name.
    monkeypatch.setattr(import_module("webapp.serve"), "serve", lambda **options: calls.append(options))
    runner = CliRunner()
    assert "serve" in runner.invoke(main, ["--help"]).stdout
    args = ["serve", "--index-dir", str(corpus_index), "--host", "0.0.0.0", "--port", "8123", "--threads", "2"]
    result = runner.invoke(main, [*args, "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert calls == [{"index_dir": corpus_index, "host": "0.0.0.0", "port": 8123, "threads": 2, "workers": 3}]
    result = runner.invoke(main, [*args, "--workers", "0"])
    assert result.exit_code == 2 and "Invalid value for '--workers'" in result.output


# -- findings similar and findings briefing ---------------------------------------------------------

CUSTODY = "national-child-protection-inspections-2019-pcc-response--p-281fc040"
CUSTODY_CITATION = (
    'Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "National Child Protection '
    'Inspections 2019 '
    'Thematic Report (PCC response)", 27 February 2020, Key findings › The detention of children in police custody, '
    '11th '
    "paragraph, https://findings.example.org/p/national-child-protection-inspections-2019-pcc-response--p-281fc040"
)


def _run(corpus_index, *args: str, env: dict[str, str] | None = None):
    runner = CliRunner()
    environment = {"FINDINGS_BASE_URL": "", **(env or {})}
    return runner.invoke(main, [*args, "--index-dir", str(corpus_index)], env=environment)


def test_similar_prints_other_reports_paragraphs_with_shared_words(corpus_index):
    result = _run(corpus_index, "similar", CUSTODY, "--limit", "2", "--base-url", "https://findings.example.org")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Similar to: National Child Protection Inspections 2019 Thematic Report (PCC response), Key findings › The "
        "detention of "
        "children in police custody, para 11"
    )
    assert "Key words: increasingly, custody, vulnerability, recognise, Police, children" in lines
    assert "  Shared: police, recognise, children, vulnerability, custody" in lines
    assert lines[-1] == (
        "  Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, \"'Feeling heard': partner "
        "agencies working "
        "together to make a difference for children with mental ill health (PCC response)\", 9 December 2020, Key "
        "findings, 6th "
        "paragraph, https://findings.example.org/p/feeling-heard-jtai-thematic-2020-pcc-response--p-e69e3c55"
    )
    assert result.stderr == ""


def test_similar_json_is_the_api_answer(corpus_index):
    """--json: the same fields as /api/paragraphs/ID/similar, filters resolved like --force elsewhere."""
    result = _run(corpus_index, "similar", f"http://127.0.0.1:5000/p/{CUSTODY}", "--force", "hampshire", "--json",
                  "--limit", "1")  # fmt: skip
    data = json.loads(result.stdout)
    assert list(data) == ["paragraph", "marked", "key_terms", "filters", "limit", "results"]
    assert data["filters"] == {"forces": ["Hampshire and Isle of Wight Constabulary"]}
    assert [r["id"] for r in data["results"]] == ["portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4"]
    assert data["results"][0]["url"] == "/p/portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4"


@pytest.mark.parametrize(
    "args, message",
    [
        (["similar", "plymouth-jtai-2020-letter--p-00000000"],
         "Error: no paragraph plymouth-jtai-2020-letter--p-00000000 in the index.\n"),
        (["similar", CUSTODY, "--force", "atlantis"], "Error: No force matches 'atlantis'. Known values: Devon and "
         "Cornwall Police, Hampshire and Isle of Wight Constabulary.\n"),
        (["similar", "Not An Id"], "Error: 'Not An Id' is not a paragraph id. Paragraph ids look like "
         "plymouth-jtai-2020-letter--p-854c266a: the end of a paragraph's permalink (/p/…).\n"),
    ],
)  # fmt: skip
def test_similar_errors_say_what_is_wrong(corpus_index, args, message):
    result = _run(corpus_index, *args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_briefing_writes_a_word_document_with_absolute_links(corpus_index, tmp_path):
    """The CLI's pack is the web app's: same headings, quotes, notes and citations, links from FINDINGS_BASE_URL."""
    from docx import Document

    target = tmp_path / "pack.docx"
    result = _run(
        corpus_index, "briefing", CUSTODY, "plymouth-jtai-2020-letter--p-0000gone", "-o", str(target),
        "--title", "For the board", "--note", f"{CUSTODY}=Ask for the figures",
        env={"FINDINGS_BASE_URL": "https://findings.example.org"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{target}: 2 paragraphs from 2 reports\n"
        "warning: plymouth-jtai-2020-letter--p-0000gone is no longer in the index; it is listed as missing\n"
    )
    document = Document(str(target))
    shown = [(p.style.name, p.text) for p in document.paragraphs]
    assert shown[0] == ("Title", "For the board")
    assert shown[2:7] == [
        ("Heading 1", "National Child Protection Inspections 2019 Thematic Report (PCC response)"),
        ("Normal", "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, 27 February 2020"),
        ("Quote", "Police increasingly recognise the vulnerability of children in custody but too many are still "
                  "detained unnecessarily"),
        ("Normal", "Note: Ask for the figures"),
        ("Normal", CUSTODY_CITATION),
    ]  # fmt: skip
    assert [(link.address, link.text) for link in document.paragraphs[6].hyperlinks] == [
        (f"https://findings.example.org/p/{CUSTODY}", f"https://findings.example.org/p/{CUSTODY}")
    ]
    assert shown[7] == ("Heading 1", "plymouth-jtai-2020-letter (no longer in the collection)")


def test_briefing_writes_citations_and_markdown_to_standard_output(corpus_index):
    result = _run(corpus_index, "briefing", CUSTODY, "--format", "txt", "--base-url", "https://findings.example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout == CUSTODY_CITATION + "\n"
    markdown = _run(corpus_index, "briefing", CUSTODY)
    assert markdown.stdout.startswith("# Briefing pack\n\n")
    assert f"<{'/p/' + CUSTODY}>" in markdown.stdout
    assert markdown.stderr.startswith("Note: citations link to /p/... paths. Set FINDINGS_BASE_URL")


@pytest.mark.parametrize(
    "args, message",
    [
        (["briefing", CUSTODY, "--format", "docx"],
         "Error: a Word document is a binary file: give the file to write with -o FILE.docx.\n"),
        (["briefing", "Not_An_Id"], "Error: 'Not_An_Id' is not a paragraph id. Paragraph ids look like "
         "plymouth-jtai-2020-letter--p-854c266a: the end of a paragraph's permalink (/p/…).\n"),
        (["briefing", CUSTODY, "--note", "no equals sign"], "Error: --note takes ID=TEXT, not 'no equals sign'.\n"),
        (["briefing", *(f"plymouth-jtai-2020-letter--p-{n:08x}" for n in range(201))],
         "Error: A briefing pack holds at most 200 paragraphs; this one has more. Remove some, or split them into "
         "two packs.\n"),
    ],
)  # fmt: skip
def test_briefing_errors_say_what_is_wrong(corpus_index, args, message):
    result = _run(corpus_index, *args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_cli_report_links_are_the_web_apps_route(corpus_index):
    from indexer.cli import REPORT_PATH
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    with app.test_request_context():
        from flask import url_for

        assert url_for("reports.report", report_id="plymouth-jtai-2020-letter") == REPORT_PATH.format(
            id="plymouth-jtai-2020-letter"
        )
