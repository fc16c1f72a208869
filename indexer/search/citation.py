"""Briefing-ready citations of a paragraph, in plain text and Markdown.

The caller supplies the permalink: the core knows ids, not addresses (the web app
makes them with ``url_for``, the CLI from ``FINDINGS_BASE_URL``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from indexer.model import spec

SECTION_LABELS = {
    "summary": "Summary",
    "key_strengths": "Key strengths",
    "areas_for_improvement": "Areas for improvement",
    "key_findings": "Key findings",
    "recommendations": "Recommendations",
    "case_study": "Case study",
    "next_steps": "Next steps",
    "causes_of_concern": "Causes of concern",
    "notable_practice": "Notable practice",
    "pcc_response": "PCC response",
    "chief_constable_response": "Chief Constable's response",
    "other": "Other",
}
FINDING_LABELS = {
    "strength": "Strength",
    "area_for_improvement": "Area for improvement",
    "recommendation": "Recommendation",
    "key_finding": "Key finding",
    "cause_of_concern": "Cause of concern",
    "notable_practice": "Notable practice",
}
DOC_TYPE_LABELS = {
    "inspection_report": "Inspection report",
    "thematic_report": "Thematic report",
    "inspection_letter": "Inspection letter",
    "pcc_response": "PCC response",
    "force_response": "Force response",
    "progress_update": "Progress update",
}


def human_date(published: str | None) -> str:
    """"8 January 2020" from "2020-01-08"; "May 2020" from "2020-05"."""
    if not published:
        return "undated"
    parts = [int(part) for part in published.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {date(*parts):%B %Y}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B %Y}"
    return str(parts[0])


def join_names(names: list[str]) -> str:
    """"A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


BASE_URL_RE = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


def checked_base_url(value: str | None) -> str:
    """A public base URL without its trailing slash ("" for none); ValueError unless absolute http(s)."""
    if not value:
        return ""
    base_url = str(value).strip().rstrip("/")
    if not BASE_URL_RE.fullmatch(base_url):
        raise ValueError(f"not an absolute http(s) address: {base_url!r}")
    return base_url


def ordinal(number: int) -> str:
    """"1st", "2nd", "3rd", "11th", "22nd", "36th"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True)
class Citation:
    """A briefing-ready citation of a paragraph, in plain text and in Markdown."""

    text: str = field(metadata=spec("Author, title, date, section, paragraph and page, then the permalink."))
    markdown: str = field(metadata=spec("The same, with the title linking to the permalink."))


def author_of(record) -> str:
    """Who a report or paragraph record is by, as its citation names it: the author as the document names
    itself ("HMIC" before 2017, the responding office for a response), else its inspectorates."""
    return record.get("author") or join_names(list(record.get("inspectorates") or [])) or "Unknown author"


def citation(record: dict, permalink: str) -> dict[str, str]:
    """Plain-text and Markdown citations (a :class:`Citation` as a dict) of a paragraph record."""
    author = author_of(record)
    section = record.get("section") or SECTION_LABELS.get(record.get("section_type") or "", "")
    # "para 3.14" only where the report prints that number; otherwise say which paragraph it is in reading order.
    printed = record.get("printed_number")
    where = [section, f"para {printed}" if printed else f"{ordinal(record['paragraph_number'])} paragraph"]
    if record.get("page"):
        where.append(f"p. {record['page']}")
    title = record.get("report_title") or ""
    when = human_date(record.get("published"))
    plain = f'{author}, "{title}", {when}, {", ".join(where)}, {permalink}'
    markdown_title = title.replace("[", "\\[").replace("]", "\\]")
    markdown = f'{author}, "[{markdown_title}]({permalink})", {when}, {", ".join(where)}'
    return dict(vars(Citation(text=plain, markdown=markdown)))
