"""The current search as a CSV or JSON download: every match up to EXPORT_CAP, with citations.

The cap (``FINDINGS_EXPORT_CAP``, default 5000) is documented on the help
page and in the OpenAPI document; a capped export says so (the
``X-Findings-Truncated`` header, and ``truncated`` in JSON).
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, jsonify, request

from indexer.ingest.pipeline import slugify
from webapp.params import SearchParams, parse_args
from webapp.service import base_url, get_service

bp = Blueprint("exports", __name__)

CSV_COLUMNS = (
    "id", "report_id", "report_title", "doc_type", "published", "inspectorates", "forces", "areas", "themes",
    "section", "section_type", "finding_type", "paragraph_number", "page", "text", "permalink", "citation",
    "citation_markdown",
)  # fmt: skip
LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Cells a spreadsheet would run as a formula (OWASP "CSV injection"): such cells get a leading apostrophe."""


def neutralise(cell: object) -> object:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def _records(params: SearchParams) -> tuple[list[dict], bool]:
    cap = current_app.config["EXPORT_CAP"]
    root = base_url()
    records = get_service().export(
        params.q, filters=params.service_filters, sort=params.sort, cap=cap + 1, base_url=root
    )
    for record in records:
        record["permalink"] = root + record["url"]
    return records[:cap], len(records) > cap


def _filename(params: SearchParams, extension: str) -> str:
    return f"findings-{slugify(params.q, max_chars=40, default='all')}.{extension}"


@bp.get("/search.csv", endpoint="csv")
def csv_export():
    params = parse_args(request.args)
    records, truncated = _records(params)
    buffer = io.StringIO()
    # The byte order mark makes Excel read the file as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = []
        for column in CSV_COLUMNS:
            if column == "citation":
                value = record["citation"]["text"]
            elif column == "citation_markdown":
                value = record["citation"]["markdown"]
            else:
                value = record.get(column)
            if isinstance(value, list):
                value = LIST_SEPARATOR.join(value)
            row.append(neutralise("" if value is None else value))
        writer.writerow(row)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(params, "csv")}"'
    response.headers["X-Findings-Truncated"] = "true" if truncated else "false"
    return response


@bp.get("/search.json", endpoint="json")
def json_export():
    params = parse_args(request.args)
    records, truncated = _records(params)
    response = jsonify(
        {
            "query": params.q,
            "filters": get_service().resolve_filters(params.service_filters),
            "sort": params.sort,
            "count": len(records),
            "cap": current_app.config["EXPORT_CAP"],
            "truncated": truncated,
            "results": records,
        }
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(params, "json")}"'
    response.headers["X-Findings-Truncated"] = "true" if truncated else "false"
    return response
