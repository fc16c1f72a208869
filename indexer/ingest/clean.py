"""Repair raw blocks: boilerplate, footnotes, wrapped lines, split URLs, page breaks, quotes.

Every reader's output goes through :func:`clean_blocks`, so a fix here helps
every format. The order matters: footnotes come out before page-break joins,
because a footnote at the foot of a page sits between the two halves of the
paragraph that the page break cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from indexer.ingest.structure import section_type_of
from indexer.model import Block, Footnote

# Web chrome that scraped pages carry as text. Patterns from the cookie banners,
# skip links and share bars of GOV.UK-style and PCC office sites.
SKIP_LINK_RE = re.compile(r"^\s*skip to (the )?(main )?content\s*$", re.I)
BOILERPLATE_RES = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"^\s*this (site|website) uses cookies",
        r"^\s*cookies on (this|the|our) (site|website)\b",
        r"^\s*we use (some )?(essential |necessary )?cookies\b",
        r"\bcookies?\b.{0,120}\b(preferences|settings|consent|analytics|accept|reject)\b",
        r"^\s*(necessary|analytics|functional|marketing) cookies\s*$",
        r"^\s*(accept|reject) (all )?(additional |analytics )?cookies\s*$",
        r"^\s*(google analytics|cookie (policy|settings|preferences))\s*$",
        r"^\s*(back to top|print this page|share this page|share on (twitter|facebook|linkedin))\s*$",
        r"^\s*(you are here|breadcrumbs?)\s*:?",
        # A breadcrumb trail: "Home > News > PCC responds", "Home / Publications / PEEL".
        r"^\s*home\s*(>|»|›|/)\s*\S.{0,150}$",
        r"^\s*main content (is )?below\s*$",
        r"^\s*(planned |scheduled )?(website |site |service )?(downtime|maintenance|outage)( tonight| today)?\s*$",
        r"\b(website|site)\b.{0,80}\b(unavailable|offline|down for|maintenance)\b",
        r"^\s*(home|news|latest news|news and events|publications|menu|search|search this site|contact us|about us"
        r"|accessibility|privacy( notice| policy)?|sitemap|terms and conditions|related (news|content|links|pages)"
        r"|posted in [\w ]{1,30})\s*$",
        r"^\s*(contact us|accessibility|privacy( notice| policy)?|cookies|sitemap)(\s+(contact us|accessibility"
        r"|privacy( notice| policy)?|cookies|sitemap|terms and conditions)){1,5}\s*$",
        r"^\s*agenda item\s+\d+[a-z]?\s*$",
    )
)
# Print furniture, anywhere in a document: what it is, for the list of dropped lines.
FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), reason)
    for pattern, reason in (
        (r"^\s*(table of )?contents\s*$", "contents heading"),
        (r"^.{2,160}?(\s*\.){4,}\s*\d{1,3}\s*$", "contents line"),
        (r"^\s*(page\s+)?\d{1,3}(\s+of\s+\d{1,3})?\s*$", "page number"),
        (r"^\s*(©|\(c\)|copyright)\s.{0,60}\b(19|20)\d{2}\b[\s.]*$", "copyright line"),
        (r"^\s*(©|\(c\))\s*(crown copyright|hmic\w*|hmi \w+)[\s.]*$", "copyright line"),
        (r"^\s*isbn[:\s]*[\d-]{10,17}[\dx]?\s*$", "ISBN line"),
    )
)
POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
NAV_LABEL_CHARS, NAV_LABEL_WORDS = 40, 4
ADDRESS_MAX_CHARS = 240
ADDRESS_LINES = 5
"""Lines of an address above its postcode, at most, when each line is a block of its own."""
ADDRESS_LINE_CHARS = 60
COUNTRY_LINES = {"england", "wales", "scotland", "united kingdom", "uk"}
# Banners are at the top of a page; the looser cookie patterns only apply there.
BOILERPLATE_HEAD_BLOCKS = 30

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
FOOTNOTE_BLOCK_RE = re.compile(rf"^\s*(?P<marker>[{SUPERSCRIPT_DIGITS}]+)\s*(?P<text>\S.*)$", re.S)
# A superscript marker after a word or punctuation, e.g. "in Plymouth.¹ This".
FOOTNOTE_REF_RE = re.compile(rf"(?<=[\w.,;:)'\"’”])(?P<marker>[{SUPERSCRIPT_DIGITS}]+)")

URL_START_RE = re.compile(r"(?:https?://|www\.)\S*$", re.I)
URL_CONTINUATION_RE = re.compile(r"^[\w\-./?=&%#~+:@]+")
URL_ONLY_RE = re.compile(r"^\s*<?(?:https?://|www\.)\S+>?\s*$", re.I)

SIGNATURE_LINE_CHARS = 60
SIGNATURE_ROLE_RE = re.compile(
    r"^(deputy |assistant )?(police,? (fire )?and crime commissioner|chief constable|mayor|director|chief executive|"
    r"(deputy |assistant )?chief inspector|hm inspector)",
    re.I,
)

TERMINAL_PUNCTUATION = ".!?:;\"'”’)]"
CONNECTOR_WORDS = frozenset(
    ["a", "an", "and", "the", "of", "to", "in", "for", "with", "or", "on", "by", "as", "at", "from", "that", "which",
     "their", "its"]
)

QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
     "\u00a0": " ", "\u2009": " ", "\u202f": " "}
)
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SPACE_RE = re.compile(r"[ \t]+")


def clean_blocks(blocks: list[Block], dropped: list[tuple[str, str]] | None = None) -> list[Block]:
    """The cleaned blocks of one document, in reading order.

    Blocks dropped as boilerplate are appended to ``dropped`` as (text, reason), so that no
    line of a document disappears without a reason a user can see.
    """
    blocks = drop_boilerplate(blocks, dropped)
    blocks, footnotes = extract_footnotes(blocks)
    blocks = mark_signatures(blocks)
    blocks = split_leading_headings(blocks)
    blocks = [replace(block, text=join_lines(block.text)) for block in blocks]
    blocks = join_page_breaks(blocks)
    blocks = attach_footnotes(blocks, footnotes)
    blocks = [replace(block, text=normalise_text(block.text)) for block in blocks]
    blocks = join_url_blocks(blocks)
    return [block for block in blocks if block.text]


def drop_boilerplate(blocks: list[Block], dropped: list[tuple[str, str]] | None = None) -> list[Block]:
    """Drop cookie banners, skip links, site chrome and print furniture; a skip link ends the page chrome."""
    dropped = dropped if dropped is not None else []
    # What a reader already left out (an HTML page's navigation, say) is recorded with its reason.
    dropped.extend((block.text, block.marker) for block in blocks if block.kind == "dropped")
    blocks = [block for block in blocks if block.kind != "dropped"]
    head = blocks[:BOILERPLATE_HEAD_BLOCKS]
    for index, block in enumerate(head):
        if SKIP_LINK_RE.match(block.text):
            dropped.extend((earlier.text, "site chrome before the skip link") for earlier in blocks[:index])
            blocks = blocks[index:]
            break
    reasons = [
        boilerplate_reason(block.text, at_head=index < BOILERPLATE_HEAD_BLOCKS) for index, block in enumerate(blocks)
    ]
    _extend_addresses(blocks, reasons)
    _mark_navigation(blocks, reasons)
    _mark_contents(blocks, reasons)
    kept = []
    for block, reason in zip(blocks, reasons, strict=True):
        if reason:
            dropped.append((block.text, reason))
        else:
            kept.append(block)
    return kept


CONTENTS_ENTRY_RE = re.compile(r"^\s*\D[^\n]{0,150}?\s\d{1,3}\s*$")
"""A contents entry without leader dots: a heading, spaces, its page number ("Summary      1")."""


def _mark_contents(blocks: list[Block], reasons: list[str | None]) -> None:
    """The entries under a "Contents" heading, up to the first line that is not one."""
    for index, reason in enumerate(reasons):
        if reason != "contents heading":
            continue
        after = index + 1
        while after < len(blocks) and (
            reasons[after] == "contents line" or (not reasons[after] and CONTENTS_ENTRY_RE.match(blocks[after].text))
        ):
            reasons[after] = "contents line"
            after += 1


def _extend_addresses(blocks: list[Block], reasons: list[str | None]) -> None:
    """An address laid out one line a block: the short lines before a postcode, and a country after it."""
    for index, reason in enumerate(reasons):
        if reason != "postal address" or "\n" in blocks[index].text:
            continue
        start = index
        while (
            start > 0
            and index - start < ADDRESS_LINES
            and _address_line(blocks[start - 1].text)
            and not reasons[start - 1]
        ):
            start -= 1
        for earlier in range(start, index):
            reasons[earlier] = "postal address"
        after = index + 1
        if after < len(blocks) and blocks[after].text.strip().lower() in COUNTRY_LINES and not reasons[after]:
            reasons[after] = "postal address"


def _mark_navigation(blocks: list[Block], reasons: list[str | None]) -> None:
    """Short link labels between pieces of page chrome at the top of a page ("PEEL assessments")."""
    chrome = {"cookie banner or site chrome", "skip link", "site chrome before the skip link", "site navigation"}
    for index in range(min(len(blocks), BOILERPLATE_HEAD_BLOCKS) - 1, -1, -1):
        text = blocks[index].text.strip()
        if reasons[index] or len(text) > NAV_LABEL_CHARS or len(text.split()) > NAV_LABEL_WORDS:
            continue
        if text.endswith((".", "?", "!", ":")):
            continue
        before = reasons[index - 1] in chrome if index > 0 else True
        after = index + 1 < len(blocks) and reasons[index + 1] in chrome
        if before and after:
            reasons[index] = "site navigation"


def _address_line(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= ADDRESS_LINE_CHARS and not text.endswith((".", "?", "!")) and "\n" not in text


def boilerplate_reason(text: str, *, at_head: bool) -> str | None:
    """Why a block is boilerplate (its kind), or None when it is content."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1:
        # Lines of chrome run together ("Skip to content" / "Main content is below"): all must be chrome.
        first = boilerplate_reason(lines[0], at_head=at_head)
        if first and all(boilerplate_reason(line, at_head=at_head) for line in lines[1:]):
            return first
    if SKIP_LINK_RE.match(text):
        return "skip link"
    if at_head and any(pattern.search(text) for pattern in BOILERPLATE_RES):
        return "cookie banner or site chrome"
    for pattern, reason in FURNITURE:
        if pattern.match(text):
            return reason
    if (
        len(text) <= ADDRESS_MAX_CHARS
        and POSTCODE_RE.search(text)
        and not text.rstrip().endswith((".", "?", "!"))
        and text.count("\n") <= 8
    ):
        return "postal address"
    return None


