"""The word-by-word term matcher behind themes, forces and inspectorates."""

from __future__ import annotations

import pytest

from indexer.ingest.termmatch import TermMatcher

MATCHER = TermMatcher([
    ("self-harm*", "self-harm"),
    ("CQC", "CQC"),
    ("exploit*", "exploitation"),
    ("Devon and Cornwall Police", "devon"),
    ("child's voice", "voice"),
    ("joint targeted area inspection*", "jtai"),
])

CASES = [
    ("self harming and self-harm", {"self-harm"}),
    ("the cqc, in lower case, is not the acronym", set()),
    ("The CQC inspected.", {"CQC"}),
    ("exploited and exploitation", {"exploitation"}),
    ("Devon and Cornwall police said", {"devon"}),
    ("Devon and Cornwall", set()),
    ("the child's voice", {"voice"}),
    ("two joint targeted area inspections", {"jtai"}),
    ("", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_labels(text, expected):
    """Terms match word by word, with wildcards on the last word and capitals for acronyms."""
    assert MATCHER.labels(text) == expected
