"""Search over the shipped corpus: the query language, acronyms, variants, facets, snippets, guards.

Expectations are literals, checked once by hand against the corpus: a paragraph is
(report id, paragraph number), and a set of them is written per report as
paragraph-number ranges ("1,3-5").
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from indexer.search.citation import citation
from indexer.search.query import QueryError
from indexer.search.service import SearchService
from indexer.store.indexing import index_corpus

LETTER = "plymouth-jtai-2020-letter"
RESPONSE = "plymouth-jtai-2020-pcc-response"
THEMATIC = "national-child-protection-inspections-2019-pcc-response"
FEELING = "feeling-heard-jtai-thematic-2020-pcc-response"
PORTSMOUTH = "portsmouth-jtai-2020-hampshire-opcc-response"
EVERY_PARAGRAPH = {LETTER: "1-53", RESPONSE: "1-12", THEMATIC: "1-26", FEELING: "1-12", PORTSMOUTH: "1-5"}


def spans(numbers) -> str:
    """Paragraph numbers as ranges: [1, 3, 4, 5] -> "1,3-5"."""
    out: list[str] = []
    for number in sorted(numbers):
        if out and int(out[-1].split("-")[-1]) == number - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{number}"
        else:
            out.append(str(number))
    return ",".join(out)


def hits(service, query, **kwargs) -> dict[str, str]:
    """Every match, over all pages, as {report id: paragraph-number ranges}; checks the total agrees."""
    found: dict[str, list[int]] = {}
    page = 1
    while True:
        result = service.search(query, per_page=100, page=page, **kwargs)
        for record in result["results"]:
            found.setdefault(record["report_id"], []).append(record["paragraph_number"])
        if page >= result["pages"]:
            assert result["total"] == sum(len(numbers) for numbers in found.values())
            return {report: spans(numbers) for report, numbers in found.items()}
        page += 1


def ranked(result) -> list[tuple[str, int]]:
    """(report id, paragraph number) of a page's results, in order."""
    return [(r["report_id"], r["paragraph_number"]) for r in result["results"]]


def counts(result, field) -> list[tuple[str, int]]:
    """One facet's (value, count) pairs, in the order shown."""
    return [(f["value"], f["count"]) for f in result["facets"][field]]


VIST_HITS = {LETTER: "36-37", RESPONSE: "9"}


def test_vist_finds_every_paragraph_about_the_vist(service):
    """"VIST" finds the acronym, its plural and the spelt-out tool: every VIST paragraph."""
    assert hits(service, "VIST") == VIST_HITS


@pytest.mark.parametrize(
    ("acronym", "expansion", "expected"),
    [
        ("VIST", "vulnerability identification screening tool", VIST_HITS),
        ("MASH", "multi-agency safeguarding hub", {LETTER: "13,37,39-40", THEMATIC: "15", PORTSMOUTH: "3"}),
        ("CAMHS", "child and adolescent mental health services", {LETTER: "12,14-16,21", PORTSMOUTH: "4"}),
        ("YOT", "youth offending team", {LETTER: "6,12,19,23,33,39,52", RESPONSE: "10"}),
        ("CSE", "child sexual exploitation", {LETTER: "23,42,50"}),
        ("STORM", "skills training on risk management", {LETTER: "23"}),
    ],
)
def test_acronyms_both_ways(service, acronym, expansion, expected):
    """The acronym finds its expansion and the expansion finds the acronym: the same paragraphs."""
    assert hits(service, acronym) == expected
    assert hits(service, f'"{expansion}"') == expected


def test_results_show_which_form_matched_and_the_glossary(service):
    """Each hit lists the forms that matched; the response carries the glossary entry."""
    result = service.search("VIST")
    matched = {(r["paragraph_number"], tuple(r["matched"])) for r in result["results"] if r["report_id"] == LETTER}
    assert matched == {(36, ("vulnerability, identification screening tool", "VIST")), (37, ("VIST",))}
    assert result["glossary"] == [
        {"acronym": "VIST", "expansion": "vulnerability identification screening tool", "source": "glossary"}
    ]


