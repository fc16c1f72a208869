"""``make bench``: our engine against SQLite FTS5 on SYNTHETIC corpora of N paragraphs, and our
PDF reader against pdfplumber on SYNTHETIC PDF reports.

    python -m benchmarks.run --out benchmarks/latest.json [--sizes 10000,100000] [--only search|pdf]

Every measurement runs in a fresh process. Prints tables with the ratios
ours/FTS5 and ours/pdfplumber and the targets, and writes everything as JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from .corpus import FORMAT_NAMES, FORMATS, PARAGRAPHS_PER_REPORT, make_corpus, make_extra_report
from .measure import ROOT, run_worker, summary_ms
from .pdfreading import bench_pdf, pdf_table
from .queries import QUERY_MIX

DEFAULT_WORKDIR = ROOT / "benchmarks" / ".corpus"
TARGETS = {
    "search_p50_ratio_max": 1.0,
    "search_p95_ratio_max": 1.5,
    "build_paragraphs_per_s_min": 2000,
    "incremental_s_max": 2.0,
    "cold_start_s_max": 2.0,
    "server_rss_mb_max": 400,
    "similar_p50_to_search_p50_max": 1.0,
}


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def build_format(size: int, fmt: str, workdir: Path, log) -> tuple[dict, Path, Path]:
    """Write the corpus of ``size`` paragraphs in the form ``fmt`` and time a full build of it."""
    corpus = workdir / f"corpus-{size}-{fmt}"
    index = workdir / f"index-{size}-{fmt}"
    log(f"[{size}] writing the synthetic corpus: {FORMAT_NAMES[fmt]}")
    started = time.perf_counter()
    make_corpus(corpus, size, fmt=fmt)
    generated = time.perf_counter() - started
    if index.exists():
        shutil.rmtree(index)
    log(f"[{size}] full build (ours): {FORMAT_NAMES[fmt]}")
    build = run_worker("benchmarks.ours", "build", corpus, index)
    build["paragraphs_per_s"] = round(build["paragraphs_total"] / build["wall_s"], 1)
    build["write_paragraphs_per_s"] = round(build["paragraphs_total"] / build["write_s"], 1)
    build["format"] = fmt
    build["corpus_generation_s"] = round(generated, 2)
    log(
        f"[{size}]   {build['paragraphs_per_s']:,.0f} par/s, {build['wall_s']:.1f} s, "
        f"all processes {build['peak_tree_pss_mb']:,.0f} MB"
    )
    return build, corpus, index


def bench_size(
    size: int,
    workdir: Path,
    *,
    rounds: int,
    http_requests: int,
    http_seconds: float,
    threads: list[int],
    formats: list[str],
    workers: int,
    log,
) -> dict:
    """The whole comparison on the corpus in the first of ``formats``; full builds only in the others."""
    database = workdir / f"fts5-{size}.db"
    result: dict = {"paragraphs": size, "format": formats[0], "builds": {}}
    for fmt in formats[1:]:  # the others first, each removed after: disk stays bounded at 1M
        build, other_corpus, other_index = build_format(size, fmt, workdir, log)
        result["builds"][fmt] = build
        shutil.rmtree(other_index, ignore_errors=True)
        shutil.rmtree(other_corpus, ignore_errors=True)
    build, corpus, index = build_format(size, formats[0], workdir, log)
    result["builds"] = {formats[0]: build, **result["builds"]}
    result["ours_build"] = build
    result["corpus_generation_s"] = build["corpus_generation_s"]

    log(f"[{size}] full build (FTS5)")
    fts_build = run_worker("benchmarks.fts5", "build", index, database)
    fts_build["paragraphs_per_s"] = round(fts_build["paragraphs"] / fts_build["wall_s"], 1)
    result["fts5_build"] = fts_build

    log(f"[{size}] cold start (ours)")
    result["ours_cold_start"] = run_worker("benchmarks.ours", "coldstart", index)

    log(f"[{size}] search-page work, {rounds} rounds of {len(QUERY_MIX)} queries")
    for name, module, target in (("ours", "benchmarks.ours", index), ("fts5", "benchmarks.fts5", database)):
        raw = run_worker(module, "search", target, rounds)
        result[f"{name}_search"] = dict(
            summary_ms(raw["latencies_s"]),
            by_label={label: summary_ms(values) for label, values in raw["by_label_s"].items()},
            totals=raw["totals"],
            peak_rss_mb=raw["peak_rss_mb"],
        )
        if "similar_latencies_s" in raw:
            # Measured in the same process as the search pages above, right after them.
            result[f"{name}_similar"] = dict(
                summary_ms(raw["similar_latencies_s"]),
                paragraphs=raw["similar_paragraphs"],
                results_min=raw["similar_results_min"],
            )

    log(f"[{size}] refused queries (ours)")
    result["ours_refused"] = run_worker("benchmarks.ours", "refused", index, 20)

    from .web import measure, webapp_available

    missing = webapp_available()
    # One run per client count, each against a fresh server with as many threads as clients.
    # "ours_http"/"fts5_http" stay the first count's run (the targets and older readers use them).
    result["http"] = {}
    for count in threads:
        run: dict = {}
        if missing:
            run["ours"] = {"skipped": missing}
            log(f"[{size}] HTTP (ours) skipped: {missing}")
        else:
            log(f"[{size}] HTTP (ours), {count} client threads, {workers} server processes")
            run["ours"] = measure(
                "ours", str(index), threads=count, max_requests=http_requests, max_seconds=http_seconds,
                workers=workers,
            )  # fmt: skip
        log(f"[{size}] HTTP (FTS5), {count} client threads, {workers} server processes")
        run["fts5"] = measure(
            "fts5", str(database), threads=count, max_requests=http_requests, max_seconds=http_seconds,
            workers=workers,
        )  # fmt: skip
        run["ratios"] = http_ratios(run["ours"], run["fts5"])
        result["http"][str(count)] = run
    first = result["http"][str(threads[0])]
    result["ours_http"], result["fts5_http"] = first["ours"], first["fts5"]

    log(f"[{size}] incremental add of one {PARAGRAPHS_PER_REPORT}-paragraph report (ours)")
    extra = make_extra_report(corpus, fmt=formats[0])
    try:
        result["ours_incremental"] = run_worker("benchmarks.ours", "incremental", corpus, index)
    finally:
        extra.unlink()
        extra.with_name(extra.stem + ".meta.toml").unlink()
    result["ratios"] = ratios(result)
    result["targets"] = check_targets(result)
    return result


def ratios(result: dict) -> dict:
    ours, fts = result["ours_search"], result["fts5_search"]
    out = {
        "search_p50": round(ours["p50_ms"] / fts["p50_ms"], 2),
        "search_p95": round(ours["p95_ms"] / fts["p95_ms"], 2),
        "build_throughput": round(
            result["ours_build"]["paragraphs_per_s"] / result["fts5_build"]["paragraphs_per_s"], 3
        ),
        "similar_p50_to_search_p50": round(result["ours_similar"]["p50_ms"] / ours["p50_ms"], 2),
    }
    out.update(http_ratios(result.get("ours_http", {}), result["fts5_http"]))
    return out


def http_ratios(ours: dict, fts: dict) -> dict:
    """Ours / FTS5 for one HTTP run: requests per second, p50 and p95 (empty when ours was skipped)."""
    if "p50_ms" not in ours or not fts.get("p50_ms"):
        return {}
    return {
        "http_requests_per_s": round(ours["requests_per_s"] / fts["requests_per_s"], 2),
        "http_p50": round(ours["p50_ms"] / fts["p50_ms"], 2),
        "http_p95": round(ours["p95_ms"] / fts["p95_ms"], 2),
    }


def check_targets(result: dict) -> dict:
    r = result["ratios"]
    checks = {
        "search_p50_le_1.0x_fts5": r["search_p50"] <= TARGETS["search_p50_ratio_max"],
        "search_p95_le_1.5x_fts5": r["search_p95"] <= TARGETS["search_p95_ratio_max"],
        **{
            f"build_{fmt}_ge_2000_paragraphs_per_s": build["paragraphs_per_s"] >= TARGETS["build_paragraphs_per_s_min"]
            for fmt, build in result.get("builds", {"md": result["ours_build"]}).items()
        },
        "incremental_le_2s": result["ours_incremental"]["wall_s"] <= TARGETS["incremental_s_max"],
        "cold_start_le_2s": result["ours_cold_start"]["process_wall_s"] <= TARGETS["cold_start_s_max"],
        "similar_p50_le_search_p50": r["similar_p50_to_search_p50"] <= TARGETS["similar_p50_to_search_p50_max"],
    }
    peaks = [
        run["ours"]["server_peak_rss_mb"]
        for run in result.get("http", {}).values()
        if "server_peak_rss_mb" in run.get("ours", {})
    ]
    if peaks:  # the server of every client count, not only the first
        checks["server_rss_le_400mb"] = max(peaks) <= TARGETS["server_rss_mb_max"]
    return checks


def table(results: list[dict]) -> str:
    rows = [("", *[f"{r['paragraphs']:,} paragraphs" for r in results])]

    def row(label, fn):
        values = []
        for r in results:
            try:
                values.append(fn(r))
            except (KeyError, TypeError, ZeroDivisionError):
                values.append("n/a")
        rows.append((label, *values))

    row(
        "Full build, ours (parse + index)",
        lambda r: f"{r['ours_build']['paragraphs_per_s']:,.0f} par/s, {r['ours_build']['wall_s']:.1f} s, "
        f"peak {r['ours_build']['peak_rss_mb']:.0f} MB",
    )
    row(
        "  until the last file is parsed / after",
        lambda r: f"{r['ours_build']['parse_s']:.1f} s / {r['ours_build']['write_s']:.1f} s",
    )
    row(
        "  all its processes: peak PSS / index on disk",
        lambda r: f"{r['ours_build']['peak_tree_pss_mb']:,.0f} MB / {r['ours_build']['index_mb']:,.0f} MB",
    )
    formats = list(dict.fromkeys(fmt for r in results for fmt in r.get("builds", {})))
    for fmt in formats:
        row(
            f"Full build, {FORMAT_NAMES[fmt]}",
            lambda r, f=fmt: (
                f"{r['builds'][f]['paragraphs_per_s']:,.0f} par/s, {r['builds'][f]['wall_s']:.1f} s, "
                f"all processes {r['builds'][f]['peak_tree_pss_mb']:,.0f} MB"
            ),
        )
    row(
        "Full build, FTS5 (insert + index)",
        lambda r: f"{r['fts5_build']['paragraphs_per_s']:,.0f} par/s, {r['fts5_build']['wall_s']:.1f} s",
    )
    row("Incremental add, 1 report (ours)", lambda r: f"{r['ours_incremental']['wall_s']:.2f} s")
    row("Cold start to first search (ours)", lambda r: f"{r['ours_cold_start']['process_wall_s']:.2f} s")
    row(
        "Search page p50: ours / FTS5",
        lambda r: f"{r['ours_search']['p50_ms']:.1f} / {r['fts5_search']['p50_ms']:.1f} ms "
        f"= {r['ratios']['search_p50']:.2f}x",
    )
    row(
        "Search page p95: ours / FTS5",
        lambda r: f"{r['ours_search']['p95_ms']:.1f} / {r['fts5_search']['p95_ms']:.1f} ms "
        f"= {r['ratios']['search_p95']:.2f}x",
    )
    row(
        "Similar findings p50 / p95 (ours)",
        lambda r: f"{r['ours_similar']['p50_ms']:.1f} / {r['ours_similar']['p95_ms']:.1f} ms "
        f"= {r['ratios']['similar_p50_to_search_p50']:.2f}x our search page p50",
    )
    row(
        "Refused queries, slowest (ours)",
        lambda r: f"{r['ours_refused']['max_ms']:.2f} ms "
        f"(max of {len(r['ours_refused']['by_kind'])} kinds x {r['ours_refused']['repeats']})",
    )
    counts = list(dict.fromkeys(count for r in results for count in r.get("http", {})))
    for count in counts:
        row(
            f"HTTP req/s, {count} clients: ours / FTS5",
            lambda r, c=count: _http_cell(r["http"][c], "requests_per_s", "", "http_requests_per_s"),
        )
        row(
            f"HTTP p50, {count} clients: ours / FTS5",
            lambda r, c=count: _http_cell(r["http"][c], "p50_ms", " ms", "http_p50"),
        )
        row(
            f"HTTP p95, {count} clients: ours / FTS5",
            lambda r, c=count: _http_cell(r["http"][c], "p95_ms", " ms", "http_p95"),
        )
        row(
            f"Server peak RSS (PSS), all processes, {count} clients: ours / FTS5",
            lambda r, c=count: (
                _http_cell(r["http"][c], "server_peak_rss_mb", " MB", None)
                + f" ({_http_cell(r['http'][c], 'server_peak_pss_mb', ' MB', None)})"
            ),
        )
    row("Targets met", lambda r: ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in r["targets"].items()))
    shown = [values for values in rows if values[0] != "Targets met"]
    widths = [max(len(str(values[i])) for values in shown) for i in range(len(rows[0]))]
    lines = []
    for number, values in enumerate(rows):
        if values[0] == "Targets met":
            continue
        # Every row has a label and one cell per result, as many as there are widths.
        lines.append("| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True)) + " |")
        if number == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in results:
        met = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in r["targets"].items())
        lines.append(f"\nTargets at {r['paragraphs']:,}: " + met)
    return "\n".join(lines)


def _http_cell(run: dict, key: str, unit: str, ratio: str | None) -> str:
    ours = f"{run['ours'][key]:.0f}" if key in run["ours"] else "skipped"
    cell = f"{ours} / {run['fts5'][key]:.0f}{unit}"
    return f"{cell} = {run['ratios'][ratio]:.2f}x" if ratio and ratio in run["ratios"] else cell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write the results to")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes in paragraphs")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the query mix per engine")
    parser.add_argument("--http-requests", type=int, default=400, help="most requests per HTTP run")
    parser.add_argument("--http-seconds", type=float, default=20.0, help="longest HTTP run, in seconds")
    parser.add_argument(
        "--threads", default="4,8", help="comma-separated client counts, one HTTP run each (as many server threads)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="where the SYNTHETIC corpora and indexes go"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes for the HTTP runs, ours and FTS5's alike (default: findings serve's)",
    )
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help="comma-separated corpus forms (txt, md, html), each built in full; the first gets the whole comparison",
    )
    parser.add_argument(
        "--only", choices=("search", "pdf"), help="run one part: the search engine, or PDF reading (default: both)"
    )
    parser.add_argument("--pdf-reports", type=int, default=20, help="SYNTHETIC PDF reports to read")
    parser.add_argument("--pdf-pages", type=int, default=40, help="pages in each PDF report")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    threads = [int(t) for t in str(args.threads).split(",") if t.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.workers is None:
        from webapp.serve import DEFAULT_WORKERS

        args.workers = DEFAULT_WORKERS
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        parser.error(f"--formats: one or more of {', '.join(FORMATS)} (not {', '.join(unknown) or 'nothing'})")
    args.workdir.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    results = [
        bench_size(size, args.workdir, rounds=args.rounds, http_requests=args.http_requests,
                   http_seconds=args.http_seconds, threads=threads, formats=formats, workers=args.workers,
                   log=log)
        for size in (sizes if args.only != "pdf" else [])
    ]  # fmt: skip
    pdf = None if args.only == "search" else bench_pdf(args.workdir / "pdf", args.pdf_reports, args.pdf_pages, log)
    report = {
        "note": "SYNTHETIC corpus recombined from corpus/, for timing only",
        "command": "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "targets": TARGETS,
        "queries": [{"label": q.label, "q": q.text, "filters": q.filters, "fts5": q.fts} for q in QUERY_MIX],
        "results": results,
        "pdf": pdf,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print("\n\n".join(([table(results)] if results else []) + ([pdf_table(pdf)] if pdf else [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
