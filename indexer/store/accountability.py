"""The accountability chain: which response paragraphs answer which findings, and what they say was done.

After a generation's documents are written and each response is linked to the report it answers
(:func:`indexer.store.manifest.link_responses`), every paragraph of a response is compared with the
report's recommendations, areas for improvement and causes of concern. A link comes from, in order
of trust:

1. an explicit reference in the paragraph ("Recommendation 3", "AFI 7", "the third recommendation");
2. a heading the paragraph sits under ("Recommendation 1", then "Response: ...");
3. a restated, quoted or closely paraphrased finding: a clause of the paragraph shares rare words
   and word pairs with one finding far more than with any other.

Each link keeps the evidence that made it, and the status the paragraph states ("accepted",
"in progress", ...) with the phrase that shows it. No link is better than a wrong one: the
paraphrase rule needs a score of :data:`MIN_SCORE` and a clear lead over the runner-up
(:data:`MIN_LEAD`); see ``benchmarks/README.md`` ("Linking responses to findings") for how these
were measured.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from whoosh.lang.porter import stem

from indexer.model import FINDING_STATUSES, RESPONSE_TYPES

TRACKED_TYPES = ("recommendation", "area_for_improvement", "cause_of_concern")
KEPT_REPORTS = 8
"""Reports whose paragraphs linking keeps at once (see :func:`link_corpus`)."""
"""Finding types a response can answer."""
NO_RESPONSE = "no response found"
ACKNOWLEDGED = "acknowledged"
"""A paragraph answers a finding but states no status."""
STATUSES = FINDING_STATUSES

# Most advanced first: "accepted, and work is in progress" is in progress.
STATUS_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("superseded", ("superseded",)),
    (
        "completed",
        (
            "completed?", "has been (?:implemented|addressed|discharged|achieved|delivered)", "now closed",
            "fully implemented", "is closed",
            "(?:has|have) (?:now )?been (?:trained|introduced|put in place|completed)",
        ),
    ),
    ("partially accepted", ("not (?:accepted|agreed) in full", "not fully (?:accepted|agreed)")),
    (
        "not accepted",
        ("not accepted", "do(?:es)? not accept", "(?:has|have) rejected", "rejects?", "do(?:es)? not agree"),
    ),
    ("partially accepted", ("partially accepted", "accepted in part", "partly accepted", "accepts? in part",
                            "partially agreed?")),
    ("awaiting review", ("awaiting (?:review|closure|sign[- ]off)",)),
    (
        "in progress",
        (
            "in progress", "being progressed", "under ?way", "ongoing", "progressing", "action plan",
            "work (?:has|is) (?:started|begun)", "started", "began", "begun", "are working", "is working",
            "will (?:work|ensure|review|develop|introduce|implement|take|check|monitor|continue)",
            "is being (?:developed|reviewed|implemented|addressed)",
        ),
    ),
    ("accepted", ("accept(?:s|ed)?", "welcomes? (?:the|this|these) recommendations?")),
    ("agreed", ("agree(?:s|d)?",)),
)  # fmt: skip
"""What each status is said with: phrases as regular expressions, matched as whole words."""
STATUS_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(rf"\b(?:{'|'.join(phrases)})\b", re.I)) for status, phrases in STATUS_PHRASES
)

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_TYPE_WORDS = {
    "recommendation": r"recommendations?|recs?\.?",
    "area_for_improvement": (
        r"afis?|areas? for (?:further )?improvement|actions? for (?:further )?improvement(?: \(afi\))?"
    ),
    "cause_of_concern": r"causes? (?:of|for) concern",
}
REFERENCE_RES = tuple(
    (finding_type, re.compile(rf"\b(?:{words})\s*(?:no\.?\s*|number\s*)?(?P<number>\d{{1,3}})\b", re.I))
    for finding_type, words in _TYPE_WORDS.items()
)
ORDINAL_RES = tuple(
    (finding_type, re.compile(rf"\bthe (?P<ordinal>{'|'.join(ORDINALS)}) (?:{words})\b", re.I))
    for finding_type, words in _TYPE_WORDS.items()
)
LABEL_NUMBER_RE = re.compile(r"(\d{1,3})\s*$")

STOP_WORDS = """
    a about above after again all also an and any are as at be been being below between both but by can could
    did do does doing down during each few for from further had has have having he her here hers him his how i
    if in into is it its itself just me more most my no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you
    your yours must need needs make makes made within across ensure they're it's however report reports
    inspection recommendation recommendations recommend improvement improvements area areas concern concerns
    cause causes afi afis action actions relate relates related directly
