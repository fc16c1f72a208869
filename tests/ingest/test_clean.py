"""Cleaning and text/markdown reading, table-driven: input text, expected (kind, text) blocks."""

from __future__ import annotations

import pytest

from indexer.ingest.clean import clean_blocks
from indexer.ingest.readers.markdown import blocks_from_markdown
from indexer.ingest.readers.text import blocks_from_text

CASES = [
    (
        "hard-wrapped lines join into one paragraph",
        "The force has improved \nits response to missing \nchildren.",
        [("text", "The force has improved its response to missing children.")],
    ),
    (
        "a URL split across lines is re-joined without a space",
        "The full report can be viewed here\n\nhttps://example.org/uploads/Plymouth-\nJTAI-report.pdf",
        [("text", "The full report can be viewed here: https://example.org/uploads/Plymouth-JTAI-report.pdf")],
    ),
    (
        "a bullet cut by a page break continues",
        "- The service has worked\n\n\n\ncollaboratively to expand.\n- Next bullet.",
        [("bullet", "The service has worked collaboratively to expand."), ("bullet", "Next bullet.")],
    ),
    (
        "a footnote between the halves of a paragraph comes out",
        "Inspection in Plymouth.¹ It considered\n\n¹ Section 20 of the Children Act 2004.\n\n\n\nleaders and managers.",
        [("text", "Inspection in Plymouth. It considered leaders and managers.")],
    ),
    (
        "cookie banner and skip link are dropped",
        "This site uses cookies\n\nNecessary Cookies\n\nSkip to main content\n\nReal content here.",
        [("text", "Real content here.")],
    ),
    (
        "curly quotes, non-breaking spaces and runs of spaces are normalised",
        "The ‘front door’\u00a0and “MASH”   work.",
        [("text", "The 'front door' and \"MASH\" work.")],
    ),
    (
        "a heading glued to its first line is split off",
        "Police and Crime Commissioner’s response\nI welcome the report.",
        [("text", "Police and Crime Commissioner's response"), ("text", "I welcome the report.")],
    ),
    (
        "a signature block is marked, not kept as text",
        "I thank the inspectorate.\n\nAlison Hernandez\nPolice and Crime Commissioner\n"
        "Devon, Cornwall and the Isles of Scilly",
        [
            ("text", "I thank the inspectorate."),
            ("signature", "Alison Hernandez Police and Crime Commissioner Devon, Cornwall and the Isles of Scilly"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_clean_text(name, source, expected):
    """Plain text through the text reader and the cleaner."""
    assert [(b.kind, b.text) for b in clean_blocks(blocks_from_text(source))] == expected


def test_footnote_is_attached():
    """The removed footnote travels with the paragraph that cites it."""
    blocks = clean_blocks(blocks_from_text("In Plymouth.¹ Then more.\n\n¹ The Children Act 2004."))
    assert [(b.text, [(f.marker, f.text) for f in b.footnotes]) for b in blocks] == [
        ("In Plymouth. Then more.", [("1", "The Children Act 2004.")])
    ]


MARKDOWN_CASES = [
    (
        "a link whose text is a mangled URL takes its real target",
        "[https://x.org/a file.pdf](https://x.org/a_file.pdf)",
        [("text", "https://x.org/a_file.pdf", ("https://x.org/a_file.pdf",))],
    ),
    (
        "a link with words keeps the words and records the target",
        "Read [the full report](https://x.org/r.pdf) now.",
        [("text", "Read the full report now.", ("https://x.org/r.pdf",))],
    ),
    (
        "a script link keeps its words only; parentheses in a target are kept",
        "[click me](javascript:alert(4)) and [the plan](https://x.org/plan_(2020).pdf)",
        [("text", "click me and the plan", ("https://x.org/plan_(2020).pdf",))],
    ),
    (
        "autolinks, emphasis and headings",
        "# Key findings\n\n- **Bold** and *it* <https://x.org>",
        [("heading", "Key findings", ()), ("bullet", "Bold and it https://x.org", ("https://x.org",))],
    ),
]


@pytest.mark.parametrize(("name", "source", "expected"), MARKDOWN_CASES, ids=[case[0] for case in MARKDOWN_CASES])
def test_markdown(name, source, expected):
    """Markdown inline markup becomes plain text with its links kept."""
    assert [(b.kind, b.text, b.links) for b in clean_blocks(blocks_from_markdown(source))] == expected
