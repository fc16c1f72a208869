"""The Findings web app: faceted search, report pages, citations, exports, API and feeds.

Configuration is read once, when the app is made: the defaults below, then the
instance folder's ``config.py`` (if there is one), then ``FINDINGS_*``
environment variables (``FINDINGS_INDEX_DIR``, ``FINDINGS_EXPORT_CAP``,
``FINDINGS_BASE_URL``...), then the ``index_dir`` argument (what ``findings serve
--index-dir`` passes), then ``test_config``. With ``TESTING`` set in ``test_config``,
the instance file and environment are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from indexer.search.citation import checked_base_url
from webapp.serve import serve

__all__ = ["create_app", "serve"]

DEFAULTS: dict[str, Any] = {
    "INDEX_DIR": None,
    "EXPORT_CAP": 5000,
    "FEED_SIZE": 50,
    "PER_PAGE": 20,
    "BASE_URL": None,
    "TRUSTED_HOSTS": "auto",
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "JSON_SORT_KEYS": False,
}
"""INDEX_DIR None means $FINDINGS_INDEX_DIR or .findings-index; BASE_URL None means the request's host.

TRUSTED_HOSTS "auto" means: any host when BASE_URL is set (absolute URLs then never come from the
request), else only the loopback names ``make run`` serves on. A list (or a comma-separated string)
names the hosts to answer; "*" answers any host.
"""
LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]
"""What `make run` serves on (IPv4 loopback; werkzeug cannot match a bracketed IPv6 name in this list)."""

ENV_PREFIX = "FINDINGS"


def create_app(test_config: dict[str, Any] | None = None, *, index_dir: str | Path | None = None) -> Flask:
    """Make the app: configuration, the shared search service, blueprints, headers and error pages.

    ``index_dir`` is the production override of INDEX_DIR (``serve()`` passes it); ``test_config``
    is for tests.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    test_config = test_config or {}
    if not test_config.get("TESTING"):
        # Tests must not depend on whoever's instance folder or environment runs them.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(ENV_PREFIX)
    if index_dir is not None:
        app.config["INDEX_DIR"] = str(index_dir)
    app.config.from_mapping(test_config)
    _check_config(app)
    # Flask's default provider, which has sort_keys (the JSONProvider base class does not declare it).
    cast(DefaultJSONProvider, app.json).sort_keys = False

    from webapp import (
        api,
        briefing,
        caching,
        errors,
        exports,
        feeds,
        pages,
        recommendations,
        reports,
        security,
        service,
        templating,
    )

    service.init_app(app)
    briefing.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    for module in (pages, reports, recommendations, api, exports, feeds, briefing):
        app.register_blueprint(module.bp)
    return app


def _check_config(app: Flask) -> None:
    """Fail at start-up, not on the first request, when a setting cannot work."""
    for name in ("EXPORT_CAP", "FEED_SIZE", "PER_PAGE"):
        value = app.config[name]
        if isinstance(value, str) and value.isdigit():
            value = app.config[name] = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{ENV_PREFIX}_{name} must be a whole number from 1, not {value!r}")
    try:
        base_url = checked_base_url(app.config["BASE_URL"])
    except ValueError as error:
        raise ValueError(f"{ENV_PREFIX}_BASE_URL must be an absolute http(s) address, {error}") from None
    app.config["BASE_URL"] = base_url or None
    app.config["TRUSTED_HOSTS"] = _trusted_hosts(app.config["TRUSTED_HOSTS"], base_url=base_url)


def _trusted_hosts(value: Any, *, base_url: str | None) -> list[str] | None:
    """The host names requests may carry; None means any (safe only when BASE_URL makes every absolute URL)."""
    if value == "auto":
        return None if base_url else list(LOOPBACK_HOSTS)
    if value is None or value == "*":
        return None
    names = value.replace(",", " ").split() if isinstance(value, str) else [str(name) for name in value]
    if not names:
        raise ValueError(f"{ENV_PREFIX}_TRUSTED_HOSTS names no host; use \"*\" to answer any host")
    return names
