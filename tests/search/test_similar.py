"""Similar findings on the shipped corpus: what each paragraph finds in OTHER reports, pinned."""

from __future__ import annotations

import pytest

from indexer.search.query import QueryError

CUSTODY = "national-child-protection-inspections-2019-pcc-response--p-281fc040"
"""The National Child Protection key finding: "Police increasingly recognise the vulnerability of children in
custody but too many are still detained unnecessarily"."""
EXPLOITATION = "national-child-protection-inspections-2019-pcc-response--p-52b9af76"
"""Key finding: "The response to criminal exploitation is evolving but too many exploited children are criminalised"."""
STREET_TRIAGE = "plymouth-jtai-2020-letter--p-69455c3f"
"""Plymouth area for improvement: the mental health street triage service in the police control room."""
QUALITY_ASSURANCE = "plymouth-jtai-2020-letter--p-a4d722c0"
"""Plymouth summary: the safeguarding partnership's quality assurance is underdeveloped."""
LIAISON_AND_DIVERSION = "plymouth-jtai-2020-letter--p-24d599bb"
"""Plymouth strength: liaison and diversion in police custody suites."""


def ids(found: dict) -> list[str]:
    return [record["id"] for record in found["results"]]


def test_children_detained_in_custody_finds_custody_paragraphs_of_other_reports(service):
    """The key finding about children detained in custody finds, in its top five, the 'Feeling heard' finding
    about children kept in custody overnight, and two other custody paragraphs."""
    found = service.similar(CUSTODY)
    assert ids(found) == [
        "plymouth-jtai-2020-pcc-response--p-78301828",
        "feeling-heard-jtai-thematic-2020-pcc-response--p-e69e3c55",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4",
        "feeling-heard-jtai-thematic-2020-pcc-response--p-926958fb",
        "plymouth-jtai-2020-letter--p-57edd3a4",
    ]
    overnight = found["results"][1]
    assert overnight["report_id"] == "feeling-heard-jtai-thematic-2020-pcc-response"
    assert "children who were kept in custody overnight" in overnight["text"]
    assert overnight["shared"] == ["police", "recognise", "children", "vulnerability", "custody"]
    custody_reports = [r["report_id"] for r in found["results"] if "custody" in r["shared"]]
    assert custody_reports == [
        "plymouth-jtai-2020-pcc-response",
        "feeling-heard-jtai-thematic-2020-pcc-response",
        "portsmouth-jtai-2020-hampshire-opcc-response",
    ]


def test_key_terms_are_weighted_by_rarity_and_skip_function_words(service):
    """The paragraph's words, rarest first; "still", "too", "many" and "but" say how, not what, and
    "detained" and "unnecessarily" appear nowhere else, so none of them is searched for."""
    found = service.similar(CUSTODY)
    assert [key["word"] for key in found["key_terms"]] == [
        "increasingly", "custody", "vulnerability", "recognise", "Police", "children",
    ]  # fmt: skip
    assert [key["term"] for key in found["key_terms"]][:2] == ["increas", "custodi"]
    weights = [key["weight"] for key in found["key_terms"]]
    assert weights == sorted(weights, reverse=True)
    assert found["marked"] == (
        "<mark>Police</mark> increasingly <mark>recognise</mark> the <mark>vulnerability</mark> of "
        "<mark>children</mark> in <mark>custody</mark> but too many are still detained unnecessarily"
    )


def test_criminal_exploitation_finds_the_case_study_of_an_exploited_child(service):
    """The finding on criminalised, exploited children finds first the Plymouth case study of a young person
    going missing and criminally exploited."""
    found = service.similar(EXPLOITATION)
    assert ids(found)[0] == "plymouth-jtai-2020-letter--p-f8ff04e3"
    assert found["results"][0]["shared"] == ["criminal", "exploitation"]
    assert "plymouth-jtai-2020-letter--p-de15fb06" in ids(found)  # the child sexual exploitation screening tool


