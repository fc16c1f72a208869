"""The JSON API: the same result shape as the search page, the CLI's --json and the exports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from indexer.search.similar import DEFAULT_LIMIT
from webapp.links import base_url, report_url, with_links
from webapp.openapi import openapi_document
from webapp.params import parse_args, similar_args
from webapp.reports import ID_RE, linked_similar
from webapp.service import get_service, run_search

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.after_request
def _options_as_json(response: Response) -> Response:
    """Flask answers OPTIONS itself with an empty text/html body; the API answers JSON everywhere."""
    if request.method == "OPTIONS" and response.status_code == 200 and response.mimetype != "application/json":
        allowed = response.headers.get("Allow", "")
        answer = jsonify(allow=[method.strip() for method in allowed.split(",") if method.strip()])
        answer.headers["Allow"] = allowed
        return answer
    return response


@bp.get("/search")
def search():
    """One page of results with facets, glossary, suggestion and citations."""
    params = parse_args(request.args, default_per_page=current_app.config["PER_PAGE"])
    return jsonify(run_search(params))


@bp.get("/reports/<report_id>")
def report(report_id: str):
    """A whole report: its metadata, every paragraph (with permalink and citation) and linked reports."""
    if not ID_RE.fullmatch(report_id):
        abort(404)
    found = get_service().report(report_id)
    if found is None:
        abort(404)
    paragraphs = [with_links(record) for record in found["paragraphs"]]
    return jsonify(dict(found, url=report_url(report_id), paragraphs=paragraphs))


@bp.get("/paragraphs/<paragraph_id>")
def paragraph(paragraph_id: str):
    """One paragraph record with its permalink and citation, then the findings it answers or is answered by."""
    if not ID_RE.fullmatch(paragraph_id):
        abort(404)
    record = get_service().paragraph(paragraph_id)
    if record is None:
        abort(404)
    chain = {name: record.pop(name) for name in ("answers", "answered_by")}
    return jsonify(dict(with_links(record), **chain))


@bp.get("/paragraphs/<paragraph_id>/similar")
def similar(paragraph_id: str):
    """The paragraphs of other reports most like this one, with the words they share marked."""
    # No such paragraph is a 404 whatever else the request says.
    if not ID_RE.fullmatch(paragraph_id) or get_service().paragraph(paragraph_id) is None:
        abort(404)
    filters, limit = similar_args(request.args, default_limit=DEFAULT_LIMIT)
    found = linked_similar(paragraph_id, filters, limit)
    if found is None:
        abort(404)
    return jsonify(found)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(export_cap=current_app.config["EXPORT_CAP"], server_url=base_url()))
