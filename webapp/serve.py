"""Serving the app with waitress, the production WSGI server (never Flask's development server).

``findings serve`` is :func:`serve_command`, which the ``findings`` command finds through the
``findings.commands`` entry point (the indexer does not import the web app).

Searching is Python work, and CPython runs one thread's Python at a time, so the server runs
several processes (:data:`DEFAULT_WORKERS`, one per core) that share one listening socket, each
a waitress server with its own threads and its own view of the index. The index's files are
read in place, so the processes share them through the operating system's page cache;
each holds only its own search state (about 100 MB at 100k paragraphs). The parent only
watches: it restarts a process that dies and stops them all on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
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
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
"""Server processes (``findings serve --workers``): one per core, at most two.

At 100k paragraphs with 8 clients, two processes answered 24-30 requests per second where threads
in one process answered 13 (benchmarks/README.md, "Latest run"), each holding about 100 MB of its own."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What stops the server: Ctrl+C, or a service manager's SIGTERM."""
RESTART_WINDOW_S = 10.0
"""A worker that dies within this long of starting counts towards :data:`MAX_QUICK_DEATHS`."""
MAX_QUICK_DEATHS = 5
"""Workers dying this many times in a row soon after starting stop the server (it would only crash-loop)."""
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


def create_server(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 5000,
    threads: int = DEFAULT_THREADS,
    sock: socket.socket | None = None,
) -> Any:
    """A waitress server for ``app`` (not yet running): call ``.run()`` on it.

    With ``sock``, it accepts connections on that listening socket (shared by the worker processes)
    instead of binding ``host:port`` itself.
    """
    where: dict[str, Any] = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    server = _waitress_server(
        app,
        **where,
        threads=threads,
        ident="findings",
        # Nothing here takes uploads: refuse large bodies before buffering them.
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
    )
    server.channel_class = _SecureChannel
    return server


def serve(
    *,
    index_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 5000,
    threads: int = DEFAULT_THREADS,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Serve the index in ``index_dir`` on ``host:port`` until interrupted, in ``workers`` processes."""
    from indexer.store.generations import current_generation
    from webapp import create_app

    if current_generation(Path(index_dir)) is None:
        raise SystemExit(
            f"No search index in {index_dir}. Build it first: findings index corpus --index-dir {index_dir}"
        )
    probe = create_app(index_dir=index_dir)  # the host check's settings, to print them once
    trusted = probe.config["TRUSTED_HOSTS"]
    if trusted is not None and host not in WILDCARD_HOSTS and host not in trusted:
        trusted = [*trusted, host]  # serving on a named address: answer requests that name it
    logging.getLogger("waitress").setLevel(logging.INFO)
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        raise SystemExit(f"Cannot serve on {host}:{port}: {error.strerror or error}") from None

    def start(listener: socket.socket) -> None:
        from webapp.service import get_service

        limit_malloc_arenas()
        app = create_app(index_dir=index_dir)
        app.config["TRUSTED_HOSTS"] = trusted
        get_service(app)  # open the index before taking requests
        server = create_server(app, threads=threads, sock=listener)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()

    print(
        f"Findings: serving on http://{host}:{port}/ with {workers} process{'es' if workers > 1 else ''} "
        "(press Ctrl+C to stop)",
        flush=True,
    )
    if host in WILDCARD_HOSTS and trusted is not None:
        print(
            "Findings: requests are answered only when they name one of these hosts: "
            f"{', '.join(trusted)}. Set FINDINGS_BASE_URL (the public address) or "
            'FINDINGS_TRUSTED_HOSTS (e.g. "findings.example.org,10.0.0.5") to serve other names.',
            flush=True,
        )
    run_workers(start, sock, workers)


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (IPv6 when the host is an IPv6 address), for every worker."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def run_workers(start: Callable[[socket.socket], None], sock: socket.socket, workers: int) -> None:
    """Run ``start(sock)`` in ``workers`` forked processes until SIGINT or SIGTERM; restart one that dies.

    With one worker, ``start`` runs in this process. Each worker is forked before it starts any
    thread or opens the index. The parent stops every worker when it is told to stop, and gives up
    (exit status 1) when workers keep dying soon after they start.
    """
    if workers <= 1:
        try:
            start(sock)
        finally:
            sock.close()
        return
    children: dict[int, float] = {}  # pid -> when it started
    stopping = False
    quick_deaths = 0

    def spawn() -> None:
        if stopping:
            return
        # Stop signals wait until the new worker is in ``children``, so that ``stop`` reaches it too.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    signal.signal(signal.SIGINT, signal.default_int_handler)
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
                    start(sock)
                except SystemExit as error:
                    code = error.code if isinstance(error.code, int) else 1
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            children[pid] = time.monotonic()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        for _ in range(workers):
            spawn()
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = children.pop(pid, None)
            if stopping or started is None:
                continue
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < RESTART_WINDOW_S else 0
            print(
                f"Findings: server process {pid} stopped ({_exit_reason(status)}); starting another",
                file=sys.stderr,
                flush=True,
            )
            if quick_deaths >= MAX_QUICK_DEATHS:
                stop(signal.SIGTERM, None)
                raise SystemExit("Findings: server processes keep stopping as they start; giving up")
            spawn()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


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
@click.option("--threads", type=click.IntRange(1, 256), default=DEFAULT_THREADS, show_default=True,
              help="threads per server process")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS, show_default=True,
              help="server processes sharing the port (one per core)")
def serve_command(index_dir: Path | None, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web app with the production WSGI server (waitress), in several processes."""
    serve(index_dir=resolve_index_dir(index_dir), host=host, port=port, threads=threads, workers=workers)
