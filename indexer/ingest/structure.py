"""Headings to sections, bullets to findings, and the paragraphs in reading order.

Input is cleaned blocks. A block is a heading when its format says so, when it
matches one of the report headings inspectorates use (:data:`SECTION_HEADINGS`),
or when it is the document's first short line (its title). A short line that
introduces a list inside a section is a sub-heading of that section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.model import Block, Footnote

# Headings used in JTAI letters, HMICFRS reports and PCC responses (see the
# shared domain notes), mapped to a section type and the finding type of the
# bullets under them.
SECTION_HEADINGS: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern, re.I), section_type, finding_type)
    for pattern, section_type, finding_type in (
        (r"^(key |main |areas of )?strengths?$", "key_strengths", "strength"),
        (r"^(key |main )?areas? for improvement$|^afis?$", "areas_for_improvement", "area_for_improvement"),
        (r"^(key |main |summary of )?findings$|^key findings? and .*", "key_findings", "key_finding"),
        (r"^(our |summary of |the )?recommendations?$", "recommendations", "recommendation"),
        (r"^case stud(y|ies)\b", "case_study", None),
        (r"^next steps?$|^what happens next$", "next_steps", None),
        (r"^chief constable'?s'? (response|comments)", "chief_constable_response", None),
        (
            r"(police,? (and )?crime (and fire )?commissioner'?s'?|pcc'?s'?|commissioner'?s'?|mayor'?s'?)"
            r" (response|comments)"
            r"|^response from:? .*(police and crime commissioner|opcc|commissioner|mayor)",
            "pcc_response",
            None,
        ),
        (
            r"^(summary|overview|executive summary|introduction|background|about this (report|inspection))$",
            "summary",
            None,
        ),
    )
)
FINDING_SECTIONS = {"key_strengths", "areas_for_improvement", "key_findings", "recommendations"}

# A list introduced by a sentence that names the findings it lists ("the
# recommendations within the report, namely that all chief constables will:").
INTRODUCED_FINDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"recommendations?\b", re.I), "recommendation"),
    (re.compile(r"areas? for improvement", re.I), "area_for_improvement"),
    (re.compile(r"key findings?|main findings?", re.I), "key_finding"),
    (re.compile(r"\bstrengths\b", re.I), "strength"),
)

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE_RE = re.compile(rf"^\s*\d{{1,2}}(st|nd|rd|th)? ({MONTHS}),? \d{{4}}\s*$", re.I)
SALUTATION_RE = re.compile(r"^dear\b", re.I)
VALEDICTION_RE = re.compile(r"^yours (sincerely|faithfully|truly)\b", re.I)
HEADING_MAX_CHARS = 160
SENTENCE_END = (".", ":", ";", ",", "?", "!")
LETTER_HEAD_BLOCKS = 6
DEFAULT_SECTION = "Summary"


@dataclass(frozen=True)
class DraftParagraph:
    """A paragraph placed in its section, before report metadata is known."""

    text: str
    section: str
    section_type: str
    finding_type: str | None
    page: int | None
    footnotes: tuple[Footnote, ...]
    is_bullet: bool


@dataclass(frozen=True)
class Structure:
    """A document's title, paragraphs and the facts its layout gives away."""

    title: str | None
    paragraphs: tuple[DraftParagraph, ...]
    headings: tuple[tuple[str, str], ...]
    """(heading, section_type) pairs, in order."""
    letter_date: str | None
    """The date line a letter opens with, as printed."""


def section_type_of(heading: str) -> tuple[str, str | None] | None:
    """The (section_type, finding_type) a known heading stands for, or None."""
    normalised = re.sub(r"\s+", " ", heading.strip().rstrip(":")).replace("’", "'")
    for pattern, section_type, finding_type in SECTION_HEADINGS:
        if pattern.search(normalised):
            return section_type, finding_type
    return None


def split_sections(blocks: list[Block]) -> Structure:
    """Sections and paragraphs of a cleaned document."""
    blocks, letter_date = _strip_letter_chrome(blocks)
    title: str | None = None
    section, section_type, finding_type = DEFAULT_SECTION, "summary", None
    parent = section
    paragraphs: list[DraftParagraph] = []
    headings: list[tuple[str, str]] = []
    introduced: str | None = None

    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        known = section_type_of(block.text) if _heading_shaped(block) else None
        if known:
            section = parent = block.text.rstrip(":")
            section_type, finding_type = known
            headings.append((section, section_type))
            introduced = None
            continue
        if block.kind == "heading" or (
            _heading_shaped(block) and (title is None or _introduces_list(block, following))
        ):
            if title is None and not paragraphs and (block.level in (0, 1)):
                title = block.text
                continue
            if block.kind == "heading" and block.level <= 2 and not (following and following.kind == "bullet"):
                section = parent = block.text
                section_type, finding_type = "other", None
                headings.append((section, section_type))
            else:
                section = f"{parent} › {block.text}"
            introduced = None
            continue
        finding = None
        if block.kind == "bullet":
            finding = finding_type if section_type in FINDING_SECTIONS else introduced
        elif introduced and section_type in FINDING_SECTIONS:
            # A findings section that lists its finding as a paragraph after "...:".
            finding = introduced
        paragraphs.append(
            DraftParagraph(
                text=block.text,
                section=section,
                section_type=section_type,
                finding_type=finding,
                page=block.page,
                footnotes=block.footnotes,
                is_bullet=block.kind == "bullet",
            )
        )
        if block.kind == "text":
            introduced = _introduced_finding(block.text, section_type, finding_type)
    return Structure(title, tuple(paragraphs), tuple(headings), letter_date)


def _heading_shaped(block: Block) -> bool:
    if block.kind == "heading":
        return True
    if block.kind != "text":
        return False
    text = block.text.strip()
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and not text.endswith(SENTENCE_END)
        and "://" not in text
        and not text[:1].islower()
    )


def _introduces_list(block: Block, following: Block | None) -> bool:
    return following is not None and following.kind == "bullet"


def _introduced_finding(text: str, section_type: str, finding_type: str | None) -> str | None:
    """The finding type of a list that ``text`` introduces with a colon, if any."""
    if not text.rstrip().endswith(":"):
        return None
    if section_type in FINDING_SECTIONS:
        return finding_type
    for pattern, introduced in INTRODUCED_FINDINGS:
        if pattern.search(text):
            return introduced
    return None


def _strip_letter_chrome(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """Drop a letter's date line, addressees, salutation, sign-off and signatures."""
    letter_date = None
    head = blocks[:LETTER_HEAD_BLOCKS]
    for index, block in enumerate(head):
        if SALUTATION_RE.match(block.text) and len(block.text) < 80:
            for earlier in blocks[:index]:
                if DATE_LINE_RE.match(earlier.text):
                    letter_date = earlier.text.strip()
            blocks = blocks[index + 1 :]
            break
    kept: list[Block] = []
    for block in blocks:
        if VALEDICTION_RE.match(block.text):
            break
        if block.kind == "signature" or DATE_LINE_RE.match(block.text):
            if letter_date is None and DATE_LINE_RE.match(block.text) and not kept:
                letter_date = block.text.strip()
            continue
        kept.append(block)
    return kept, letter_date
