"""Headings to sections, bullets to findings, and the paragraphs in reading order.

Input is cleaned blocks. A block is a heading when its format says so, when it
matches one of the report headings inspectorates use (:data:`SECTION_HEADINGS`),
or when it is the document's first short line (its title). A short line that
introduces a list inside a section is a sub-heading of that section.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from indexer.ingest.readers import MONTHS
from indexer.model import Block, Footnote

# Headings used in JTAI letters, HMICFRS reports and PCC responses, mapped to
# a section type and the finding type of the bullets under them.
SECTION_HEADINGS: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern, re.I), section_type, finding_type)
    for pattern, section_type, finding_type in (
        (r"^(key |main |areas of )?strengths?$", "key_strengths", "strength"),
        (
            r"^(key |main )?areas? for (further )?improvement( \d{1,3})?$|^afis?( \d{1,3})?$"
            r"|^actions? for (further )?improvement( \d{1,3})?$"
            r"|^(?!case stud)[\w ,'-]{3,60}: areas? for improvement$",
            "areas_for_improvement",
            "area_for_improvement",
        ),
        (r"^causes? (of|for) concern$", "causes_of_concern", "cause_of_concern"),
        (r"^causes? (of|for) concern and recommendations?$", "causes_of_concern", "cause_of_concern"),
        (r"^(notable|innovative|good|effective) practice$", "notable_practice", "notable_practice"),
        (r"^(key |main |summary of )?findings$|^key findings? and .*", "key_findings", "key_finding"),
        (r"^(our |summary of |the )?recommendations?$|^recommendation \d{1,3}$", "recommendations", "recommendation"),
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
FINDING_SECTIONS = {
    "key_strengths",
    "areas_for_improvement",
    "key_findings",
    "recommendations",
    "causes_of_concern",
    "notable_practice",
}
STATEMENT_SECTIONS = {"areas_for_improvement", "recommendations", "causes_of_concern"}
"""Sections whose plain paragraphs are findings when they say what someone should do."""
ACTION_RE = re.compile(r"\b(should|must|needs? to|will need to|is required to)\b", re.I)
# A finding labelled in its own text, wherever it stands: "Cause of concern: ...", "Recommendation 3 – ...",
# "AFI 7 - the force should ...", "Area for improvement 2: ...", "Notable practice: ...". A printed paragraph
# number may come first ("1.4 Recommendation: ...").
PRINTED_NUMBER_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,3}){0,2}\.?|[a-z]\)|\([a-z0-9]{1,3}\))\s+(?=\S)", re.I)
FINDING_LABELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), finding_type)
    for pattern, finding_type in (
        (r"^causes? (of|for) concern\s*(\d+)?\s*[:.–—-]\s*\S", "cause_of_concern"),
        (r"^recommendations?\s*(\d+)?\s*[:.–—-]\s*\S", "recommendation"),
        (
            r"^(afi|area for improvement|action for (further )?improvement)(\s*\(afi\))?\s*(\d+)?\s*[:.–—-]\s*\S",
            "area_for_improvement",
        ),
        # A recommendation stated with its deadline: "Within six months, the force should ...".
        (
            r"^(within (\w+|\d+) (days?|weeks?|months?|years?)|by (the end of )?(\d{1,2}(st|nd|rd|th)? )?[a-z]+ \d{4})"
            r",?\s[^.]{0,200}\bshould\b",
            "recommendation",
        ),
        (r"^(notable|innovative|good) practice\s*(\d+)?\s*[:.–—-]\s*\S", "notable_practice"),
    )
)
DEADLINE_LED = FINDING_LABELS[3][0]
"""The label pattern of a recommendation that opens with its deadline."""
QUESTION_HEADING_MAX_CHARS = 200
TITLE_MAX_CHARS = 250
PILLAR_RE = re.compile(r"^(effectiveness|efficiency|legitimacy|leadership)(\s*\(\d{4}\))?$", re.I)
"""PEEL's pillars, which head a force's page for each."""
# Numbered or lettered headings: "2. Findings", "Section 1. Summary", "Chapter 3", "Annex A", "Appendix I: Team".
NUMBERED_HEADING_RE = re.compile(
    r"^(?:(?:section|chapter|part)\s+\d{1,2}[.:]?|annex\s+[a-z0-9]{1,3}\b[.:]?|appendix\s+[a-z0-9]{1,4}\b[.:]?"
    r"|\d{1,2}\.)\s*(?P<rest>.*)$",
    re.I,
)

# A list introduced by a sentence that names the findings it lists ("the
# recommendations within the report, namely that all chief constables will:").
INTRODUCED_FINDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"recommendations?\b|\bwe recommend\b", re.I), "recommendation"),
    (re.compile(r"areas? for improvement", re.I), "area_for_improvement"),
    (re.compile(r"key findings?|main findings?", re.I), "key_finding"),
    (re.compile(r"\bstrengths\b", re.I), "strength"),
)

DATE_LINE_RE = re.compile(rf"^\s*\d{{1,2}}(st|nd|rd|th)? ({MONTHS}),? \d{{4}}\s*$", re.I)
SALUTATION_RE = re.compile(r"^dear\b", re.I)
VALEDICTION_RE = re.compile(r"^yours (sincerely|faithfully|truly)\b", re.I)
HEADING_MAX_CHARS = 160
SENTENCE_END = (".", ":", ";", ",", "?", "!")
LETTER_HEAD_BLOCKS = 6
DATE_LINE_AFTER_BLOCKS = 2
"""A date on a line of its own right under a page's title (and standfirst) is the page's date."""
RESPONSE_HEADING_MAX_WORDS = 6
"""A known heading longer than this, first in a document, is its title."""
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
    parent: int | None = None
    """For a recommendation, the index of the cause of concern it belongs to, among the paragraphs."""


@dataclass(frozen=True)
class Structure:
    """A document's title, paragraphs and the facts its layout gives away."""

    title: str | None
    paragraphs: tuple[DraftParagraph, ...]
    headings: tuple[tuple[str, str], ...]
    """(heading, section_type) pairs, in order."""
    letter_date: str | None
    """The date line a letter opens with, as printed."""
    dropped: tuple[tuple[str, str], ...] = ()
    """(text, reason) of blocks that are not paragraphs: a letter's heading, salutation, sign-off, signatures."""


