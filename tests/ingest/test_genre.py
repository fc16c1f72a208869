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
        "author": "HMIC and HMI Prisons",
        "programme": ("custody",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "force-response-minutes.txt": {
        "title": "HMICFRS PEEL: Police legitimacy 2017 – the Force response to the areas for improvement",
        "doc_type": "force_response",
        "published": "2018-11-07",
        "inspectorates": ("HMICFRS",),
        "forces": ("Dorset Police",),
        "author": "Chief Constable of Dorset Police",
        "programme": ("PEEL",),
        "responds_to_title": "HMICFRS PEEL: Police legitimacy 2017",
        "responds_to_published": "2017-12",
    },
    "pcc-statement-web.txt": {
        "title": "Commissioner responds to HMICFRS report on crime recording in Lincolnshire",
        "doc_type": "pcc_response",
        "published": "2018-07-04",
        "inspectorates": ("HMICFRS",),
        "forces": ("Lincolnshire Police",),
        "author": "Police and Crime Commissioner for Lincolnshire",
        "programme": ("crime data integrity",),
        "responds_to_title": "HMICFRS report on crime recording in Lincolnshire",
        "responds_to_published": "2018-07-04",
    },
    "pcc-statement-page.html": {
        "title": "Commissioner responds to HMICFRS report on crime recording in Lincolnshire",
        "doc_type": "pcc_response",
        "published": "2018-07-04",
        "inspectorates": ("HMICFRS",),
        "forces": ("Lincolnshire Police",),
        "author": "Police and Crime Commissioner for Lincolnshire",
        "programme": ("crime data integrity",),
        "responds_to_title": "HMICFRS report on crime recording in Lincolnshire",
        "responds_to_published": "2018-07-04",
    },
    "peel-question-page.txt": {
        "title": "Cumbria PEEL 2017",
        "doc_type": "inspection_report",
        "published": "2018-03-14",
        "inspectorates": ("HMICFRS",),
        "forces": ("Cumbria Constabulary",),
        "author": "HMICFRS",
        "programme": ("PEEL",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "recommendation-tracker.txt": {
        "title": "Recommendation progress: Norfolk crime data integrity",
        "doc_type": "progress_update",
        "published": "2019-09-03",
        "inspectorates": ("HMICFRS",),
        "forces": ("Norfolk Constabulary",),
        "author": "HMICFRS",
        "programme": ("crime data integrity",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "thematic-report.txt": {
        "title": (
            "Seen and heard: A national thematic inspection of how police forces respond to children who go missing "
            "from care"
        ),
        "doc_type": "thematic_report",
        "published": "2019-11",
        "inspectorates": ("HMICFRS",),
        "forces": (),
        "author": "HMICFRS",
        "programme": ("thematic",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "peel-graded-force-report.txt": {
        "title": "PEEL 2023–25: An inspection of Northumbria Police",
        "doc_type": "inspection_report",
        "published": "2024-03-14",
        "inspectorates": ("HMICFRS",),
        "forces": ("Northumbria Police",),
        "author": "HMICFRS",
        "programme": ("PEEL",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "peel-cover-report.txt": {
        "title": "PEEL 2021/22: An inspection of Cleveland Police",
        "doc_type": "inspection_report",
        "published": "2022-09",
        "inspectorates": ("HMICFRS",),
        "forces": ("Cleveland Police",),
        "author": "HMICFRS",
        "programme": ("PEEL",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "pcc-news-statement.txt": {
        "title": "PCC response to HMICFRS PEEL report",
        "doc_type": "pcc_response",
        "published": "2022-09-20",
        "inspectorates": ("HMICFRS",),
        "forces": ("Cleveland Police",),
        "author": "Cleveland's Police and Crime Commissioner",
        "programme": ("PEEL",),
        "responds_to_title": "HMICFRS PEEL report",
        "responds_to_published": "2022-09-20",
    },
    "force-response-table.txt": {
        "title": "West Midlands Police response to HMICFRS Stalking and Harassment Inspection",
        "doc_type": "force_response",
        "published": "2024-06-14",
        "inspectorates": ("HMICFRS",),
        "forces": ("West Midlands Police",),
        "author": "West Midlands Police",
        "programme": (),
        "responds_to_title": "HMICFRS Stalking and Harassment Inspection",
        "responds_to_published": None,
    },
    "custody-report-gwent.txt": {
        "title": "Report on an unannounced inspection visit to police custody suites in Gwent",
        "doc_type": "inspection_report",
        "published": "2022-09",
        "inspectorates": ("HMICFRS", "HMI Prisons"),
        "forces": ("Gwent Police",),
        "author": "HMICFRS and HMI Prisons",
        "programme": ("custody",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "progress-page.txt": {
        "title": "Kent Police: Domestic abuse inspection 2019",
        "doc_type": "progress_update",
        "published": "2021-05-12",
        "inspectorates": (),
        "forces": ("Kent Police",),
        "author": "",
        "programme": (),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "section-55-letter.txt": {
        "title": (
            "Section 55 response to HMICFRS: An inspection of the effectiveness of the Regional Organised Crime Units"
        ),
        "doc_type": "pcc_response",
        "published": "2023-07-12",
        "inspectorates": ("HMICFRS",),
        "forces": ("Norfolk Constabulary",),
        "author": "Police and Crime Commissioner for Norfolk",
        "programme": (),
        "responds_to_title": "HMICFRS: An inspection of the effectiveness of the Regional Organised Crime Units",
        "responds_to_published": "2023-07-12",
    },
    "youth-offending-inspection.txt": {
        "title": "An inspection of youth offending services in Bradford",
        "doc_type": "inspection_report",
        "published": "2021-06",
        "inspectorates": ("HMI Probation",),
        "forces": ("West Yorkshire Police",),
        "author": "HMI Probation",
        "programme": (),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "pcc-short-statement.txt": {
        "title": "Police and Crime Commissioner comments on HMICFRS report into West Yorkshire Police",
        "doc_type": "pcc_response",
        "published": "2018-10-03",
        "inspectorates": ("HMICFRS",),
        "forces": ("West Yorkshire Police",),
        "author": "West Yorkshire's Police and Crime Commissioner",
        "programme": (),
        "responds_to_title": "HMICFRS report into West Yorkshire Police",
        "responds_to_published": None,
    },
    "pcc-response-page.html": {
        "title": "Response to HMICFRS PEEL inspection 2021/22",
        "doc_type": "pcc_response",
        "published": "2022-05-12",
        "inspectorates": ("HMICFRS",),
        "forces": ("Essex Police",),
        "author": "Police and Crime Commissioner for Essex",
        "programme": ("PEEL",),
        "responds_to_title": "HMICFRS PEEL inspection 2021/22",
        "responds_to_published": None,
    },
    "national-report-wrapped.txt": {
        "title": "Police response to violence against women and girls Final inspection report",
        "doc_type": "inspection_report",
        "published": "2021-07",
        "inspectorates": ("HMICFRS",),
        "forces": (),
        "author": "HMICFRS",
        "programme": (),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "peel-graded-page.html": {
        "title": "PEEL 2021/22: An inspection of Norfolk Constabulary",
        "doc_type": "inspection_report",
        "published": "2022-07-12",
        "inspectorates": ("HMICFRS",),
        "forces": ("Norfolk Constabulary",),
        "author": "HMICFRS",
        "programme": ("PEEL",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "hmic-letter-to-chief-constable.txt": {
        "title": "Crime data integrity: revisit",
        "doc_type": "inspection_letter",
        "published": "2016-10-12",
        "inspectorates": ("HMICFRS",),
        "forces": ("Wiltshire Police",),
        "author": "HMIC",
        "programme": ("crime data integrity",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "jtai-letter-agencies.txt": {
        "title": (
            "Joint targeted area inspection of the multi-agency response to children at risk of exploitation "
            "in Blackpool"
        ),
        "doc_type": "inspection_letter",
        "published": "2022-02-03",
        "inspectorates": ("Ofsted", "CQC", "HMICFRS", "HMI Probation"),
        "forces": ("Lancashire Constabulary",),
        "author": "Ofsted, CQC, HMICFRS and HMI Probation",
        "programme": ("JTAI",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "pcc-response-letter.txt": {
        "title": (
            "Response of the Police and Crime Commissioner for Kent to the report on the police response to "
            "violence against women and girls"
        ),
        "doc_type": "pcc_response",
        "published": "2022-03-14",
        "inspectorates": (),
        "forces": ("Kent Police",),
        "author": "Police and Crime Commissioner for Kent",
        "programme": (),
        "responds_to_title": "the report on the police response to violence against women and girls",
        "responds_to_published": "2022-02-02",
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
    "peel-graded-force-report.txt": [
        ("area_for_improvement", "Area for improvement 1: The force should make sure"),
        ("cause_of_concern", "The force does not identify and respond"),
        ("recommendation", "review every open referral"),
        ("recommendation", "make sure that the public protection unit"),
        ("recommendation", "Recommendation 3: By 31 March 2025"),
        ("notable_practice", "Notable practice: The force's victim panel"),
    ],
    "hmic-letter-to-chief-constable.txt": [
        ("recommendation", "Recommendation 1: Within six months"),
        ("recommendation", "Recommendation 2: By 31 March 2017"),
    ],
    "jtai-letter-agencies.txt": [
        ("strength", "Leaders across the partnership"),
        ("area_for_improvement", "Police officers do not always share"),
        ("area_for_improvement", "Health visitors and school nurses"),
        ("area_for_improvement", "The youth offending team does not record"),
        ("area_for_improvement", "The quality of children's plans"),
    ],
    "pcc-response-letter.txt": [],
    "peel-cover-report.txt": [
        ("cause_of_concern", "The force is not effective"),
        ("recommendation", "implement a plan"),
        ("recommendation", "review its arrangements"),
        ("area_for_improvement", "The force should improve how it records equality data"),
    ],
    "pcc-news-statement.txt": [],
    "pcc-short-statement.txt": [],
    "national-report-wrapped.txt": [
        ("recommendation", "Immediately, there should be"),
        ("recommendation", "By September 2021, chief constables"),
        ("recommendation", "Within six months, the College of Policing"),
    ],
    "pcc-response-page.html": [("area_for_improvement", "The force should make sure it answers 101 calls")],
    "youth-offending-inspection.txt": [
        ("recommendation", "make sure that board members"),
        ("recommendation", "monitor the quality of work"),
        ("recommendation", "improve the quality of assessments"),
    ],
    "custody-report-gwent.txt": [
        ("cause_of_concern", "1.3 The governance of the use of force"),
        ("recommendation", "1.4 The force should ensure"),
        ("area_for_improvement", "1.5 Detainees should be able to see"),
    ],
    "progress-page.txt": [("recommendation", "By 31 March 2021, the force should")],
    "section-55-letter.txt": [],
    "force-response-table.txt": [
        ("recommendation", "By 31 October 2024, chief constables"),
        ("recommendation", "Within 6 months, chief constables"),
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


# (finding type, number as printed, addressees, deadline, which cause of concern owns it (0 = the first), start)
FINDING_DETAILS = {
    "peel-graded-force-report.txt": [
        ("area_for_improvement", "Area for improvement 1", ("the force", "police"), None, None, "Area for"),
        ("cause_of_concern", None, ("police",), None, None, "The force does not identify"),
        ("recommendation", None, ("the force", "police"), "within three months", 0, "review every open referral"),
        ("recommendation", None, ("the force", "police"), "within three months", 0, "make sure that the public"),
        ("recommendation", "Recommendation 3", ("the force", "police"), "by 31 March 2025", 0, "Recommendation 3:"),
        ("notable_practice", None, ("police",), None, None, "Notable practice:"),
    ],
    "custody-joint-inspection.txt": [
        ("cause_of_concern", "1.3", ("health",), None, None, "1.3 Cause of concern"),
        ("recommendation", "1.4", ("the force", "police", "health"), None, 0, "1.4 Recommendation"),
        ("area_for_improvement", "1.5", ("the force", "police"), None, None, "1.5 The force should collect"),
        ("area_for_improvement", "1.6", (), None, None, "1.6 Detainees should be offered"),
        ("notable_practice", "1.7", ("police",), None, None, "1.7 The force ran weekly"),
    ],
    "jtai-letter-agencies.txt": [
        ("strength", None, (), None, None, "Leaders across"),
        ("area_for_improvement", None, ("police", "children's social care"), None, None, "Police officers"),
        ("area_for_improvement", None, ("health",), None, None, "Health visitors"),
        ("area_for_improvement", None, ("youth offending team",), None, None, "The youth offending team"),
        ("area_for_improvement", None, ("children's social care",), None, None, "The quality of children's plans"),
    ],
    "thematic-report.txt": [
        ("recommendation", "Recommendation 1", ("chief constables", "children's social care"), "by 31 March 2020",
         None, "Recommendation 1:"),
        ("recommendation", "Recommendation 2", ("NPCC",), "within six months", None, "Recommendation 2:"),
        ("area_for_improvement", None, ("chief constables",), None, None, "Forces should make sure"),
    ],
    "hmic-letter-to-chief-constable.txt": [
        ("recommendation", "Recommendation 1", ("the force", "police"), "within six months", None, "Recommendation 1:"),
        ("recommendation", "Recommendation 2", ("chief constables",), "by 31 March 2017", None, "Recommendation 2:"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FINDING_DETAILS))
def test_each_finding_keeps_its_number_addressees_deadline_and_cause(name):
    """Numbers as printed, who must act (or which agency it is about), deadlines, and the owning cause of concern.

    Bullets under "we recommend that within three months the force should:" take the addressee and the
    deadline from the sentence that introduces them.
    """
    findings = [p for p in _report(name).paragraphs if p.finding_type]
    causes = [p.id for p in findings if p.finding_type == "cause_of_concern"]
    got = [
        (
            p.finding_type,
            p.finding_label,
            p.addressees,
            p.deadline,
            causes.index(p.parent_finding) if p.parent_finding else None,
        )
        for p in findings
    ]
    assert got == [entry[:5] for entry in FINDING_DETAILS[name]]
    for paragraph, entry in zip(findings, FINDING_DETAILS[name], strict=True):
        assert paragraph.text.startswith(entry[5]), (paragraph.text, entry[5])


def test_grades_stay_with_their_question():
    """A grade on its own line grades the heading above it; a sentence that states a grade carries it."""
    graded = [(p.section, p.grade, p.text[:40]) for p in _report("peel-graded-force-report.txt").paragraphs if p.grade]
    assert graded == [
        ("Our judgements", "adequate", "The extent to which the force is effecti"),
        ("Our judgements", "inadequate", "The extent to which the force is effecti"),
        ("Investigating crime", "adequate", "Adequate"),
        ("Investigating crime", "adequate", "The force investigates most crimes promp"),
        ("Investigating crime", "adequate", "Area for improvement 1: The force should"),
        ("Protecting vulnerable people", "inadequate", "Inadequate"),
        ("Protecting vulnerable people", "inadequate", "Officers do not always recognise the ris"),
    ]
    question = "Effectiveness › How effective is the force at protecting vulnerable people and supporting victims?"
    assert {(p.section, p.grade) for p in _report("peel-question-page.txt").paragraphs if p.grade} == {
        (question, "requires improvement")
    }
    assert [p.grade for p in _report("thematic-report.txt").paragraphs if p.grade] == []
    # The same in a web page, where the questions are <h2> headings.
    assert [(p.section, p.grade) for p in _report("peel-graded-page.html").paragraphs if p.grade] == [
        ("How good is the force at responding to the public?", "requires improvement"),
        ("How good is the force at responding to the public?", "requires improvement"),
        ("How good is the force at protecting vulnerable people?", "good"),
        ("How good is the force at protecting vulnerable people?", "good"),
    ]


def test_a_short_page_with_a_final_newline_is_read_line_by_line():
    """One statement per line and no blank line: the final newline is not a blank line between paragraphs."""
    paragraphs = [p.text for p in _report("pcc-short-statement.txt").paragraphs]
    assert [text[:40] for text in paragraphs] == [
        "Published: 3 October 2018",
        "West Yorkshire's Police and Crime Commis",
        "The report, published today by Her Majes",
        "Commenting, the Commissioner said: \"I am",
    ]


def test_contents_entries_without_leader_dots_and_a_cover_byline_are_dropped_with_reasons():
    """Under "Contents", "Summary      1" is a contents line; the inspectorate's name under a title is its byline."""
    report = _report("national-report-wrapped.txt")
    assert [(item.reason, " ".join(item.text.split())) for item in report.dropped] == [
        ("contents heading", "Contents"),
        ("contents line", "Summary 1"),
        ("contents line", "Recommendations 4"),
        ("page number", "12"),
        ("printed after the title (byline or dates)", "HMICFRS"),
    ]
    assert not [p for p in report.paragraphs if p.text.startswith(("Summary 1", "Recommendations 4"))]
