"""The web app over the shipped corpus, and a test client for it."""

from __future__ import annotations

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

