"""Parsing a run's files in worker processes, each file within a time limit.

A file that makes a parser loop or crash costs one line in the run's summary,
not the run. Workers are forked from a warmed-up parent and die with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from indexer.ingest.pipeline import parse_report
from indexer.model import Report, ReportParseError

DEFAULT_TIMEOUT = 60.0
"""Seconds one file may take to parse before it is reported as failed."""
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_run_pid: int | None = None
"""The pid of the process running :func:`index_corpus`, while it runs."""


@contextmanager
def children_die_with_this_process() -> Iterator[None]:
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
                # (A worker whose answer waits while the caller was busy, say in a full writer queue, is done.)
                if now - begun > timeout and not connection.poll():
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
