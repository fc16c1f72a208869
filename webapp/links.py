"""Addresses of paragraphs and reports, and the citations that end in them.

The search core returns ids; the web app turns them into links here, with
``url_for``. A link a reader takes elsewhere (a citation, a feed entry, an
export) is absolute: it starts with ``BASE_URL`` when that is set (the public
address of the app's root), else with this request's scheme and host, which the
trusted-hosts rule (see :mod:`webapp`) has already checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request, url_for

from indexer.model import spec
from indexer.search.citation import Citation, citation

PERMALINK_ENDPOINT = "reports.permalink"
REPORT_ENDPOINT = "reports.report"


@dataclass(frozen=True)
class ParagraphLinks:
    """What the web app adds to a paragraph record it answers with."""

    url: str = field(metadata=spec("The paragraph's permalink, relative to the server."))
    citation: Citation = field(metadata=spec("The paragraph's citation, linking to its absolute permalink."))


@dataclass(frozen=True)
class ReportLinks:
    """What the web app adds to a report it answers with."""

    url: str = field(metadata=spec("The report's page, relative to the server."))


@dataclass(frozen=True)
class ExportLinks:
    """What an export adds to each paragraph: the permalink a spreadsheet can open."""

    permalink: str = field(metadata=spec("The paragraph's absolute permalink."))


def base_url() -> str:
    """Scheme, host and path that absolute links start with: ``BASE_URL``, else this request's root."""
    return current_app.config["BASE_URL"] or request.host_url.rstrip("/")


def absolute(path: str) -> str:
    """The absolute address of ``path`` (a ``url_for`` path of this app)."""
    configured = current_app.config["BASE_URL"]
    if configured:
        # BASE_URL is the public address of the app's root: take the path relative to that root.
        return configured + path.removeprefix(request.script_root)
    return request.host_url.rstrip("/") + path


def permalink(paragraph_id: str, *, external: bool = False) -> str:
    """The paragraph's permanent address (``/p/<id>``), absolute when ``external``."""
    path = url_for(PERMALINK_ENDPOINT, paragraph_id=paragraph_id)
    return absolute(path) if external else path


def report_url(report_id: str) -> str:
    return url_for(REPORT_ENDPOINT, report_id=report_id)


def cite(record: dict) -> dict[str, str]:
    """The record's citation, ending in its absolute permalink."""
    return citation(record, permalink(record["id"], external=True))


def with_links(record: dict) -> dict:
    """A paragraph record as the web app answers it: with its permalink (``url``) and ``citation``."""
    url = permalink(record["id"])
    return dict(record, url=url, citation=citation(record, absolute(url)))


def with_export_links(record: dict) -> dict:
    """A paragraph record as an export lists it: with ``url`` and ``citation``, and the absolute ``permalink``."""
    url = permalink(record["id"])
    external = absolute(url)
    return dict(record, url=url, citation=citation(record, external), permalink=external)
