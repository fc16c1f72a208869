"""Read a PDF report into blocks by its layout: lines, paragraphs, bullets, headings, footnotes.

:mod:`.pdfwords` gives each page's words with their boxes, font size and weight (from
PDFium); everything else (which lines form a paragraph, which are headings, page furniture
or footnotes) is inferred here from geometry and type, relative to the document's own body
text. Page furniture is not lost: it comes out as ``dropped`` blocks that say what it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from pathlib import Path

from indexer.ingest.readers import RUNNING_REASON, furniture_key
from indexer.ingest.readers.pdfwords import UNMAPPED, Word, read_pages
from indexer.model import Block, BlockKind, ReportParseError

# ISO 32000-1 §7.5.2 puts "%PDF-" first, but Acrobat tolerates junk before it
# within the first 1024 bytes, and so do we; likewise for the final "%%EOF".
HEADER_WINDOW = 1024
EOF_WINDOW = 1024

# Glyphs that only ever mean "bullet" at the start of a line. The \uf0xx ones are
# the private-use code points Word writes for Symbol/Wingdings bullets.
BULLET_GLYPHS = frozenset("•●▪■◦○□‣⁃►▸➢✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc")
# These also start wrapped lines of running text ("– which"), so they need more evidence.
AMBIGUOUS_BULLETS = frozenset({"-", "–", "*"})
NUMBER_LABEL = re.compile(r"^(?:\d{1,2}[.)]|\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)|[a-z][.)])$")
SENTENCE_END = re.compile(r"[.:;!?]['’\")]*$")

PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$", re.I
)
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# A footnote line starts with a raised marker (possibly glued to the text) or a
# plain number followed by a space.
FOOTNOTE_START = re.compile(r"^(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*|(\d{1,3})[.)]?\s+)(\S.*)$")

# Ratios against the body text size, chosen for usual report typography (body 10-12pt,
# headings 14pt+, footnotes 8-9pt, sub-headings bold at body size); not fitted to a corpus.
HEADING_RATIO = 1.12
SMALL_RATIO = 0.9
SUPERSCRIPT_RATIO = 0.85
SUPERSCRIPT_RISE = 0.15
PARAGRAPH_GAP = 0.25  # extra vertical space, beyond normal leading, that ends a paragraph
HANGING_GAP = 0.5  # gap after a label that shows a hanging indent, not a word space
INDENT_TOLERANCE = 0.5
MAX_HEADING_LINES = 4
MAX_BOLD_HEADING_LINES = 2
MAX_BOLD_HEADING_WORDS = 15
# Running heads, footers and page numbers sit in this fraction of the page height.
MARGIN_ZONE = 0.12
PAGE_NUMBER_REASON = "page number"


@dataclass
class _Line:
    text: str
    x0: float
    top: float
    bottom: float
    size: float
    bold: bool
    label: str = ""
    label_certain: bool = False
    rest: str = ""
    text_x0: float = 0.0


@dataclass(eq=False)  # blocks are compared by identity: two can hold equal text
class _Raw:
    kind: BlockKind
    lines: list[_Line] = field(default_factory=list)
    marker: str = ""
    page: int = 0


def read(path: Path) -> list[Block]:
    """Read the PDF at ``path`` into the blocks of its text, in reading order, furniture left out."""
    return [block for block in read_all(path) if block.kind != "dropped"]


def read_all(path: Path) -> list[Block]:
    """Every line of the PDF at ``path`` as blocks in reading order: its text, and its page
    furniture (running heads and footers, page numbers) as ``dropped`` blocks with the reason."""
    _check_envelope(path)
    pages = [(height, _lines(words)) for height, words in read_pages(path)]
    blocks = _layout(pages) if any(lines for _, lines in pages) else []
    if all(block.kind == "dropped" for block in blocks):
        raise ReportParseError(str(path), "PDF has no extractable text (scanned?)")
    return blocks


def _check_envelope(path: Path) -> None:
    """Refuse a file that is no PDF, or is cut short, before PDFium tries to repair it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_WINDOW)
            handle.seek(max(0, handle.seek(0, 2) - EOF_WINDOW))
            tail = handle.read()
    except OSError as exc:
        raise ReportParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if b"%PDF-" not in head:
        raise ReportParseError(str(path), "not a PDF (no %PDF header)")
    if b"%%EOF" not in tail:
        raise ReportParseError(str(path), "corrupt or truncated PDF: no %%EOF at the end")


