"""Conditional GETs: an ETag from the index generation and the request, 304 for a repeat, a new one after a re-index."""

from __future__ import annotations

import pytest

from indexer.store.indexing import index_corpus
from webapp import create_app

CACHED = [
    "/", "/search?q=custody", "/api/search?q=custody", "/search.csv?q=custody", "/search.json?q=custody",
    "/search.atom?q=custody", "/reports", "/recommendations", "/api/recommendations", "/help", "/api/openapi.json",
]  # fmt: skip


@pytest.mark.parametrize("url", CACHED)
def test_a_repeated_request_gets_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)
    assert again.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_depends_on_the_request(client):
    urls = ("/search?q=custody", "/search?q=custody&page=2", "/search?q=vist")
    tags = {client.get(url).headers["ETag"] for url in urls}
    assert len(tags) == 3
    assert client.get("/search?q=custody", headers={"Host": "localhost"}).headers["ETag"] != client.get(
        "/search?q=custody", headers={"Host": "127.0.0.1"}
    ).headers["ETag"]


def test_refusals_carry_no_etag(client):
    refused = client.get("/search?q=%2A")
    assert refused.status_code == 400 and "ETag" not in refused.headers
    assert "ETag" not in client.get("/no-such-page").headers


def test_a_new_generation_changes_every_etag(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A report\n\nCustody suites were clean and well run.\n"})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    before = client.get("/search?q=custody").headers["ETag"]
    (corpus / "b.txt").write_text("Another report\n\nCustody staff were kind.\n", encoding="utf-8")
    index_corpus(corpus, index_dir, workers=0)
    after = client.get("/search?q=custody", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert after.get_json() is None and b"Another report" in after.data
