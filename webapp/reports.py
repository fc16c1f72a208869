"""Report pages (every paragraph, numbered and anchored) and paragraph permalinks."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.ingest.pipeline import slugify
from indexer.search.citation import FINDING_LABELS
from indexer.search.highlight import find_matches
from indexer.search.query import QueryError
from indexer.search.similar import DEFAULT_LIMIT, MAX_LIMIT
from webapp.links import cite, with_links
from webapp.params import URL_FILTERS, BadParams, check_text, similar_args
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
    # The permalink's landing: the cited paragraph with its similar findings in other reports.
    similar = linked_similar(cited_record["id"], {}, DEFAULT_LIMIT) if cited_record else None
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
        similar=similar,
    )


def _grades(records: list[dict]) -> list[dict]:
    """The graded judgements, once per heading they grade, in reading order."""
    seen: dict[tuple[str, str], dict] = {}
    for record in records:
        if record.get("grade"):
            question = _graded_question(record)
            key = (question, record["grade"])
            if key not in seen:
                seen[key] = {"question": question, "grade": record["grade"], "anchor": record["anchor"]}
    return list(seen.values())


GRADED_STATEMENT_RE = re.compile(r"^(?P<question>.{10,160}?)\s+(?:is|are|was)\s*:?\s*['‘\"“]?[a-z ]+['’\"”]?\.?$", re.I)


def _graded_question(record: dict) -> str:
    """What a grade is for: the question a statement names ("The extent to which the force is effective at
    investigating crime is: adequate."), else the heading the paragraph sits under."""
    statement = GRADED_STATEMENT_RE.match(" ".join(record["text"].split()))
    if statement and record["grade"] in record["text"].lower():
        return statement["question"]
    return record["section"].split(SECTION_LEVELS_SEPARATOR)[-1]


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


def linked_similar(paragraph_id: str, filters: dict[str, list[str]], limit: int) -> dict | None:
    """A paragraph's similar findings, each paragraph with its permalink and citation; None if no such paragraph."""
    found = get_service().similar(paragraph_id, filters=filters, limit=limit)
    if found is None:
        return None
    return dict(found, paragraph=with_links(found["paragraph"]), results=[with_links(r) for r in found["results"]])


@bp.get("/p/<paragraph_id>/similar")
def similar(paragraph_id: str):
    """Paragraphs of other reports that say much the same; ``?partial=1`` gives the list alone, for findings.js."""
    if not ID_RE.fullmatch(paragraph_id) or get_service().paragraph(paragraph_id) is None:
        abort(404)
    partial = request.args.get("partial") == "1"
    args = request.args.copy()
    args.pop("partial", None)
    try:
        filters, limit = similar_args(args, default_limit=DEFAULT_LIMIT)
        found = linked_similar(paragraph_id, filters, limit)
    except (BadParams, QueryError) as error:
        if partial:
            raise
        return _similar_problem(paragraph_id, str(error), args)
    if found is None:
        abort(404)
    template = "_similar.html" if partial else "similar.html"
    return render_template(template, similar=found, **_similar_form(found, args))


def _similar_form(found: dict | None, args) -> dict:
    """The filter form's choices: forces and kinds of finding, with what is selected."""
    stats = get_service().stats()
    selected_force = args.getlist("force")
    selected_finding = args.getlist("finding")
    return {
        "force_options": [item["value"] for item in stats["forces"]],
        "finding_options": list(FINDING_LABELS.items()),
        "selected_force": (found["filters"].get("forces") if found else None) or selected_force,
        "selected_finding": (found["filters"].get("finding_type") if found else None) or selected_finding,
        "limit": found["limit"] if found else DEFAULT_LIMIT,
        "limits": sorted({DEFAULT_LIMIT, 10, MAX_LIMIT}),
        "filter_params": [param for param, _ in URL_FILTERS],
    }


def _similar_problem(paragraph_id: str, message: str, args):
    record = get_service().paragraph(paragraph_id)
    if record is None:
        abort(404)
    found: dict = {"paragraph": with_links(record), "marked": None, "key_terms": [], "filters": {},
                   "limit": DEFAULT_LIMIT, "results": []}  # fmt: skip
    return render_template("similar.html", similar=found, error=message, **_similar_form(None, args)), 400


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

