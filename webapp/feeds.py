"""An Atom feed for any search, newest first, so a feed reader can follow it."""

from __future__ import annotations

import re
from dataclasses import replace
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, request

from indexer.search.citation import human_date
from indexer.search.service import MAX_PER_PAGE
from webapp.links import absolute, with_links
from webapp.params import parse_args
from webapp.service import get_service
from webapp.sidebar import FACET_TITLES, value_label

bp = Blueprint("feeds", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
# XML 1.0 cannot carry these at all, escaped or not.
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ET.register_namespace("", ATOM_NS)


@bp.get("/search.atom", endpoint="atom")
def atom():
    # A feed is always newest first, whatever sort the search page had.
    params = replace(parse_args(request.args), sort="relevance", page=1)
    service = get_service()
    size = min(current_app.config["FEED_SIZE"], MAX_PER_PAGE)
    result = service.search(params.q, filters=params.service_filters, sort="newest", per_page=size)
    search_page = absolute(params.url("search.search", paging=False))
    feed_url = absolute(params.url("feeds.atom", paging=False))

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _child(feed, "title", f"Findings: {_describe(params)}")
    _child(feed, "subtitle", f"{result['total']} matching paragraphs, newest first")
    _child(feed, "id", feed_url)
    _child(feed, "updated", _timestamp(_newest(result) or service.stats().get("built_at")))
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", type="application/atom+xml", href=feed_url)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=search_page)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _child(author, "name", "Findings")
    _child(feed, "generator", "Findings")
    for record in map(with_links, result["results"]):
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        permalink = absolute(record["url"])
        _child(entry, "id", permalink)
        _child(entry, "title", f"{record['report_title']}: {record['section']}, para {record['paragraph_number']}")
        _child(entry, "updated", _timestamp(record.get("published")))
        if record.get("published"):
            _child(entry, "published", _timestamp(record["published"]))
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=permalink)
        entry_author = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
        # The responding office for a response, else the inspectorates as the document names them.
        name = record.get("author") or ", ".join(record.get("inspectorates") or []) or "Unknown author"
        _child(entry_author, "name", name)
        for force in record.get("forces") or []:
            ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=_clean(force), label=_clean(force))
        _child(entry, "summary", f"{human_date(record.get('published'))}. {record['citation']['text']}")
        # The snippet is HTML (escaped text and <mark>); as type="html" content it is escaped once more.
        _child(entry, "content", f"<p>{record['snippet']}</p>", type="html")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="application/atom+xml")


def _child(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return XML_ILLEGAL_RE.sub("", text)


def _describe(params) -> str:
    parts = [f"“{params.q}”"] if params.q else ["all paragraphs"]
    for name, values in params.filters.items():
        labels = " or ".join(value_label(name, value) for value in values)
        parts.append(f"{FACET_TITLES.get(name, name).lower()}: {labels}")
    return ", ".join(parts)


def _newest(result: dict) -> str | None:
    dates = [record["published"] for record in result["results"] if record.get("published")]
    return max(dates) if dates else None


def _timestamp(value: str | None) -> str:
    """RFC 3339 from "2020-01-08", "2020-05", "2020" or an ISO timestamp."""
    if not value:
        return "1970-01-01T00:00:00Z"
    if "T" in value:
        return value
    parts = [*value.split("-"), "01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"
