"""The fixed query mix: what one search page does, for our engine and for FTS5.

Each entry is (query as a user types it, filters, the equivalent FTS5 MATCH
expression or None for "no text query"). Plain multi-word queries match any of
their words in our engine (all-words first), so FTS5 gets them joined by OR;
an acronym also matches its glossary expansion, so FTS5 gets that phrase OR'd in.
Both engines then count the same paragraphs (the smoke test and the JSON's
``totals`` show it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORCE = "Devon and Cornwall Police"
OTHER_FORCE = "Kent Police"
# Our engine expands an acronym with its glossary phrase; FTS5 is given the same OR.
VIST = "vulnerability identification screening tool"
MASH = "multi-agency safeguarding hub"
CAMHS = "child and adolescent mental health services"
YOT = "youth offending team"


@dataclass(frozen=True)
class BenchQuery:
    label: str
    text: str
    fts: str | None
    filters: dict[str, list[str]] = field(default_factory=dict)


QUERY_MIX: tuple[BenchQuery, ...] = (
    BenchQuery("word", "safeguarding", "safeguarding"),
    BenchQuery("word", "custody", "custody"),
    BenchQuery("word", "exploitation", "exploitation"),
    BenchQuery("word", "leadership", "leadership"),
    BenchQuery("word", "referrals", "referrals"),
    BenchQuery("word", "supervision", "supervision"),
    BenchQuery("words", "mental health", "mental OR health"),
    BenchQuery("words", "partnership working", "partnership OR working"),
    BenchQuery("words", "children missing from home", "children OR missing OR home"),
    BenchQuery("phrase", '"mental health"', '"mental health"'),
    BenchQuery("phrase", '"front door"', '"front door"'),
    BenchQuery("phrase", '"risk assessment"', '"risk assessment"'),
    BenchQuery("phrase", '"quality assurance"', '"quality assurance"'),
    BenchQuery("acronym", "VIST", f'VIST OR "{VIST}"'),
    BenchQuery("acronym", "MASH", f'MASH OR "{MASH}"'),
    BenchQuery("acronym", "CAMHS", f'CAMHS OR "{CAMHS}"'),
    BenchQuery("acronym", "YOT", f'YOT OR "{YOT}"'),
    BenchQuery("boolean", "custody OR detention", "custody OR detention"),
    BenchQuery("boolean", "MASH OR referral", f'MASH OR "{MASH}" OR referral'),
    BenchQuery("boolean", "exploitation -county", "exploitation NOT county"),
    BenchQuery("boolean", "safeguarding -children", "safeguarding NOT children"),
    BenchQuery("filtered", "safeguarding", "safeguarding", {"forces": [FORCE]}),
    BenchQuery("filtered", "custody", "custody", {"forces": [OTHER_FORCE]}),
    BenchQuery("filtered", "training", "training", {"year": ["2020"]}),
    BenchQuery("empty", "", None),
    BenchQuery("empty", "", None, {"forces": [FORCE]}),
)
