"""The fixed query mix: what one search page does, for our engine and for FTS5.

Each entry is (query as a user types it, filters, the equivalent FTS5 MATCH
expression or None for "no text query"). Plain multi-word queries match any of
their words in our engine (all-words first), so FTS5 gets them joined by OR.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORCE = "Devon and Cornwall Police"
OTHER_FORCE = "Kent Police"


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
    BenchQuery("acronym", "VIST", "VIST"),
    BenchQuery("acronym", "MASH", "MASH"),
    BenchQuery("acronym", "CAMHS", "CAMHS"),
    BenchQuery("acronym", "YOT", "YOT"),
    BenchQuery("boolean", "custody OR detention", "custody OR detention"),
    BenchQuery("boolean", "MASH OR referral", "MASH OR referral"),
    BenchQuery("boolean", "exploitation -county", "exploitation NOT county"),
    BenchQuery("boolean", "safeguarding -children", "safeguarding NOT children"),
    BenchQuery("filtered", "safeguarding", "safeguarding", {"forces": [FORCE]}),
    BenchQuery("filtered", "custody", "custody", {"forces": [OTHER_FORCE]}),
    BenchQuery("filtered", "training", "training", {"year": ["2020"]}),
    BenchQuery("empty", "", None),
    BenchQuery("empty", "", None, {"forces": [FORCE]}),
)