"""
STOP = frozenset(STOP_WORDS.split())
"""Words that say nothing about which finding is meant (the words that name findings among them)."""
CLAUSE_RE = re.compile(r"[.;:!?]\s+|,\s+|\s+and\s+|\s+as well as\s+|[‘’“”'\"()]")
PHRASE_RE = re.compile(r"[.;:!?]\s+|,\s+|[‘’“”'\"()]")
WORD_RE = re.compile(r"[a-z][a-z-]{2,}")
MIN_SCORE = 3.0
"""Weighted shared evidence (rare words, and word pairs counted again) a clause about the findings needs."""
MIN_SCORE_RESTATED = 14.0
"""The same, for a clause anywhere else: it must restate a finding closely."""
MIN_PAIRS = 2
"""Word pairs a clause anywhere else must share with the finding it restates."""
MIN_LEAD = 1.5
"""How many times the runner-up's score the best finding's must be."""
MIN_SHARED = 2
"""Distinct words a clause must share with a finding."""


def read_status(text: str) -> tuple[str, str]:
    """The status a paragraph states, and the words that show it (ACKNOWLEDGED and "" when it states none)."""
    for status, pattern in STATUS_PATTERNS:
        match = pattern.search(text)
        if match:
            return status, match.group(0)
    return ACKNOWLEDGED, ""


def _stems(text: str) -> list[str]:
    return [stem(word.strip("-")) for word in WORD_RE.findall(text.lower()) if word not in STOP]


def _number(label: str | None) -> int | None:
    match = LABEL_NUMBER_RE.search(label or "")
    return int(match.group(1)) if match else None


def references(text: str) -> list[tuple[str, int, str, int]]:
    """(finding type, number, the words, where) for each finding the text names."""
    found = []
    for finding_type, pattern in REFERENCE_RES:
        found += [(finding_type, int(m["number"]), m.group(0), m.start()) for m in pattern.finditer(text)]
    for finding_type, pattern in ORDINAL_RES:
        found += [(finding_type, ORDINALS[m["ordinal"].lower()], m.group(0), m.start()) for m in pattern.finditer(text)]
    return sorted(found, key=lambda item: item[3])


RESPONSE_LABEL_RE = re.compile(r"^\s*(?:response|update|progress|comment|action taken|status)\s*[:.–-]", re.I)


def _speaks_to(text: str, finding_terms: set[str]) -> bool:
    """True when a paragraph under a finding's heading answers it: it says so, or shares its words."""
    return bool(RESPONSE_LABEL_RE.match(text)) or bool(set(_stems(text)) & finding_terms)


def _by_number(findings: list[dict]) -> dict[tuple[str, int], dict]:
    """Findings by (type, number): the printed number, else their order among findings of the type."""
    numbered: dict[tuple[str, int], dict] = {}
    counts: Counter[str] = Counter()
    for finding in findings:
        counts[finding["finding_type"]] += 1
        printed = _number(finding.get("finding_label"))
        numbered.setdefault((finding["finding_type"], printed or counts[finding["finding_type"]]), finding)
    return numbered


def _sentence_around(text: str, position: int) -> str:
    start = max(text.rfind(". ", 0, position) + 1, 0)
    end = text.find(". ", position)
    return text[start : end if end >= 0 else len(text)]


