"""How well responses are linked to findings, at each threshold: ``python -m benchmarks.linking``.

A labelled set of response paragraphs and the findings they answer (or do not): the shipped
Plymouth letter and response, the stalking report and its two responses among the genre
fixtures, and short cases written for this measurement, in our own words, that a careless matcher
gets wrong (topics mentioned in passing, two findings sharing words, thanks and boilerplate).
Prints precision and recall of the links for a grid of MIN_SCORE and MIN_LEAD values, so the
thresholds in :mod:`indexer.store.accountability` can be defended with numbers.
"""

from __future__ import annotations

from pathlib import Path

from indexer.ingest.pipeline import parse_report
from indexer.store import accountability

ROOT = Path(__file__).resolve().parent.parent
Case = tuple[list[dict], list[dict], set[tuple[str, str]], list[str]]
"""(findings, response paragraphs, expected (response start, finding start) pairs, every text for word rarity)."""


def _records(path: Path) -> list[dict]:
    report = parse_report(path, path.parent)
    return [
        {"id": p.id, "text": p.text, "section": p.section, "finding_type": p.finding_type,
         "finding_label": p.finding_label}
        for p in report.paragraphs
    ]  # fmt: skip


def _file_case(report: Path, responses: list[Path], expected: list[tuple[str, str]]) -> list[Case]:
    """One case per response: (findings, answers, expected (response start, finding start) pairs)."""
    paragraphs = _records(report)
    findings = [r for r in paragraphs if r["finding_type"] in accountability.TRACKED_TYPES]
    cases = []
    for response in responses:
        answers = _records(response)
        chosen = {(a, f) for a, f in expected if any(x["text"].startswith(a) for x in answers)}
        # As at index time: word rarity over the whole report and the response.
        cases.append((findings, answers, chosen, [r["text"] for r in paragraphs + answers]))
    return cases


def _written_case(findings: list[str], answers: list[str], expected: list[tuple[int, int]]) -> Case:
    finding_records = [
        {"id": f"f{i}", "text": t, "section": "Areas for improvement", "finding_type": "area_for_improvement",
         "finding_label": None}
        for i, t in enumerate(findings)
    ]  # fmt: skip
    answer_records = [{"id": f"a{i}", "text": t, "section": "Summary"} for i, t in enumerate(answers)]
    expected_pairs = {(answers[a][:25], findings[f][:25]) for a, f in expected}
    return finding_records, answer_records, expected_pairs, findings + answers


WRITTEN: list[Case] = [
    _written_case(
        [
            "The force should improve the training of custody sergeants in the use of force.",
            "The force should make sure that detainees can see a health professional within an hour.",
            "The force should review how it records the use of force in custody.",
        ],
        [
            "I welcome this report and thank the inspectors for their work with the force.",
            "Training across the force has improved this year, and custody remains a priority for me.",
            "The areas for improvement include the use of force in custody.",
            "The areas for improvement include access to a health professional within an hour for detainees.",
        ],
        [(3, 1)],
    ),
    _written_case(
        [
            "The force should answer 101 calls more quickly at weekends.",
            "The force should make sure that neighbourhood officers are not taken away to cover response shifts.",
            "The force should publish its stop and search data every month, with the outcomes of each search.",
        ],
        [
            "The recommendations about call handling and neighbourhood policing are being progressed through the "
            "force's change programme: neighbourhood officers are no longer taken away to cover response shifts.",
            "Stop and search data, with the outcome of each search, is now published every month on the force "
            "website.",
            "Public confidence in policing in the county has risen for a third year.",
            "Officers now publish their stop and search data, with each search and its outcome, every month.",
        ],
        [(0, 1), (1, 2), (3, 2)],
    ),
    _written_case(
        [
            "The constabulary should make sure vetting checks are renewed before they expire.",
            "The constabulary should give its counter-corruption unit enough analysts to assess intelligence.",
        ],
        [
            "The Chief Constable has written to all staff about standards of behaviour.",
            "The areas for improvement on vetting renewals and analysts for the counter-corruption unit are both in "
            "progress.",
        ],
        [(1, 0), (1, 1)],
    ),
    _written_case(
        [
            "The force should improve how it supervises investigations of domestic abuse.",
            "The force should improve how it supervises investigations of rape and serious sexual offences.",
        ],
        [
            "The areas for improvement include the supervision of investigations.",  # ambiguous: no link
            "Supervision of rape and serious sexual offence investigations now has a dedicated inspector: this area "
            "for improvement is complete.",
        ],
        [(1, 1)],
    ),
]


