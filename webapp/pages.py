"""Home, search and help pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for

from indexer.briefing import NOTE_MAX_CHARS, PACK_CAP
from indexer.search.query import QueryError
from indexer.search.service import MAX_RESULT_WINDOW
from webapp.charts import force_chart, year_chart
from webapp.params import BadParams, SearchParams, parse_args, salvage
from webapp.service import get_service, run_search
from webapp.sidebar import active_filters, facet_groups

bp = Blueprint("search", __name__)

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest"}
EXAMPLE_SEARCHES: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("VIST", {"q": "VIST"}, "an acronym, expanded to what it stands for"),
    ('"street triage"', {"q": '"street triage"'}, "an exact phrase"),
    (
        "custody in Devon and Cornwall",
        {"q": "custody", "force": "Devon and Cornwall Police"},
        "a word, narrowed to one force",
    ),
    (
        "areas for improvement about MASH",
        {"q": "MASH", "finding": "area_for_improvement"},
        "a word, narrowed to one kind of finding",
    ),
    ("criminalis*", {"q": "criminalis*"}, "every word starting criminalis-"),
)
PAGE_WINDOW = 2
"""Page links either side of the current page."""


@bp.get("/")
def home():
    service = get_service()
    stats = service.stats()
    reports = service.reports()
    return render_template(
        "home.html",
        stats=stats,
        reports=reports[:6],
        report_count=len(reports),
        by_doc_type=_report_counts(reports, "doc_type", "type"),
        forces=_report_counts(reports, "forces", "force"),
        inspectorates=_report_counts(reports, "inspectorates", "inspectorate"),
        examples=[
            {"label": label, "url": _search_url(args), "why": why} for label, args, why in EXAMPLE_SEARCHES
        ],
    )


def _report_counts(reports: list[dict], field_name: str, param: str) -> list[dict]:
    """How many reports have each value, most first, each linking to a filtered search."""
    counts: Counter[str] = Counter()
    for report in reports:
        values = report.get(field_name) or []
        counts.update([values] if isinstance(values, str) else values)
    return [
        {"value": value, "count": count, "url": _search_url({param: value})}
        for value, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]


def _search_url(args: dict[str, Any]) -> str:
    return url_for("search.search", **args)


@bp.get("/search")
def search():
    per_page = current_app.config["PER_PAGE"]
    try:
        params = parse_args(request.args, default_per_page=per_page)
    except BadParams as error:
        return _problem_page(str(error), salvage(request.args, default_per_page=per_page))
    try:
        result = run_search(params)
    except QueryError as error:
        return _problem_page(str(error), params)
    return render_template("search.html", **_search_view(params, result))


def _problem_page(message: str, params: SearchParams):
    """The search page with the problem explained next to the query box (HTTP 400)."""
    return render_template("search.html", params=params, error=message, chips=active_filters(params)), 400


def _search_view(params: SearchParams, result: dict) -> dict:
    # Links carry the filter values as the index stores them ("devon" -> "Devon and Cornwall Police"),
    # so chips, facet toggles and chart bars name what was actually searched.
    params = replace(params, filters={name: tuple(values) for name, values in result["filters"].items()})
    first = (params.page - 1) * params.per_page + 1
    return {
        "params": params,
        # When a misspelling was corrected, the report pages should highlight what was searched for.
        "highlight_query": result["suggestion"] if result.get("corrected") else params.q,
        "result": result,
        "first": first,
        "last": first + len(result["results"]) - 1,
        "facets": facet_groups(result, params),
        "chips": active_filters(params),
        "charts": [chart for chart in (year_chart(result, params), force_chart(result, params)) if chart],
        "sort_links": [
            {"label": label, "url": params.url(sort=sort, page=1), "current": sort == params.sort}
            for sort, label in SORT_LABELS.items()
        ],
        "pagination": _pagination(params, result),
        "suggestion_url": params.url(q=result["suggestion"], page=1) if result.get("suggestion") else None,
        "exports": {
            "csv": params.url("exports.csv", paging=False),
            "json": params.url("exports.json", paging=False),
            "atom": params.url("feeds.atom", paging=False),
            "api": params.url("api.search"),
        },
        "export_cap": current_app.config["EXPORT_CAP"],
    }


def _pagination(params: SearchParams, result: dict) -> dict | None:
    """Previous, next and nearby page links; None when everything fits on one page."""
    reachable = max(1, MAX_RESULT_WINDOW // params.per_page)
    last_page = min(result["pages"], reachable)
    if last_page <= 1:
        return None
    shown = {1, last_page, *range(params.page - PAGE_WINDOW, params.page + PAGE_WINDOW + 1)}
    items: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= last_page):
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "url": params.url(page=number), "current": number == params.page})
        previous = number
    return {
        "items": items,
        "previous": params.url(page=params.page - 1) if params.page > 1 else None,
        "next": params.url(page=params.page + 1) if params.page < last_page else None,
        "truncated": result["pages"] > reachable,
        "window": MAX_RESULT_WINDOW,
    }


@bp.get("/help")
def help_page():
    return render_template(
        "help.html",
        export_cap=current_app.config["EXPORT_CAP"],
        window=MAX_RESULT_WINDOW,
        pack_cap=PACK_CAP,
        note_max=NOTE_MAX_CHARS,
    )