def extract_footnotes(blocks: list[Block]) -> tuple[list[Block], dict[str, str]]:
    """Take footnote blocks out of the flow; returns the rest and marker -> text."""
    footnotes: dict[str, str] = {}
    kept = []
    for block in blocks:
        match = FOOTNOTE_BLOCK_RE.match(block.text) if block.kind in ("text", "footnote") else None
        if block.kind == "footnote":
            marker = (block.marker or (match["marker"] if match else "")).translate(SUPERSCRIPT_TO_DIGIT)
            text = match["text"] if match and not block.marker else block.text
            footnotes[marker] = normalise_text(join_lines(text))
        elif match:
            footnotes[match["marker"].translate(SUPERSCRIPT_TO_DIGIT)] = normalise_text(join_lines(match["text"]))
        else:
            kept.append(block)
    return kept, footnotes


def attach_footnotes(blocks: list[Block], footnotes: dict[str, str]) -> list[Block]:
    """Remove superscript markers from the text and attach their footnotes to the block."""
    out = []
    for block in blocks:
        markers = [m.translate(SUPERSCRIPT_TO_DIGIT) for m in FOOTNOTE_REF_RE.findall(block.text)]
        if not markers:
            out.append(block)
            continue
        notes = tuple(Footnote(marker, footnotes[marker]) for marker in markers if marker in footnotes)
        text = FOOTNOTE_REF_RE.sub("", block.text)
        out.append(replace(block, text=text, footnotes=block.footnotes + notes))
    return out


