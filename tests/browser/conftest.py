"""A real server (waitress on a free loopback port) and Debian's chromium, driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from waitress import wasyncore
from waitress.server import create_server

from webapp import create_app

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    """Skip locally, but fail under CI=true, where a missing browser means the run proves nothing."""
    message = f"browser tests need {reason}; .ci/run installs Debian's chromium with apt-get"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(corpus_index):
    """The app under waitress, the production server, in a background thread: its base URL."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="findings-test")
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    # Close every socket from inside the server's own loop, which then ends because its map is empty.
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A tab that fails the test on any console error, such as a Content-Security-Policy violation."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    assert problems == []


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git ignores it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
