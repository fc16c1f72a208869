"""The production server (waitress) on loopback: security headers on every answer, safe errors, size limits.

The web app's own tests use Flask's test client; these go through waitress, the
server `findings serve` runs, so what a browser would really receive is checked.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import waitress_server

ROUTES = [
    ("/", 200),
    ("/search?q=custody", 200),
    ("/search?q=custody&force=Nowhere", 400),
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
    from indexer.store.indexing import index_corpus
    from webapp import create_app

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
    # Only the headers are sent: the server must refuse the declared size without waiting for (or reading)
    # the body. Sending the whole megabyte would race the server closing the socket (a broken pipe).
    reply = _raw(url, b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                 b"Content-Length: 1048576\r\n\r\n")
    status, headers = _head(reply)
    assert status == 413
    assert_secure_headers(headers, "413 from waitress")


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


def _raw(url: str, request: bytes) -> bytes:
    """Send bytes as they are (no client library would send a malformed request) and read the whole answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(request)
        chunks = []
        try:
            while chunk := raw.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def _head(reply: bytes) -> tuple[int, dict]:
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /search?q=custody HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 400_000 + b"\r\n\r\n", 431),
        (b"GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n", 400),
    ],
    ids=["oversized header", "malformed request"],
)
def test_errors_waitress_writes_carry_security_headers(server, request_bytes, status):
    """Waitress's own answers (431 for a huge header, 400 for a request it cannot parse) carry our headers."""
    url, _ = server
    got, headers = _head(_raw(url, request_bytes))
    assert got == status
    assert_secure_headers(headers, f"{status} from waitress")


def test_untrusted_host_is_refused(server):
    """A Host header naming another site gets a 400, so no absolute URL is ever built from it."""
    url, _ = server
    reply = _raw(url, b"GET /search.atom?q=custody HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    status, headers = _head(reply)
    assert status == 400
    assert_secure_headers(headers, "untrusted host")
    assert b"evil.example" not in reply


def _serve_command(tmp_path: Path) -> tuple[int, list[str]]:
    """A free loopback port, and the `findings serve` command for a small index built under ``tmp_path``."""
    from indexer.store.indexing import index_corpus

    from reportgen import write_corpus

    corpus = write_corpus(tmp_path / "corpus", {0: 0}, paragraphs=3)
    index_corpus(corpus, tmp_path / "index", workers=0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    findings = Path(sys.executable).with_name("findings")
    return port, [str(findings), "serve", "--index-dir", str(tmp_path / "index"), "--port", str(port), "--threads", "2"]


def test_findings_serve_answers_on_loopback(tmp_path):
    """`findings serve` starts waitress (its Server header says so), answers a page, and stops on SIGINT."""
    port, command = _serve_command(tmp_path)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            # The banner is printed once the index is open, just before the socket starts accepting.
            assert "serving on http://127.0.0.1:" in process.stdout.readline()
            status, headers, body = _get_when_up(f"http://127.0.0.1:{port}/help")
            assert status == 200 and b"How to search" in body
            assert headers.get("Server") == "findings"
            assert_secure_headers(headers, "findings serve")
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0


def _get_when_up(url: str) -> tuple[int, dict, bytes]:
    """The socket may take a moment after the banner: retry a refused connection, for at most 10 s."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return _get(url)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _two_children(pid: int) -> set[int]:
    found = _children(pid)
    return found if len(found) == 2 else set()


def _wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
    return value


def test_findings_serve_runs_worker_processes_and_replaces_one_that_dies(tmp_path):
    """`--workers 2`: two server processes share the port; one killed is replaced; SIGTERM stops them all."""
    port, command = _serve_command(tmp_path)
    command += ["--workers", "2"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert "with 2 processes" in process.stdout.readline()
            workers = _wait_for(lambda: _two_children(process.pid))
            for _ in range(6):  # keep-alive off: each request may go to either process
                status, headers, body = _get_when_up(f"http://127.0.0.1:{port}/api/search?q=custody")
                assert b"\"results\"" in body
                assert status == 200 and headers.get("Server") == "findings"
            killed = min(workers)
            os.kill(killed, signal.SIGKILL)
            replaced = _wait_for(lambda: (found := _two_children(process.pid)) and killed not in found and found)
            assert len(replaced & workers) == 1
            assert "stopped (signal SIGKILL); starting another" in process.stdout.readline()
            status, _, _ = _get_when_up(f"http://127.0.0.1:{port}/help")
            assert status == 200
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                assert process.wait(timeout=20) == 0
            finally:
                process.kill()
    assert all(not Path(f"/proc/{pid}").exists() for pid in replaced | workers)
