"""Never lose a word: every word a reader finds ends up indexed, or dropped with a named reason."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ingest.pipeline import WORD_RE, parse_report
from indexer.ingest.readers import read_blocks

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [path for path in (ROOT / "corpus").iterdir() if path.suffix in (".txt", ".md")and path.name != "README.md"]
    + list((ROOT / "tests" / "data" / "genre").glob("*.txt"))
    + list((ROOT / "tests" / "data" / "genre").glob("*.html"))
)


def _unaccounted(path: Path) -> list[str]:
    """Words of the file's text that are neither indexed nor dropped with a reason."""
    report = parse_report(path, path.parent)
    texts = [report.meta.title]
    for paragraph in report.paragraphs:
        texts += [paragraph.text, *paragraph.section.split(" › "), *(f.text for f in paragraph.footnotes)]
    texts += [item.text for item in report.dropped]
    available = Counter(word.lower() for text in texts for word in WORD_RE.findall(text))
    lost = []
    for block in read_blocks(path):
        for word in WORD_RE.findall(block.text):
            if available[word.lower()] > 0:
                available[word.lower()] -= 1
            else:
                lost.append(word)
    return lost


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_word_is_indexed_or_dropped_with_a_reason(path):
    """In every shipped report and genre fixture, the words in are the words indexed plus the words dropped."""
    assert _unaccounted(path) == []


def test_dropped_text_carries_its_reason():
    """A user can see what was dropped and why: contents lines, page numbers, addresses, chrome."""
    path = ROOT / "tests" / "data" / "genre" / "custody-joint-inspection.txt"
    reasons = Counter(item.reason for item in parse_report(path, path.parent).dropped)
    assert reasons == {
        "contents heading": 1,
        "contents line": 5,
        "copyright line": 1,
        "ISBN line": 1,
        "postal address": 6,
        "page number": 2,
        "printed after the title (byline or dates)": 1,
    }


LINE = st.one_of(
    st.sampled_from(
        [
            "Skip to content", "Contents", "Summary ........ 3", "12", "© HMICFRS 2019", "Areas for improvement",
            "How well does the force protect children?", "Cookies on this site", "ISBN 978-1-00-000000-0",
            "Yours sincerely", "Dear Chief Constable,",
        ]
    ),
    st.text(alphabet=st.sampled_from("abcdefghij ."), min_size=1, max_size=60).map(lambda t: "Word " + t),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n"])), min_size=2, max_size=30))
def test_generated_documents_lose_no_word(tmp_path_factory, lines):
    """Generated documents of chrome, furniture, headings and text: every word is accounted for."""
    text = "".join(line + gap for line, gap in lines)
    if not any(line.startswith("Word") and len(WORD_RE.findall(line)) > 1 for line, _ in lines):
        return  # a document of furniture alone has no paragraphs and is refused as such
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "generated.txt"
    path.write_text("Generated inspection report\n\n" + text, encoding="utf-8")
    try:
        assert _unaccounted(path) == []
    except Exception as error:  # a refusal ("no paragraphs") is a reported failure, not a lost word
        if type(error).__name__ == "ReportParseError":
            return
        raise
