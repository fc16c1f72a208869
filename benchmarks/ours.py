"""Measurements of our engine, each run in a fresh process: ``python -m benchmarks.ours CMD ...``."""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()  # before the heavy imports: cold start counts them

from pathlib import Path  # noqa: E402

from .measure import TreeMemory, emit, peak_rss_mb  # noqa: E402


def build(corpus: Path, index: Path, rebuild: bool) -> dict:
    from indexer.store.indexing import index_corpus

    marks = []
    started = time.perf_counter()
    with TreeMemory() as tree:
        summary = index_corpus(
            corpus, index, rebuild=rebuild, progress=lambda _: marks.append(time.perf_counter())
        )
    wall = time.perf_counter() - started
    parsed_at = marks[-1] if marks else started
    if summary.failed:
        raise SystemExit(f"files failed: {summary.failed[:3]}")
    # A full build writes while it parses: "parse_s" is until the last file is parsed (writing
    # alongside), "write_s" what is left (finishing the segments, publishing).
    return {
        "wall_s": round(wall, 3),
        "parse_s": round(parsed_at - started, 3),
        "write_s": round(started + wall - parsed_at, 3),
        "files": len(summary.indexed),
        "paragraphs_total": summary.paragraphs,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # All the build's processes together (parsers, segment writers, this one), sampled every 0.25 s.
        "peak_tree_pss_mb": round(tree.pss_mb, 1),
        "peak_tree_rss_mb": round(tree.rss_mb, 1),
        "index_mb": round(sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 2**20, 1),
    }


def cold_start(index: Path) -> dict:
    from indexer.search.service import SearchService

    imported = time.perf_counter()
    service = SearchService(index)
    opened = time.perf_counter()
    result = service.search("safeguarding")
    answered = time.perf_counter()
    assert result["total"] > 0
    return {
        "import_s": round(imported - STARTED, 3),
        "open_s": round(opened - imported, 3),
        "first_search_s": round(answered - opened, 3),
        "in_process_s": round(answered - STARTED, 3),
    }


def search(index: Path, rounds: int) -> dict:
    from indexer.search.service import SearchService

    from .queries import QUERY_MIX

    # cache_bytes=0: every call does the whole page's work, as for a new query.
    service = SearchService(index, cache_bytes=0)
    for query in QUERY_MIX:  # warm-up
        service.search(query.text, filters=query.filters, per_page=20)
    latencies: list[float] = []
    by_label: dict[str, list[float]] = {}
    totals: list[int] = []
    for _ in range(rounds):
        for query in QUERY_MIX:
            started = time.perf_counter()
            result = service.search(query.text, filters=query.filters, per_page=20)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            by_label.setdefault(query.label, []).append(elapsed)
            totals.append(result["total"])
            assert len(result["results"]) == min(20, result["total"])
    # Similar findings, in the same process right after: for the first result of each query of the mix
    # (the paragraphs a reader opens), each round, with no cache (similar findings have none).
    paragraph_ids = list(dict.fromkeys(
        found["results"][0]["id"]
        for query in QUERY_MIX
        if (found := service.search(query.text, filters=query.filters, per_page=1))["results"]
    ))  # fmt: skip
    for paragraph_id in paragraph_ids:  # warm-up
        service.similar(paragraph_id)
    similar: list[float] = []
    similar_found: list[int] = []
    for _ in range(rounds):
        for paragraph_id in paragraph_ids:
            started = time.perf_counter()
            answer = service.similar(paragraph_id)
            similar.append(time.perf_counter() - started)
            assert answer is not None
            similar_found.append(len(answer["results"]))
    return {
        "latencies_s": latencies,
        "by_label_s": by_label,
        "totals": totals[: len(QUERY_MIX)],
        "similar_latencies_s": similar,
        "similar_paragraphs": len(paragraph_ids),
        "similar_results_min": min(similar_found, default=0),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


REFUSED_QUERIES = {
    "501 characters": "safeguarding " * 38 + "custody",
    "leading wildcard": "*guarding",
    "two-letter prefix": "sa*",
    "unknown field": "colour:blue",
    "200 nested parentheses": "(" * 200 + "custody" + ")" * 200,
    "33 terms": " ".join(f"word{n}" for n in range(33)),
    "unknown filter": None,
}


def refused(index: Path, repeats: int) -> dict:
    """How long the query guards take to refuse hostile queries (each run ``repeats`` times)."""
    from indexer.search.query import QueryError
    from indexer.search.service import SearchService

    service = SearchService(index, cache_bytes=0)
    service.search("safeguarding")  # warm
    by_kind = {}
    for kind, text in REFUSED_QUERIES.items():
        times, was_refused = [], True
        for _ in range(repeats):
            started = time.perf_counter()
            try:
                if text is None:
                    service.search("custody", filters={"colour": ["blue"]})
                else:
                    service.search(text)
                was_refused = False
            except QueryError:
                pass
            times.append(time.perf_counter() - started)
        by_kind[kind] = {"max_ms": round(max(times) * 1000, 3), "refused": was_refused}
    return {"max_ms": max(entry["max_ms"] for entry in by_kind.values()), "by_kind": by_kind, "repeats": repeats}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build":
        emit(build(Path(args[0]), Path(args[1]), rebuild=True))
    elif command == "incremental":
        emit(build(Path(args[0]), Path(args[1]), rebuild=False))
    elif command == "coldstart":
        emit(cold_start(Path(args[0])))
    elif command == "search":
        emit(search(Path(args[0]), int(args[1])))
    elif command == "refused":
        emit(refused(Path(args[0]), int(args[1])))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
