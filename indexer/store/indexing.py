"""An indexing run: find what changed in the corpus, parse it, and publish a new generation.

Each file is parsed in a worker process with a time limit, so a file that makes
a parser loop costs one line in the summary, not the run.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from indexer.ingest.metadata import normalise_title
from indexer.ingest.pipeline import MAX_FILE_BYTES, content_hash, parse_report, report_id_for
from indexer.ingest.readers import SUPPORTED_SUFFIXES
from indexer.model import Report, ReportParseError
from indexer.store.bulkwrite import ReportRouter
from indexer.store.generations import (
    current_generation,
    prune_generations,
    read_manifest,
    remove_stray_files,
    start_generation,
    writer_lock,
)
from indexer.store.schema import SCHEMA_VERSION, add_reports

DEFAULT_TIMEOUT = 60.0
"""Seconds one file may take to parse before it is reported as failed."""
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
EMPTY_FILE_HASH = hashlib.sha256(b"").hexdigest()
IGNORED_NAMES = {"readme.md", "readme.txt", "licence.md", "license.md"}


@dataclass
class IndexSummary:
    """What a run did, for the CLI to report."""

    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    generation: str | None = None
    seconds: float = 0.0


def corpus_files(corpus_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The report files of a corpus, and the files refused before reading (symlinks out)."""
    root = corpus_dir.resolve()
    files, refused = [], []
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir).as_posix()
        if any(part.startswith(".") for part in Path(relative).parts):
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.lower() in IGNORED_NAMES:
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            refused.append((relative, "symbolic link to a file outside the corpus"))
            continue
        if path.is_file():
            files.append(path)
    return files, refused


def assign_report_ids(relatives: list[str]) -> dict[str, str]:
    """Distinct report ids for the corpus's files.

    A clash ("a.txt" and "a.md") keeps the extension; anything still shared
    ("a report.md" and "a_report.md") gets a short hash of the path.
    """
    by_id: dict[str, list[str]] = {}
    for relative in relatives:
        by_id.setdefault(report_id_for(relative), []).append(relative)
    ids = {}
    for report_id, owners in by_id.items():
        for relative in owners:
            ids[relative] = report_id if len(owners) == 1 else report_id_for(relative.replace(".", "-"))
    taken: set[str] = set()
    for relative in sorted(relatives):
        report_id = ids[relative]
        if report_id in taken:
            report_id = f"{report_id}-{hashlib.sha1(relative.encode('utf-8')).hexdigest()[:6]}"
        taken.add(report_id)
        ids[relative] = report_id
    return ids


def content_owners(digests: dict[str, str], indexed: dict[str, str]) -> dict[str, str]:
    """For each content hash, the one file indexed for it; the other files with it are duplicates.

    The file already indexed with that content keeps it, else the first by name:
    otherwise a copy whose name sorts first would be indexed beside the original.
    """
    owners: dict[str, str] = {}
    for relative, digest in digests.items():
        owners.setdefault(digest, relative)
    for relative, digest in indexed.items():
        if digests.get(relative) == digest:
            owners[digest] = relative
    return owners