def test_acronym_learnt_from_the_corpus(make_corpus, tmp_path):
    """A report that defines a new acronym teaches search to expand it."""
    corpus = make_corpus({
        "a.md": "Report A\n\nThe force runs a rapid intervention youth panel (RIYP) for first offenders.\n",
        "b.md": "Report B\n\nThe RIYP met weekly.\n",
    })
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as fresh:
        result = fresh.search('"rapid intervention youth panel"')
        assert sorted(r["report_id"] for r in result["results"]) == ["a", "b"]
        assert result["glossary"] == [
            {"acronym": "RIYP", "expansion": "rapid intervention youth panel", "source": "corpus"}
        ]


QUERY_CASES = [
    ("phrase", '"street triage"', {LETTER: "20,38", RESPONSE: "8-9"}),
    (
        "stemming: criminalised finds criminalisation",
        "criminalised",
        {LETTER: "31", RESPONSE: "10", THEMATIC: "9,24", PORTSMOUTH: "2"},
    ),
    (
        "hyphen: multiagency finds multi-agency",
        "multiagency",
        {LETTER: "1,5,7,13,15,30,32,34,36-37,40,45,51-52", RESPONSE: "1,4", THEMATIC: "15", FEELING: "3"},
    ),
    ("hyphen: self harm finds self-harm", '"self harm"', {LETTER: "23-24,50"}),
    (
        "hyphen: decision-making finds decisionmaking",
        "decision-making",
        {LETTER: "9,13,36-37,40,44", THEMATIC: "25", PORTSMOUTH: "3"},
    ),
    ("spelling: organization finds organisation", "organization", {RESPONSE: "4,10", THEMATIC: "15,17-18,22"}),
    ("wildcard", "criminal*", {LETTER: "31", RESPONSE: "10", THEMATIC: "9,24", PORTSMOUTH: "2"}),
    ("exclusion", "health -mental", {LETTER: "13,27,52"}),
    ("OR", "VIST OR STORM", {LETTER: "23,36-37", RESPONSE: "9"}),
    ("parentheses", '(VIST OR STORM) "street triage"', {RESPONSE: "9"}),
]


