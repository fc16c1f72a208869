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
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert calls == [{"index_dir": corpus_index, "host": "0.0.0.0", "port": 8123, "threads": 2}]
