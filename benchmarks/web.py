"""The search page over HTTP on loopback: servers in child processes, a small threaded load generator.

``python -m benchmarks.web ours INDEX PORT THREADS WORKERS`` serves our web app through
its production server (waitress in WORKERS processes sharing the port, ``findings serve``)
with the result cache turned off, so every request does the whole page's work;
``fts5 DB PORT THREADS WORKERS`` serves the FTS5 equivalent through the same server.
Server memory is the sum over its processes (RSS, and PSS, which counts shared pages once).
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from .measure import ROOT, TreeMemory, free_port, summary_ms, wait_for_port
from .queries import QUERY_MIX

URL_FILTER_PARAMS = {"forces": "force", "year": "year"}
HOST = "127.0.0.1"


def webapp_available() -> str | None:
    """None when the web app can serve /api/search, else why not."""
    try:
        import webapp
    except Exception as error:  # the app is being written alongside: say why it is skipped
        return f"webapp not importable ({type(error).__name__}: {error})"
    if not hasattr(webapp, "serve") or not hasattr(webapp, "create_app"):
        return "webapp has no serve()/create_app()"
    try:
        app = webapp.create_app({"TESTING": True})
    except Exception as error:
        return f"webapp.create_app failed ({type(error).__name__}: {error})"
    if not any(rule.rule == "/api/search" for rule in app.url_map.iter_rules()):
        return "webapp has no /api/search route"
    return None


def request_paths(prefix: str) -> list[str]:
    paths = []
    for query in QUERY_MIX:
        params = [("q", query.text)]
        for name, values in query.filters.items():
            params += [(URL_FILTER_PARAMS.get(name, name), value) for value in values]
        paths.append(f"{prefix}?{urlencode(params)}")
    return paths


def load(port: int, paths: list[str], *, threads: int, max_requests: int, max_seconds: float) -> dict:
    """Send the paths round-robin from ``threads`` keep-alive clients until either bound is hit."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(max_requests))
    lock = threading.Lock()
    deadline = 0.0  # set once the warm-up is answered: a large index takes a while to open

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            started = time.perf_counter()
            connection.request("GET", paths[number % len(paths)])
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(f"{response.status} {paths[number % len(paths)]}")
        connection.close()

    for path in paths:  # warm-up, one client (every server process may still be opening the index)
        connection = http.client.HTTPConnection(HOST, port, timeout=600)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()
    started = time.perf_counter()
    deadline = started + max_seconds
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    return dict(
        summary_ms(latencies),
        requests_per_s=round(len(latencies) / wall, 1),
        errors=errors[:5],
        error_count=len(errors),
    )


def measure(
    kind: str, target: str, *, threads: int, max_requests: int, max_seconds: float, workers: int = 1
) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.web", kind, target, str(port), str(threads), str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = server.stderr
    assert stderr is not None  # a pipe: stderr=PIPE above
    try:
        try:
            wait_for_port(HOST, port)
        except TimeoutError:
            server.kill()
            raise RuntimeError(f"{kind} server did not start:\n{stderr.read().decode()[-3000:]}") from None
        prefix = "/api/search" if kind == "ours" else "/search"
        with TreeMemory(interval=0.5, root=server.pid) as memory:
            result = load(
                port, request_paths(prefix), threads=threads, max_requests=max_requests, max_seconds=max_seconds
            )
        result.update(
            server_rss_mb=round(memory.last_rss_mb, 1),
            server_peak_rss_mb=round(memory.rss_mb, 1),
            server_peak_pss_mb=round(memory.pss_mb, 1),
            threads=threads,
            workers=workers,
        )
        return result
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        stderr.close()


def serve_ours(index: str, port: int, threads: int, workers: int) -> None:
    from indexer.search.service import SearchService

    # Measure work, not the LRU cache: the mix repeats, so cached pages would be free.
    SearchService.__init__.__kwdefaults__ = {**(SearchService.__init__.__kwdefaults__ or {}), "cache_bytes": 0}
    import webapp

    webapp.serve(index_dir=index, host=HOST, port=port, threads=threads, workers=workers)


def main(argv: list[str]) -> None:
    kind, target, port, threads, workers = argv
    if kind == "ours":
        serve_ours(target, int(port), int(threads), int(workers))
    else:
        from .fts5 import serve

        serve(__import__("pathlib").Path(target), int(port), int(threads), int(workers))


if __name__ == "__main__":
    main(sys.argv[1:])