def index_corpus(
    corpus_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    wait: float = 0.0,
    timeout: float | None = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[str], None] | None = None,
) -> IndexSummary:
    """Bring the index up to date with ``corpus_dir``; raises IndexLockedError if busy."""
    started = time.monotonic()
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    summary = IndexSummary()
    with _children_die_with_this_process(), writer_lock(index_dir, wait=wait):
        # A killed run's leftovers go now, even if this run turns out to have nothing to do.
        remove_stray_files(index_dir)
        live = current_generation(index_dir)
        try:
            manifest = read_manifest(live) if live else {}
        except (OSError, ValueError):
            manifest = {}  # damaged: the schema check below turns this run into a rebuild
        if manifest.get("schema_version") != SCHEMA_VERSION:
            rebuild = True
        old_reports: dict[str, dict] = {} if rebuild else dict(manifest.get("reports", {}))
        old_by_file = {entry["source_file"]: (report_id, entry) for report_id, entry in old_reports.items()}

        files, refused = corpus_files(corpus_dir)
        summary.failed.extend(refused)
        relatives = [path.relative_to(corpus_dir).as_posix() for path in files]
        ids = assign_report_ids(relatives)
        digests: dict[str, str] = {}
        for path, relative in zip(files, relatives, strict=True):
            try:
                digests[relative] = content_hash(path)
            except OSError as error:
                summary.failed.append((relative, f"cannot read file: {error.strerror}"))
        owner_of = content_owners(digests, {f: entry["content_hash"] for f, (_, entry) in old_by_file.items()})
        hashes: dict[str, str] = {}
        to_parse: list[Path] = []
        for path, relative in zip(files, relatives, strict=True):
            digest = digests.get(relative)
            if digest is None:
                continue
            if owner_of[digest] != relative and digest != EMPTY_FILE_HASH:  # empty files fail as "empty file"
                summary.failed.append((relative, f"duplicate content: same as {owner_of[digest]}"))
                continue
            hashes[relative] = digest
            old = old_by_file.get(relative)
            if old and old[1]["content_hash"] == digest and old[0] == ids[relative]:
                summary.unchanged.append(relative)
            else:
                to_parse.append(path)

        present = set(hashes)
        failed_files = {relative for relative, _ in summary.failed}
        # A file that is still there but now fails keeps its last good version.
        summary.removed = sorted(f for f in old_by_file if f not in present and f not in failed_files)

        # A full build writes while it parses: each report goes to a writer process as soon as it is parsed.
        generation = build = router = None
        order = to_parse
        if rebuild:
            generation = start_generation(index_dir, copy_current=False)
            build = generation.parallel_build()
            by_name = {path.relative_to(corpus_dir).as_posix(): path for path in to_parse}
            feeds = [build.feed(worker) for worker in range(build.procs)]
            router = ReportRouter(
                build.procs,
                [(name, _size(by_name[name])) for name in sorted(by_name)],
                lambda worker, report: add_reports(feeds[worker], [report]),
            )
            order = [by_name[name] for name in router.order]

        parsed: list[Report] = []
        entries: dict[str, dict] = {}
        try:
            outcomes = parse_files(order, corpus_dir, timeout=timeout, workers=workers, max_bytes=max_bytes)
            for relative, outcome in outcomes:
                if isinstance(outcome, Report):
                    if outcome.report_id != ids[relative]:
                        outcome = _with_report_id(outcome, ids[relative])
                    entries[outcome.source_file] = report_entry(outcome)
                    if router:
                        router.parsed(relative, outcome)
                    else:
                        parsed.append(outcome)
                    summary.indexed.append(relative)
                else:
                    summary.failed.append((relative, outcome))
                    if router:
                        router.failed(relative)
                if progress:
                    progress(relative)
        except BaseException:
            if build:
                build.cancel()
            raise

        new_reports = {k: v for k, v in old_reports.items() if v["source_file"] not in summary.removed}
        replaced = set(entries)
        new_reports = {k: v for k, v in new_reports.items() if v["source_file"] not in replaced}
        for entry in entries.values():
            new_reports[entry["report_id"]] = entry

        if build:
            assert generation is not None  # started with the build
            build.commit()
            link_responses(new_reports)
            final = generation.publish(build_manifest(new_reports, generation.number))
            summary.generation = final.name
        elif not parsed and not summary.removed and live is not None:
            summary.generation = live.name
            prune_generations(index_dir)  # finish the pruning of a run killed after its switch
        else:
            generation = start_generation(index_dir, copy_current=True)
            writer = generation.writer()
            try:
                for relative in sorted(replaced | set(summary.removed)):
                    writer.delete_by_term("source_file", relative)
                add_reports(writer, sorted(parsed, key=lambda r: r.source_file))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            link_responses(new_reports)
            final = generation.publish(build_manifest(new_reports, generation.number))
            summary.generation = final.name
        summary.paragraphs = sum(entry["paragraph_count"] for entry in new_reports.values())
    summary.failed.sort()
    summary.seconds = time.monotonic() - started
    return summary


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_run_pid: int | None = None
"""The pid of the process running :func:`index_corpus`, while it runs."""


