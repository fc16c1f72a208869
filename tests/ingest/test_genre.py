"""Documents of every kind the genre comes in (our own fixtures): front matter and findings read from the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.pipeline import parse_report

GENRE = Path(__file__).resolve().parents[1] / "data" / "genre"

FRONT_MATTER = {
    "custody-joint-inspection.txt": {
        "title": "Report on an unannounced inspection visit to police custody suites in Warwickshire and West Mercia",
        "doc_type": "inspection_report",
        "published": "2018-01-23",
        "inspectorates": ("HMICFRS", "HMI Prisons"),
        "forces": ("Warwickshire Police", "West Mercia Police"),
    },
    "force-response-minutes.txt": {
        "title": "Dorset Police and Crime Panel",
        "doc_type": "force_response",
        "published": "2018-11-07",
        "inspectorates": ("HMICFRS",),
        "forces": ("Dorset Police",),
    },
    "pcc-statement-web.txt": {
        "title": "Commissioner responds to HMICFRS report on crime recording in Lincolnshire",
        "doc_type": "pcc_response",
        "published": "2018-07-04",
        "inspectorates": ("HMICFRS",),
        "forces": ("Lincolnshire Police",),
    },
    "pcc-statement-page.html": {
        "title": "Commissioner responds to HMICFRS report on crime recording in Lincolnshire",
        "doc_type": "pcc_response",
        "published": "2018-07-04",
        "inspectorates": ("HMICFRS",),
        "forces": ("Lincolnshire Police",),
    },
    "peel-question-page.txt": {
        "title": "Cumbria PEEL 2017",
        "doc_type": "inspection_report",
        "published": "2018-03-14",
        "inspectorates": ("HMICFRS",),
        "forces": ("Cumbria Constabulary",),
    },
    "recommendation-tracker.txt": {
        "title": "Recommendation progress: Norfolk crime data integrity",
        "doc_type": "progress_update",
        "published": "2019-09-03",
        "inspectorates": ("HMICFRS",),
        "forces": ("Norfolk Constabulary",),
    },
    "thematic-report.txt": {
        "title": "Seen and heard",
        "doc_type": "thematic_report",
        "published": "2019-11",
        "inspectorates": ("HMICFRS",),
        "forces": (),
    },
}

FINDINGS = {
    "custody-joint-inspection.txt": [
        ("cause_of_concern", "1.3 Cause of concern: detainees with mental health problems"),
        ("recommendation", "1.4 Recommendation: the force and its health partners"),
        ("area_for_improvement", "1.5 The force should collect accurate data"),
        ("area_for_improvement", "1.6 Detainees should be offered a shower"),
        ("notable_practice", "1.7 The force ran weekly sessions"),
    ],
    "force-response-minutes.txt": [
        ("area_for_improvement", "2.1 AFI 1 – the force should improve"),
        ("area_for_improvement", "2.2 AFI 2 – the force should make sure"),
    ],
    "pcc-statement-web.txt": [],
    "peel-question-page.txt": [
        ("area_for_improvement", "The force should make sure that risk assessments"),
        ("area_for_improvement", "The force should reduce the time"),
        ("cause_of_concern", "The force does not have enough trained detectives"),
        ("recommendation", "Within three months the force should produce a plan"),
    ],
    "recommendation-tracker.txt": [
        ("recommendation", "Within three months, the force should put in place"),
        ("recommendation", "Within six months, the force should train"),
        ("recommendation", "The force should audit the cancellation"),
    ],
    "thematic-report.txt": [
        ("recommendation", "Recommendation 1: By 31 March 2020, all chief constables"),
        ("recommendation", "Recommendation 2: Within six months, the NPCC lead"),
        ("area_for_improvement", "Forces should make sure that supervisors"),
    ],
}


def _report(name: str):
    path = GENRE / name
    return parse_report(path, path.parent)


@pytest.mark.parametrize("name", sorted(FRONT_MATTER))
def test_front_matter(name):
    """Title (past banners, navigation and cover furniture), date in every form, document type, names."""
    meta = _report(name).meta
    got = {field: getattr(meta, field) for field in FRONT_MATTER[name]}
    assert got == FRONT_MATTER[name]


@pytest.mark.parametrize("name", sorted(FINDINGS))
def test_findings_in_every_form(name):
    """Labelled, numbered, headed and deadline-led findings get their type; nothing else does."""
    found = [(p.finding_type, p.text) for p in _report(name).paragraphs if p.finding_type]
    expected = FINDINGS[name]
    assert [kind for kind, _ in found] == [kind for kind, _ in expected]
    for (_, text), (_, start) in zip(found, expected, strict=True):
        assert text.startswith(start), (text, start)


def test_site_chrome_and_print_furniture_are_not_paragraphs():
    """Cookie banners, navigation, contents lines, page numbers, copyright, ISBN and addresses are not indexed."""
    texts = [p.text for name in FRONT_MATTER for p in _report(name).paragraphs]
    for chrome in ("cookies", "Skip to", "Contents", "ISBN", "© ", "SW1A 0AA", "Share this page", "Back to top",
                   "...........", "Posted in News", "offline for about an hour"):  # fmt: skip
        assert not [text for text in texts if chrome in text], chrome
    assert not [text for text in texts if text.strip().isdigit()]


def test_a_question_heading_swallows_nothing():
    """PEEL's question heading is a heading: the grade and paragraphs after it are still paragraphs."""
    paragraphs = _report("peel-question-page.txt").paragraphs
    assert paragraphs[0].text == "Last updated 14/03/2018"
    assert paragraphs[1].text == "Requires improvement"
    assert paragraphs[2].text.startswith("Cumbria Constabulary requires improvement in how it protects")
    assert paragraphs[2].section == (
        "Effectiveness › How effective is the force at protecting vulnerable people and supporting victims?"
    )