class _Weights:
    """Rarity of words and word pairs across one report's paragraphs and its response's."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.documents = 0
        self.frequency: Counter[str] = Counter()
        for text in texts:
            self.documents += 1
            self.frequency.update(set(self.terms(text)))

    @staticmethod
    def terms(text: str) -> list[str]:
        stems = _stems(text)
        return stems + [f"{a} {b}" for a, b in pairwise(stems)]

    def weight(self, term: str) -> float:
        return math.log(1 + self.documents / (1 + self.frequency[term]))


def link_response(findings: list[dict], answers: list[dict], context: list[str]) -> list[dict]:
    """Links from the paragraphs of one response (``answers``) to the findings of the report it answers.

    Each paragraph is a record with ``id``, ``text`` and ``section``; each finding also has
    ``finding_type`` and ``finding_label``. ``context`` is every paragraph text of the report and
    the response, for word rarity. Returns {"response", "finding", "status", "phrase", "evidence"}.
    """
    if not findings:
        return []
    numbered = _by_number(findings)
    weights = _Weights(context)
    finding_terms = {finding["id"]: set(_Weights.terms(finding["text"])) for finding in findings}
    links: list[dict] = []
    for answer in answers:
        if answer.get("finding_type") in TRACKED_TYPES and answer["id"] in finding_terms:
            continue
        linked: dict[str, tuple[str, str]] = {}  # finding id -> (evidence, the words the status is read from)
        text = answer["text"]
        for finding_type, number, words, position in references(text):
            target = numbered.get((finding_type, number))
            if target and target["id"] not in linked:
                linked[target["id"]] = (f"names it: “{words}”", _sentence_around(text, position))
        if not linked:
            for heading in answer.get("section", "").split(" › ")[1:] or answer.get("section", "").split(" › "):
                for finding_type, number, words, _ in references(heading):
                    target = numbered.get((finding_type, number))
                    if (
                        target
                        and target["id"] not in linked
                        and heading.strip().lower().startswith(words.lower())
                        and _speaks_to(text, finding_terms[target["id"]])
                    ):
                        linked[target["id"]] = (f"under the heading “{heading.strip()}”", text)
        if not linked:
            for finding_id, shared in _paraphrased(text, findings, finding_terms, weights):
                linked[finding_id] = (f"shares the words “{shared}”", text)
        for finding_id, (evidence, said) in linked.items():
            status, phrase = read_status(said)
            if status == ACKNOWLEDGED and said != text:
                status, phrase = read_status(text)
            links.append(
                {"response": answer["id"], "finding": finding_id, "status": status, "phrase": phrase,
                 "evidence": evidence}
            )  # fmt: skip
    return links


CUE_RE = re.compile(
    r"\b(?:recommendations?|areas? for (?:further )?improvement|afis?|causes? (?:of|for) concern"
    r"|actions? for (?:further )?improvement)\b",
    re.I,
)
"""Words that show a sentence is about the report's findings."""
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"])")


def _paraphrased(
    text: str, findings: list[dict], finding_terms: dict[str, set[str]], weights: _Weights
) -> list[tuple[str, str]]:
    """Findings that clauses of ``text`` restate, each with the shared words; the clearest match first.

    A clause of a sentence that speaks of the findings ("The areas for improvement for the force
    refer to ...") needs :data:`MIN_SCORE`; any other clause must restate a finding closely
    (:data:`MIN_SCORE_RESTATED`, with :data:`MIN_PAIRS` word pairs in common).
    """
    scored = []
    for sentence in SENTENCE_RE.split(text):
        cued = bool(CUE_RE.search(sentence))
        # A sentence naming the findings lists them ("... refer to A, B and C"): each clause may name one.
        # Elsewhere "and" joins the words of one thing ("stop and search"): split at punctuation only.
        for clause in (CLAUSE_RE if cued else PHRASE_RE).split(sentence):
            if len(_stems(clause)) < MIN_SHARED:
                continue
            terms = set(_Weights.terms(clause))
            scores = []
            for finding in findings:
                shared = terms & finding_terms[finding["id"]]
                words = {term for term in shared if " " not in term}
                pairs = len(shared) - len(words)
                if len(words) >= MIN_SHARED and (cued or pairs >= MIN_PAIRS):
                    scores.append((sum(weights.weight(term) for term in shared), finding["id"], shared))
            scores.sort(key=lambda item: item[0], reverse=True)
            if scores:
                scored.append((scores, clause, MIN_SCORE if cued else MIN_SCORE_RESTATED))
    # Clearest clauses first, so that a finding one clause names is not offered to the next.
    scored.sort(key=lambda item: item[0][0][0], reverse=True)
    taken: set[str] = set()
    found: list[tuple[str, str]] = []
    for scores, clause, needed in scored:
        open_scores = [item for item in scores if item[1] not in taken]
        if not open_scores or open_scores[0][0] < needed:
            continue
        runner_up = open_scores[1][0] if len(open_scores) > 1 else 0.0
        if open_scores[0][0] < MIN_LEAD * runner_up:
            continue
        best = open_scores[0]
        taken.add(best[1])
        clause_words = [word for word in WORD_RE.findall(clause.lower()) if word not in STOP]
        shared_words = [word for word in clause_words if stem(word.strip("-")) in best[2]]
        found.append((best[1], " ".join(shared_words)))
    return found


