"""The current search as a CSV or JSON download: every match up to EXPORT_CAP, with citations.

The cap (``FINDINGS_EXPORT_CAP``, default 5000) is documented on the help
page and in the OpenAPI document; a capped export says so (the
``X-Findings-Truncated`` header, and ``truncated`` in JSON).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, jsonify, request

from indexer.briefing.export import neutralise
from indexer.ingest.pipeline import slugify
from indexer.model import SORT_ORDERS, Paragraph, RankedParagraph, record_fields, spec
from webapp.links import with_export_links
from webapp.params import SearchParams, parse_args
from webapp.service import get_service

bp = Blueprint("exports", __name__)


@dataclass(frozen=True)
class Export:
    """Every match of a search, up to the cap: what /search.json gives."""

    query: str = field(metadata=spec("The query as given."))
    filters: dict[str, tuple[str, ...]] = field(
        metadata=spec("The filters applied, by index field, with values as stored.")
    )
    sort: str = field(metadata=spec("The order of the results.", enum=SORT_ORDERS))
    count: int = field(metadata=spec("Results in this export."))
    cap: int = field(metadata=spec("The most results an export holds."))
    truncated: bool = field(metadata=spec("True when the search found more than the cap."))
    results: tuple[RankedParagraph, ...] = field(metadata=spec("The matches, best first (or by date when sorted)."))


def csv_fields(record: type = Paragraph) -> tuple[str, ...]:
    """The record's fields that CSV exports hold, in column order (their specs' ``csv``)."""
    chosen = [(spec.csv, name) for name, _, spec in record_fields(record, served_only=True) if spec.csv is not None]
    return tuple(name for _, name in sorted(chosen))


LINK_COLUMNS: dict[str, Callable[[dict], str]] = {
    "permalink": lambda record: record["permalink"],
    "citation": lambda record: record["citation"]["text"],
    "citation_markdown": lambda record: record["citation"]["markdown"],
}
"""Columns after the record's: its absolute permalink and its citation, plain and Markdown."""
CSV_COLUMNS = (*csv_fields(), *LINK_COLUMNS)
LIST_SEPARATOR = "; "


def _records(params: SearchParams) -> tuple[list[dict], bool]:
    cap = current_app.config["EXPORT_CAP"]
    records = get_service().export(params.q, filters=params.service_filters, sort=params.sort, cap=cap + 1)
    return [with_export_links(record) for record in records[:cap]], len(records) > cap


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
            value = LINK_COLUMNS[column](record) if column in LINK_COLUMNS else record.get(column)
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
