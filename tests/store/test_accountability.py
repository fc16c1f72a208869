"""The accountability chain: which response paragraphs answer which findings, with what evidence and status."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.search.service import SearchService
from indexer.store.accountability import link_response, read_status, references
from indexer.store.indexing import index_corpus

GENRE = Path(__file__).resolve().parents[1] / "data" / "genre"
PLYMOUTH_RESPONSE_PARAGRAPH = "plymouth-jtai-2020-pcc-response--p-bf0f73e2"
PLYMOUTH_POLICE_AFIS = [
    "plymouth-jtai-2020-letter--p-854c266a",  # front door referral pathways
    "plymouth-jtai-2020-letter--p-db8e577d",  # VISTs not always reviewed in the MASH
    "plymouth-jtai-2020-letter--p-69455c3f",  # gaps in the mental health street triage service
]


@pytest.mark.parametrize(
    ("text", "status", "phrase"),
    [
        ("Recommendation 1 has been completed: the review is done.", "completed", "has been completed"),
        ("The force has accepted the recommendation.", "accepted", "accepted"),
        ("We accept it, and work is under way.", "in progress", "under way"),
        ("This recommendation is not accepted in full.", "partially accepted", "not accepted in full"),
        ("The force does not accept this recommendation.", "not accepted", "does not accept"),
        ("Status: awaiting review by HMICFRS.", "awaiting review", "awaiting review"),
        ("This recommendation has been superseded by the 2022 inspection.", "superseded", "superseded"),
        ("The Chief Constable agrees.", "agreed", "agrees"),
        ("I thank the inspectors for their report.", "acknowledged", ""),
    ],
)
def test_status_is_read_with_the_phrase_that_shows_it(text, status, phrase):
    assert read_status(text) == (status, phrase)


def test_references_by_number_label_and_ordinal():
    text = "On Recommendation 3 and AFI 7, see below; the second recommendation and cause of concern 1 are done."
    assert [(kind, number, words) for kind, number, words, _ in references(text)] == [
        ("recommendation", 3, "Recommendation 3"),
        ("area_for_improvement", 7, "AFI 7"),
        ("recommendation", 2, "the second recommendation"),
        ("cause_of_concern", 1, "cause of concern 1"),
    ]


def test_the_plymouth_response_answers_exactly_the_three_police_areas_for_improvement(service):
    """The commissioner names the three areas for improvement that relate to the force, and only those."""
    answering = service.paragraph(PLYMOUTH_RESPONSE_PARAGRAPH)
    assert answering["text"].startswith("The report however also recognises that there are 17 areas for improvement")
    assert sorted(link["paragraph_id"] for link in answering["answers"]) == sorted(PLYMOUTH_POLICE_AFIS)
    assert {link["status"] for link in answering["answers"]} == {"in progress"}
    for finding_id in PLYMOUTH_POLICE_AFIS:
        finding = service.paragraph(finding_id)
        assert finding["finding_type"] == "area_for_improvement"
        assert [link["paragraph_id"] for link in finding["answered_by"]] == [PLYMOUTH_RESPONSE_PARAGRAPH]
    # The letter's areas for improvement keep the agencies they are about: these three are the police's.
    police = service.recommendations({"report_id": ["plymouth-jtai-2020-letter"], "addressees": ["police"]})
    assert sorted(finding["id"] for finding in police["findings"]) == sorted(PLYMOUTH_POLICE_AFIS)
    # No other paragraph of any response answers anything in the shipped corpus.
    linked = [record["id"] for record in service.all_paragraphs() if record["answers"]]
    assert linked == [PLYMOUTH_RESPONSE_PARAGRAPH]


@pytest.fixture(scope="module")
def genre_service(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("genre") / "corpus"
    shutil.copytree(GENRE, corpus, ignore=shutil.ignore_patterns("README.md"))
    index_dir = corpus.parent / "index"
    assert index_corpus(corpus, index_dir, workers=0).failed == []
    with SearchService(index_dir) as service:
        yield service


def test_every_way_of_answering_links_with_its_evidence_and_status(genre_service):
    """References by number and ordinal, headings, and restated words; statuses as the responses state them."""
    findings = genre_service.report_findings("stalking-inspection-report")
    got = [
        (f["finding_label"], f["status"], [(r["report_id"], r["status"], r["evidence"]) for r in f["responses"]])
        for f in findings
    ]
    pcc, force = "stalking-pcc-response", "stalking-force-response"
    assert got == [
        (None, "no response found", []),
        ("Recommendation 1", "completed", [
            (pcc, "completed", "names it: “Recommendation 1”"),
            (force, "completed", "under the heading “Recommendation 1”"),
        ]),
        ("Recommendation 2", "completed", [
            (pcc, "in progress", "names it: “the second recommendation”"),
            (force, "completed", "under the heading “Recommendation 2”"),
        ]),
        ("Recommendation 3", "partially accepted", [
            (pcc, "partially accepted", "names it: “The third recommendation”"),
        ]),
        ("Recommendation 4", "in progress", [(pcc, "in progress", "names it: “recommendation 4”")]),
        ("AFI 1", "in progress", [(force, "in progress", "under the heading “AFI 1”")]),
        ("AFI 2", "in progress", [(pcc, "in progress", "names it: “AFI 2”")]),
        ("AFI 3", "in progress", [
            (pcc, "in progress", "shares the words “sharing stalking data local multi-agency panel”"),
        ]),
    ]  # fmt: skip
    # The closing line of the minutes sits under "AFI 1" but says nothing about it: no link.
    closing = [p for p in genre_service.report(force)["paragraphs"] if p["text"].startswith("Members are asked")]
    assert genre_service.paragraph(closing[0]["id"])["answers"] == []


def test_the_corpus_wide_list_filters_like_search(genre_service):
    everything = genre_service.recommendations({})
    assert (everything["total"], everything["statuses"]) == (
        44, {"no response found": 37, "in progress": 4, "completed": 2, "partially accepted": 1}
    )  # fmt: skip
    unanswered = genre_service.recommendations({"forces": ["avon"], "answered": ["not answered"]})
    assert [f["finding_type"] for f in unanswered["findings"]] == ["cause_of_concern"]
    police_jtai = genre_service.recommendations({"report_id": ["jtai-letter-agencies"], "addressees": ["police"]})
    assert [f["text"][:30] for f in police_jtai["findings"]] == ["Police officers do not always "]
    with pytest.raises(ValueError, match="No status matches 'finished'"):
        genre_service.recommendations({"status": ["finished"]})


def _pair(report_findings: list[str], response: list[str]) -> list[tuple[int, int, str]]:
    findings = [
        {"id": f"f{i}", "text": text, "section": "Areas for improvement", "finding_type": "area_for_improvement",
         "finding_label": None}
        for i, text in enumerate(report_findings)
    ]  # fmt: skip
    answers = [{"id": f"r{i}", "text": text, "section": "Summary"} for i, text in enumerate(response)]
    links = link_response(findings, answers, report_findings + response)
    return [(int(link["response"][1:]), int(link["finding"][1:]), link["status"]) for link in links]


def test_no_link_is_better_than_a_wrong_one():
    """Shared everyday words, topics mentioned in passing and ties between two findings make no link."""
    findings = [
        "The force should improve the training of custody sergeants in the use of force.",
        "The force should make sure that detainees can see a health professional within an hour.",
        "The force should review how it records the use of force in custody.",
    ]
    response = [
        "I welcome this report and thank the inspectors for their work with the force.",
        "Training across the force has improved this year, and custody remains a priority for me.",
        "The areas for improvement include the use of force in custody.",  # both the first and the third
        "The areas for improvement include access to a health professional within an hour for detainees.",
    ]
    assert _pair(findings, response) == [(3, 1, "acknowledged")]


def test_the_chain_follows_incremental_runs(make_corpus, tmp_path):
    """A response added later links to a report indexed earlier; removing it removes the links."""
    report = (GENRE / "stalking-inspection-report.txt").read_text(encoding="utf-8")
    response = (GENRE / "stalking-pcc-response.txt").read_text(encoding="utf-8")
    corpus = make_corpus({"report.txt": report})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)

    def statuses() -> list[str]:
        with SearchService(index_dir) as service:
            return [finding["status"] for finding in service.report_findings("report")]

    assert statuses() == ["no response found"] * 8
    (corpus / "response.txt").write_text(response, encoding="utf-8")
    index_corpus(corpus, index_dir, workers=0)
    assert statuses() == [
        "no response found", "completed", "in progress", "partially accepted", "in progress", "no response found",
        "in progress", "in progress",
    ]  # fmt: skip
    (corpus / "response.txt").unlink()
    index_corpus(corpus, index_dir, workers=0)
    assert statuses() == ["no response found"] * 8


def test_an_incremental_run_links_exactly_as_a_rebuild_would(make_corpus, tmp_path):
    """Each run links only what changed, and ends with the chain a full rebuild of the same files gives."""
    from indexer.store.generations import current_generation, read_manifest

    report = (GENRE / "stalking-inspection-report.txt").read_text(encoding="utf-8")
    corpus = make_corpus({"report.txt": report})
    index_dir = tmp_path / "index"

    def chain(folder: Path) -> tuple[list, dict]:
        manifest = read_manifest(current_generation(folder))
        return manifest["links"], manifest["findings"]

    steps = [
        ("responses", lambda: [
            (corpus / name).write_text((GENRE / f"stalking-{kind}-response.txt").read_text(encoding="utf-8"))
            for name, kind in (("pcc.txt", "pcc"), ("force.txt", "force"))
        ]),
        ("report changed", lambda: (corpus / "report.txt").write_text(  # its recommendation 2 withdrawn
            "\n".join(line for line in report.split("\n") if not line.startswith("Recommendation 2:")),
            encoding="utf-8",
        )),
        ("unrelated report", lambda: (corpus / "custody.txt").write_text(
            (GENRE / "custody-report-gwent.txt").read_text(encoding="utf-8"), encoding="utf-8"
        )),
        ("response removed", lambda: (corpus / "pcc.txt").unlink()),
    ]  # fmt: skip
    index_corpus(corpus, index_dir, workers=0)
    counts = []
    for number, (name, change) in enumerate(steps):
        change()
        summary = index_corpus(corpus, index_dir, workers=0)
        assert not summary.failed, name
        rebuilt = tmp_path / f"rebuilt-{number}"
        index_corpus(corpus, rebuilt, workers=0, rebuild=True)
        assert chain(index_dir) == chain(rebuilt), name
        links, findings = chain(index_dir)
        counts.append((name, len(links), len(findings)))
    assert [name for name, links, _ in counts if links] == ["responses", "report changed", "unrelated report",
                                                            "response removed"]  # fmt: skip
    assert counts[0][1] > counts[1][1] >= counts[3][1] > 0 and counts[0][2] == counts[1][2] + 1


def test_status_facets_find_each_finding_by_its_report_after_incremental_runs(make_corpus, tmp_path, monkeypatch):
    """A generation opening finds each finding's document through its report's documents in order
    (deleted ones of replaced versions left out), and gets the documents the id lookup gets."""
    import numpy as np

    from indexer.search import chain as chain_module
    from indexer.search.chain import STATUSES

    report = (GENRE / "stalking-inspection-report.txt").read_text(encoding="utf-8")
    corpus = make_corpus({"report.txt": report})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    (corpus / "pcc.txt").write_text((GENRE / "stalking-pcc-response.txt").read_text(encoding="utf-8"))
    index_corpus(corpus, index_dir, workers=0)
    # A new version of the report: its old documents stay in their segment, deleted.
    (corpus / "report.txt").write_text(report.replace("Recommendation 4:", "Recommendation 4 (revised):"))
    index_corpus(corpus, index_dir, workers=0)
    with SearchService(index_dir) as service, service._using() as state, state.readers() as bundle:
        searcher, size, reports = bundle.searcher, state.facets.size, state.manifest["reports"]
        by_id = state.chain.facet_values(searcher, size)
        monkeypatch.setattr(chain_module, "unique_document", lambda *a: pytest.fail("looked up by id"))
        by_report = state.chain.facet_values(searcher, size, reports)
        everything = np.ones(size, dtype=bool)
        assert by_report["status"].counts(everything) == by_id["status"].counts(everything)
        for status in STATUSES:
            wanted = by_report["status"].mask_for([status], size)
            assert np.array_equal(wanted, by_id["status"].mask_for([status], size)), status
        statuses = dict(by_report["status"].counts(everything))
    assert statuses["no response found"] == 2 and sum(statuses.values()) == 8
