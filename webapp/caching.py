"""Conditional GETs: every answer carries an ETag made from the index generation and the request.

The ETag is known before any work is done, so a repeated request with ``If-None-Match`` is
answered ``304 Not Modified`` without searching. It changes when a new generation goes live,
when the app restarts (new code or settings may render differently) and with anything else an
answer depends on: the path and query, the host (absolute links), and the briefing cookie.
``Cache-Control: no-cache`` lets browsers and proxies keep answers but ask again each time.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, Response, g, request

from indexer.store.generations import IndexMissingError
from webapp.service import get_service

CACHE_CONTROL = "no-cache"
UNCACHED_ENDPOINTS = frozenset({"static"})
"""Flask serves static files with its own validators."""
VARY_COOKIES = ("findings_briefing",)
"""Cookies an answer may depend on."""


def init_app(app: Flask) -> None:
    salt = secrets.token_hex(8)

    @app.before_request
    def _not_modified() -> Response | None:
        if request.method not in ("GET", "HEAD") or request.endpoint in UNCACHED_ENDPOINTS or request.endpoint is None:
            return None
        try:
            generation = get_service().generation()
        except IndexMissingError:  # no index yet: the route answers with its own error page
            return None
        key = "\0".join(
            [
                salt,
                generation,
                request.host,
                request.full_path,
                *(request.cookies.get(name, "") for name in VARY_COOKIES),
            ]
        )
        g.etag = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        if g.etag in request.if_none_match:
            response = Response(status=304)
            response.set_etag(g.etag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            return response
        return None

    @app.after_request
    def _tag(response: Response) -> Response:
        etag = g.get("etag")
        if etag and response.status_code == 200 and "ETag" not in response.headers:
            response.set_etag(etag)
            response.headers.setdefault("Cache-Control", CACHE_CONTROL)
        return response