@dataclass(frozen=True)
class Previous:
    """What an incremental run starts from: the live chain, and what the run changed."""

    chain: dict
    """The live generation's ``links`` and ``findings``."""
    targets: dict[str, str | None]
    """Each report's ``responds_to`` before this run."""
    changed: set[str]
    """Ids of the reports this run added, replaced or removed."""


def link_corpus(reports: dict[str, dict], read_paragraphs, read_findings, *, previous: Previous | None = None) -> dict:
    """The links of every response in the corpus to the findings of the report it answers.

    ``read_paragraphs(report_id)`` gives a report's paragraph records in reading order, and
    ``read_findings()`` every paragraph record whose finding type is tracked: only findings, and
    reports that have a response, are read. Returns {"links": [...], "findings": {finding id:
    summary}}: every tracked finding of every report, answered or not, for the corpus-wide view.

    With ``previous`` (an incremental run), the links and findings of what did not change are
    kept: only the findings of changed reports are read, and only responses are linked again
    that changed, answer a changed report, or now answer another report than before. The result
    is the same as linking the whole corpus (the tests check it).
    """
    paragraphs_of: OrderedDict[str, list[dict]] = OrderedDict()

    def paragraphs(report_id: str) -> list[dict]:
        # The last few reports read (a report answered by a PCC and by a force is read once);
        # not all: at a million paragraphs that held most of the corpus in the indexer.
        if report_id in paragraphs_of:
            paragraphs_of.move_to_end(report_id)
        else:
            paragraphs_of[report_id] = list(read_paragraphs(report_id))
            if len(paragraphs_of) > KEPT_REPORTS:
                paragraphs_of.popitem(last=False)
        return paragraphs_of[report_id]

    def answerable(report_id: str) -> bool:
        entry = reports.get(report_id)
        return entry is not None and entry["doc_type"] not in RESPONSE_TYPES

    kept_links: dict[str, list[dict]] = {}
    if previous is None:
        summaries = [_summary(record) for record in read_findings() if answerable(record["report_id"])]
    else:
        summaries = [
            _summary(record)
            for report_id in sorted(previous.changed)
            if answerable(report_id)
            for record in paragraphs(report_id)
            if record.get("finding_type") in TRACKED_TYPES
        ]
        summaries += [
            summary
            for summary in previous.chain.get("findings", {}).values()
            if summary["report_id"] not in previous.changed and answerable(summary["report_id"])
        ]
        for link in previous.chain.get("links", []):
            kept_links.setdefault(link["response_report"], []).append(link)
    tracked = {
        summary["id"]: summary for summary in sorted(summaries, key=lambda s: (s["report_id"], s["paragraph_number"]))
    }
    links: list[dict] = []
    for report_id, entry in sorted(reports.items()):
        target = entry.get("responds_to")
        if entry["doc_type"] not in RESPONSE_TYPES or not target or target not in reports:
            continue
        if (
            previous is not None
            and report_id not in previous.changed
            and target not in previous.changed
            and previous.targets.get(report_id) == target
        ):
            links.extend(kept_links.get(report_id, []))
            continue
        report_paragraphs = paragraphs(target)
        findings = [record for record in report_paragraphs if record["id"] in tracked]
        answers = paragraphs(report_id)
        context = [record["text"] for record in report_paragraphs + answers]
        for link in link_response(findings, answers, context):
            links.append(dict(link, response_report=report_id, finding_report=target))
    return {"links": links, "findings": tracked}


SUMMARY_CHARS = 600


def _summary(record: dict) -> dict:
    text = record["text"]
    return {
        "id": record["id"],
        "report_id": record["report_id"],
        "finding_type": record["finding_type"],
        "finding_label": record.get("finding_label"),
        "text": text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…",
        "addressees": list(record.get("addressees") or []),
        "deadline": record.get("deadline"),
        "parent_finding": record.get("parent_finding"),
        "paragraph_number": record["paragraph_number"],
        "anchor": record["anchor"],
    }
