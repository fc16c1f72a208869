"""Where the search server's memory goes: ``python -m benchmarks.memory INDEX [--out FILE]``.

Two fresh processes, like every measurement here, each opening a ``SearchService`` on INDEX (an
index the benchmark built) and running the benchmark's query mix once, with the result cache off:

- ``rss``: resident memory from ``/proc/self/status`` after the imports, after opening and after the
  queries: all of it (VmRSS), its anonymous part (the process's own memory) and its file-backed
  part (shared libraries, mapped files), and the peak (VmHWM).
- ``trace``: the same under ``tracemalloc`` (which slows it and adds its own memory, so its RSS is
  not reported): every allocation live after opening, attributed to the function of ours
  innermost on its stack; what the queries leave behind; the deep size of each structure the
  search state holds, counted once where they share objects; what opening one more reader
  bundle costs; and whether the result cache's byte count (what its bound is checked against)
  matches what its pages really hold.

About four minutes at 100k paragraphs, most of it under ``tracemalloc``.
"""

from __future__ import annotations

import ast
import gc
import json
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .measure import ROOT, emit, run_worker

OUR_FOLDERS = tuple(str(ROOT / name) + "/" for name in ("indexer", "webapp", "benchmarks"))
TOP_FUNCTIONS = 15
STACK_FRAMES = 30
"""Frames kept per allocation: enough to reach our function from inside json, whoosh or numpy."""


def rss_now() -> dict[str, float]:
    """This process's VmRSS, RssAnon, RssFile and VmHWM, in MB."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def _search_mix(service) -> None:
    """One round of the benchmark's query mix, 20 results a page."""
    from .queries import QUERY_MIX

    for query in QUERY_MIX:
        service.search(query.text, filters=query.filters, per_page=20)


def measure_rss(index: Path) -> dict:
    """Resident memory after the imports, after opening, after one round of the query mix."""
    from indexer.search.service import SearchService

    gc.collect()
    steps = {"imports": rss_now()}
    started = time.perf_counter()
    service = SearchService(index, cache_bytes=0)
    opened = time.perf_counter()
    gc.collect()
    steps["opened"] = rss_now()
    _search_mix(service)
    gc.collect()
    steps["after_queries"] = rss_now()
    return {"steps": steps, "open_s": round(opened - started, 3), "queries_s": round(time.perf_counter() - opened, 3)}


def deep_size(value: object, seen: set[int]) -> int:
    """Bytes held by ``value`` and everything it reaches that is not in ``seen`` (which it extends).

    Walks containers, numpy arrays (their data), and objects' ``__dict__`` and ``__slots__``;
    modules, classes and functions are not followed (they are the program, not the data).
    """
    import types

    import numpy as np

    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (type, types.ModuleType, types.FunctionType, types.MethodType)):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)  # an array's includes its data, when it owns it
        if isinstance(item, np.ndarray):
            if item.base is not None:
                stack.append(item.base)
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        else:
            stack.extend(getattr(item, "__dict__", {}).values())
            for slot in getattr(type(item), "__slots__", ()):
                if hasattr(item, slot):
                    stack.append(getattr(item, slot))
    return total


def holders(state) -> dict[str, object]:
    """The structures one generation's search state holds, in the order their sizes are counted."""
    parts: dict[str, object] = {
        "findings' summaries (the manifest's, held by the chain)": state.chain.findings,
        "chain links by paragraph (made from the manifest's)": [state.chain.answers, state.chain.answered_by],
    }
    for key, value in state.manifest.items():
        parts[f"manifest: {key}"] = value
    parts["facet arrays (FacetTable)"] = state.facets
    parts["date ranks"] = state.date_rank
    parts["glossary entries"] = state.glossary_entries
    parts["segment data held by the shared storage"] = state._storage
    parts["reader bundle (whoosh searcher, segment readers, Compiler)"] = state._first
    return parts


@cache
def _functions(path: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function in a source file, innermost last."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")

    visit(tree, "")
    return found


def _function_at(path: str, line: int) -> str:
    names = [name for first, last, name in _functions(path) if first <= line <= last]
    return names[-1] if names else "<module>"


def attribute(snapshot: tracemalloc.Snapshot) -> list[tuple[str, int, int]]:
    """(our function innermost on the stack, bytes, blocks), largest first."""
    sizes: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    for statistic in snapshot.statistics("traceback"):
        label = "(not under a function of ours: imports, interpreter)"
        for frame in reversed(statistic.traceback):  # most recent call first
            if frame.filename.startswith(OUR_FOLDERS):
                relative = Path(frame.filename).relative_to(ROOT)
                label = f"{relative}: {_function_at(frame.filename, frame.lineno)}"
                break
        sizes[label] += statistic.size
        blocks[label] += statistic.count
    return [(label, size, blocks[label]) for label, size in sizes.most_common()]