def section_type_of(heading: str) -> tuple[str, str | None] | None:
    """The (section_type, finding_type) a known heading stands for, or None."""
    normalised = re.sub(r"\s+", " ", heading.strip().rstrip(":")).replace("’", "'")
    numbered = NUMBERED_HEADING_RE.match(normalised)
    candidates = [normalised] + ([numbered["rest"].strip()] if numbered and numbered["rest"].strip() else [])
    for candidate in candidates:
        for pattern, section_type, finding_type in SECTION_HEADINGS:
            if pattern.search(candidate):
                return section_type, finding_type
    return None


NUMBER_LABEL_RE = re.compile(
    r"^(?P<label>(recommendation|afi|area for improvement|action for (further )?improvement|cause of concern)"
    r"(\s*\(afi\))?\s*(?P<number>\d{1,3}))\b",
    re.I,
)


def finding_number(text: str) -> str | None:
    """A finding's number as printed: "Recommendation 3", "AFI 7", or the paragraph's own number ("1.4")."""
    printed = PRINTED_NUMBER_RE.match(text)
    unnumbered = PRINTED_NUMBER_RE.sub("", text, count=1)
    labelled = NUMBER_LABEL_RE.match(unnumbered)
    if labelled:
        return " ".join(labelled["label"].split())
    if printed and re.match(r"\d", printed.group(0).strip()):
        return printed.group(0).strip().rstrip(".")
    return None


