"""Search over the shipped corpus: the query language, acronyms, variants, facets, snippets, guards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter

import pytest

from indexer.search.query import QueryError
from indexer.search.service import SearchService
from indexer.store.indexing import index_corpus

LETTER = "plymouth-jtai-2020-letter"
RESPONSE = "plymouth-jtai-2020-pcc-response"
THEMATIC = "national-child-protection-inspections-2019-pcc-response"
FEELING = "feeling-heard-jtai-thematic-2020-pcc-response"
PORTSMOUTH = "portsmouth-jtai-2020-hampshire-opcc-response"


def hits(service, query, **kwargs) -> set[tuple[str, int]]:
    """(report_id, paragraph_number) of every match, over all pages."""
    found: set[tuple[str, int]] = set()
    page = 1
    while True:
        result = service.search(query, per_page=100, page=page, **kwargs)
        found |= {(r["report_id"], r["paragraph_number"]) for r in result["results"]}
        if page >= result["pages"]:
            assert result["total"] == len(found)
            return found
        page += 1


def containing(service, *needles: str) -> set[tuple[str, int]]:
    """Paragraphs whose text contains any needle (case-insensitive), from the dump."""
    return {
        (r["report_id"], r["paragraph_number"])
        for r in service.all_paragraphs()
        if any(n.lower() in r["text"].lower() for n in needles)
    }


def with_words(service, *words: str) -> set[tuple[str, int]]:
    """Paragraphs that have any of these whole words (case-insensitive), from the dump."""
    pattern = re.compile(r"\b(" + "|".join(words) + r")\b", re.I)
    return {(r["report_id"], r["paragraph_number"]) for r in service.all_paragraphs() if pattern.search(r["text"])}


def test_vist_finds_every_paragraph_about_the_vist(service):
    """"VIST" finds the acronym, its plural and the spelt-out tool: every VIST paragraph."""
    expected = containing(service, "VIST", "identification screening tool")
    assert hits(service, "VIST") == expected == {(LETTER, 36), (LETTER, 37), (RESPONSE, 9)}


@pytest.mark.parametrize(
    ("acronym", "expansion", "needles"),
    [
        ("VIST", "vulnerability identification screening tool", ("VIST", "identification screening tool")),
        ("MASH", "multi-agency safeguarding hub", ("MASH", "multi-agency safeguarding hub")),
        (
            "CAMHS",
            "child and adolescent mental health services",
            ("CAMHS", "child and adolescent mental health service"),
        ),
        ("YOT", "youth offending team", ("YOT", "youth offending team")),
        ("CSE", "child sexual exploitation", ("CSE", "child sexual exploitation")),
        ("STORM", "skills training on risk management", ("STORM", "skills training on risk management")),
    ],
)
def test_acronyms_both_ways(service, acronym, expansion, needles):
    """The acronym finds its expansion and the expansion finds the acronym."""
    expected = containing(service, *needles)
    assert expected
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
    ("phrase", '"street triage"', lambda s: containing(s, "street triage")),
    (
        "stemming: criminalised finds criminalisation",
        "criminalised",
        lambda s: containing(s, "criminalis", "criminal "),
    ),
    ("hyphen: multiagency finds multi-agency", "multiagency", lambda s: containing(s, "multi-agency", "multiagency")),
    ("hyphen: self harm finds self-harm", '"self harm"', lambda s: containing(s, "self-harm", "self harm")),
    (
        "hyphen: decision-making finds decisionmaking",
        "decision-making",
        lambda s: containing(s, "decision-making", "decisionmaking", "decision making"),
    ),
    (
        "spelling: organization finds organisation",
        "organization",
        lambda s: containing(s, "organisation", "organization"),
    ),
    ("wildcard", "criminal*", lambda s: containing(s, "criminal")),
    ("exclusion", "custody -police", lambda s: containing(s, "custody") - containing(s, "police")),
    ("OR", "VIST OR STORM", lambda s: containing(s, "VIST", "identification screening tool", "STORM")),
    (
        "parentheses",
        '(VIST OR STORM) "street triage"',
        lambda s: containing(s, "street triage") & containing(s, "VIST", "identification screening tool", "STORM"),
    ),
]


@pytest.mark.parametrize(("name", "query", "expected"), QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_query_language(service, name, query, expected):
    """Each construct matches exactly the paragraphs the dump says it should."""
    assert hits(service, query) == expected(service)


def test_plain_words_rank_paragraphs_with_all_first(service):
    """Every word counts, and paragraphs with all of them come before the rest."""
    result = service.search("street triage custody", per_page=100)
    both = containing(service, "street triage")
    all_three = {(r, n) for r, n in both if (r, n) in containing(service, "custody")}
    ranked = [(r["report_id"], r["paragraph_number"]) for r in result["results"]]
    assert set(ranked[: len(all_three)]) == all_three == {(RESPONSE, 8)}
    assert set(ranked) == containing(service, "street", "triage", "custody")


FIELD_CASES = [
    ("force:hampshire", lambda r: "Hampshire and Isle of Wight Constabulary" in r["forces"]),
    ('force:"Devon and Cornwall"', lambda r: "Devon and Cornwall Police" in r["forces"]),
    ("inspectorate:ofsted", lambda r: "Ofsted" in r["inspectorates"]),
    ("theme:custody", lambda r: "Custody and detention" in r["themes"]),
    ("section:areas_for_improvement", lambda r: r["section_type"] == "areas_for_improvement"),
    ('section:"key strengths"', lambda r: r["section_type"] == "key_strengths"),
    ("finding:recommendation", lambda r: r["finding_type"] == "recommendation"),
    ("type:pcc_response", lambda r: r["doc_type"] == "pcc_response"),
    ("year:2020", lambda r: r["year"] == 2020),
    ("year:2019..2020", lambda r: r["year"] in (2019, 2020)),
    ("area:Portsmouth", lambda r: "Portsmouth" in r["areas"]),
    ("mental force:devon -finding:strength", None),
]


@pytest.mark.parametrize(("query", "predicate"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_prefixes(service, query, predicate):
    """Field prefixes filter on the paragraph's tags, as the dump records them."""
    records = list(service.all_paragraphs())
    if predicate is None:
        expected = {
            (r["report_id"], r["paragraph_number"])
            for r in records
            if "Devon and Cornwall Police" in r["forces"]
            and r["finding_type"] != "strength"
            and re.search(r"\bmental\b", r["text"], re.I)
        }
    else:
        expected = {(r["report_id"], r["paragraph_number"]) for r in records if predicate(r)}
    assert expected
    assert hits(service, query) == expected


