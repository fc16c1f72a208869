"""Friendly error pages (JSON under /api/ and for .json exports), never a traceback or a path."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from indexer.search.query import QueryError
from indexer.store.generations import IndexMissingError
from webapp.params import BadParams

TITLES = {
    400: "There is a problem with this search",
    404: "Page not found",
    405: "Method not allowed",
    413: "Request too large",
    500: "Sorry, something went wrong",
    503: "Search is not ready yet",
}
MESSAGES = {
    404: "Check the address, or search for what you were looking for.",
    405: "This address only answers GET requests.",
    413: "The request is larger than this service accepts.",
    500: "The problem has been logged. Try again, or go back to the search.",
    503: "No search index has been built yet. Run `findings index` (or `make run`) and reload this page.",
}


def wants_json() -> bool:
    """API clients and .json exports get JSON errors; people get pages."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(status: int, message: str | None = None) -> Response:
    """An error as JSON ``{"error": message}`` or as the error page."""
    message = message or MESSAGES.get(status) or TITLES.get(status, "Error")
    title = TITLES.get(status, "Error")
    if status == 400 and request.path.startswith("/briefing"):
        title = "There is a problem with this briefing pack"
    if wants_json():
        response = jsonify(error=message, status=status)
    else:
        response = Response(
            render_template("error.html", status=status, title=title, message=message),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def _query_error(error: QueryError) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(BadParams)
    def _bad_params(error: BadParams) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(IndexMissingError)
    def _no_index(_error: IndexMissingError) -> Response:
        # The exception names the index folder: a path the public should not see.
        response = error_response(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError) -> Response:
        # The Host header named a host this server does not answer to. No URL can be built for such a
        # request (Flask has no URL adapter for it), so the answer is plain text, not the error page.
        message = (
            "This server does not answer to the host name in this request. "
            "Use the address it is published at (its administrator can set FINDINGS_BASE_URL "
            "or FINDINGS_TRUSTED_HOSTS)."
        )
        if wants_json():
            response = jsonify(error=message, status=400)
        else:
            response = Response(message + "\n", mimetype="text/plain")
        response.status_code = 400
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        # Werkzeug's own descriptions are generic; ours say what to do next.
        message = MESSAGES.get(status) or error.description
        response = error_response(status, message)
        valid_methods = getattr(error, "valid_methods", None)
        if status == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> Response:
        return error_response(500)
