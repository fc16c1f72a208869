"""The shipped corpus: each seed document's structure, findings and metadata, pinned."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest

from indexer.ingest.pipeline import parse_report

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
JTAI_FOUR = ("Ofsted", "CQC", "HMICFRS", "HMI Probation")
DEVON = ("Devon and Cornwall Police",)


def parse(name: str):
    return parse_report(CORPUS / name, CORPUS)


def sections(report) -> list[tuple[str, str, int]]:
    """(section, section_type, paragraph count) in reading order."""
    return [
        (section, section_type, len(list(group)))
        for (section, section_type), group in groupby(report.paragraphs, key=lambda p: (p.section, p.section_type))
    ]


def findings(report) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for paragraph in report.paragraphs:
        if paragraph.finding_type:
            found.setdefault(paragraph.finding_type, []).append(paragraph.paragraph_number)
    return found


def meta(report) -> dict:
    m = report.meta
    return {
        "title": m.title,
        "doc_type": m.doc_type,
        "published": m.published,
        "inspectorates": m.inspectorates,
        "forces": m.forces,
        "areas": m.areas,
        "source_url": m.source_url,
        "author": m.author,
        "programme": m.programme,
        "responds_to_title": m.responds_to_title,
        "responds_to_published": m.responds_to_published,
    }


EXPECTED_SECTIONS = {
    "plymouth-jtai-2020-letter.txt": [
        ("Summary", "summary", 6),
        ("Key Strengths", "key_strengths", 24),
        ("Case study: effective practice", "case_study", 2),
        ("Areas for improvement", "areas_for_improvement", 17),
        ("Case study: area for improvement", "case_study", 2),
        ("Next steps", "next_steps", 2),
    ],
    "plymouth-jtai-2020-pcc-response.txt": [
        ("Summary", "summary", 3),
        ("Police and Crime Commissioner's response", "pcc_response", 9),
    ],
    "feeling-heard-jtai-thematic-2020-pcc-response.md": [
        ("Summary", "summary", 3),
        ("Key findings", "key_findings", 3),
        ("Chief Constable's response", "chief_constable_response", 1),
        ("Police and Crime Commissioner's response", "pcc_response", 5),
    ],
    "national-child-protection-inspections-2019-pcc-response.md": [
        ("Summary", "summary", 3),
        ("Key findings › The role of leaders and leadership", "key_findings", 2),
        ("Key findings › The recognition of risk and vulnerability", "key_findings", 2),
        ("Key findings › The response to risk and vulnerability", "key_findings", 2),
        ("Key findings › Protecting children from those who pose a risk to them", "key_findings", 1),
        ("Key findings › The detention of children in police custody", "key_findings", 1),
        ("Police and Crime Commissioner's response", "pcc_response", 15),
    ],
    "portsmouth-jtai-2020-hampshire-opcc-response.txt": [
        ("Response from: Office of the Police and Crime Commissioner, Hampshire", "pcc_response", 5),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SECTIONS))
def test_sections_and_types(name):
    """Each seed splits into exactly these sections, with these types and sizes."""
    assert sections(parse(name)) == EXPECTED_SECTIONS[name]


def test_plymouth_letter_findings_match_the_counts_the_pcc_quotes():
    """24 key strengths and 17 areas for improvement, as the PCC's response says."""
    report = parse("plymouth-jtai-2020-letter.txt")
    assert findings(report) == {
        "strength": list(range(7, 31)),
        "area_for_improvement": list(range(33, 50)),
    }


def test_thematic_findings_and_restated_recommendations():
    """Key findings under sub-headings, and the recommendations a PCC restates in a list."""
    report = parse("national-child-protection-inspections-2019-pcc-response.md")
    assert findings(report) == {"key_finding": list(range(4, 12)), "recommendation": [24, 25, 26]}
    assert [p.text for p in report.paragraphs if p.finding_type == "recommendation"] == [
        "take steps to reduce the unnecessary criminalisation of children",
        "review performance management and quality assurance approaches to ensure that assessments of "
        "the nature and quality of decision making are routinely made",
        "take steps to identify and implement good practice and the learning highlighted from these programmes",
    ]


def test_key_finding_introduced_by_a_colon():
    """A findings section that gives its one finding as a paragraph after "...:"."""
    report = parse("feeling-heard-jtai-thematic-2020-pcc-response.md")
    assert findings(report) == {"key_finding": [5]}
    assert report.paragraphs[4].text.startswith("Police forces need to share good practice")