@contextmanager
def _children_die_with_this_process() -> Iterator[None]:
    """Make every process forked during a run (parse workers, whoosh's writer processes) die with it.

    Forked children share the writer lock's open file, so an orphan would keep the
    index locked after the indexer is killed; whoosh's writer processes would also
    wait forever for work that never comes.
    """
    global _run_pid
    _run_pid = os.getpid()
    try:
        yield
    finally:
        _run_pid = None


def _after_fork_in_child() -> None:
    if _run_pid is None or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != _run_pid:  # the indexer died before the prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


def report_entry(report: Report) -> dict:
    """The manifest's record of one report."""
    meta = report.meta
    return {
        "report_id": report.report_id,
        "source_file": report.source_file,
        "content_hash": report.content_hash,
        "title": meta.title,
        "doc_type": meta.doc_type,
        "published": meta.published,
        "inspectorates": list(meta.inspectorates),
        "forces": list(meta.forces),
        "areas": list(meta.areas),
        "source_url": meta.source_url,
        "responds_to_title": meta.responds_to_title,
        "responds_to_override": report.responds_to,
        "responds_to": None,
        "paragraph_count": len(report.paragraphs),
        "defined_acronyms": [list(pair) for pair in report.defined_acronyms],
    }


def link_responses(reports: dict[str, dict]) -> None:
    """Point each PCC response at the report it answers, when that report is indexed."""
    by_title = {
        normalise_title(entry["title"]): report_id
        for report_id, entry in reports.items()
        if entry["doc_type"] == "inspection_report"
    }
    by_url = {
        entry["source_url"]: report_id
        for report_id, entry in reports.items()
        if entry["doc_type"] == "inspection_report" and entry["source_url"]
    }
    for report_id, entry in reports.items():
        target = None
        override = entry.get("responds_to_override")
        if override:
            target = override if override in reports else by_title.get(normalise_title(override))
        elif entry["doc_type"] == "pcc_response":
            target = by_title.get(normalise_title(entry.get("responds_to_title") or "")) or by_url.get(
                entry.get("source_url") or ""
            )
        entry["responds_to"] = target if target != report_id else None


def build_manifest(reports: dict[str, dict], number: int) -> dict:
    """The manifest of a generation: its reports and the glossary they define."""
    glossary: dict[str, str] = {}
    for report_id in sorted(reports):
        for acronym, expansion in reports[report_id]["defined_acronyms"]:
            glossary.setdefault(acronym, expansion)
    return {
        "schema_version": SCHEMA_VERSION,
        "generation": number,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reports": reports,
        "glossary": glossary,
    }


def _with_report_id(report: Report, report_id: str) -> Report:
    from dataclasses import replace

    paragraphs = tuple(
        replace(p, report_id=report_id, id=f"{report_id}--{p.anchor}") for p in report.paragraphs
    )
    return replace(report, report_id=report_id, paragraphs=paragraphs)


def _parse_safely(path: Path, corpus_dir: Path, max_bytes: int) -> Report | str:
    try:
        return parse_report(path, corpus_dir, max_bytes=max_bytes)
    except ReportParseError as error:
        return error.reason
    except RecursionError:
        return "document is nested too deeply to read"
    except MemoryError:
        return "document is too large to read in memory"
    except Exception as error:  # a reader bug must cost one file, not the run
        return f"unexpected {type(error).__name__}: {error}"


