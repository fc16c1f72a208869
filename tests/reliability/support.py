"""Helpers shared by the reliability tests: running the CLI, reading what an index holds."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from indexer.search.service import SearchService
from indexer.store.generations import current_generation, read_manifest

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = [sys.executable, "-m", "indexer.cli"]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FINDINGS_INDEX_DIR", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_findings(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the ``findings`` command to completion."""
    return subprocess.run(
        [*FINDINGS, *args], cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=timeout
    )


def start_findings(*args: str) -> subprocess.Popen:
    """Start the ``findings`` command in its own process group (so its workers can be reaped)."""
    return subprocess.Popen(
        [*FINDINGS, *args], cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )


def live_group_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def wait_for_group_to_exit(group: int, timeout: float = 5.0) -> list[int]:
    """Wait until no process of ``group`` runs; returns the ones still running at the timeout."""
    deadline = time.monotonic() + timeout
    while (members := live_group_members(group)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return members


def reap_group(group: int) -> None:
    """SIGKILL whatever is left of a process group this test started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


@dataclass(frozen=True)
class IndexContents:
    """What a live index holds, read through the search service."""

    paragraph_ids: frozenset[str]
    hashes: tuple[tuple[str, str], ...]
    """(source file, content hash) of every report in the manifest."""


def index_contents(index_dir: Path) -> IndexContents:
    """Open ``index_dir`` as the web app would and read every paragraph id; fails on any inconsistency."""
    with SearchService(index_dir) as service:
        state = service.state
        stored = [fields["id"] for fields in state.searcher.all_stored_fields()]
        assert len(stored) == len(set(stored)), "a paragraph is indexed twice"
        listed = {record["id"] for record in service.all_paragraphs()}
        assert listed == set(stored), "manifest and whoosh documents disagree"
        counted = sum(entry["paragraph_count"] for entry in state.manifest["reports"].values())
        assert counted == len(stored), "manifest paragraph counts disagree with the documents"
        service.search("safeguarding children")  # the searcher must actually work
        hashes = tuple(sorted((e["source_file"], e["content_hash"]) for e in state.manifest["reports"].values()))
    return IndexContents(frozenset(stored), hashes)


def stray_temporary_files(index_dir: Path) -> list[str]:
    """Anything a run leaves behind that no finished run should: ``*.tmp`` files and folders."""
    return sorted(str(p.relative_to(index_dir)) for p in index_dir.rglob("*.tmp"))


def live_manifest(index_dir: Path) -> dict:
    generation = current_generation(index_dir)
    assert generation is not None, f"no live generation in {index_dir}"
    return read_manifest(generation)


@contextmanager
def waitress_server(app) -> Iterator[str]:
    """The app served by waitress on a free loopback port, in a thread; yields the base URL."""
    from webapp.serve import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Close every socket from inside the server's own loop (closing them from here races its
        # select() and fails with EBADF); with nothing left to watch, the loop returns.
        try:
            server.trigger.pull_trigger(lambda: server.asyncore.close_all(server._map))
        except OSError:
            # Seen once in CI (EBADF on the trigger's pipe at teardown, not reproduced since): the loop
            # can no longer be woken, so close what is left from here.
            with contextlib.suppress(OSError):
                server.asyncore.close_all(server._map)
        thread.join(10)
        server.task_dispatcher.shutdown()