def test_prose_responses_have_no_findings():
    """Responses written as prose carry no finding types."""
    assert findings(parse("plymouth-jtai-2020-pcc-response.txt")) == {}
    assert findings(parse("portsmouth-jtai-2020-hampshire-opcc-response.txt")) == {}


def test_bullet_cut_by_page_break_is_one_finding():
    """The custody strength continues after a page break and stays one paragraph."""
    report = parse("plymouth-jtai-2020-letter.txt")
    paragraph = report.paragraphs[18]
    assert paragraph.finding_type == "strength"
    assert paragraph.text == (
        "An effective liaison and diversion service within police custody suites means that children "
        "experiencing poor mental health receive prompt intervention during their time in custody. The police "
        "and crime commissioner and Devon CCG have worked collaboratively to expand this service, meaning that "
        "children who are not arrested will now receive the same level of service. Outcomes for a small number "
        "of children could be improved through more effective information-sharing between Devon and Cornwall "
        "police and the YOT."
    )


def test_paragraph_cut_by_page_break_and_footnote_is_rejoined():
    """The footnote at the foot of page 1 comes out; the paragraph around it is one again."""
    report = parse("plymouth-jtai-2020-letter.txt")
    first, fourth = report.paragraphs[0], report.paragraphs[3]
    assert [(f.marker, f.text) for f in first.footnotes] == [
        ("1", "This joint inspection was conducted under section 20 of the Children Act 2004.")
    ]
    assert "¹" not in first.text and "Children Act 2004" not in first.text
    assert "in Plymouth. This inspection included a 'deep dive'" in first.text
    assert fourth.text.endswith(
        "to understand and meet children's emotional well-being and mental health needs. The Plymouth "
        "trauma-informed practice approach has recently been embraced by leaders and members as a model of "
        "good practice. This approach is starting to be visible in practice across the partnership, although "
        "it is too soon to evaluate the impact on children."
    )
    assert all("This joint inspection was conducted" not in p.text for p in report.paragraphs)


def test_second_footnote_attaches_to_its_paragraph():
    """The footnote after the sign-off belongs to the paragraph that cites it."""
    report = parse("plymouth-jtai-2020-letter.txt")
    cited = [(p.paragraph_number, [f.marker for f in p.footnotes]) for p in report.paragraphs if p.footnotes]
    assert cited == [(1, ["1"]), (52, ["2"])]
    assert report.paragraphs[51].footnotes[0].text.startswith("The Children Act 2004 (Joint Area Reviews)")


def test_page_break_in_markdown_paragraph_is_rejoined():
    """"...at the time of writing this report, a pandemic / which is requiring" is one paragraph."""
    report = parse("national-child-protection-inspections-2019-pcc-response.md")
    assert any("a pandemic which is requiring all of us" in p.text for p in report.paragraphs)
    assert not any(p.text.startswith("which is requiring") for p in report.paragraphs)


def test_split_url_is_rejoined():
    """A URL wrapped across two lines becomes one link again, and is the source URL."""
    report = parse("plymouth-jtai-2020-pcc-response.txt")
    assert report.paragraphs[2].text == (
        "The full report can be viewed here: "
        "https://www.justiceinspectorates.gov.uk/hmicfrs/wp-content/uploads/Plymouth-JTAI-inspection-report-.pdf"
    )


def test_cookie_banner_and_skip_link_are_dropped():
    """Nothing of the scraped page's chrome reaches a paragraph."""
    report = parse("portsmouth-jtai-2020-hampshire-opcc-response.txt")
    text = " ".join(p.text for p in report.paragraphs).lower()
    assert "cookie" not in text and "skip to main content" not in text and "google analytics" not in text
    assert report.paragraphs[0].text.startswith("This inspection, focusing on the children and young people")


def test_letter_chrome_and_signatures_are_not_paragraphs():
    """Date line, addressees, salutation, sign-off and signatures are left out."""
    letter = parse("plymouth-jtai-2020-letter.txt")
    texts = [p.text for p in letter.paragraphs]
    assert not any(t.startswith(("Dear", "Yours sincerely", "Alison Botham, Director", "Ofsted Care")) for t in texts)
    assert texts[-1].startswith("Alison Botham, DCS should send the written statement")
    response = parse("plymouth-jtai-2020-pcc-response.txt")
    assert response.paragraphs[-1].text.endswith("police and crime plan for Devon, Cornwall and the Isles of Scilly.")


