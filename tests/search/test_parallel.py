"""Searches on many threads at once, a generation retired under running searches, and the bounded result cache."""

from __future__ import annotations

import threading

import pytest

from indexer.search.cache import ResultCache, size_of
from indexer.search.query import parse
from indexer.search.service import SearchService
from indexer.search.state import GenerationClosedError, SearchState
from indexer.store.generations import current_generation

MIXED_QUERIES = [
    ("VIST", {}),
    ('"mental health"', {}),
    ("street triage custody", {}),
    ("multi-agency", {}),
    ("criminal*", {}),
    ("health -mental", {}),
    ("custdy", {}),
    ("children", {"forces": ["Devon and Cornwall Police"]}),
    ("", {"doc_type": ["pcc_response"]}),
]
MIXED_TOTALS = [3, 38, 8, 18, 5, 3, 5, 64, 55]


def test_parallel_searches_give_the_answers_of_one_at_a_time(corpus_index):
    """Eight threads searching and exporting at once, on eight readers, get exactly the answers one thread gets."""
    with SearchService(corpus_index, cache_bytes=0, parallel=8) as service:
        expected = [service.search(q, filters=f) for q, f in MIXED_QUERIES]
        assert [r["total"] for r in expected] == MIXED_TOTALS
        exports = [service.export(q, filters=f) for q, f in MIXED_QUERIES]
        failures: list[str] = []
        start = threading.Barrier(8)

        def client(offset: int) -> None:
            start.wait()
            for turn in range(4 * len(MIXED_QUERIES)):
                number = (turn + offset) % len(MIXED_QUERIES)
                query, filters = MIXED_QUERIES[number]
                try:
                    if turn % 5 == 4:
                        same = service.export(query, filters=filters) == exports[number]
                    else:
                        same = service.search(query, filters=filters) == expected[number]
                except Exception as error:  # any failure on any thread is a finding
                    failures.append(f"{query!r}: {type(error).__name__}: {error}")
                    continue
                if not same:
                    failures.append(f"{query!r}: a different answer")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []


def test_no_more_searches_read_at_once_than_the_parallel_bound(corpus_index):
    """With ``parallel=2``, eight threads searching share two reader bundles and never hold more than two at once."""
    state = SearchState(current_generation(corpus_index), cache_bytes=0, parallel=2)
    lock = threading.Lock()
    holding: list[int] = []
    most = 0
    bundles: set[int] = set()
    start = threading.Barrier(8)

    def client() -> None:
        nonlocal most
        start.wait()
        for _ in range(5):
            with state.readers() as readers:
                with lock:
                    holding.append(id(readers))
                    most = max(most, len(holding))
                    bundles.add(id(readers))
                assert readers.searcher.document(id="plymouth-jtai-2020-letter--p-854c266a") is not None
                with lock:
                    holding.remove(id(readers))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= most <= 2
    assert 1 <= len(bundles) <= 2
    state.retire()


def test_retired_generation_serves_its_last_search_then_closes(corpus_index):
    """A generation retired while a search uses it keeps answering that search, and closes when it leaves."""
    state = SearchState(current_generation(corpus_index), cache_bytes=0)
    tree = parse("VIST")
    state.enter()
    state.retire()
    assert state.run(tree, "VIST", {}, "relevance", 1, 20)["total"] == 3
    assert len(state.ranked_records(tree, {}, "relevance", 10)) == 3
    state.leave()
    with pytest.raises(GenerationClosedError):
        state.run(tree, "VIST", {}, "relevance", 1, 20)
    with pytest.raises(GenerationClosedError):
        state.enter()


def test_unused_generation_closes_when_retired(corpus_index):
    """A generation no search is using closes as soon as it is retired."""
    state = SearchState(current_generation(corpus_index), cache_bytes=0)
    assert state.run(parse("VIST"), "VIST", {}, "relevance", 1, 20)["total"] == 3
    state.retire()
    with pytest.raises(GenerationClosedError):
        state.resolve_filters({"year": ["2020"]})


def test_repeated_search_is_cached_within_the_byte_bound(corpus_index):
    """A repeated search is kept once in the generation's cache, whose size stays within its bound in bytes."""
    with SearchService(corpus_index, cache_bytes=2 * 2**20) as service:
        first = service.search("mental health", per_page=20)
        again = service.search("  mental health ", per_page=20)
        assert again == dict(first, query="  mental health ")
        cache = service.state.cache
        assert len(cache) == 1
        assert 0 < cache.bytes_used <= 2 * 2**20
        for page in range(1, 8):
            service.search("children", per_page=10, page=page)
        assert len(cache) == 8
        assert cache.bytes_used <= 2 * 2**20


def test_cache_drops_least_recently_used_pages_to_stay_within_its_bytes():
    """Past its byte budget the cache drops the least recently used pages; a page over the budget is not kept."""
    pages = {key: {"key": key, "results": [{"text": f"{key}{n} " + "x" * 1000} for n in range(10)]} for key in "abcd"}
    size = size_of(pages["a"])
    assert size > 10_000 and all(size_of(page) == size for page in pages.values())
    cache = ResultCache(max_bytes=3 * size)
    for key in "abc":
        cache.put(key, pages[key])
    assert cache.get("a") is pages["a"]  # "a" is now the most recently used
    cache.put("d", pages["d"])
    assert [key for key in "abcd" if cache.get(key) is not None] == ["a", "c", "d"]
    assert cache.bytes_used == 3 * size
    cache.put("huge", {"results": ["y" * (4 * size)]})
    assert cache.get("huge") is None
    off = ResultCache(max_bytes=0)
    off.put("a", pages["a"])
    assert off.get("a") is None
    assert len(off) == 0
