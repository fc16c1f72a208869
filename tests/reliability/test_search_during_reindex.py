"""Searches keep working while the corpus is re-indexed, and switch from old to new without a restart.

Each version of the corpus marks every paragraph with one version word, so any
answer shows which generation served it: it must be exactly one version (never
a mix), versions seen by one client never go backwards, and every client ends
on the last version.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.search.service import SearchService

from reportgen import write_corpus
from support import ROOT, run_findings, waitress_server

ARTIFACTS = ROOT / "test-artifacts"


VERSION_WORDS = ("amber", "beryl", "coral", "dune", "ember")
REPORTS = 6
PARAGRAPHS = 8
SEARCH = "epoch"


def write_version(corpus: Path, version: int) -> None:
    write_corpus(
        corpus, dict.fromkeys(range(REPORTS), version), marker=f"epoch {VERSION_WORDS[version]}", paragraphs=PARAGRAPHS
    )


def versions_in(texts: list[str]) -> set[str]:
    return {word for word in VERSION_WORDS for text in texts if f"epoch {word}" in text}


class Client(threading.Thread):
    """Searches in a loop until stopped, recording the version of every answer and every failure."""

    def __init__(self, name: str, search: Callable[[], list[str]]) -> None:
        super().__init__(name=name, daemon=True)
        self.search = search
        self.stop = threading.Event()
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.requests = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.requests += 1
            try:
                texts = self.search()
            except Exception as error:  # every failure is a finding, whatever its type
                self.errors.append(f"{type(error).__name__}: {error}")
                continue
            found = versions_in(texts)
            if len(found) != 1 or len(texts) != REPORTS * (PARAGRAPHS + 6):
                self.errors.append(f"answer mixes or lacks versions: {sorted(found)}, {len(texts)} results")
                continue
            (version,) = found
            if not self.seen or self.seen[-1] != version:
                self.seen.append(version)


def _service_search(service: SearchService) -> Callable[[], list[str]]:
    calls = iter(range(1 << 62))

    def search() -> list[str]:
        # Alternate the cached search with the uncached export, which reads every match afresh.
        if next(calls) % 2:
            return [r["text"] for r in service.export(SEARCH)]
        return [r["text"] for r in service.search(SEARCH, per_page=100)["results"]]

    return search


def _http_search(base_url: str) -> Callable[[], list[str]]:
    def search() -> list[str]:
        with urllib.request.urlopen(f"{base_url}/api/search?q={SEARCH}&per_page=100", timeout=10) as response:
            assert response.status == 200
            return [r["text"] for r in json.load(response)["results"]]

    return search


def _html_search(base_url: str) -> Callable[[], list[str]]:
    def search() -> list[str]:
        # The CSV export walks every match, so it reads the whole generation while a switch may happen.
        with urllib.request.urlopen(f"{base_url}/search.csv?q={SEARCH}", timeout=10) as response:
            assert response.status == 200
            import csv
            import io

            rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
            return [row["text"] for row in rows]

    return search


def test_each_client_switches_to_the_new_generation_without_restart(tmp_path):
    """One service and one HTTP client, polled between re-indexes: each answer is the latest version."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write_version(corpus, 0)
    assert run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet").returncode == 0
    from webapp import create_app

    with SearchService(index_dir) as service, waitress_server(
        create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    ) as url:
        searches = {"service": _service_search(service), "http": _http_search(url), "csv": _html_search(url)}
        for version, word in enumerate(VERSION_WORDS):
            if version:
                write_version(corpus, version)
                assert run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet").returncode == 0
            for name, search in searches.items():
                for _ in range(2):  # the cached search and the uncached export
                    texts = search()
                    assert (name, versions_in(texts), len(texts)) == (name, {word}, REPORTS * (PARAGRAPHS + 6))


def test_searches_succeed_and_switch_versions_during_reindexing(tmp_path):
    """Service and HTTP clients search non-stop through four re-indexes: no error, no mix, no restart."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write_version(corpus, 0)
    assert run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet").returncode == 0
    service = SearchService(index_dir)
    clients = [Client(f"service-{n}", _service_search(service)) for n in range(3)]
    try:
        from webapp import create_app
    except ImportError:  # webapp ships with findings; without it, only the service clients run
        create_app = None
    server = waitress_server(create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})) if create_app else _nothing()
    with server as url:
        if url:
            clients += [Client(f"http-{n}", _http_search(url)) for n in range(3)]
            clients += [Client("csv", _html_search(url))]
        for client in clients:
            client.start()
        time.sleep(0.5)
        for version in range(1, len(VERSION_WORDS)):
            write_version(corpus, version)
            result = run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet")
            assert result.returncode == 0, result.stderr
            time.sleep(0.4)
        deadline = time.monotonic() + 10
        while any(c.seen[-1:] != [VERSION_WORDS[-1]] for c in clients) and time.monotonic() < deadline:
            time.sleep(0.05)
        for client in clients:
            client.stop.set()
        for client in clients:
            client.join(15)
    service.close()
    ARTIFACTS.mkdir(exist_ok=True)
    figures = {c.name: {"requests": c.requests, "versions_seen": c.seen, "errors": len(c.errors)} for c in clients}
    (ARTIFACTS / "search-during-reindex.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    for client in clients:
        assert client.requests >= 5, (client.name, client.requests)
        assert client.errors == [], (client.name, client.errors[:5])
        assert client.seen[-1] == VERSION_WORDS[-1], (client.name, client.seen)
        order = [VERSION_WORDS.index(word) for word in client.seen]
        assert order == sorted(order), f"{client.name} went back to an older generation: {client.seen}"
    assert len([c for c in clients if len(c.seen) >= 3]) >= 1, "no client saw the versions change under it"


@contextmanager
def _nothing() -> Iterator[None]:
    yield None