def mark_signatures(blocks: list[Block]) -> list[Block]:
    """Mark sign-off blocks (a name over a role and an area) so they are not paragraphs."""
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.text.split("\n") if line.strip()]
        if (
            block.kind == "text"
            and 2 <= len(lines) <= 5
            and all(len(line) <= SIGNATURE_LINE_CHARS and not line.endswith(".") for line in lines)
            and any(SIGNATURE_ROLE_RE.match(line) for line in lines[1:])
        ):
            block = replace(block, kind="signature")
        out.append(block)
    return out


def split_leading_headings(blocks: list[Block]) -> list[Block]:
    """Give a known heading its own block when no blank line follows it."""
    out = []
    for block in blocks:
        first, _, rest = block.text.partition("\n")
        if block.kind == "text" and rest.strip() and section_type_of(first):
            out.append(replace(block, text=first.strip(), links=()))
            out.append(replace(block, text=rest, after_page_break=False))
        else:
            out.append(block)
    return out


def join_lines(text: str) -> str:
    """Join hard-wrapped lines into one paragraph, re-joining URLs split across lines."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    joined = lines[0]
    for line in lines[1:]:
        joined = _join_pair(joined, line)
    return joined


def _join_pair(left: str, right: str) -> str:
    url = URL_START_RE.search(left)
    if url and _continues_url(url.group(0), right):
        return left + right
    if left.endswith("-") and not left.endswith(" -") and right[:1].islower():
        return left + right
    return f"{left} {right}"


def _continues_url(url: str, right: str) -> bool:
    """Whether ``right`` starts with the rest of a URL that a line break cut."""
    match = URL_CONTINUATION_RE.match(right)
    if not match:
        return False
    token = match.group(0)
    if url.endswith(("-", "/", "_", ".", "=", "?", "&", "%", "#")):
        return True
    # "uploads/report" + "-2020.pdf": the continuation itself looks like URL text.
    return any(char in token for char in "/._=?&%-") and not token.endswith((".", ","))


def join_page_breaks(blocks: list[Block]) -> list[Block]:
    """Re-join a paragraph or bullet whose next block starts mid-sentence."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and block.kind == "text" and _continues(previous, block):
            glue = "" if previous.text.endswith("-") and block.text[:1].islower() else " "
            out[-1] = replace(
                previous,
                text=previous.text + glue + block.text,
                links=previous.links + block.links,
                footnotes=previous.footnotes + block.footnotes,
            )
        else:
            out.append(block)
    return out


