"""The accountability chain in the web app: the corpus-wide list of findings, its CSV, and its API.

Every state of the list is in the URL (``/recommendations?force=devon&status=no+response+found``),
so the page works without JavaScript and a filtered list can be shared or bookmarked.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.search.query import QueryError
from indexer.search.service import check_filter_count
from webapp.exports import neutralise
from webapp.links import absolute, permalink
from webapp.params import BadParams, _number, check_text
from webapp.reports import ID_RE
from webapp.service import get_service

bp = Blueprint("recommendations", __name__)

LIST_FILTERS = (
    ("force", "forces"),
    ("inspectorate", "inspectorates"),
    ("report", "report_id"),
    ("year", "year"),
    ("addressee", "addressees"),
    ("status", "status"),
    ("finding", "finding_type"),
    ("answered", "answered"),
)
"""URL parameter -> filter of the list; each may repeat (values combine with OR)."""
PER_PAGE = 50
CSV_COLUMNS = (
    "report_title", "published", "finding_type", "finding_label", "text", "addressees", "deadline", "forces",
    "inspectorates", "status", "responses", "permalink",
)  # fmt: skip


def list_args(args: MultiDict) -> tuple[dict[str, list[str]], int, int]:
    """The list's filters, page and page size from the URL; BadParams with a helpful message."""
    try:
        check_filter_count({name: len(args.getlist(param)) for param, name in LIST_FILTERS})
    except QueryError as error:
        raise BadParams(str(error)) from None
    for name, value in args.items(multi=True):
        check_text(name, value)
    known = {param for param, _ in LIST_FILTERS} | {"page", "per_page"}
    unknown = sorted(set(args) - known)
    if unknown:
        raise BadParams(f"Unknown parameter '{unknown[0]}'. Use: {', '.join(sorted(known))}.")
    filters = {}
    for param, name in LIST_FILTERS:
        values = list(dict.fromkeys(v.strip() for v in args.getlist(param) if v.strip()))
        if values:
            filters[name] = values
    return filters, _number(args.get("page"), "page", 1), _number(args.get("per_page"), "per_page", PER_PAGE)


def _url_args(filters: dict[str, list[str]], page: int = 1) -> dict:
    by_name = {name: param for param, name in LIST_FILTERS}
    values: dict = {by_name[name]: list(chosen) for name, chosen in filters.items() if name in by_name}
    if page != 1:
        values["page"] = page
    return values


@bp.get("/recommendations")
def index():
    filters, page, per_page = list_args(request.args)
    service = get_service()
    result = service.recommendations(filters, page=page, per_page=per_page)
    everything = service.recommendations({}, per_page=1)
    pages = max(1, -(-result["total"] // per_page))
    return render_template(
        "recommendations.html",
        result=result,
        options=_options(service),
        chosen=result["filters"],
        statuses=everything["statuses"],
        pages=pages,
        page=page,
        previous_url=url_for("recommendations.index", **_url_args(result["filters"], page - 1)) if page > 1 else None,
        next_url=url_for("recommendations.index", **_url_args(result["filters"], page + 1)) if page < pages else None,
        csv_url=url_for("recommendations.export_csv", **_url_args(result["filters"])),
        clear_url=url_for("recommendations.index"),
    )


def _options(service) -> dict[str, list[str]]:
    """The values each filter of the form offers: those the tracked findings have."""
    findings = service.all_recommendations({})
    options: dict[str, set[str]] = {name: set() for _, name in LIST_FILTERS}
    for finding in findings:
        options["forces"].update(finding["forces"])
        options["inspectorates"].update(finding["inspectorates"])
        options["report_id"].add(finding["report_id"])
        if finding["year"]:
            options["year"].add(str(finding["year"]))
        options["addressees"].update(finding["addressees"])
        options["status"].add(finding["status"])
        options["finding_type"].add(finding["finding_type"])
        options["answered"].add("not answered" if finding["status"] == "no response found" else "answered")
    return {name: sorted(values, reverse=name == "year") for name, values in options.items()}


@bp.get("/recommendations.csv")
def export_csv():
    filters, _, _ = list_args(request.args)
    findings = get_service().all_recommendations(filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for finding in findings:
        responses = "; ".join(
            f"{response['author'] or response['title']} ({response['published'] or 'undated'}): {response['status']}"
            for response in finding["responses"]
        )
        writer.writerow(
            neutralise(cell)
            for cell in [
                finding["report_title"], finding["published"] or "", finding["finding_type"],
                finding["finding_label"] or "", finding["text"], "; ".join(finding["addressees"]),
                finding["deadline"] or "", "; ".join(finding["forces"]), "; ".join(finding["inspectorates"]),
                finding["status"], responses, absolute(permalink(finding["id"])),
            ]
        )  # fmt: skip
    # A byte order mark, as the search export has, so that spreadsheets read the file as UTF-8.
    return "\ufeff" + buffer.getvalue(), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="findings-recommendations.csv"',
    }


@bp.get("/api/recommendations")
def api_list():
    """A page of the corpus's tracked findings with their responses and status."""
    filters, page, per_page = list_args(request.args)
    return jsonify(get_service().recommendations(filters, page=page, per_page=per_page))


@bp.get("/api/reports/<report_id>/findings")
def api_report_findings(report_id: str):
    """A report's recommendations, areas for improvement and causes of concern, with their responses."""
    if not ID_RE.fullmatch(report_id):
        abort(404)
    findings = get_service().report_findings(report_id)
    if findings is None:
        abort(404)
    return jsonify(findings)
