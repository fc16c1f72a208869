"""Template helpers: labels for stored values and dates, shared by every page."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from indexer.search.citation import DOC_TYPE_LABELS, FINDING_LABELS, human_date, join_names

FINDING_TAG_CLASSES = {
    "strength": "tag--green",
    "area_for_improvement": "tag--orange",
    "recommendation": "tag--purple",
    "key_finding": "tag--blue",
    "cause_of_concern": "tag--red",
    "notable_practice": "tag--green",
}
"""Colour of each finding badge (GOV.UK tag colours, which meet AA contrast)."""
FACT_LABELS = {
    "title": "Title",
    "published": "Published",
    "doc_type": "Document type",
    "inspectorates": "Inspectorate",
    "forces": "Force",
    "programme": "Programme",
    "author": "Author",
    "responds_to_title": "Report answered",
    "responds_to_published": "Report answered, published",
}
"""What "How this report was read" calls each fact of the front matter."""


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(human_date, "human_date")
    app.add_template_filter(join_names, "join_names")
    app.add_template_filter(_doc_type_label, "doc_type_label")
    app.add_template_filter(_finding_label, "finding_label")
    app.add_template_filter(_plural, "plural")
    app.add_template_filter(_safe_snippet, "snippet")
    app.jinja_env.globals["FINDING_TAG_CLASSES"] = FINDING_TAG_CLASSES
    app.jinja_env.globals["FACT_LABELS"] = FACT_LABELS


def _doc_type_label(value: str | None) -> str:
    return DOC_TYPE_LABELS.get(value or "", (value or "Document").replace("_", " ").capitalize())


def _finding_label(value: str | None) -> str:
    return FINDING_LABELS.get(value or "", (value or "").replace("_", " ").capitalize())


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """"1 paragraph", "3 paragraphs" (with thousands separators)."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {word}"


def _safe_snippet(html: str) -> Markup:
    # Snippets and highlighted paragraphs come from indexer.search.highlight, which escapes all text
    # and adds only <mark> elements: the one place the app trusts HTML.
    return Markup(html)