def labelled_cases() -> list[Case]:
    corpus, genre = ROOT / "corpus", ROOT / "tests" / "data" / "genre"
    cases = _file_case(
        corpus / "plymouth-jtai-2020-letter.txt",
        [corpus / "plymouth-jtai-2020-pcc-response.txt"],
        [("The report however also recognises", start) for start in (
            "The front door referral pathways", "When a VIST is sent through", "The mental health street triage")],
    )  # fmt: skip
    stalking = [
        ("Recommendation 1 has been completed", "Recommendation 1:"),
        ("The force has accepted the second", "Recommendation 2:"),
        ("The third recommendation is not", "Recommendation 3:"),
        ("On recommendation 4", "Recommendation 4:"),
        ("AFI 2 is in progress", "AFI 2:"),
        ("The quarterly sharing of stalking", "AFI 3:"),
        ("The review of harassment crimes", "Recommendation 1:"),
        ("Response: all call handlers", "Recommendation 2:"),
        ("Response: supervisors check", "AFI 1:"),
    ]
    cases += _file_case(
        genre / "stalking-inspection-report.txt",
        [genre / "stalking-pcc-response.txt", genre / "stalking-force-response.txt"],
        stalking,
    )
    return cases + WRITTEN


def score(cases: list[Case]) -> tuple[int, int, int]:
    """(true links, false links, missed links) over the cases."""
    right = wrong = missed = 0
    for findings, answers, expected, context in cases:
        by_id = {record["id"]: record["text"] for record in findings + answers}
        got = set()
        for link in accountability.link_response(findings, answers, context):
            got.add((by_id[link["response"]], by_id[link["finding"]]))
        matched = set()
        for answer_text, finding_text in got:
            hit = next(
                (pair for pair in expected if answer_text.startswith(pair[0]) and finding_text.startswith(pair[1])),
                None,
            )
            if hit:
                matched.add(hit)
                right += 1
            else:
                wrong += 1
        missed += len(expected - matched)
    return right, wrong, missed


def main() -> None:
    cases = labelled_cases()
    print(f"{sum(len(c[2]) for c in cases)} labelled links in {len(cases)} cases")
    print(f"{'MIN_SCORE':>9} {'MIN_LEAD':>8} {'right':>5} {'wrong':>5} {'missed':>6} {'precision':>9} {'recall':>6}")
    default = (accountability.MIN_SCORE, accountability.MIN_LEAD)
    try:
        for min_score in (2.0, 3.0, 4.0, 5.0, 6.0, 8.0):
            for min_lead in (1.0, 1.25, 1.5, 2.0):
                accountability.MIN_SCORE, accountability.MIN_LEAD = min_score, min_lead
                right, wrong, missed = score(cases)
                precision = right / (right + wrong) if right + wrong else 1.0
                recall = right / (right + missed) if right + missed else 1.0
                mark = "  <- in use" if (min_score, min_lead) == default else ""
                print(
                    f"{min_score:>9} {min_lead:>8} {right:>5} {wrong:>5} {missed:>6} {precision:>9.2f} "
                    f"{recall:>6.2f}{mark}"
                )
        print(f"\n{'MIN_SCORE_RESTATED':>18} {'right':>5} {'wrong':>5} {'missed':>6}  (other sentences)")
        accountability.MIN_SCORE, accountability.MIN_LEAD = default
        restated = accountability.MIN_SCORE_RESTATED
        for value in (6.0, 8.0, 10.0, 14.0, 18.0):
            accountability.MIN_SCORE_RESTATED = value
            right, wrong, missed = score(cases)
            mark = "  <- in use" if value == restated else ""
            print(f"{value:>18} {right:>5} {wrong:>5} {missed:>6}{mark}")
        accountability.MIN_SCORE_RESTATED = restated
    finally:
        accountability.MIN_SCORE, accountability.MIN_LEAD = default


if __name__ == "__main__":
    main()