@pytest.mark.parametrize(("name", "query", "expected"), QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_query_language(service, name, query, expected):
    """Each construct matches exactly these paragraphs."""
    assert hits(service, query) == expected


def test_plain_words_rank_paragraphs_with_all_first(service):
    """Every word counts, and paragraphs with all of them come before the rest."""
    result = service.search("street triage custody", per_page=100)
    assert ranked(result)[0] == (RESPONSE, 8)  # the one paragraph with all three words
    assert hits(service, "street triage custody") == {
        LETTER: "19-20,38", RESPONSE: "8-9", THEMATIC: "11", FEELING: "6", PORTSMOUTH: "2"
    }


FIELD_CASES = [
    ("force:hampshire", {PORTSMOUTH: "1-5"}),
    ('force:"Devon and Cornwall"', {LETTER: "1-53", RESPONSE: "1-12", THEMATIC: "1-26", FEELING: "1-12"}),
    ("inspectorate:ofsted", {LETTER: "1-53", RESPONSE: "1-12", FEELING: "1-12", PORTSMOUTH: "1-5"}),
    ("theme:custody", {LETTER: "19", RESPONSE: "8", THEMATIC: "11", FEELING: "6", PORTSMOUTH: "2"}),
    ("section:areas_for_improvement", {LETTER: "33-49"}),
    ('section:"key strengths"', {LETTER: "7-30"}),
    ("finding:recommendation", {THEMATIC: "24-26"}),
    ("type:pcc_response", {RESPONSE: "1-12", THEMATIC: "1-26", FEELING: "1-12", PORTSMOUTH: "1-5"}),
    ("year:2020", EVERY_PARAGRAPH),
    ("year:2019..2020", EVERY_PARAGRAPH),
    ("area:Portsmouth", {PORTSMOUTH: "1-5"}),
    (
        "mental force:devon -finding:strength",
        {LETTER: "1,3-4,6,31-32,34,38-39,43,45", RESPONSE: "1,4,7-9,12", FEELING: "1,3,6,8,10-12"},
    ),
]


@pytest.mark.parametrize(("query", "expected"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_prefixes(service, query, expected):
    """Field prefixes filter on the paragraph's tags: exactly these paragraphs."""
    assert hits(service, query) == expected


EVERY_COUNT = {
    "inspectorates": [("HMICFRS", 108), ("CQC", 82), ("HMI Probation", 82), ("Ofsted", 82)],
    "forces": [("Devon and Cornwall Police", 103), ("Hampshire and Isle of Wight Constabulary", 5)],
    "themes": [
        ("Mental health", 45), ("Governance and leadership", 17), ("Exploitation and missing children", 13),
        ("Front door (MASH and referrals)", 12), ("Youth justice and criminalisation", 12),
        ("Training and supervision", 11), ("Health services", 10), ("Trauma-informed practice", 9),
        ("Quality assurance and audit", 8), ("Schools and education", 8), ("Information sharing", 7),
        ("Placements and accommodation", 6), ("Voice of the child and participation", 6),
        ("Custody and detention", 5), ("Neglect", 5), ("Risk assessment and screening", 5),
        ("Call handling (999 and 101)", 2), ("Custody of adults", 1),
    ],
    "section_type": [
        ("pcc_response", 34), ("key_strengths", 24), ("areas_for_improvement", 17), ("summary", 15),
        ("key_findings", 11), ("case_study", 4), ("next_steps", 2), ("chief_constable_response", 1),
    ],
    "finding_type": [("strength", 24), ("area_for_improvement", 17), ("key_finding", 9), ("recommendation", 3)],
    "doc_type": [("pcc_response", 55), ("inspection_letter", 53)],
    "year": [("2020", 108)],
    "grade": [],
    "programme": [("JTAI", 82), ("child protection", 26), ("thematic", 26)],
    "status": [("no response found", 14), ("in progress", 3)],
    "answered": [("not answered", 14), ("answered", 3)],
}  # fmt: skip


@pytest.mark.parametrize("field", sorted(EVERY_COUNT))
def test_browse_facets_count_every_paragraph(service, field):
    """The empty query browses all 108 paragraphs; each facet shows these counts, largest first."""
    result = service.search("")
    assert result["total"] == 108
    assert counts(result, field) == EVERY_COUNT[field]


MENTAL_HEALTH_COUNTS = {
    "inspectorates": [("CQC", 46), ("HMI Probation", 46), ("HMICFRS", 46), ("Ofsted", 46)],
    "forces": [("Devon and Cornwall Police", 43), ("Hampshire and Isle of Wight Constabulary", 3)],
    "themes": [
        ("Mental health", 43), ("Governance and leadership", 13), ("Health services", 9),
        ("Youth justice and criminalisation", 8), ("Training and supervision", 7), ("Trauma-informed practice", 7),
        ("Schools and education", 6), ("Exploitation and missing children", 5),
        ("Front door (MASH and referrals)", 5), ("Placements and accommodation", 5), ("Custody and detention", 4),
        ("Quality assurance and audit", 4), ("Voice of the child and participation", 4), ("Information sharing", 3),
        ("Neglect", 3), ("Risk assessment and screening", 2), ("Call handling (999 and 101)", 1),
        ("Custody of adults", 1),
    ],
    "section_type": [
        ("key_strengths", 18), ("pcc_response", 12), ("summary", 7), ("areas_for_improvement", 5),
        ("case_study", 2), ("key_findings", 1), ("next_steps", 1),
    ],
    "finding_type": [("strength", 18), ("area_for_improvement", 5)],
    "doc_type": [("inspection_letter", 30), ("pcc_response", 16)],
    "year": [("2020", 46)],
    "grade": [],
    "programme": [("JTAI", 46)],
}  # fmt: skip


@pytest.mark.parametrize("field", sorted(MENTAL_HEALTH_COUNTS))
def test_query_facets_count_every_match_not_the_page(service, field):
    """For a query, facet counts are over all 46 matches, not the 5 on the page."""
    result = service.search("mental health", per_page=5)
    assert (result["total"], len(result["results"])) == (46, 5)
    assert counts(result, field) == MENTAL_HEALTH_COUNTS[field]


def test_disjunctive_facets(service):
    """A facet's counts ignore its own selection but honour the others; values OR, facets AND."""
    filters = {"forces": ["Devon and Cornwall Police"], "doc_type": ["inspection_letter"]}
    result = service.search("", filters=filters)
    assert result["total"] == 53
    # Forces among inspection reports (Hampshire has none), doc types among Devon's paragraphs.
    assert [(f["value"], f["count"], f["selected"]) for f in result["facets"]["forces"]] == [
        ("Devon and Cornwall Police", 53, True)
    ]
    assert [(f["value"], f["count"], f["selected"]) for f in result["facets"]["doc_type"]] == [
        ("inspection_letter", 53, True),
        ("pcc_response", 50, False),
    ]
    assert counts(result, "section_type") == [
        ("key_strengths", 24), ("areas_for_improvement", 17), ("summary", 6), ("case_study", 4), ("next_steps", 2)
    ]  # fmt: skip
    assert counts(result, "themes") == [
        ("Mental health", 29), ("Governance and leadership", 13), ("Health services", 10),
        ("Exploitation and missing children", 8), ("Front door (MASH and referrals)", 8), ("Schools and education", 8),
        ("Training and supervision", 8), ("Youth justice and criminalisation", 7), ("Information sharing", 6),
        ("Quality assurance and audit", 6), ("Trauma-informed practice", 6), ("Placements and accommodation", 4),
        ("Risk assessment and screening", 4), ("Voice of the child and participation", 4),
        ("Call handling (999 and 101)", 2), ("Neglect", 2), ("Custody and detention", 1), ("Custody of adults", 1),
    ]  # fmt: skip
    either = service.search(
        "", filters={"forces": ["Devon and Cornwall Police", "Hampshire and Isle of Wight Constabulary"]}
    )
    assert either["total"] == 108


def test_snippets_escape_html_and_mark_phrases(make_corpus, tmp_path):
    """Snippet text is escaped; a phrase is one <mark>; an expansion is marked when it matched."""
    corpus = make_corpus({
        "x.md": "Hostile report\n\nThe <script>alert(1)</script> street triage car & the MASH <b>work</b>.\n\n"
        "The multi-agency safeguarding hub met.\n"
    })
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as fresh:
        snippet = fresh.search('"street triage"')["results"][0]["snippet"]
        assert snippet == (
            "The &lt;script&gt;alert(1)&lt;/script&gt; <mark>street triage</mark> car &amp; the MASH "
            "&lt;b&gt;work&lt;/b&gt;."
        )
        snippets = sorted(r["snippet"] for r in fresh.search("MASH")["results"])
        assert snippets == [
            "The &lt;script&gt;alert(1)&lt;/script&gt; street triage car &amp; the <mark>MASH</mark> "
            "&lt;b&gt;work&lt;/b&gt;.",
            "The <mark>multi-agency safeguarding hub</mark> met.",
        ]
        assert fresh.search("script")["total"] == 1


def test_sort_and_pagination(service):
    """Newest and oldest sort by publication date, then reading order; pages do not overlap."""
    newest = service.search("children", sort="newest", per_page=10)
    assert ranked(newest) == [*((FEELING, n) for n in (1, 3, 5, 6, 8, 10, 11, 12)), (PORTSMOUTH, 1), (PORTSMOUTH, 2)]
    assert newest["results"][0]["published"] == "2020-12-09"
    oldest = service.search("children", sort="oldest", per_page=10)
    assert ranked(oldest) == [(LETTER, n) for n in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11)]
    assert oldest["results"][0]["published"] == "2020-01-08"
    page1 = service.search("children", per_page=10, page=1)
    page2 = service.search("children", per_page=10, page=2)
    assert (page1["total"], page2["total"], page1["pages"]) == (68, 68, 7)
    assert not set(ranked(page1)) & set(ranked(page2))
    assert ranked(page2) == [
        (PORTSMOUTH, 2), (LETTER, 14), (LETTER, 41), (LETTER, 49), (THEMATIC, 9),
        (FEELING, 6), (LETTER, 19), (LETTER, 20), (LETTER, 26), (LETTER, 45),
    ]  # fmt: skip
    everything = service.search("children", per_page=100)
    assert ranked(everything)[10:20] == ranked(page2)


def test_group_by_report(service):
    """Grouped results keep rank order within and across reports."""
    result = service.search("VIST", group_by_report=True)
    assert [(g["report_id"], [r["paragraph_number"] for r in g["results"]]) for g in result["groups"]] == [
        (LETTER, [36, 37]),
        (RESPONSE, [9]),
    ]


CUSTODY_HITS = {LETTER: "19", RESPONSE: "8", THEMATIC: "11", FEELING: "6", PORTSMOUTH: "2"}
SAFEGUARDING_HITS = {LETTER: "1,5,13,23,29,34,36,46", RESPONSE: "7", THEMATIC: "1,15-16,22", PORTSMOUTH: "2"}


@pytest.mark.parametrize(
    ("typed", "suggested", "expected"),
    [
        ("custdy", "custody", CUSTODY_HITS),
        ("safegaurding", "safeguarding", SAFEGUARDING_HITS),
        ("custdy in plymuoth", "custody in plymouth", 28),
        ("helth", "health", 46),  # not "held", "help" or "helps": two edits away
        ("childen", "children", 68),  # not "child": two edits away
    ],
)
def test_did_you_mean(service, typed, suggested, expected):
    """A misspelt query suggests the closest indexed words and shows their results when it finds nothing."""
    result = service.search(typed, per_page=100)
    assert (result["suggestion"], result["corrected"]) == (suggested, True)
    assert ranked(result) == ranked(service.search(suggested, per_page=100))
    if isinstance(expected, dict):
        assert hits(service, typed) == expected
    else:
        assert result["total"] == expected


def test_no_suggestion_for_known_words(service):
    """Correctly spelt words, acronyms and hyphen variants get no suggestion."""
    for query in ("custody", "VIST", "multiagency", "decisionmaking"):
        assert service.search(query)["suggestion"] is None


def test_results_carry_what_a_citation_needs(service):
    """A result record has the fields a briefing-ready citation is made from (the caller adds the permalink)."""
    result = service.search('"front door referral pathways"')
    record = next(r for r in result["results"] if r["report_id"] == LETTER)
    assert (record["id"], record["paragraph_number"]) == ("plymouth-jtai-2020-letter--p-854c266a", 36)
    assert citation(record, f"https://findings.example/p/{record['id']}")["text"] == (
        'Ofsted, CQC, HMICFRS and HMI Probation, "Joint targeted area inspection of the multi-agency response to '
        "children's mental health in Plymouth\", 8 January 2020, Areas for improvement, 36th paragraph, "
        "https://findings.example/p/plymouth-jtai-2020-letter--p-854c266a"
    )


def test_result_shape(service):
    """The one result shape: these keys, facets as {value, count, selected}, records with ids and no links."""
    result = service.search("custody", filters={"year": ["2020"]})
    assert set(result) == {
        "query", "total", "page", "per_page", "pages", "sort", "filters", "facets", "results",
        "suggestion", "corrected", "glossary", "notes",
    }  # fmt: skip
    assert set(result["facets"]) == set(EVERY_COUNT)
    assert all(set(v) == {"value", "count", "selected"} for values in result["facets"].values() for v in values)
    assert set(result["results"][0]) >= {"id", "report_id", "paragraph_number", "text", "snippet", "score", "matched"}
    assert not set(result["results"][0]) & {"url", "citation"}


GUARDS = [
    ("x" * 501, "Query is too long"),
    ("custody\x00", "NUL"),
    (" ".join(f"word{i}" for i in range(40)), "the limit is 32"),
    ("*", "too broad"),
    ("*ody", "'\\*ody' is too broad"),
    ("cu*", "too broad"),
    ("colour:blue", "Unknown field 'colour:'"),
    ("year:last", "is not a year"),
    ("(" * 2000 + "custody" + ")" * 2000, "Query is too long"),
    ("(" * 200 + "custody" + ")" * 200, "more than 8 deep"),
]


@pytest.mark.parametrize(("query", "message"), GUARDS, ids=[g[1] for g in GUARDS])
def test_guards_refuse_with_a_message(service, query, message):
    """Queries the guards refuse raise QueryError with a message saying what to change."""
    with pytest.raises(QueryError, match=message):
        service.search(query)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page": 0}, "page must be a whole number"),
        ({"page": 51, "per_page": 20}, "too deep"),
        ({"per_page": 1000}, "per_page must be from 1 to 100"),
        ({"sort": "random"}, "Unknown sort"),
        ({"filters": {"colour": ["blue"]}}, "Unknown filter"),
    ],
)
def test_parameter_guards(service, kwargs, message):
    """Deep paging, bad sorts and unknown filters are refused with a message."""
    with pytest.raises(QueryError, match=message):
        service.search("custody", **kwargs)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"street triage', {LETTER: "20,38", RESPONSE: "8-9"}),
        ("custody)", CUSTODY_HITS),
        ("custody OR OR triage", {LETTER: "19-20,38", RESPONSE: "8-9", THEMATIC: "11", FEELING: "6", PORTSMOUTH: "2"}),
        ("(street", {LETTER: "20,38", RESPONSE: "8-9"}),
        ("custody -", CUSTODY_HITS),
        ("AND custody", CUSTODY_HITS),
        ("OR OR", {}),
    ],
)
def test_bad_syntax_falls_back_to_plain_terms(service, query, expected):
    """Queries that do not parse are searched as their plain words (operators dropped), never an error."""
    assert hits(service, query) == expected


