"""The benchmark still runs end to end: a ~1k-paragraph run, checked for shape, never for speed."""

from __future__ import annotations

import json
import numbers

from benchmarks.run import main

SEARCH_KEYS = {"p50_ms", "p95_ms", "mean_ms", "samples", "by_label", "totals", "peak_rss_mb"}
HTTP_KEYS = {"p50_ms", "p95_ms", "requests_per_s", "server_rss_mb", "server_peak_rss_mb", "server_peak_pss_mb"}


def _positive(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


def report_table(out) -> str:
    from benchmarks.run import table

    return table(json.loads(out.read_text(encoding="utf-8"))["results"])


def test_small_benchmark_run_writes_every_measurement(tmp_path, capsys):
    """A 1k run prints the table and writes JSON with every measurement for both engines."""
    out = tmp_path / "bench.json"
    code = main([
        "--out", str(out), "--sizes", "1000", "--rounds", "1", "--http-requests", "30",
        "--http-seconds", "5", "--threads", "2", "--workers", "2", "--workdir", str(tmp_path / "work"), "--quiet",
        "--only", "search",
    ])  # fmt: skip
    assert code == 0
    assert "Search page p50: ours / FTS5" in capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"note", "command", "machine", "targets", "queries", "results"} <= set(report)
    assert "SYNTHETIC" in report["note"]
    assert len(report["queries"]) >= 20
    (result,) = report["results"]
    assert result["paragraphs"] == 1000

    build = result["ours_build"]
    assert all(_positive(build[k]) for k in ("wall_s", "parse_s", "write_s", "paragraphs_per_s", "peak_rss_mb"))
    assert build["paragraphs_total"] >= 900
    # A full build in each form reports come in; the first (text extracted from PDF) gets the rest.
    assert result["format"] == "txt" and list(result["builds"]) == ["txt", "md", "html"]
    assert result["builds"]["txt"] == build
    for fmt, each in result["builds"].items():
        assert each["format"] == fmt and 950 <= each["paragraphs_total"] <= 1050
        keys = ("paragraphs_per_s", "peak_tree_pss_mb", "peak_tree_rss_mb", "index_mb")
        assert all(_positive(each[k]) for k in keys)
    assert {f"build_{fmt}_ge_2000_paragraphs_per_s" for fmt in ("txt", "md", "html")} <= set(result["targets"])
    assert all(_positive(result["fts5_build"][k]) for k in ("wall_s", "paragraphs", "paragraphs_per_s"))
    assert _positive(result["ours_incremental"]["wall_s"])
    refused = result["ours_refused"]
    assert _positive(refused["max_ms"]) and all(kind["refused"] for kind in refused["by_kind"].values())
    assert all(_positive(result["ours_cold_start"][k]) for k in ("process_wall_s", "in_process_s"))
    for engine in ("ours", "fts5"):
        search = result[f"{engine}_search"]
        assert set(search) >= SEARCH_KEYS
        assert _positive(search["p50_ms"]) and search["p95_ms"] >= search["p50_ms"]
        assert len(search["totals"]) == len(report["queries"])
    # Both engines do the same work: every query matches the same number of paragraphs in each.
    assert result["ours_search"]["totals"] == result["fts5_search"]["totals"]
    assert set(result["fts5_http"]) >= HTTP_KEYS
    assert result["ours_http"].get("skipped") or (set(result["ours_http"]) >= HTTP_KEYS)
    # Both servers ran in two processes; their memory is summed over the parent and both workers.
    assert result["fts5_http"]["workers"] == 2 and result["ours_http"]["workers"] == 2
    assert result["ours_http"]["server_peak_rss_mb"] >= result["ours_http"]["server_peak_pss_mb"] > 0
    similar = result["ours_similar"]
    assert _positive(similar["p50_ms"]) and similar["p95_ms"] >= similar["p50_ms"]
    assert similar["paragraphs"] >= 10 and similar["samples"] == similar["paragraphs"]
    assert similar["results_min"] >= 1
    assert "Similar findings p50 / p95 (ours)" in report_table(out)
    assert "| Full build, scraped HTML " in report_table(out)
    ratios = ("search_p50", "search_p95", "build_throughput", "similar_p50_to_search_p50")
    assert all(_positive(result["ratios"][k]) for k in ratios)
    assert all(isinstance(v, bool) for v in result["targets"].values())


def test_small_pdf_benchmark_run_compares_both_readers(tmp_path, capsys):
    """``--only pdf`` on two 3-page reports: both readers read every page, the ratio is reported."""
    out = tmp_path / "bench.json"
    code = main([
        "--out", str(out), "--only", "pdf", "--pdf-reports", "2", "--pdf-pages", "3",
        "--workdir", str(tmp_path / "work"), "--quiet",
    ])  # fmt: skip
    assert code == 0
    assert "as many pages per CPU second as pdfplumber" in capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["results"] == []
    pdf = report["pdf"]
    assert (pdf["reports"], pdf["pages_per_report"]) == (2, 3)
    for reader in ("ours", "words", "pdfplumber"):
        assert pdf[reader]["pages"] == 6
        assert all(_positive(pdf[reader][k]) for k in ("cpu_s", "wall_s", "pages_per_s", "ms_per_page", "words"))
    assert _positive(pdf["ratio_ours_to_pdfplumber"]) and isinstance(pdf["target_met"], bool)
    assert all(_positive(pdf["build"][k]) for k in ("pages_per_s", "paragraphs_per_s", "wall_s"))


def test_memory_breakdown_runs_on_a_small_index(tmp_path, capsys):
    """``python -m benchmarks.memory`` on a 1k-paragraph index: RSS by step, holders, the cache's count."""
    from benchmarks.corpus import make_corpus
    from benchmarks.memory import main as memory_main
    from indexer.store.indexing import index_corpus

    make_corpus(tmp_path / "corpus", 1000)
    index_corpus(tmp_path / "corpus", tmp_path / "index", workers=0)
    out = tmp_path / "memory.json"
    assert memory_main([str(tmp_path / "index"), "--out", str(out)]) == 0
    assert "| held by | MB |" in capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    steps = report["rss"]["steps"]
    assert list(steps) == ["imports", "opened", "after_queries"]
    assert all(_positive(step[key]) for step in steps.values() for key in ("VmRSS", "RssAnon", "VmHWM"))
    trace = report["trace"]
    assert _positive(trace["holders_bytes"]["facet arrays (FacetTable)"])
    assert trace["by_function"] and all(_positive(row["bytes"]) for row in trace["by_function"][:3])
    cache = trace["cache"]
    assert cache["pages"] > 0 and _positive(cache["counted_bytes"]) and _positive(cache["traced_bytes"])


def test_tree_memory_counts_the_processes_under_this_one():
    """A child holding 200 MB is counted in this process's tree, in RSS and in PSS."""
    import subprocess
    import sys
    import time

    from benchmarks.measure import TreeMemory

    with TreeMemory(interval=0.05) as alone:
        time.sleep(0.2)
    holder = "import sys, time; held = b'x' * (200 * 2**20); print('ready', flush=True); time.sleep(30)"
    with subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
            with TreeMemory(interval=0.05) as both:
                time.sleep(0.2)
        finally:
            child.kill()
    assert both.rss_mb - alone.rss_mb >= 190 and both.pss_mb - alone.pss_mb >= 190
    assert both.rss_mb >= both.pss_mb > 0