def _lines(words: Iterable[Word]) -> list[_Line]:
    """Group words into visual lines, top to bottom."""
    groups: list[list[Word]] = []
    span = (0.0, 0.0)
    for word in sorted(words, key=attrgetter("top", "x0")):
        if groups:
            overlap = min(span[1], word.bottom) - max(span[0], word.top)
            if overlap >= 0.5 * min(span[1] - span[0], word.bottom - word.top):
                groups[-1].append(word)
                span = (min(span[0], word.top), max(span[1], word.bottom))
                continue
        groups.append([word])
        span = (word.top, word.bottom)
    return [_line(sorted(g, key=attrgetter("x0"))) for g in groups]


@dataclass(slots=True)
class _Token:
    """Words of a line that touch, joined: a word and its raised footnote marker, say."""

    text: str
    x0: float
    x1: float


def _line(words: list[Word]) -> _Line:
    """Build one line: dominant size, bold, superscripts and a leading bullet label."""
    weight: dict[float, int] = {}
    for w in words:
        key = round(w.size, 1)
        weight[key] = weight.get(key, 0) + len(w.text)
    size = max(weight, key=weight.__getitem__)  # the first of equal weights, as Counter.most_common
    main = [w for w in words if abs(w.size - size) < 0.5] or words
    baseline = max(w.bottom for w in main)
    tokens: list[_Token] = []
    for w in words:
        text = w.text
        raised = w.bottom < baseline - SUPERSCRIPT_RISE * size
        if text.isdigit() and raised and w.size < SUPERSCRIPT_RATIO * size:
            text = text.translate(SUPERSCRIPTS)
        # Words split only by a change of font (a raised marker, a bold word) touch.
        if tokens and w.x0 - tokens[-1].x1 < 0.1 * min(size, w.size):
            tokens[-1].text += text
            tokens[-1].x1 = w.x1
        else:
            tokens.append(_Token(text, w.x0, w.x1))
    chars = sum(len(w.text) for w in main)
    bold = sum(len(w.text) for w in main if w.bold) >= 0.9 * chars
    top = min(w.top for w in main)
    line = _Line(" ".join(t.text for t in tokens), tokens[0].x0, top, baseline, size, bold)
    _find_label(line, tokens)
    return line


def _find_label(line: _Line, tokens: list[_Token]) -> None:
    """Spot a bullet glyph or list number at the start of the line."""
    head = tokens[0].text
    if len(head) > 1 and head[0] in BULLET_GLYPHS:
        # Glyph glued to the text: split it off, taking it as one character wide.
        x0, x1 = tokens[0].x0, tokens[0].x1
        split = x0 + (x1 - x0) / len(head)
        tokens = [_Token(head[0], x0, split), _Token(head[1:], split, x1), *tokens[1:]]
        head = head[0]
    if len(tokens) < 2:
        return
    hanging = tokens[1].x0 - tokens[0].x1 > HANGING_GAP * line.size
    # A glyph with no Unicode mapping, in front of indented text, is a bullet symbol.
    if head in BULLET_GLYPHS or head == UNMAPPED:
        line.label, line.label_certain = "-", True
    elif head in AMBIGUOUS_BULLETS:
        line.label, line.label_certain = "-", hanging
    elif NUMBER_LABEL.match(head) or (hanging and head.isdigit() and len(head) <= 2):
        # A bare "1" is a list number only when set apart like one; "12 forces" is prose.
        line.label, line.label_certain = head, hanging
    else:
        return
    line.rest = " ".join(t.text for t in tokens[1:])
    line.text_x0 = tokens[1].x0


