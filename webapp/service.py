"""One SearchService per app, opened on first use and shared by every request and thread."""

from __future__ import annotations

import threading
from typing import cast

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from indexer.search.service import SearchService
from indexer.store.generations import resolve_index_dir
from webapp.links import with_links

EXTENSION = "findings"


def init_app(app: Flask) -> None:
    """Reserve the app's slot; the index is opened lazily so the app can start before it exists."""
    # The service outlives requests on purpose: it reopens itself when a new index generation goes live.
    app.extensions[EXTENSION] = {"service": None, "lock": threading.Lock()}


def get_service(app: Flask | None = None) -> SearchService:
    """The app's search service; raises IndexMissingError until an index is built."""
    # current_app is a werkzeug LocalProxy (Flask types it as Flask): unwrap it to the app itself.
    app = app or cast("LocalProxy[Flask]", current_app)._get_current_object()
    slot = app.extensions[EXTENSION]
    service = slot["service"]
    if service is None:
        with slot["lock"]:
            service = slot["service"]
            if service is None:
                service = slot["service"] = SearchService(resolve_index_dir(app.config["INDEX_DIR"]))
    return service


def run_search(params) -> dict:
    """The shared result shape for a request's parsed search parameters, each result with its permalink and
    citation; raises QueryError."""
    result = get_service().search(
        params.q,
        filters=params.service_filters,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
    )
    result["results"] = [with_links(record) for record in result["results"]]
    return result
