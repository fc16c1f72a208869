"""Small bar charts of a search's matches, laid out here and drawn as inline SVG by ``_chart.html``.

Geometry is computed in Python so the template holds no arithmetic; every bar
is a link that narrows the search to its value.
"""

from __future__ import annotations

from .facets import value_label
from .params import SearchParams

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


def year_chart(result: dict, params: SearchParams) -> dict | None:
    """Matches by publication year, oldest first, as columns."""
    entries = sorted((e for e in result["facets"].get("year", []) if e["count"]), key=lambda e: e["value"])
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
    return _chart("year", "Matches by year", "columns", COLUMN_CHART_HEIGHT, bars)


def force_chart(result: dict, params: SearchParams) -> dict | None:
    """Matches by force, most first, as horizontal bars."""
    entries = [e for e in result["facets"].get("forces", []) if e["count"]][:MAX_BARS]
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
    return _chart("forces", "Matches by force", "rows", len(entries) * ROW_HEIGHT, bars)


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