def labelled_finding(text: str) -> str | None:
    """The finding type a paragraph's own label gives it ("Recommendation 3: ..."), if any."""
    unnumbered = PRINTED_NUMBER_RE.sub("", text, count=1)
    introduces = text.rstrip().endswith(":")
    for pattern, finding_type in FINDING_LABELS:
        if pattern is DEADLINE_LED and introduces:
            continue  # "Within three months, the force should:" introduces the recommendations that follow
        if pattern.match(unnumbered):
            return finding_type
    return None


def split_sections(blocks: list[Block]) -> Structure:
    """Sections and paragraphs of a cleaned document."""
    dropped: list[tuple[str, str]] = []
    blocks, letter_date = _strip_letter_chrome(blocks, dropped)
    title: str | None = None
    section, section_type, finding_type = DEFAULT_SECTION, "summary", None
    parent = section
    paragraphs: list[DraftParagraph] = []
    headings: list[tuple[str, str]] = []
    introduced: str | None = None
    cause: int | None = None  # the cause of concern that owns the recommendations after it

    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        known = section_type_of(block.text) if _heading_shaped(block) or _numbered_label(block) else None
        if known and index == 0 and title is None and len(block.text.split()) > RESPONSE_HEADING_MAX_WORDS:
            # "Police and Crime Commissioner comments on HMICFRS report into ..." opening a page is its title,
            # not the short "Commissioner's response" heading of a section.
            title = " ".join(block.text.split())
            continue
        if known:
            section = parent = block.text.rstrip(":")
            section_type, finding_type = known
            headings.append((section, section_type))
            introduced = None
            if section_type not in ("recommendations", "causes_of_concern"):
                cause = None
            continue
        if index == 0 and title is None and not _heading_shaped(block) and _title_over_lines(block):
            # A title long enough to wrap over two or three lines, first in the document.
            title = " ".join(block.text.split())
            continue
        if title is not None and block.kind == "text" and (
            _plain_text_heading(block.text) or _label_heading(block, following)
        ):
            # Plain text has no markup: PEEL's pillar names and questions, and numbered headings.
            if is_question_heading(block.text.strip()):
                section = f"{parent} › {block.text.strip()}"
            else:
                section = parent = block.text.strip()
                section_type, finding_type = "other", None
                headings.append((section, section_type))
                cause = None
            introduced = None
            continue
        if block.kind == "heading" or (
            _heading_shaped(block) and (title is None or _introduces_list(block, following))
        ):
            # Before the title there may be only fragments (a page viewer's text cut mid-sentence).
            if title is None and all(p.text[:1].islower() for p in paragraphs) and (block.level in (0, 1)):
                title = block.text
                continue
            if block.kind == "heading" and block.level <= 2 and not (following and following.kind == "bullet"):
                section = parent = block.text
                section_type, finding_type = "other", None
                headings.append((section, section_type))
                cause = None
            else:
                section = f"{parent} › {block.text}"
            introduced = None
            continue
        finding = None
        if block.kind == "bullet":
            finding = introduced or (finding_type if section_type in FINDING_SECTIONS else None)
        elif introduced and section_type in FINDING_SECTIONS and not block.text.rstrip().endswith(":"):
            # A findings section that lists its finding as a paragraph after "...:".
            finding = introduced
        elif (
            section_type in STATEMENT_SECTIONS
            and ACTION_RE.search(block.text)
            and not block.text.rstrip().endswith(":")
        ):
            # A findings section written as paragraphs, one finding each ("The force should ...").
            finding = finding_type
        elif section_type in ("notable_practice", "causes_of_concern") and not block.text.rstrip().endswith(":"):
            # Each paragraph under these headings is one practice, or one cause of concern.
            finding = finding_type
        finding = labelled_finding(block.text) or finding
        if finding == "cause_of_concern":
            cause = len(paragraphs)
        paragraphs.append(
            DraftParagraph(
                text=block.text,
                section=section,
                section_type=section_type,
                finding_type=finding,
                page=block.page,
                footnotes=block.footnotes,
                is_bullet=block.kind == "bullet",
                parent=cause if finding == "recommendation" else None,
            )
        )
        if block.kind == "text":
            introduced = _introduced_finding(block.text, section_type, finding_type)
    # Headings that no paragraph sits under (a run of headings, a page's last line) are not indexed: say so.
    placed = Counter(" ".join(p.text.split()) for p in paragraphs)
    previous: list[str] = []
    for paragraph in paragraphs:  # each run of paragraphs under a heading places that heading once
        parts = paragraph.section.split(" › ")
        placed.update(
            " ".join(part.split()) for depth, part in enumerate(parts) if previous[: depth + 1] != parts[: depth + 1]
        )
        previous = parts
    if title is not None:
        placed[" ".join(title.split())] += 1
    for block in blocks:
        text = " ".join(block.text.split())
        key = text if placed[text] > 0 else text.rstrip(":")
        if placed[key] > 0:
            placed[key] -= 1
        else:
            dropped.append((block.text, "heading with no text under it"))
    return Structure(title, tuple(paragraphs), tuple(headings), letter_date, tuple(dropped))