def test_cli_search_json(corpus_index):
    """`findings search --json` prints the shared result shape with filters applied."""
    result = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "search", "custody", "--force", "Devon and Cornwall Police",
         "--section-type", "key_strengths", "--json", "--index-dir", str(corpus_index)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert [(r["report_id"], r["paragraph_number"]) for r in data["results"]] == [(LETTER, 19)]
    assert data["filters"] == {"forces": ["Devon and Cornwall Police"], "section_type": ["key_strengths"]}


def test_searcher_refreshes_after_reindex(make_corpus, tmp_path):
    """An open service sees a new generation without being restarted."""
    corpus = make_corpus({"a.md": "Report A\n\nCustody of children.\n"})
    index_corpus(corpus, tmp_path / "index", workers=0)
    with SearchService(tmp_path / "index") as live:
        assert live.search("triage")["total"] == 0
        (corpus / "b.md").write_text("Report B\n\nStreet triage works.\n", encoding="utf-8")
        index_corpus(corpus, tmp_path / "index", workers=0)
        assert live.search("triage")["total"] == 1


def test_whoosh_idf_cache_stays_within_its_bound(corpus_index, monkeypatch):
    """Whoosh keeps an idf for every term a searcher ever scored; a bundle going back to the pool trims it."""
    from indexer.search import engine

    def idf_entries(service: SearchService) -> int:
        with service._using() as state, state.readers() as bundle:
            return len(bundle.searcher._idf_cache)

    with SearchService(corpus_index, cache_bytes=0) as service:
        service.search("custody detention safeguarding children")
        kept = idf_entries(service)
        assert kept >= 4  # within the bound: the idfs stay cached
        monkeypatch.setattr(engine, "IDF_CACHE_BYTES", 3 * engine.IDF_ENTRY_BYTES)
        service.search("custody detention safeguarding children")
        assert idf_entries(service) == 0
