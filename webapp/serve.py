"""Serving the app with waitress, the production WSGI server (never Flask's development server)."""

from __future__ import annotations

import logging
from pathlib import Path

DEFAULT_THREADS = 8


def serve(*, index_dir: str | Path, host: str = "127.0.0.1", port: int = 5000, threads: int = DEFAULT_THREADS) -> None:
    """Serve the index in ``index_dir`` on ``host:port`` until interrupted."""
    import waitress

    from indexer.store import IndexMissingError

    from . import create_app
    from .service import get_service

    app = create_app({"INDEX_DIR": str(index_dir)})
    try:
        # Open the index before taking requests, so a missing index is reported here, not as 503s.
        get_service(app)
    except IndexMissingError:
        raise SystemExit(f"No search index in {index_dir}. Build it first: findings index corpus --index-dir {index_dir}")
    logging.getLogger("waitress").setLevel(logging.INFO)
    print(f"Findings: serving on http://{host}:{port}/ (press Ctrl+C to stop)", flush=True)
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="findings",
        # Nothing here takes uploads: refuse large bodies before buffering them.
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
    )