def _heading_shaped(block: Block) -> bool:
    if block.kind == "heading":
        return True
    if block.kind != "text":
        return False
    text = block.text.strip()
    if is_question_heading(text) or is_numbered_heading(text):
        return True
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and not text.endswith(SENTENCE_END)
        and "://" not in text
        and not text[:1].islower()
    )


def _numbered_label(block: Block) -> bool:
    """A one-line numbered list item that may be a numbered heading ("1. Summary", "4) Recommendations").

    Text extracted from a PDF numbers its headings as lists number their items; only the
    report headings inspectorates use (:func:`section_type_of`) are taken as headings from it.
    """
    text = block.text.strip()
    return (
        block.kind == "bullet"
        and block.marker[:1].isdigit()
        and "\n" not in text
        and 0 < len(text) <= HEADING_MAX_CHARS
        and not text.endswith(SENTENCE_END)
    )


def _title_over_lines(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind in ("text", "heading")
        and 0 < len(text) <= TITLE_MAX_CHARS
        and text.count("\n") <= 2
        and not text.endswith(SENTENCE_END)
        and text[:1].isupper()
    )


def _plain_text_heading(text: str) -> bool:
    text = text.strip()
    return is_question_heading(text) or is_numbered_heading(text) or bool(PILLAR_RE.match(text))


LABEL_HEADING_MAX_WORDS = 6
LABEL_HEADING_MAX_CHARS = 60
BARE_GRADE_RE = re.compile(
    r"^(outstanding|good|adequate|requires improvement|inadequate|reasonably good|not sufficiently good|poor"
    r"|not yet graded|to be graded)$",
    re.I,
)


LABEL_RE = re.compile(
    r"^(contents|foreword|preface|summary|overall summary|introduction|conclusions?|background|methodology"
    r"|our judgements?|(hmi|hm inspector)['’]s observations|about (this|the) (report|inspection)|glossary"
    r"|executive summary|key facts|next steps|our findings|terms of reference)$",
    re.I,
)
"""Labels that head a section wherever they stand, whatever follows them."""


def _label_heading(block: Block, following: Block | None) -> bool:
    """A short line with no full stop standing over a paragraph: a plain-text heading ("Investigating crime").

    A grade on its own line ("Requires improvement") is not one: it belongs to the heading above it.
    """
    text = " ".join(block.text.split())
    return (
        "\n" not in block.text.strip()
        and 0 < len(text) <= LABEL_HEADING_MAX_CHARS
        and len(text.split()) <= LABEL_HEADING_MAX_WORDS
        and text[:1].isupper()
        and not text.endswith(SENTENCE_END)
        and not BARE_GRADE_RE.match(text)
        and not DATE_LINE_RE.match(text)
        and not re.search(r"\d{4}|https?://|www\.|@", text)
        and (
            bool(LABEL_RE.match(text))
            or (
                following is not None
                and following.kind == "text"
                and (len(following.text) > 2 * len(text) or bool(BARE_GRADE_RE.match(following.text.strip())))
                and not following.text.lstrip().lower().startswith(("http", "www."))
            )
        )
    )


