"""One writer at a time: a second indexer is refused with a clear message, or waits a bounded time."""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path

import pytest

from indexer.store.generations import LOCK_FILE, writer_lock

from reportgen import write_corpus
from support import index_contents, run_findings, start_findings

LOCKED_MESSAGE = "index is locked"


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, Path]:
    """A corpus of twelve reports and its index."""
    corpus = write_corpus(tmp_path / "corpus", dict.fromkeys(range(12), 0))
    index_dir = tmp_path / "index"
    assert run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet").returncode == 0
    return corpus, index_dir


def _lock_is_held(index_dir: Path) -> bool:
    with open(index_dir / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _assert_refused(result, elapsed: float, bound: float) -> None:
    assert result.returncode != 0
    assert LOCKED_MESSAGE in result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert elapsed < bound


def test_second_indexer_is_refused_while_one_runs(indexed):
    """Two real indexers: the second says "index is locked" and exits non-zero; the first finishes."""
    corpus, index_dir = indexed
    before = index_contents(index_dir)
    # Long reports, so that the first holds the lock for seconds: the second's start-up alone takes about one.
    write_corpus(corpus, dict.fromkeys(range(12), 1), paragraphs=600)
    # The first may itself meet the probe below holding the lock for an instant: let it wait.
    first = start_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet", "--wait", "30")
    try:
        deadline = time.monotonic() + 20
        while not _lock_is_held(index_dir):
            assert first.poll() is None, "the first indexer finished before the lock was seen"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        started = time.monotonic()
        second = run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet")
        _assert_refused(second, time.monotonic() - started, bound=5)
    finally:  # a failed check leaves no process or open pipe behind for later tests to trip over
        _stdout, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    after = index_contents(index_dir)
    assert (len(before.paragraph_ids), len(after.paragraph_ids)) == (12 * 31, 12 * 607)


@pytest.mark.parametrize("wait", ["0", "0.5"])
def test_locked_index_is_refused_after_at_most_the_wait(indexed, wait):
    """With the lock held throughout, --wait N gives up after about N seconds, leaving the index intact."""
    corpus, index_dir = indexed
    before = index_contents(index_dir)
    write_corpus(corpus, {0: 5})
    with writer_lock(index_dir):
        started = time.monotonic()
        result = run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet", "--wait", wait)
        elapsed = time.monotonic() - started
    _assert_refused(result, elapsed, bound=float(wait) + 5)
    assert elapsed >= float(wait)
    assert index_contents(index_dir) == before


def test_wait_takes_the_lock_once_it_is_released(indexed):
    """--wait 30 with the lock released after a second: the run waits, then succeeds."""
    corpus, index_dir = indexed
    write_corpus(corpus, {0: 5})
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer_lock(index_dir):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    process = start_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet", "--wait", "30")
    started = time.monotonic()
    time.sleep(1.0)
    assert process.poll() is None, "the run did not wait for the lock"
    release.set()
    holder.join()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert 1.0 <= time.monotonic() - started < 30
    assert stdout.startswith("1 indexed, 0 unchanged, 11 removed")