def test_street_triage_finds_the_pcc_response_about_street_triage(service):
    """The street triage area for improvement finds the PCC's response naming the same service, twice."""
    found = service.similar(STREET_TRIAGE)
    assert ids(found)[:2] == [
        "plymouth-jtai-2020-pcc-response--p-bf0f73e2",
        "plymouth-jtai-2020-pcc-response--p-78301828",
    ]
    assert [r["shared"] for r in found["results"][:2]] == [
        ["gaps", "street", "triage", "issues", "appropriate"],
        ["street", "triage", "officers", "staff"],
    ]


def test_quality_assurance_finds_the_recommendation_on_quality_assurance(service):
    """Underdeveloped quality assurance finds the national recommendation to review quality assurance."""
    found = service.similar(QUALITY_ASSURANCE)
    assert "national-child-protection-inspections-2019-pcc-response--p-1984706d" in ids(found)
    recommendation = next(r for r in found["results"] if r["id"].endswith("p-1984706d"))
    assert recommendation["finding_type"] == "recommendation"
    assert recommendation["shared"] == ["quality", "assurance"]


def test_liaison_and_diversion_finds_the_response_praising_it(service):
    """The Plymouth strength on liaison and diversion in custody finds first the PCC response that praises it."""
    found = service.similar(LIAISON_AND_DIVERSION)
    assert ids(found)[:2] == [
        "plymouth-jtai-2020-pcc-response--p-78301828",
        "national-child-protection-inspections-2019-pcc-response--p-281fc040",
    ]
    assert found["results"][0]["shared"] == ["Devon", "liaison", "diversion", "custody"]
    assert found["results"][0]["snippet"] == (
        "I am particularly pleased that the work of <mark>Devon</mark> and Cornwall Police has been recognised "
        "favourably within the report, particularly in relation to the Force&#x27;s: mental health delivery board; "
        "<mark>liaison</mark> and <mark>diversion</mark> service within …"
    )


def test_never_the_paragraph_itself_nor_its_own_report(service):
    """For every paragraph of the corpus, no result is the paragraph or from its report."""
    for record in service.all_paragraphs():
        found = service.similar(record["id"], limit=20)
        assert all(r["report_id"] != record["report_id"] for r in found["results"]), record["id"]


def test_filters_narrow_the_similar_findings(service):
    """A force and a kind of finding narrow the results, resolved like search filters."""
    hampshire = service.similar(CUSTODY, filters={"forces": ["hampshire"]})
    assert hampshire["filters"] == {"forces": ["Hampshire and Isle of Wight Constabulary"]}
    assert ids(hampshire) == [
        "portsmouth-jtai-2020-hampshire-opcc-response--p-07b17cd4",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-a73b3823",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-70d57d96",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-4ee5ce34",
        "portsmouth-jtai-2020-hampshire-opcc-response--p-d5bf76d6",
    ]
    key_findings = service.similar(CUSTODY, filters={"finding_type": ["key_finding"]})
    assert ids(key_findings) == ["feeling-heard-jtai-thematic-2020-pcc-response--p-bf928c5c"]


def test_a_filter_matching_nothing_is_refused(service):
    with pytest.raises(QueryError, match=r"^No force matches 'atlantis'"):
        service.similar(CUSTODY, filters={"forces": ["atlantis"]})


@pytest.mark.parametrize("limit", [0, 21, -1])
def test_limit_is_bounded(service, limit):
    with pytest.raises(QueryError, match=r"^limit must be from 1 to 20\.$"):
        service.similar(CUSTODY, limit=limit)


def test_limit_takes_the_best(service):
    assert ids(service.similar(CUSTODY, limit=2)) == [
        "plymouth-jtai-2020-pcc-response--p-78301828",
        "feeling-heard-jtai-thematic-2020-pcc-response--p-e69e3c55",
    ]


def test_no_such_paragraph_is_none(service):
    assert service.similar("plymouth-jtai-2020-letter--p-00000000") is None
