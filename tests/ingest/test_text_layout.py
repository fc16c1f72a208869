"""Plain text without blank lines: wrapped lines are joined, paragraph and heading lines are split."""

from __future__ import annotations

import pytest

from indexer.ingest.readers.text import blocks_from_text

WRAPPED_WITH_SINGLE_NEWLINES = (
    "Summary\n"
    "The force has improved the way it records crime since the last inspection, and\n"
    "most of the reports we examined were recorded correctly.\n"
    "Supervisors now check every cancelled crime, although the checks are not always\n"
    "written down in the crime record.\n"
    "Areas for improvement\n"
    "The force should record the outcome of every supervisory check on the crime\n"
    "record itself.\n"
)
ONE_PARAGRAPH_PER_LINE = (
    "How effective is the force at keeping people safe and reducing crime?\n"
    "Last updated 14/03/2018\n"
    "The force understands the threats its communities face and has a good plan to deal with them, "
    "although it has more to do to understand the demand that is hidden from it.\n"
    "Neighbourhood teams work closely with partners, and the public told us that they see officers on patrol "
    "more often than they did two years ago.\n"
    "Areas for improvement\n"
    "The force should improve its understanding of hidden demand, including modern slavery.\n"
)
CASES = [
    (
        "hard-wrapped text with single newlines between paragraphs",
        WRAPPED_WITH_SINGLE_NEWLINES,
        [
            "Summary",
            "The force has improved the way it records crime since the last inspection, and\n"
            "most of the reports we examined were recorded correctly.",
            "Supervisors now check every cancelled crime, although the checks are not always\n"
            "written down in the crime record.",
            "Areas for improvement",
            "The force should record the outcome of every supervisory check on the crime\nrecord itself.",
        ],
    ),
    (
        "one paragraph per line, a question heading that swallows nothing",
        ONE_PARAGRAPH_PER_LINE,
        [
            "How effective is the force at keeping people safe and reducing crime?",
            "Last updated 14/03/2018",
            "The force understands the threats its communities face and has a good plan to deal with them, "
            "although it has more to do to understand the demand that is hidden from it.",
            "Neighbourhood teams work closely with partners, and the public told us that they see officers on "
            "patrol more often than they did two years ago.",
            "Areas for improvement",
            "The force should improve its understanding of hidden demand, including modern slavery.",
        ],
    ),
    (
        "a signature's short lines stay together",
        "I thank the inspectors for their work.\n\nJane Example\nPolice and Crime Commissioner\nfor Exampleshire\n",
        ["I thank the inspectors for their work.", "Jane Example\nPolice and Crime Commissioner\nfor Exampleshire"],
    ),
    (
        "blank-line paragraphs are read as before",
        "First paragraph, wrapped over\ntwo lines.\n\nSecond paragraph.\n",
        ["First paragraph, wrapped over\ntwo lines.", "Second paragraph."],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_paragraphs_without_blank_lines(name, text, expected):
    """The text reader finds paragraph and heading boundaries from the document's own line lengths."""
    assert [block.text for block in blocks_from_text(text)] == expected


def test_markdown_keeps_soft_line_breaks():
    """Markdown's single newlines are soft breaks: the markdown path does not split them."""
    text = "A sentence that ends here.\nAnd the same paragraph goes on.\n"
    assert [block.text for block in blocks_from_text(text, split_lines=False)] == [
        "A sentence that ends here.\nAnd the same paragraph goes on."
    ]