FACET_RECORD_FIELDS = {
    "inspectorates": lambda r: r["inspectorates"],
    "forces": lambda r: r["forces"],
    "themes": lambda r: r["themes"],
    "section_type": lambda r: [r["section_type"]],
    "finding_type": lambda r: [r["finding_type"]] if r["finding_type"] else [],
    "doc_type": lambda r: [r["doc_type"]],
    "year": lambda r: [str(r["year"])] if r["year"] else [],
}


def counts_by_hand(records, field) -> dict[str, int]:
    counter: Counter = Counter()
    for record in records:
        counter.update(FACET_RECORD_FIELDS[field](record))
    return dict(counter)


@pytest.mark.parametrize("field", sorted(FACET_RECORD_FIELDS))
def test_browse_facets_match_counts_from_dump(service, field):
    """The empty query browses everything; each facet's counts equal a hand count of the dump."""
    result = service.search("")
    records = list(service.all_paragraphs())
    assert result["total"] == len(records) == 108
    assert {f["value"]: f["count"] for f in result["facets"][field]} == counts_by_hand(records, field)


@pytest.mark.parametrize("field", sorted(FACET_RECORD_FIELDS))
def test_query_facets_match_counts_from_dump(service, field):
    """For a query, facet counts are over all its matches, not just the page."""
    result = service.search("mental health", per_page=5)
    matched = with_words(service, "mental", "health")
    records = [r for r in service.all_paragraphs() if (r["report_id"], r["paragraph_number"]) in matched]
    assert result["total"] == len(records)
    assert {f["value"]: f["count"] for f in result["facets"][field]} == counts_by_hand(records, field)