def _traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def measure_trace(index: Path) -> dict:
    """Deep sizes of the state's structures, allocations by function, an extra bundle, the cache's count."""
    from indexer.search.cache import ResultCache
    from indexer.search.service import CACHE_BYTES, SearchService

    tracemalloc.start(STACK_FRAMES)
    service = SearchService(index, cache_bytes=0)
    gc.collect()
    traced = _traced()
    by_function = attribute(tracemalloc.take_snapshot())
    # Totals only from here (one frame a trace is several times faster): what the queries leave behind.
    tracemalloc.stop()
    tracemalloc.start(1)
    _search_mix(service)
    gc.collect()
    after_queries = _traced()
    state = service.state
    seen: set[int] = set()
    sizes = {name: deep_size(value, seen) for name, value in holders(state).items()}

    # One more reader bundle, as a second search thread would open (parallel > 1).
    before = _traced()
    with _extra_bundle(state):
        gc.collect()
        extra_bundle = _traced() - before

    # The result cache: the bytes it counts against its bound, and what its pages hold. A first
    # round warms everything else (whoosh's lazily read parts), then the cache starts empty.
    _search_mix(service)
    state.cache = cache = ResultCache(CACHE_BYTES)
    gc.collect()
    before = _traced()
    _search_mix(service)
    gc.collect()
    held = _traced() - before
    return {
        "holders_bytes": sizes,
        "traced_bytes": traced,
        "left_by_queries_bytes": after_queries,
        "by_function": [{"function": label, "bytes": size, "blocks": count} for label, size, count in by_function],
        "extra_bundle_bytes": extra_bundle,
        "cache": {"pages": len(cache), "counted_bytes": cache.bytes_used, "traced_bytes": held, "bound": CACHE_BYTES},
    }


@contextmanager
def _extra_bundle(state) -> Iterator[object]:
    """A reader bundle opened the way ``SearchState.readers`` opens one, closed on exit."""
    from indexer.search.compile import Compiler
    from indexer.search.engine import Readers

    searcher = state.index.searcher()
    bundle = Readers(searcher, Compiler(searcher.reader(), *state._compiler_args))
    try:
        yield bundle
    finally:
        bundle.close()


def table(rss: dict, trace: dict) -> str:
    """The measurements as markdown tables."""
    lines = ["| step | VmRSS | anonymous | file-backed | peak (VmHWM) |", "|---|---|---|---|---|"]
    for step, values in rss["steps"].items():
        lines.append(
            f"| {step} | {values['VmRSS']:.0f} MB | {values['RssAnon']:.0f} MB | {values['RssFile']:.0f} MB "
            f"| {values['VmHWM']:.0f} MB |"
        )
    lines += ["", "| held by | MB |", "|---|---|"]
    lines += [f"| {name} | {size / 2**20:.1f} |" for name, size in trace["holders_bytes"].items() if size >= 2**16]
    lines.append(f"| all traced Python and numpy allocations, after opening | {trace['traced_bytes'] / 2**20:.1f} |")
    lines.append(f"| ... kept after the query mix, beyond that | {trace['left_by_queries_bytes'] / 2**20:.1f} |")
    lines += ["", "| allocated while opening, under | MB | blocks |", "|---|---|---|"]
    lines += [
        f"| {row['function']} | {row['bytes'] / 2**20:.1f} | {row['blocks']:,} |"
        for row in trace["by_function"][:TOP_FUNCTIONS]
    ]
    cache = trace["cache"]
    lines += [
        "",
        f"One more reader bundle: {trace['extra_bundle_bytes'] / 2**20:.2f} MB.",
        f"Result cache after the query mix: {cache['pages']} pages, counted {cache['counted_bytes'] / 2**20:.2f} MB "
        f"against its bound of {cache['bound'] / 2**20:.0f} MB; the pages hold {cache['traced_bytes'] / 2**20:.2f} MB.",
    ]
    return "\n".join(lines)


def main(argv: Iterable[str]) -> int:
    args = list(argv)
    if args and args[0] in ("rss", "trace"):
        command, index = args[0], Path(args[1])
        emit(measure_rss(index) if command == "rss" else measure_trace(index))
        return 0
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="an index built by the benchmark (benchmarks/.corpus/index-N)")
    parser.add_argument("--out", type=Path, help="JSON file to write the measurements to")
    options = parser.parse_args(args)
    rss = run_worker("benchmarks.memory", "rss", options.index)
    trace = run_worker("benchmarks.memory", "trace", options.index)
    if options.out:
        options.out.write_text(json.dumps({"rss": rss, "trace": trace}, indent=1) + "\n", encoding="utf-8")
    print(table(rss, trace))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
