"""Serving the app with waitress, the production WSGI server (never Flask's development server).

``findings serve`` is :func:`serve_command`, which the ``findings`` command finds through the
``findings.commands`` entry point (the indexer does not import the web app).
"""

from __future__ import annotations

import ctypes
import logging
import os
from pathlib import Path
from typing import Any

import click
from waitress.channel import HTTPChannel
from waitress.server import create_server as _waitress_server
from waitress.task import ErrorTask

from indexer.cli import index_dir_option
from indexer.store.generations import resolve_index_dir
from webapp.security import SECURITY_HEADERS

DEFAULT_THREADS = 8
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
MALLOC_ARENAS = 2
"""Most malloc arenas the server's threads share (glibc's default is eight per core).

Each thread that allocates while another holds an arena gets one of its own, and what a
search frees there stays in that arena for that thread: at 100k paragraphs the server held
130 MB with 4 threads and 145 MB with 8, against 118 and 119 MB with two arenas (one: 111 and
111), at the same speed within noise (benchmarks/README.md, "Where the server's memory goes").
Under CPython's GIL threads rarely allocate at the same time, so more arenas buy little.
``MALLOC_ARENA_MAX`` in the environment, if set, wins."""
M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most arenas (malloc.h)."""


class _SecureErrorTask(ErrorTask):
    """Waitress's own error answers (400 malformed request, 431 oversized header...) with our headers.

    These are written by waitress before the request reaches the app, so the app's
    after-request hook never sees them.
    """

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def create_server(app: Any, *, host: str = "127.0.0.1", port: int = 5000, threads: int = DEFAULT_THREADS) -> Any:
    """A waitress server for ``app`` (not yet running): call ``.run()`` on it."""
    server = _waitress_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="findings",
        # Nothing here takes uploads: refuse large bodies before buffering them.
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
    )
    server.channel_class = _SecureChannel
    return server


def serve(*, index_dir: str | Path, host: str = "127.0.0.1", port: int = 5000, threads: int = DEFAULT_THREADS) -> None:
    """Serve the index in ``index_dir`` on ``host:port`` until interrupted."""
    from indexer.store.generations import IndexMissingError
    from webapp import create_app
    from webapp.service import get_service

    limit_malloc_arenas()
    app = create_app(index_dir=index_dir)
    trusted = app.config["TRUSTED_HOSTS"]
    if trusted is not None and host not in WILDCARD_HOSTS and host not in trusted:
        # Serving on a named address: answer requests that name it.
        app.config["TRUSTED_HOSTS"] = [*trusted, host]
    try:
        # Open the index before taking requests, so a missing index is reported here, not as 503s.
        get_service(app)
    except IndexMissingError:
        raise SystemExit(
            f"No search index in {index_dir}. Build it first: findings index corpus --index-dir {index_dir}"
        ) from None
    logging.getLogger("waitress").setLevel(logging.INFO)
    server = create_server(app, host=host, port=port, threads=threads)
    print(f"Findings: serving on http://{host}:{port}/ (press Ctrl+C to stop)", flush=True)
    if host in WILDCARD_HOSTS and trusted is not None:
        print(
            "Findings: requests are answered only when they name one of these hosts: "
            f"{', '.join(app.config['TRUSTED_HOSTS'])}. Set FINDINGS_BASE_URL (the public address) or "
            'FINDINGS_TRUSTED_HOSTS (e.g. "findings.example.org,10.0.0.5") to serve other names.',
            flush=True,
        )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Ask glibc's malloc for at most ``arenas`` arenas (see :data:`MALLOC_ARENAS`), before threads start.

    True if it was set; False with another C library, or when ``MALLOC_ARENA_MAX`` is set.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))


@click.command("serve")
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--threads", type=int, default=DEFAULT_THREADS, show_default=True)
def serve_command(index_dir: Path | None, host: str, port: int, threads: int) -> None:
    """Serve the web app with the production WSGI server (waitress)."""
    serve(index_dir=resolve_index_dir(index_dir), host=host, port=port, threads=threads)