WARM_UP_TEXT = """# Warm-up inspection of Kent Police

Published 1 January 2020 by HMICFRS.

## Findings

The force and the multi-agency safeguarding hub (MASH) share custody and mental health referrals.
"""


def _warm_up(max_bytes: int) -> None:
    """Parse a tiny fixed document here, before forking per-file parsers.

    The parsers' lazily loaded tables (gazetteer, themes, glossary) and compiled
    patterns then come with every fork instead of being rebuilt by each child:
    that was a third of each file's parse time.
    """
    import tempfile

    try:
        handle, name = tempfile.mkstemp(prefix="findings-warm-up-", suffix=".md")
    except OSError:
        return
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(WARM_UP_TEXT)
        _parse_safely(path, path.parent, max_bytes)
    except OSError:
        pass
    finally:
        path.unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _worker(connection, corpus_dir: Path, max_bytes: int) -> None:
    """A parse worker: parse each path the parent sends, send back the outcome; stop at None."""
    # The parent's objects are not this worker's garbage: collections here skip them,
    # instead of touching (and so copying) every page the parent had when it forked.
    gc.freeze()
    try:
        while True:
            try:
                path = connection.recv()
            except EOFError:
                return
            if path is None:
                return
            connection.send(_parse_safely(path, corpus_dir, max_bytes))
    finally:
        connection.close()


def parse_files(
    paths: list[Path], corpus_dir: Path, *, timeout: float | None, workers: int, max_bytes: int
) -> Iterator[tuple[str, Report | str]]:
    """(relative path, Report or failure reason) for each file, parsed ``workers`` at a time.

    Each worker process parses one file after another, each within ``timeout``:
    a worker past it is killed (the file fails as timed out) and a fresh one
    takes its place, as does one that crashes. (A process per file cost a
    third more CPU than the parsing: every fork copies the pages the child
    touches, if only to count references.)
    """
    if workers <= 0 or timeout is None:
        for path in paths:
            yield path.relative_to(corpus_dir).as_posix(), _parse_safely(path, corpus_dir, max_bytes)
        return
    _warm_up(max_bytes)
    context = multiprocessing.get_context("fork")
    pending = list(reversed(paths))
    idle: list[tuple[Connection, BaseProcess]] = []
    running: dict[Connection, tuple[Path, BaseProcess, float]] = {}  # connection -> (path, process, started)

    def start_worker():
        connection, child_end = context.Pipe(duplex=True)
        process = context.Process(target=_worker, args=(child_end, corpus_dir, max_bytes), daemon=True)
        process.start()
        child_end.close()
        return connection, process

    def stop(connection, process) -> None:
        process.kill()
        process.join(5)
        connection.close()

    try:
        while pending or running:
            while pending and len(running) < workers:
                connection, process = idle.pop() if idle else start_worker()
                path = pending.pop()
                try:
                    connection.send(path)
                except OSError:  # the worker died while idle: a fresh one takes the file
                    stop(connection, process)
                    pending.append(path)
                    continue
                running[connection] = (path, process, time.monotonic())
            # wait() hands back some of the objects it is given: here, connections.
            ready = cast("list[Connection]", wait_for(list(running), timeout=0.2))
            for connection in ready:
                path, process, _ = running.pop(connection)
                try:
                    outcome = connection.recv()
                except EOFError:
                    process.join(1)
                    outcome = f"parser crashed (exit code {process.exitcode})"
                    stop(connection, process)
                else:
                    idle.append((connection, process))
                yield path.relative_to(corpus_dir).as_posix(), outcome
            now = time.monotonic()
            for connection, (path, process, begun) in list(running.items()):
                if now - begun > timeout:
                    stop(connection, process)
                    del running[connection]
                    yield path.relative_to(corpus_dir).as_posix(), f"timed out after {timeout:g} s while parsing"
    finally:
        for connection, (_, process, _) in running.items():
            stop(connection, process)
        for connection, process in idle:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