EXPECTED_META = {
    "plymouth-jtai-2020-letter.txt": {
        "title": "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth",
        "doc_type": "inspection_letter",
        "published": "2020-01-08",
        "inspectorates": JTAI_FOUR,
        "forces": DEVON,
        "areas": ("Plymouth",),
        "source_url": None,
        "author": "Ofsted, CQC, HMICFRS and HMI Probation",
        "programme": ("JTAI",),
        "responds_to_title": None,
        "responds_to_published": None,
    },
    "plymouth-jtai-2020-pcc-response.txt": {
        "title": (
            "Joint Targeted Area Inspection of the multi-agency response to Children's Mental Health in Plymouth "
            "(PCC response)"
        ),
        "doc_type": "pcc_response",
        "published": "2020-01-08",
        "inspectorates": JTAI_FOUR,
        "forces": DEVON,
        "areas": ("Plymouth",),
        "source_url": "https://www.justiceinspectorates.gov.uk/hmicfrs/wp-content/uploads/Plymouth-JTAI-inspection-report-.pdf",
        "author": "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
        "programme": ("JTAI",),
        "responds_to_title": (
            "Joint Targeted Area Inspection of the multi-agency response to Children's Mental Health in Plymouth"
        ),
        "responds_to_published": "2020-01-08",
    },
    "feeling-heard-jtai-thematic-2020-pcc-response.md": {
        "title": (
            "'Feeling heard': partner agencies working together to make a difference for children "
            "with mental ill health (PCC response)"
        ),
        "doc_type": "pcc_response",
        "published": "2020-12-09",
        "inspectorates": JTAI_FOUR,
        "forces": DEVON,
        "areas": ("Plymouth",),
        "source_url": "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/"
        "file/942529/JTAI_-_partner_agencies_and_children_with_mental_ill_health.pdf",
        "author": "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
        "programme": ("JTAI",),
        "responds_to_title": (
            "'Feeling heard': partner agencies working together to make a difference for children "
            "with mental ill health"
        ),
        "responds_to_published": "2020-12-09",
    },
    "national-child-protection-inspections-2019-pcc-response.md": {
        "title": "National Child Protection Inspections 2019 Thematic Report (PCC response)",
        "doc_type": "pcc_response",
        "published": "2020-02-27",
        "inspectorates": ("HMICFRS",),
        "forces": DEVON,
        "areas": (),
        "source_url": "https://www.justiceinspectorates.gov.uk/hmicfrs/wp-content/uploads/"
        "national-child-protection-inspections-2019-thematic-report.pdf",
        "author": "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
        "programme": ("child protection", "thematic"),
        "responds_to_title": "National Child Protection Inspections 2019 Thematic Report",
        "responds_to_published": "2020-02-27",
    },
    "portsmouth-jtai-2020-hampshire-opcc-response.txt": {
        "title": "HMICFRS: Joint targeted area inspection of the multi-agency response to children's mental health "
        "in Portsmouth (May 2020) (PCC response)",
        "doc_type": "pcc_response",
        "published": "2020-05",
        "inspectorates": JTAI_FOUR,
        "forces": ("Hampshire and Isle of Wight Constabulary",),
        "areas": ("Portsmouth",),
        "source_url": None,
        "author": "Police and Crime Commissioner for Hampshire and Isle of Wight",
        "programme": ("JTAI",),
        "responds_to_title": (
            "Joint targeted area inspection of the multi-agency response to children's mental health in Portsmouth"
        ),
        "responds_to_published": "2020-05",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED_META))
def test_metadata_read_from_text(name):
    """Title, type, date, inspectorates, forces, areas and link, all from the text."""
    assert meta(parse(name)) == EXPECTED_META[name]


def test_no_sidecars_in_corpus():
    """The shipped corpus states everything in its text: no overrides."""
    assert sorted(p.name for p in CORPUS.glob("*.meta.toml")) == []


def test_acronyms_defined_in_place_are_found():
    """Definitions like "vulnerability, identification screening tool (VIST)" are learnt."""
    defined = dict(parse("plymouth-jtai-2020-letter.txt").defined_acronyms)
    assert defined["VIST"] == "vulnerability, identification screening tool"
    assert defined["MASH"] == "multi-agency safeguarding hub"
    assert defined["STORM"] == "skills training on risk management"
    assert defined["COT"] == "CAMHS outreach team"
