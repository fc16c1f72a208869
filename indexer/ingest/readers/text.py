"""Plain text, usually text extracted from a PDF or pasted from a web page.

Blank lines separate blocks. Inside a run of lines without blank lines, each
line break is read as either a wrapped line (join) or a new paragraph or
heading (split), from the document's own line lengths: hard-wrapped text
fills its lines to about the same width, so a short line, or one that ends a
sentence well before that width, ends its paragraph. Text with one paragraph
per line (a web page pasted as text) splits at every line that ends a
sentence.

Extractors mark a page break with a form feed or with a run of blank lines;
PDF-extracted reports in the corpus use three or more. Where form feeds mark the
pages, a line at the top or the bottom of most pages that says the same thing on
each of them, page numbers aside, is a running head or footer: it comes out as a
``dropped`` block that says so, and the paragraph it interrupted is joined again.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

from indexer.ingest.readers import MONTHS, RUNNING_REASON, furniture_key
from indexer.ingest.readers.decode import decode_bytes
from indexer.model import Block

# A run of this many blank lines (or a form feed) is a page break in extracted text.
PAGE_BREAK_BLANK_LINES = 3

BULLET_RE = re.compile(r"^\s*(?P<marker>[-•●▪◦*–]|\d{1,2}[.)]|\([a-z0-9]{1,3}\))\s+(?P<text>\S.*)$")
SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*$")
WRAP_WIDTH_QUANTILE = 0.95
"""The document's wrap width is this quantile of its line lengths."""
SHORT_LINE = 0.6
"""A line shorter than this share of the wrap width ends its paragraph (or is a heading)."""
SENTENCE_LINE = 0.85
"""A line that ends a sentence and is shorter than this share of the wrap width ends its paragraph."""
MIN_WRAP_WIDTH = 60
"""Narrower wrap widths are not believed: a short text tells little about its layout."""
LONE_NUMBER_RE = re.compile(r"^\s*\d{1,4}\s*$")
# Lines that stand alone even among short lines: report labels and front-matter fields.
LABEL_LINE_RE = re.compile(
    r"^\s*(contents|foreword|preface|summary|executive summary|introduction|background|key findings|conclusions?"
    r"|recommendations?|areas? for improvement|causes? of concern|glossary|annex(es)?|appendix|appendices"
    r"|published|reference( no\.?)?|last updated|date)\b",
    re.I,
)
DATE_ONLY_RE = re.compile(
    rf"^\s*(?:[A-Z][\w ]{{1,40}},\s*)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTHS}),?\s+\d{{4}}\s*$", re.I
)
"""A cover's date on a line of its own ("July 2021", "HMI Probation, June 2021"): never part of a title."""
LETTER_LINE_RE = re.compile(r"^\s*(dear\s+\S.{0,60}|yours\s+(sincerely|faithfully|truly)\b.{0,20})$", re.I)
"""A letter's salutation and sign-off stand on lines of their own."""
SPARSE_BLANK_LINES = 0.2
"""Fewer blank lines than this share of the text lines: blank lines do not separate the paragraphs."""
LONG_GROUP_LINES = 12
"""A run of this many lines without a blank one is split even where blank lines separate most paragraphs."""
WRAPPED_SHARE = 0.5
"""A document is hard-wrapped when at least this share of the line breaks after full lines fall mid-sentence."""
RUNNING_MIN_PAGES = 3
"""Running heads and footers are looked for in texts with at least this many pages (form feeds)."""


def read(path: Path) -> list[Block]:
    """Blocks of a plain-text file."""
    return blocks_from_text(decode_bytes(path.read_bytes(), path))


