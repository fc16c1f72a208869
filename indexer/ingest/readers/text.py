"""Plain text, usually text extracted from a PDF: blank lines separate blocks.

Extractors mark a page break with a form feed or with a run of blank lines;
PDF-extracted reports in the corpus use three or more.
"""

from __future__ import annotations

import re
from pathlib import Path

from indexer.ingest.readers.decode import decode_bytes
from indexer.model import Block

# A run of this many blank lines (or a form feed) is a page break in extracted text.
PAGE_BREAK_BLANK_LINES = 3

BULLET_RE = re.compile(r"^\s*(?P<marker>[-•●▪◦*–]|\d{1,2}[.)]|\([a-z0-9]{1,3}\))\s+(?P<text>\S.*)$")


def read(path: Path) -> list[Block]:
    """Blocks of a plain-text file."""
    return blocks_from_text(decode_bytes(path.read_bytes(), path))


def blocks_from_text(text: str, *, bullet_re: re.Pattern[str] = BULLET_RE) -> list[Block]:
    """Split text into blocks at blank lines, and each bullet into a block of its own."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    group: list[str] = []
    blank_run = 0
    page_break_pending = False

    def flush() -> None:
        nonlocal page_break_pending
        if group:
            blocks.extend(_group_blocks(group, page_break_pending and bool(blocks), bullet_re))
            page_break_pending = False
        group.clear()

    for line in text.split("\n"):
        if "\f" in line:
            flush()
            page_break_pending = True
            line = line.replace("\f", "")
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


def _group_blocks(lines: list[str], after_page_break: bool, bullet_re: re.Pattern[str]) -> list[Block]:
    """One text block for the lines before any bullet, then one block per bullet."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        match = bullet_re.match(line)
        if match:
            out.append((match["marker"], [match["text"]]))
        elif out:
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