def test_disjunctive_facets(service):
    """A facet's counts ignore its own selection but honour the others; values OR, facets AND."""
    filters = {"forces": ["Devon and Cornwall Police"], "doc_type": ["inspection_report"]}
    result = service.search("", filters=filters)
    records = list(service.all_paragraphs())
    devon = [r for r in records if "Devon and Cornwall Police" in r["forces"]]
    reports = [r for r in records if r["doc_type"] == "inspection_report"]
    both = [r for r in devon if r["doc_type"] == "inspection_report"]
    assert result["total"] == len(both) == 53
    assert {f["value"]: (f["count"], f["selected"]) for f in result["facets"]["forces"]} == {
        v: (c, v == "Devon and Cornwall Police") for v, c in counts_by_hand(reports, "forces").items()
    }
    assert {f["value"]: (f["count"], f["selected"]) for f in result["facets"]["doc_type"]} == {
        v: (c, v == "inspection_report") for v, c in counts_by_hand(devon, "doc_type").items()
    }
    assert {f["value"]: f["count"] for f in result["facets"]["themes"]} == counts_by_hand(both, "themes")
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
    """Newest and oldest sort by publication date; pages do not overlap."""
    newest = service.search("children", sort="newest", per_page=100)["results"]
    dates = [r["published"] for r in newest]
    assert dates == sorted(dates, reverse=True)
    oldest = service.search("children", sort="oldest", per_page=100)["results"]
    assert [r["published"] for r in oldest] == sorted(dates)
    page1 = service.search("children", per_page=10, page=1)
    page2 = service.search("children", per_page=10, page=2)
    assert page1["total"] == page2["total"] == len(newest)
    assert not {r["id"] for r in page1["results"]} & {r["id"] for r in page2["results"]}
    assert page1["pages"] == -(-page1["total"] // 10)


def test_group_by_report(service):
    """Grouped results keep rank order within and across reports."""
    result = service.search("VIST", group_by_report=True)
    assert [(g["report_id"], [r["paragraph_number"] for r in g["results"]]) for g in result["groups"]] == [
        (LETTER, [36, 37]),
        (RESPONSE, [9]),
    ]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("custdy", "custody"), ("safegaurding", "safeguarding"), ("custdy in plymuoth", "custody in plymouth")],
)
def test_did_you_mean(service, typed, suggested):
    """A misspelt query suggests the correction and shows its results when it finds nothing."""
    result = service.search(typed)
    assert (result["suggestion"], result["corrected"]) == (suggested, True)
    assert {r["id"] for r in result["results"]} == {r["id"] for r in service.search(suggested)["results"]}


def test_no_suggestion_for_known_words(service):
    """Correctly spelt words, acronyms and hyphen variants get no suggestion."""
    for query in ("custody", "VIST", "multiagency", "decisionmaking"):
        assert service.search(query)["suggestion"] is None


def test_citation_in_results(service):
    """Each result carries a briefing-ready citation with its permalink."""
    result = service.search('"front door referral pathways"', base_url="https://findings.example")
    record = next(r for r in result["results"] if r["report_id"] == LETTER)
    assert record["url"] == f"/p/{record['id']}"
    assert record["citation"]["text"] == (
        'Ofsted, CQC, HMICFRS and HMI Probation, "Joint targeted area inspection of the multi-agency response to '
        "children's mental health in Plymouth\", 8 January 2020, Areas for improvement, para 36, "
        f"https://findings.example/p/{record['id']}"
    )


def test_result_shape(service):
    """The one result shape: these keys, facets as {value, count, selected}."""
    result = service.search("custody", filters={"year": ["2020"]})
    assert set(result) == {
        "query", "total", "page", "per_page", "pages", "sort", "filters", "facets", "results",
        "suggestion", "corrected", "glossary", "notes",
    }
    assert set(result["facets"]) == set(FACET_RECORD_FIELDS)
    assert all(set(v) == {"value", "count", "selected"} for values in result["facets"].values() for v in values)
    assert set(result["results"][0]) >= {"id", "report_id", "text", "snippet", "score", "url", "citation", "matched"}


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
def test_guards_refuse_quickly(service, query, message):
    """Refused queries raise QueryError with a helpful message, in milliseconds."""
    started = time.perf_counter()
    with pytest.raises(QueryError, match=message):
        service.search(query)
    elapsed = time.perf_counter() - started
    print(f"refused {message!r} in {elapsed * 1000:.2f} ms")


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


@pytest.mark.parametrize("query", ['"unclosed phrase', "custody)", "OR OR", "(street", "custody -", "AND custody"])
def test_bad_syntax_falls_back_to_plain_terms(service, query):
    """Queries that do not parse are searched as plain words, never an error."""
    result = service.search(query)
    assert isinstance(result["total"], int)


def test_cli_search_json(corpus_index):
    """`findings search --json` prints the shared result shape with filters applied."""
    result = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "search", "custody", "--force", "Devon and Cornwall Police",
         "--section-type", "key_strengths", "--json", "--index-dir", str(corpus_index)],
        capture_output=True, text=True, timeout=60,
    )
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