def is_question_heading(text: str) -> bool:
    """One line asking a question, as PEEL's headings do ("How effective is the force at ...?")."""
    return (
        text.endswith("?")
        and "\n" not in text
        and len(text) <= QUESTION_HEADING_MAX_CHARS
        and text[:1].isupper()
        and text.count("?") == 1
        and not text.startswith(('"', "'", "“", "‘"))
    )


def is_numbered_heading(text: str) -> bool:
    """A short numbered or lettered heading: "2. Findings", "Section 1. Summary", "Annex A"."""
    match = NUMBERED_HEADING_RE.match(text)
    if not match or "\n" in text or len(text) > HEADING_MAX_CHARS // 2:
        return False
    rest = match["rest"].strip()
    return not rest or (rest[:1].isupper() and not rest.endswith(SENTENCE_END))


def _introduces_list(block: Block, following: Block | None) -> bool:
    return following is not None and following.kind == "bullet"


def _introduced_finding(text: str, section_type: str, finding_type: str | None) -> str | None:
    """The finding type of a list that ``text`` introduces with a colon, if any."""
    if not text.rstrip().endswith(":"):
        return None
    if section_type == "causes_of_concern" and INTRODUCED_FINDINGS[0][0].search(text):
        return "recommendation"  # "To address this cause of concern, we recommend that the force should:"
    if section_type in FINDING_SECTIONS:
        return finding_type
    for pattern, introduced in INTRODUCED_FINDINGS:
        if pattern.search(text):
            return introduced
    return None


LETTER_TITLE_MIN_WORDS = 6


def _letter_title(block: Block) -> bool:
    """True for a letter's first line that is its title, not a date, an address or an addressee."""
    text = " ".join(block.text.split())
    return (
        len(text.split()) >= LETTER_TITLE_MIN_WORDS
        and _title_over_lines(block)
        and not DATE_LINE_RE.match(text)
        and "," not in text
        and not re.search(r"\b(office|dear|chief constable|director|commissioner)\b", text, re.I)
    )


def _strip_letter_chrome(blocks: list[Block], dropped: list[tuple[str, str]]) -> tuple[list[Block], str | None]:
    """Drop a letter's date line, addressees, salutation, sign-off and signatures (into ``dropped``)."""
    letter_date = None
    head = blocks[:LETTER_HEAD_BLOCKS]
    for index, block in enumerate(head):
        if SALUTATION_RE.match(block.text) and len(block.text) < 80:
            for earlier in blocks[:index]:
                if DATE_LINE_RE.match(earlier.text):
                    letter_date = earlier.text.strip()
            heading = blocks[:index]
            # A letter may carry its title above the salutation, before the date and addressees.
            titled = bool(heading) and _letter_title(heading[0])
            dropped.extend(
                (earlier.text, "letter heading: addressees and date") for earlier in heading[1 if titled else 0 :]
            )
            dropped.append((block.text, "salutation"))
            blocks = heading[:1] + blocks[index + 1 :] if titled else blocks[index + 1 :]
            break
    kept: list[Block] = []
    for position, block in enumerate(blocks):
        if VALEDICTION_RE.match(block.text):
            dropped.extend((later.text, "sign-off and signatures") for later in blocks[position:])
            break
        if block.kind == "signature" or DATE_LINE_RE.match(block.text):
            if letter_date is None and DATE_LINE_RE.match(block.text) and len(kept) <= DATE_LINE_AFTER_BLOCKS:
                letter_date = block.text.strip()
            dropped.append((block.text, "signature" if block.kind == "signature" else "date line"))
            continue
        kept.append(block)
    return kept, letter_date
