"""A real server (waitress on a free loopback port) and Debian's chromium, driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from waitress import wasyncore

from tests.browser.support import DESKTOP_VIEWPORT, PAGE_STATUS, PAGE_TYPES
from webapp import create_app
from webapp.serve import create_server

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
VIEWPORT = DESKTOP_VIEWPORT


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
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
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


@pytest.fixture(scope="session")
def page_type(service):
    """page_type(name) -> (address, status) of that kind of page, with a real report and paragraph from the index."""
    hit = service.search("custody")["results"][0]

    def address(name: str) -> tuple[str, int]:
        return PAGE_TYPES[name].format(report_id=hit["report_id"], paragraph_id=hit["id"]), PAGE_STATUS.get(name, 200)

    return address


class Tabs:
    """One tab per viewport, reused from page to page: a new context per page would cost more than the checks."""

    def __init__(self, browser, base_url: str):
        self._browser = browser
        self._base_url = base_url
        self._open: dict[tuple[int, int], object] = {}
        self.problems: list[str] = []

    def visit(self, url: str, viewport: dict, *, status: int = 200):
        """Load ``url`` in the tab of that viewport and return the tab; the page must answer ``status``."""
        key = (viewport["width"], viewport["height"])
        if key not in self._open:
            context = self._browser.new_context(base_url=self._base_url, viewport=viewport)
            tab = context.new_page()
            tab.on("console", lambda message, tab=tab: self._console(tab, message))
            tab.on("pageerror", lambda error: self.problems.append(str(error)))
            self._open[key] = tab
        tab = self._open[key]
        response = tab.goto(url)
        assert response is not None and response.status == status, (url, response and response.status)
        return tab

    def _console(self, tab, message) -> None:
        # An error page logs its own status as a failed load; visit() has already checked that status.
        own_status = message.text.startswith("Failed to load resource") and message.location.get("url") == tab.url
        if message.type == "error" and not own_status:
            self.problems.append(message.text)

    def close(self) -> None:
        for tab in self._open.values():
            tab.context.close()


@pytest.fixture(scope="session")
def shared_tabs(browser, live_server):
    tabs = Tabs(browser, live_server)
    yield tabs
    tabs.close()


@pytest.fixture
def visit(shared_tabs):
    """visit(url, viewport, status=200) -> a shared tab showing url, for tests that only read pages.

    Fails the test on any console error, such as a Content-Security-Policy violation.
    """
    shared_tabs.problems.clear()
    yield shared_tabs.visit
    assert shared_tabs.problems == []
