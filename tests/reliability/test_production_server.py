"""The production server (waitress) on loopback: security headers on every answer, safe errors, size limits.

The web app's own tests use Flask's test client; these go through waitress, the
server `findings serve` runs, so what a browser would really receive is checked.
"""

from __future__ import annotations

import http.client
import inspect
import socket
import urllib.error
import urllib.request

import pytest

from support import waitress_server

ROUTES = [
    ("/", 200),
    ("/search?q=custody", 200),
    ("/search?q=custody&force=Nowhere", 200),
    ("/help", 200),
    ("/reports", 200),
    ("/reports/report-000", 200),
    ("/search.csv?q=custody", 200),
    ("/search.json?q=custody", 200),
    ("/search.atom?q=custody", 200),
    ("/api/search?q=custody", 200),
    ("/api/openapi.json", 200),
    ("/static/findings.css", 200),
    ("/no-such-page", 404),
    ("/reports/no-such-report", 404),
    ("/search?page=abc", 400),
    ("/api/search?page=abc", 400),
    ("/search?q=ab*", 400),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app over a small generated corpus, served by waitress on a free loopback port."""
    from webapp import create_app

    from indexer.indexing import index_corpus
    from reportgen import write_corpus

    root = tmp_path_factory.mktemp("served")
    corpus = write_corpus(root / "corpus", {0: 0, 1: 0}, paragraphs=4)
    index_corpus(corpus, root / "index", workers=0)
    app = create_app({"INDEX_DIR": str(root / "index")})
    assert not app.debug and not app.testing
    with waitress_server(app) as url:
        yield url, root


def _get(url: str, **kwargs) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, **kwargs)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def assert_secure_headers(headers: dict, where: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert "script-src" in directives or "default-src" in directives, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), where


@pytest.mark.parametrize(("path", "status"), ROUTES)
def test_every_answer_through_waitress_carries_security_headers(server, path, status):
    """Pages, files, exports, API and error answers all carry CSP, nosniff, Referrer-Policy, frame-ancestors."""
    url, root = server
    got, headers, body = _get(url + path)
    assert got == status, path
    assert_secure_headers(headers, path)
    text = body.decode("utf-8", "replace")
    assert "Traceback" not in text and str(root) not in text and "site-packages" not in text


def test_method_not_allowed_and_oversized_body(server):
    """A POST is 405 with headers; a body over the limit is refused (413) before it is read."""
    url, _ = server
    status, headers, _ = _get(url + "/search", data=b"q=x", method="POST")
    assert status == 405
    assert_secure_headers(headers, "POST /search")
    status, headers, _ = _get(url + "/api/search", data=b"x" * (1024 * 1024), method="POST",
                              headers={"Content-Type": "application/octet-stream"})
    assert status in (405, 413)


def test_request_over_the_size_limit_is_413(server):
    """A declared body larger than MAX_CONTENT_LENGTH on a GET route is refused with 413, no traceback."""
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/search?q=custody", body=b"x" * (64 * 1024),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    assert response.status == 413, response.status
    assert_secure_headers(dict(response.getheaders()), "413")
    assert "Traceback" not in body


def test_huge_request_headers_are_refused_not_served(server):
    """Request headers beyond waitress's limit get a 4xx answer (or a closed connection), never a hang."""
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"GET /search?q=custody HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 400_000 + b"\r\n\r\n")
        try:
            reply = raw.recv(200)
        except ConnectionResetError:
            reply = b""
    assert reply == b"" or reply.split()[1].startswith(b"4"), reply[:80]


def test_serve_runs_waitress_never_the_debug_server():
    """`findings serve` hands the app to waitress; the app is never put in debug mode."""
    from webapp import serve as serve_module

    source = inspect.getsource(serve_module)
    assert "waitress.serve(" in source
    assert "app.run(" not in source and "debug=True" not in source