def _layout(pages: list[tuple[float, list[_Line]]]) -> list[Block]:
    """Turn every page's lines into blocks, then settle heading levels."""
    body = _body_size(pages)
    gap = _line_gap(pages, body)
    running = _running_texts(pages)
    raws: list[_Raw] = []
    for number, (height, lines) in enumerate(pages, start=1):
        heads, lines, feet = _split_furniture(lines, height, running, body)
        lines, notes = _split_footnotes(lines, body)
        page_raws = heads + _group(lines, body, gap) + notes + feet
        for raw in page_raws:
            raw.page = number
        raws.extend(page_raws)
    return _to_blocks(raws, body)


def _body_size(pages: list[tuple[float, list[_Line]]]) -> float:
    """The size most of the text is set in (over the whole document: a page may be all headings)."""
    weight: Counter[float] = Counter()
    for _, lines in pages:
        for line in lines:
            weight[line.size] += len(line.text)
    return weight.most_common(1)[0][0]


def _line_gap(pages: list[tuple[float, list[_Line]]], body: float) -> float:
    """The usual space between lines of a body paragraph (lower quartile of gaps)."""
    gaps = sorted(
        b.top - a.bottom
        for _, lines in pages
        for a, b in pairwise(lines)
        if abs(a.size - body) < 0.5 and abs(b.size - body) < 0.5 and -1 < b.top - a.bottom < 1.5 * body
    )
    return max(gaps[len(gaps) // 4], 0.0) if gaps else 0.25 * body


def _running_texts(pages: list[tuple[float, list[_Line]]]) -> set[str]:
    """Texts found in the top or bottom margin of at least half the pages (and two)."""
    seen: Counter[str] = Counter()
    for height, lines in pages:
        top, bottom = MARGIN_ZONE * height, (1 - MARGIN_ZONE) * height
        seen.update({furniture_key(ln.text) for ln in lines if ln.bottom <= top or ln.top >= bottom})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, count in seen.items() if key and count >= needed}


def _split_furniture(
    lines: list[_Line], height: float, running: set[str], body: float
) -> tuple[list[_Raw], list[_Line], list[_Raw]]:
    """Take page numbers and running heads/footers off the top and bottom of a page.

    Returns the furniture above the text and below it as ``dropped`` blocks, each with the
    reason, and the lines left between. Furniture is small print: a line in heading type is
    kept, such as a cover's title high on the page that the running head repeats.
    """

    def reason(line: _Line) -> str:
        if line.size >= HEADING_RATIO * body:
            return ""
        if PAGE_NUMBER.match(line.text.strip()):
            return PAGE_NUMBER_REASON
        return RUNNING_REASON if furniture_key(line.text) in running else ""

    def dropped(line: _Line) -> _Raw:
        line.rest = line.text
        return _Raw("dropped", [line], marker=reason(line))

    start, end = 0, len(lines)
    while start < end and lines[start].bottom <= MARGIN_ZONE * height and reason(lines[start]):
        start += 1
    while end > start and lines[end - 1].top >= (1 - MARGIN_ZONE) * height and reason(lines[end - 1]):
        end -= 1
    return [dropped(ln) for ln in lines[:start]], lines[start:end], [dropped(ln) for ln in lines[end:]]


def _split_footnotes(lines: list[_Line], body: float) -> tuple[list[_Line], list[_Raw]]:
    """Take the small-type lines at the page bottom that start with a number as footnotes."""
    start = len(lines)
    while start > 0 and lines[start - 1].size <= SMALL_RATIO * body:
        start -= 1
    notes: list[_Raw] = []
    if start == 0:
        return lines, notes  # a page all in small type is a table or an annex, not notes
    keep = len(lines)
    for index in range(start, len(lines)):
        match = FOOTNOTE_START.match(lines[index].text)
        marker = (match.group(1) or match.group(2)).translate(DIGITS) if match else ""
        # Markers run in order down the page; a wrapped line starting "12 forces" is no new note.
        if match and (not notes or int(marker) == int(notes[-1].marker) + 1):
            line = lines[index]
            line.rest = match.group(3)
            notes.append(_Raw("footnote", [line], marker=marker))
            keep = min(keep, index)
        elif notes:
            lines[index].rest = lines[index].text
            notes[-1].lines.append(lines[index])
    return lines[:keep], notes


def _group(lines: list[_Line], body: float, line_gap: float) -> list[_Raw]:
    """Group a page's lines into text and bullet blocks by spacing, indent and type."""
    raws: list[_Raw] = []
    prev: _Line | None = None
    for line in lines:
        current = raws[-1] if raws else None
        if current is None or prev is None or _breaks(prev, line, body, line_gap):
            # The page's first line, or a break: a new block, a bullet if the line has a label.
            if line.label:
                raws.append(_Raw("bullet", [line], marker=line.label))
            else:
                line.rest = line.text
                raws.append(_Raw("text", [line]))
        elif line.label and (
            # An uncertain label needs a block start, a list, or a finished sentence before it.
            line.label_certain or current.kind == "bullet" or SENTENCE_END.search(prev.text)
        ):
            raws.append(_Raw("bullet", [line], marker=line.label))
        elif current.kind == "bullet" and abs(line.x0 - current.lines[0].text_x0) > INDENT_TOLERANCE * line.size:
            line.rest = line.text  # back at the margin: the list has ended
            raws.append(_Raw("text", [line]))
        else:
            line.rest = line.text
            current.lines.append(line)
        prev = line
    return raws


def _breaks(prev: _Line, line: _Line, body: float, line_gap: float) -> bool:
    """Whether ``line`` cannot continue the block that ``prev`` ends."""
    size = max(prev.size, line.size)
    if line.top - prev.bottom > (line_gap / body + PARAGRAPH_GAP) * size:
        return True
    if abs(prev.size - line.size) >= 0.5:
        return True
    if prev.bold != line.bold and line.text[:1].isupper():
        # Bold to regular at a new sentence ends a bold heading; regular to bold after a
        # full stop starts one. A bold lead-in wrapping mid-sentence stays together.
        return prev.bold or SENTENCE_END.search(prev.text) is not None
    return False


def _to_blocks(raws: list[_Raw], body: float) -> list[Block]:
    """Classify headings, give them levels, and emit blocks with page-break flags."""
    headings = [r for r in raws if r.kind == "text" and _is_heading(r, body)]
    for raw in headings:
        raw.kind = "heading"
    title_size = max((_size(r) for r in headings if r.page == 1 and _size(r) >= HEADING_RATIO * body), default=0.0)
    titles = [r for r in headings if r.page == 1 and title_size and abs(_size(r) - title_size) < 0.5]
    top_size = max((_size(r) for r in headings if r not in titles), default=0.0)
    blocks: list[Block] = []
    last_page = 1
    for raw in raws:
        level = 0
        if raw.kind == "heading":
            level = 1 if raw in titles else 2 if abs(_size(raw) - top_size) < 0.5 else 3
        joiner = " " if raw.kind == "heading" else "\n"
        text = joiner.join(ln.rest.strip() for ln in raw.lines if ln.rest.strip())
        if not text:
            continue
        if raw.kind == "dropped":
            # Furniture is taken out before pages are joined: the break belongs to the text after it.
            blocks.append(Block(text, raw.kind, raw.page, marker=raw.marker))
            continue
        blocks.append(Block(text, raw.kind, raw.page, raw.page > last_page, level, raw.marker))
        last_page = raw.page
    return blocks


def _size(raw: _Raw) -> float:
    return max(ln.size for ln in raw.lines)


def _is_heading(raw: _Raw, body: float) -> bool:
    """Large type, or a short bold line at body size that does not read as a sentence."""
    text = " ".join(ln.text for ln in raw.lines)
    if not any(ch.isalpha() for ch in text) or len(raw.lines) > MAX_HEADING_LINES:
        return False
    if _size(raw) >= HEADING_RATIO * body:
        return True
    return (
        all(ln.bold for ln in raw.lines)
        and _size(raw) > SMALL_RATIO * body
        and len(raw.lines) <= MAX_BOLD_HEADING_LINES
        and len(text.split()) <= MAX_BOLD_HEADING_WORDS
        and not text.rstrip().endswith((".", ",", ";"))
    )