def _continues(previous: Block, block: Block) -> bool:
    if previous.kind not in ("text", "bullet") or not previous.text or not block.text:
        return False
    left = previous.text.rstrip()
    if left.endswith(tuple(TERMINAL_PUNCTUATION)) and not left.endswith(","):
        return False
    if URL_ONLY_RE.match(block.text):
        return False
    first = block.text.lstrip()[:1]
    if first.islower():
        return True
    last_word = left.rsplit(" ", 1)[-1].lower()
    return block.after_page_break and (left.endswith((",", "-")) or last_word in CONNECTOR_WORDS)


def join_url_blocks(blocks: list[Block]) -> list[Block]:
    """Put a block that is only a URL after the sentence that introduces it."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and previous.kind == "text" and URL_ONLY_RE.match(block.text) and block.kind == "text":
            url = block.text.strip().strip("<>")
            glue = " " if previous.text.endswith(":") else ": "
            out[-1] = replace(previous, text=previous.text + glue + url, links=previous.links + (block.links or (url,)))
        else:
            out.append(block)
    return out


def normalise_text(text: str) -> str:
    """Unicode-normalised text with straight quotes and single spaces."""
    text = INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text.translate(QUOTES))
    text = text.translate(QUOTES)
    return SPACE_RE.sub(" ", text).strip()
