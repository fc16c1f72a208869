"""Small bar charts of a search's matches, laid out here and drawn as inline SVG by ``_chart.html``.

Geometry is computed in Python so the template holds no arithmetic; every bar
is a link that narrows the search to its value.
"""

from __future__ import annotations

from webapp.params import SearchParams
from webapp.sidebar import value_label

CHART_WIDTH = 320
MAX_BARS = 10
# Horizontal bars (forces): a label line above each bar.
ROW_HEIGHT = 34
BAR_HEIGHT = 12
COUNT_GUTTER = 44
# Vertical columns (years).
COLUMN_AREA_HEIGHT = 96
COLUMN_CHART_HEIGHT = 136
MAX_COLUMN_WIDTH = 44
CHOSEN = {"year": "chosen year", "forces": "chosen force"}
"""How a chart's title names the values its own filter keeps, in the singular."""


def year_chart(result: dict, params: SearchParams) -> dict | None:
    """Matches by publication year, oldest first, as columns."""
    entries = sorted(_entries(result, params, "year"), key=lambda e: e["value"])
    if not entries:
        return None
    entries = entries[-MAX_BARS * 2 :]
    top = max(e["count"] for e in entries)
    slot = CHART_WIDTH / len(entries)
    width = min(MAX_COLUMN_WIDTH, slot * 0.6)
    bars = []
    for index, entry in enumerate(entries):
        height = max(2.0, COLUMN_AREA_HEIGHT * entry["count"] / top)
        centre = slot * index + slot / 2
        bars.append(
            _bar(
                "year",
                entry,
                params,
                x=round(centre - width / 2, 1),
                y=round(COLUMN_AREA_HEIGHT - height + 16, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(centre, 1),
                label_y=COLUMN_CHART_HEIGHT - 4,
                count_x=round(centre, 1),
                count_y=round(COLUMN_AREA_HEIGHT - height + 12, 1),
                hit=(round(slot * index, 1), 0, round(slot, 1), COLUMN_CHART_HEIGHT),
            )
        )
    return _chart("year", _title("Matches by year", "year", entries, params), "columns", COLUMN_CHART_HEIGHT, bars)


def force_chart(result: dict, params: SearchParams) -> dict | None:
    """Matches by force, most first, as horizontal bars."""
    entries = _entries(result, params, "forces")[:MAX_BARS]
    if not entries:
        return None
    top = max(e["count"] for e in entries)
    span = CHART_WIDTH - COUNT_GUTTER
    bars = []
    for index, entry in enumerate(entries):
        y = index * ROW_HEIGHT
        width = max(2.0, span * entry["count"] / top)
        bars.append(
            _bar(
                "forces",
                entry,
                params,
                x=0,
                y=y + 16,
                width=round(width, 1),
                height=BAR_HEIGHT,
                label_x=0,
                label_y=y + 12,
                count_x=round(width + 6, 1),
                count_y=y + 26,
                hit=(0, y, CHART_WIDTH, ROW_HEIGHT),
            )
        )
    title = _title("Matches by force", "forces", entries, params)
    return _chart("forces", title, "rows", len(entries) * ROW_HEIGHT, bars)


def _entries(result: dict, params: SearchParams, field_name: str) -> list[dict]:
    """The facet values a chart draws: those with matches, and only the chosen ones under the field's own filter.

    A field's facet counts ignore that field's filter (so the sidebar can show what choosing
    another value would give); drawn as a chart of this page's matches they would show
    paragraphs the page does not list. The chosen values' counts are exactly the page's.
    """
    entries = [e for e in result["facets"].get(field_name, []) if e["count"]]
    if params.filters.get(field_name):
        # ``selected`` is set on the values the filter resolved to ("devon" -> the force's full name).
        entries = [e for e in entries if e["selected"]]
    return entries


def _title(title: str, field_name: str, entries: list[dict], params: SearchParams) -> str:
    if not params.filters.get(field_name):
        return title
    chosen = CHOSEN[field_name] + ("" if len(entries) == 1 else "s")
    return f"{title} ({chosen})"


def _bar(field_name: str, entry: dict, params: SearchParams, **geometry) -> dict:
    """One bar: its link, its label for screen readers, and where to draw it (``hit`` is the clickable box)."""
    label = value_label(field_name, entry["value"])
    noun = "match" if entry["count"] == 1 else "matches"
    return {
        "label": label,
        "count": entry["count"],
        "selected": entry["selected"],
        "url": params.with_filter(field_name, entry["value"]).url(),
        "aria_label": f"{label}: {entry['count']} {noun}. Show only {label}.",
        **geometry,
    }


def _chart(name: str, title: str, layout: str, height: int, bars: list[dict]) -> dict:
    description = "; ".join(f"{bar['label']}: {bar['count']}" for bar in bars)
    return {
        "id": f"chart-{name}",
        "title": title,
        "layout": layout,
        "width": CHART_WIDTH,
        "height": height,
        "description": f"{title}. {description}.",
        "bars": bars,
    }
