"""The web app over the shipped corpus, and a test client for it."""

from __future__ import annotations

import threading

import pytest
from bs4 import BeautifulSoup

from webapp import create_app


@pytest.fixture(scope="session")
def app(corpus_index):
    """One app for the session: its search service opens the index once, as in production."""
    return create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def page(client):
    """GET a URL and parse it: page(url, status=200) -> BeautifulSoup."""

    def get(url: str, *, status: int = 200) -> BeautifulSoup:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert response.mimetype == "text/html"
        return BeautifulSoup(response.get_data(as_text=True), "lxml")

    return get



@pytest.fixture(scope="session")
def live_url(app):
    """The session's app served by waitress (as `findings serve` does) on a free loopback port."""
    from webapp.serve import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    # Close every socket from inside the server's own loop, which then ends because its map is empty.
    server.trigger.pull_trigger(lambda: server.asyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()
