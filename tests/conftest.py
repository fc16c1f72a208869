"""Shared fixtures: the shipped corpus indexed once per session into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.search.service import SearchService
from indexer.store.indexing import index_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False, help="run the long reliability runs")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: use `make test-long` (pytest -m slow --run-slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    """A private copy of corpus/ that tests may not modify."""
    target = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def corpus_index(corpus_copy, tmp_path_factory) -> Path:
    """The index directory of the shipped corpus, built once."""
    index_dir = tmp_path_factory.mktemp("index") / "index"
    summary = index_corpus(corpus_copy, index_dir, workers=0)
    assert summary.failed == []
    return index_dir


@pytest.fixture(scope="session")
def service(corpus_index) -> SearchService:
    """A search service over the shipped corpus."""
    with SearchService(corpus_index) as search_service:
        yield search_service


@pytest.fixture
def make_corpus(tmp_path):
    """Write files into a fresh corpus folder: make_corpus({"a.txt": "text"}) -> Path."""

    def make(files: dict[str, str | bytes]) -> Path:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        for name, content in files.items():
            path = corpus / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return corpus

    return make
