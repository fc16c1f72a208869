"""Report pages (every paragraph, numbered and anchored) and paragraph permalinks."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.ingest.pipeline import slugify
from indexer.search.highlight import find_matches
from webapp.links import cite
from webapp.params import check_text
from webapp.service import get_service

bp = Blueprint("reports", __name__)

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")
"""Report and paragraph ids: anything else (dots, slashes, encodings) is not a page here."""
ANCHOR_RE = re.compile(r"p-[a-z0-9-]{1,64}")
SECTION_LEVELS_SEPARATOR = " › "


@bp.get("/reports")
def index():
    return render_template("reports.html", reports=get_service().reports())


@bp.get("/reports/<report_id>")
def report(report_id: str):
    if not ID_RE.fullmatch(report_id):
        abort(404)
    query = _query_arg()
    cited = request.args.get("p", "")
    cited = cited if ANCHOR_RE.fullmatch(cited) else ""
    service = get_service()
    report = service.report(report_id)
    if report is None:
        abort(404)
    spec = service.match_spec(query) if query else None
    sections, footnotes, matches = _layout(report["paragraphs"], spec, cited)
    cited_record = next((record for record in report["paragraphs"] if record["anchor"] == cited), None)
    if cited_record is None:
        cited = ""
    return render_template(
        "report.html",
        report=report,
        sections=sections,
        contents=[section for section in sections if section["new_heading"]],
        footnotes=footnotes,
        matches=matches,
        query=query,
        cited=cited,
        citation=cite(cited_record) if cited_record else None,
        clear_url=url_for("reports.report", report_id=report_id, p=cited or None, _anchor=cited or None),
        search_url=url_for("search.search", q=query) if query else None,
        reading=service.reading(report_id),
        grades=_grades(report["paragraphs"]),
        findings=[record for record in report["paragraphs"] if record["finding_type"]],
        chain=service.report_findings(report_id) or [],
        answers=service.answers_in(report_id),
    )


def _grades(records: list[dict]) -> list[dict]:
    """The graded judgements, once per heading they grade, in reading order."""
    seen: dict[tuple[str, str], dict] = {}
    for record in records:
        if record.get("grade"):
            key = (record["section"], record["grade"])
            if key not in seen:
                question = record["section"].split(SECTION_LEVELS_SEPARATOR)[-1]
                seen[key] = {"question": question, "grade": record["grade"], "anchor": record["anchor"]}
    return list(seen.values())


@bp.get("/p/<paragraph_id>")
def permalink(paragraph_id: str):
    """The permanent address of a paragraph: 302 to its place in its report (keeping ?q= highlighting)."""
    if not ID_RE.fullmatch(paragraph_id):
        abort(404)
    query = _query_arg()
    record = get_service().paragraph(paragraph_id)
    if record is None:
        abort(404)
    target = url_for(
        "reports.report",
        report_id=record["report_id"],
        q=query or None,
        p=record["anchor"],
        _anchor=record["anchor"],
    )
    return redirect(target, code=302)


def _query_arg() -> str:
    query = request.args.get("q", "")
    check_text("q", query)
    return query.strip()


def _layout(paragraphs: list[dict], spec, cited: str) -> tuple[list[dict], list[dict], list[dict]]:
    """Sections in reading order, the report's footnotes, and the paragraphs the query matched."""
    sections: list[dict] = []
    footnotes: list[dict] = []
    matches: list[dict] = []
    used_ids: set[str] = set()
    for record in paragraphs:
        title = record.get("section") or "Untitled section"
        if not sections or sections[-1]["title"] != title:
            heading, _, subheading = title.partition(SECTION_LEVELS_SEPARATOR)
            new_heading = not sections or sections[-1]["heading"] != heading
            sections.append(
                {
                    "title": title,
                    "heading": heading,
                    "subheading": subheading,
                    "new_heading": new_heading,
                    "id": _unique_id(_slug(title), used_ids),
                    "paragraphs": [],
                }
            )
        highlight = find_matches(record["text"] or "", spec) if spec else None
        notes = []
        for note in record["footnotes"]:
            number = len(footnotes) + 1
            entry = {"number": number, "marker": note["marker"], "text": note["text"], "id": f"fn-{number}",
                     "ref_id": f"fnref-{number}", "anchor": record["anchor"]}  # fmt: skip
            footnotes.append(entry)
            notes.append(entry)
        paragraph = {
            "record": record,
            "html": highlight.html() if highlight else None,
            "matched": bool(highlight and highlight.spans),
            "cited": record["anchor"] == cited,
            "footnotes": notes,
        }
        if paragraph["matched"]:
            matches.append({"number": record["paragraph_number"], "anchor": record["anchor"]})
        sections[-1]["paragraphs"].append(paragraph)
    return sections, footnotes, matches


def _slug(text: str) -> str:
    return "section-" + slugify(text, max_chars=60, default="untitled")


def _unique_id(candidate: str, used: set[str]) -> str:
    result, number = candidate, 2
    while result in used:
        result, number = f"{candidate}-{number}", number + 1
    used.add(result)
    return result

