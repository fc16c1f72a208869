"""Facets and filter chips as plain data (value, label, count, toggle URL); templates only display them."""

from __future__ import annotations

from indexer.search.citation import DOC_TYPE_LABELS, FINDING_LABELS, SECTION_LABELS
from webapp.params import SearchParams

FACET_TITLES = {
    "forces": "Force",
    "inspectorates": "Inspectorate",
    "finding_type": "Finding",
    "section_type": "Section",
    "themes": "Theme",
    "doc_type": "Document type",
    "year": "Year",
    "areas": "Area",
    "grade": "Grade",
    "programme": "Programme",
    "status": "Response status",
    "answered": "Response",
}
"""Sidebar order and headings; areas are a filter (from the URL or query) without a sidebar list."""
SIDEBAR_FACETS = (
    "forces",
    "inspectorates",
    "programme",
    "finding_type",
    "grade",
    "status",
    "answered",
    "section_type",
    "themes",
    "doc_type",
    "year",
)
VALUE_LABELS = {"section_type": SECTION_LABELS, "finding_type": FINDING_LABELS, "doc_type": DOC_TYPE_LABELS}
VISIBLE_VALUES = 5
"""Values listed before "Show more"; a list only folds when that saves at least two lines."""


def value_label(field_name: str, value: str) -> str:
    """What a user reads for a stored facet value ("areas_for_improvement" -> "Areas for improvement")."""
    if field_name in VALUE_LABELS:
        return VALUE_LABELS[field_name].get(value) or value.replace("_", " ").capitalize()
    return value


def facet_groups(result: dict, params: SearchParams) -> list[dict]:
    """The sidebar: one group per facet field, in a fixed order."""
    groups = []
    for name in SIDEBAR_FACETS:
        items = [
            {
                "value": entry["value"],
                "label": value_label(name, entry["value"]),
                "count": entry["count"],
                "selected": entry["selected"],
                "toggle_url": params.toggled(name, entry["value"]).url(),
            }
            for entry in result["facets"].get(name, [])
        ]
        if not items:
            continue
        fold = len(items) > VISIBLE_VALUES + 1
        visible, more = (items[:VISIBLE_VALUES], items[VISIBLE_VALUES:]) if fold else (items, [])
        groups.append(
            {
                "name": name,
                "title": FACET_TITLES[name],
                "visible": visible,
                "more": more,
                "more_open": any(item["selected"] for item in more),
                "selected_count": sum(item["selected"] for item in items),
            }
        )
    return groups


def active_filters(params: SearchParams) -> list[dict]:
    """Removable chips for every filter value in the URL."""
    chips = []
    for name, values in params.filters.items():
        for value in values:
            chips.append(
                {
                    "field": name,
                    "title": FACET_TITLES.get(name, name),
                    "value": value,
                    "label": value_label(name, value),
                    "remove_url": params.toggled(name, value).url(),
                }
            )
    return chips
