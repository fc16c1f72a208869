"""The app factory: configuration layers, one shared search service, and serving with waitress."""

from __future__ import annotations

import importlib
import platform
import threading

import pytest
from flask import Flask

import webapp
from tests.webapp.support import VIST_PARAGRAPH
from webapp import create_app
from webapp.service import EXTENSION, get_service


def test_defaults(corpus_index):
    """Without other configuration the documented defaults apply."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    assert {k: app.config[k] for k in ("EXPORT_CAP", "PER_PAGE", "FEED_SIZE", "BASE_URL", "MAX_CONTENT_LENGTH")} == {
        "EXPORT_CAP": 5000,
        "PER_PAGE": 20,
        "FEED_SIZE": 50,
        "BASE_URL": None,
        "MAX_CONTENT_LENGTH": 16 * 1024,
    }
    assert not app.debug


def test_configuration_layers(corpus_index, tmp_path, monkeypatch):
    """Instance config.py overrides defaults, FINDINGS_* variables override it, and the mapping passed in wins."""
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    (tmp_path / "config.py").write_text("EXPORT_CAP = 42\nPER_PAGE = 10\nFEED_SIZE = 7\n")
    monkeypatch.setenv("FINDINGS_INDEX_DIR", str(corpus_index))
    monkeypatch.setenv("FINDINGS_PER_PAGE", "15")
    monkeypatch.setenv("FINDINGS_BASE_URL", "https://findings.example.org/")
    app = create_app({"FEED_SIZE": 9})
    assert (app.config["EXPORT_CAP"], app.config["PER_PAGE"], app.config["FEED_SIZE"]) == (42, 15, 9)
    assert app.config["INDEX_DIR"] == str(corpus_index)
    assert app.config["BASE_URL"] == "https://findings.example.org"
    body = app.test_client().get(f"/api/paragraphs/{VIST_PARAGRAPH}").get_json()
    assert body["citation"]["text"].endswith(f", https://findings.example.org/p/{VIST_PARAGRAPH}")


def test_testing_ignores_instance_and_environment(corpus_index, monkeypatch):
    """With TESTING set, nobody's environment leaks into the app."""
    monkeypatch.setenv("FINDINGS_EXPORT_CAP", "3")
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    assert app.config["EXPORT_CAP"] == 5000


@pytest.mark.parametrize("setting", [{"EXPORT_CAP": 0}, {"PER_PAGE": "many"}, {"FEED_SIZE": -1}, {"EXPORT_CAP": True}])
def test_unusable_settings_fail_at_start(corpus_index, setting):
    """A setting that cannot work stops the app from being made, with the variable's name."""
    with pytest.raises(ValueError, match="FINDINGS_"):
        create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), **setting})


def test_one_search_service_per_app_shared_by_requests(corpus_index):
    """The service is opened on first use, then reused by every request and thread."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    assert app.extensions[EXTENSION]["service"] is None
    seen = []

    def request_in_thread():
        with app.app_context():
            seen.append(get_service())
        assert app.test_client().get("/search?q=VIST").status_code == 200

    threads = [threading.Thread(target=request_in_thread) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 6 and all(service is seen[0] for service in seen)
    assert app.extensions[EXTENSION]["service"] is seen[0]
    other = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    assert get_service(other) is not seen[0]


def test_missing_index_is_503_without_paths(tmp_path):
    """Before an index is built, pages say what to do (503), without naming server paths."""
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "nothing")}).test_client()
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    body = response.get_data(as_text=True)
    assert "findings index" in body and str(tmp_path) not in body
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "findings index" in response.get_json()["error"]


def test_serve_uses_waitress(corpus_index, monkeypatch):
    """serve() runs the app under waitress with the given host, port and threads (never the dev server)."""
    serve_module = importlib.import_module("webapp.serve")
    calls = []

    class Server:
        def run(self):
            calls.append("run")

        def close(self):
            calls.append("close")

    def create_server(app, *, sock, **options):
        calls.append((app, options, sock.getsockname()[0]))
        return Server()

    monkeypatch.setattr(serve_module, "create_server", create_server)
    monkeypatch.setattr(Flask, "run", lambda *a, **k: pytest.fail("Flask's development server must not be used"))
    # One worker: the server runs in this process, on the socket serve() opened.
    webapp.serve(index_dir=corpus_index, host="127.0.0.1", port=0, threads=3, workers=1)
    (app, options, host), *rest = calls
    assert rest == ["run", "close"]
    assert isinstance(app, Flask) and not app.debug
    assert app.config["INDEX_DIR"] == str(corpus_index)
    assert (options, host) == ({"threads": 3}, "127.0.0.1")
    assert app.extensions[EXTENSION]["service"] is not None


def test_serve_without_index_says_how_to_build_it(tmp_path):
    """serve() on a folder with no index exits with the command to run."""
    with pytest.raises(SystemExit, match="findings index"):
        webapp.serve(index_dir=tmp_path / "empty", host="127.0.0.1", port=0, threads=1)


def test_serve_limits_malloc_arenas_unless_the_environment_says(monkeypatch):
    """The server asks malloc for few arenas (glibc: True); MALLOC_ARENA_MAX in the environment wins."""
    serve_module = importlib.import_module("webapp.serve")
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert serve_module.limit_malloc_arenas() is False
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    assert serve_module.limit_malloc_arenas() is (platform.libc_ver()[0] == "glibc")