def blocks_from_text(
    text: str, *, bullet_re: re.Pattern[str] = BULLET_RE, split_lines: bool = True
) -> list[Block]:
    """Split text into blocks at blank lines, and each bullet into a block of its own.

    With ``split_lines`` (plain text), runs of lines are also split where a line
    ends its paragraph (see the module's docstring); markdown keeps its soft breaks.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    layout = _Layout.of(text) if split_lines else None
    lines = text.split("\n")
    running = _running_lines(lines) if split_lines and "\f" in text else set()
    blocks: list[Block] = []
    group: list[str] = []
    blank_run = 0
    page_break_pending = False

    def flush() -> None:
        nonlocal page_break_pending
        if group:
            blocks.extend(_group_blocks(group, page_break_pending and bool(blocks), bullet_re, layout))
            page_break_pending = False
        group.clear()

    for number, line in enumerate(lines):
        if "\f" in line:
            flush()
            page_break_pending = True
            line = line.replace("\f", "")
        if number in running:
            flush()
            blocks.append(Block(text=line.strip(), kind="dropped", marker=RUNNING_REASON))
            continue
        if not line.strip():
            blank_run += 1
            if blank_run == 1:
                flush()
            if blank_run >= PAGE_BREAK_BLANK_LINES:
                page_break_pending = True
            continue
        blank_run = 0
        group.append(line.rstrip())
    flush()
    return blocks


def _running_lines(lines: list[str]) -> set[int]:
    """Numbers of the lines that are running heads or footers in text whose pages end at form feeds.

    Such a line is the first or the last line of its page, and says the same at that edge of at
    least half of the pages (and three), digits aside. A page number alone is left to the cleaner.
    """
    pages: list[list[int]] = [[]]
    for number, line in enumerate(lines):
        if "\f" in line:
            pages.append([])
        if line.replace("\f", "").strip():
            pages[-1].append(number)
    pages = [page for page in pages if page]
    if len(pages) < RUNNING_MIN_PAGES:
        return set()
    edges: list[tuple[str, int, str]] = []  # (edge, line number, key)
    for page in pages:
        edges.append(("top", page[0], furniture_key(lines[page[0]])))
        edges.append(("bottom", page[-1], furniture_key(lines[page[-1]])))
    seen = Counter((edge, key) for edge, _, key in edges if key)
    needed = max(RUNNING_MIN_PAGES, (len(pages) + 1) // 2)
    return {number for edge, number, key in edges if key and seen[edge, key] >= needed}


class _Layout:
    """How a document lays out its lines: its wrap width, and whether it is hard-wrapped."""

    def __init__(self, width: int, wrapped: bool, sparse_blank_lines: bool = False) -> None:
        self.width = width
        self.wrapped = wrapped
        self.sparse_blank_lines = sparse_blank_lines

    def applies_to(self, lines: list[str]) -> bool:
        """Whether to look for paragraph ends inside this run of lines (blank lines may have done the job)."""
        return self.sparse_blank_lines or len(lines) >= LONG_GROUP_LINES

    @classmethod
    def of(cls, text: str) -> _Layout:
        # Blank lines before the first line and after the last (a file's final newline) separate nothing.
        lines = [line.rstrip() for line in text.strip("\n").split("\n")]
        lengths = sorted(len(line) for line in lines if line.strip())
        if not lengths:
            return cls(0, True)
        blank = sum(1 for line in lines if not line.strip())
        sparse = blank < SPARSE_BLANK_LINES * len(lengths)
        width = max(MIN_WRAP_WIDTH, lengths[min(len(lengths) - 1, int(len(lengths) * WRAP_WIDTH_QUANTILE))])
        # Only breaks after a full-width line tell the layouts apart: short lines end paragraphs in both.
        mid_sentence = breaks = 0
        for previous, line in itertools.pairwise(lines):
            if line.strip() and len(previous) >= SHORT_LINE * width:
                breaks += 1
                mid_sentence += not SENTENCE_END_RE.search(previous)
        return cls(width, breaks == 0 or mid_sentence >= WRAPPED_SHARE * breaks, sparse)

    def ends_paragraph(self, line: str, following: str) -> bool:
        """Whether the paragraph (or heading) ends with ``line``, given the line that follows it."""
        if "\t" in line and "\t" in following:
            return False  # rows of a table laid out with tabs (a signature block in columns, say)
        if any(
            LONE_NUMBER_RE.match(text)
            or LABEL_LINE_RE.match(text)
            or LETTER_LINE_RE.match(text)
            or DATE_ONLY_RE.match(text)
            for text in (line, following)
        ):
            return True  # a page number, or a label such as "Contents" or "Published: ...", stands alone
        short = len(line) < SHORT_LINE * self.width
        ends_sentence = bool(SENTENCE_END_RE.search(line))
        if not self.wrapped:
            # One paragraph per line; a long line that stops mid-sentence may still run on.
            return short or ends_sentence or not following[:1].islower()
        if ends_sentence:
            # Wrapping breaks a line only when the next word does not fit on it.
            next_word = following.split(maxsplit=1)[0] if following.strip() else ""
            return len(line) < SENTENCE_LINE * self.width or len(line) + 1 + len(next_word) <= self.width
        # A short line before a full line or a sentence is a heading; short lines together (a
        # signature, an address, a title over two lines) stay one block, as do wrapped lines.
        return short and (len(following) >= SENTENCE_LINE * self.width or bool(SENTENCE_END_RE.search(following)))


def _group_blocks(
    lines: list[str], after_page_break: bool, bullet_re: re.Pattern[str], layout: _Layout | None = None
) -> list[Block]:
    """Text blocks for the lines before any bullet, then one block per bullet (split where paragraphs end)."""
    out: list[tuple[str, list[str]]] = []
    plain = layout is not None
    if layout is not None and not layout.applies_to(lines):
        layout = None
    for line in lines:
        match = bullet_re.match(line)
        if match:
            out.append((match["marker"], [match["text"]]))
        elif (
            out
            and not (layout and layout.ends_paragraph(out[-1][1][-1], line))
            and not (plain and (DATE_ONLY_RE.match(line) or DATE_ONLY_RE.match(out[-1][1][-1])))
        ):
            # A cover's date stands alone even among a few short lines (a title, its subtitle).
            out[-1][1].append(line)
        else:
            out.append(("", [line]))
    blocks = []
    for index, (marker, block_lines) in enumerate(out):
        blocks.append(
            Block(
                text="\n".join(block_lines),
                kind="bullet" if marker else "text",
                marker=marker,
                after_page_break=after_page_break and index == 0,
            )
        )
    return blocks
