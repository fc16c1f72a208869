"""One SearchService per app, opened on first use and shared by every request and thread."""

from __future__ import annotations

import threading

from flask import Flask, current_app, request

from indexer.search.service import SearchService
from indexer.store.generations import resolve_index_dir

EXTENSION = "findings"


def init_app(app: Flask) -> None:
    """Reserve the app's slot; the index is opened lazily so the app can start before it exists."""
    # The service outlives requests on purpose: it reopens itself when a new index generation goes live.
    app.extensions[EXTENSION] = {"service": None, "lock": threading.Lock()}


def get_service(app: Flask | None = None) -> SearchService:
    """The app's search service; raises IndexMissingError until an index is built."""
    app = app or current_app._get_current_object()
    slot = app.extensions[EXTENSION]
    service = slot["service"]
    if service is None:
        with slot["lock"]:
            service = slot["service"]
            if service is None:
                service = slot["service"] = SearchService(resolve_index_dir(app.config["INDEX_DIR"]))
    return service


def run_search(params) -> dict:
    """The shared result shape for a request's parsed search parameters; raises QueryError."""
    return get_service().search(
        params.q,
        filters=params.service_filters,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
        base_url=base_url(),
    )


def base_url() -> str:
    """Scheme and host that permalinks in citations start with: configured, else this request's."""
    return current_app.config["BASE_URL"] or request.host_url.rstrip("/")
