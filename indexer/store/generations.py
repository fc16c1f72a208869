"""The on-disk index: generations, the writer lock and durable switching.

Layout of an index directory::

    CURRENT         name of the live generation, replaced atomically
    lock            held (flock) by the one writer
    gen-000007/     a complete whoosh index plus manifest.json
    gen-000008.tmp/ a generation being built; removed if a run dies

A run builds a new generation beside the live one (a copy of it, updated, for
incremental runs), fsyncs every file and the directory, then points CURRENT at
it. Whoosh itself never fsyncs, so a crash before the switch leaves the old
generation live and untouched, and a crash after it leaves the new one
complete. Readers never see a half-written index.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from indexer.store.schema import FAST_FIELDS, make_schema, report_documents
from indexer.store.whoosh_internals import is_write_once_file, write_lock_file

CURRENT_FILE = "CURRENT"
LOCK_FILE = "lock"
MANIFEST_FILE = "manifest.json"
GENERATION_RE = re.compile(r"^gen-(\d{6})$")
BUILD_PROCS = min(2, os.cpu_count() or 1)
WRITER_LIMIT_MB = 256
"""Memory for each writer process's posting pool before it spills to disk."""
KEEP_OLD_GENERATIONS = 2
"""Old generations kept after a switch, for searchers still reading them."""


DEFAULT_INDEX_DIR = Path(".findings-index")
INDEX_DIR_ENV = "FINDINGS_INDEX_DIR"


class IndexLockedError(Exception):
    """Another indexer holds the lock."""


class IndexMissingError(Exception):
    """No index has been built in the directory yet."""


def resolve_index_dir(index_dir: str | Path | None) -> Path:
    """The index directory: the argument, else $FINDINGS_INDEX_DIR, else ``.findings-index``."""
    return Path(index_dir or os.environ.get(INDEX_DIR_ENV) or DEFAULT_INDEX_DIR)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's directory, or None if nothing was built yet."""
    try:
        name = (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not GENERATION_RE.match(name) or not (index_dir / name).is_dir():
        return None
    return index_dir / name


def read_manifest(generation: Path) -> dict:
    """The manifest stored with a generation, equal short strings in it one object (:func:`_sharing_strings`)."""
    with open(generation / MANIFEST_FILE, encoding="utf-8") as handle:
        return json.load(handle, object_pairs_hook=_sharing_strings())


SHARED_CHARS = 64
"""Strings up to this long that a manifest repeats are kept once (longer ones are paragraph texts)."""


def _sharing_strings() -> Callable[[list[tuple[str, Any]]], dict]:
    """A ``json.load`` ``object_pairs_hook`` under which equal short strings among the values are one object.

    JSON gives each value a new string, and a manifest repeats report ids, finding types,
    addressees and statuses in every finding and link (17,000 findings at 100k paragraphs):
    shared, the parsed manifest of that corpus takes 4 MB less (36 MB instead of 40). Only
    strings, which cannot change: lists and dicts stay one per place, as callers may be handed them.
    """
    seen: dict[str, str] = {}

    def shared(value: Any) -> Any:
        if type(value) is str and len(value) <= SHARED_CHARS:
            return seen.setdefault(value, value)
        if type(value) is list:  # a dict in it was met first, by the hook
            return [shared(item) for item in value]
        return value

    return lambda pairs: {key: shared(value) for key, value in pairs}


def open_generation(generation: Path):
    """The whoosh index of a generation."""
    return whoosh_index.open_dir(str(generation))


@contextmanager
def writer_lock(index_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock, waiting up to ``wait`` seconds for it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"index is locked: another indexer is writing to {index_dir}; "
                        "wait for it to finish, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)
        yield


@dataclass
class Generation:
    """A generation being built; :meth:`publish` makes it live."""

    index_dir: Path
    path: Path
    number: int
    fresh: bool = False
    """True when built from empty (a full build), False for a copy being updated."""

    def writer(self):
        """A whoosh writer on this generation (an incremental update: one small segment, in-process)."""
        return open_generation(self.path).writer(limitmb=WRITER_LIMIT_MB, procs=1)

    def parallel_build(self):
        """For a full build: ``BUILD_PROCS`` processes, each writing one segment of the reports it is given.

        No final merge: merging costs more than it saves at search time.
        """
        from indexer.store.bulkwrite import ParallelBuild

        return ParallelBuild(open_generation(self.path), BUILD_PROCS, report_documents, FAST_FIELDS)

    def publish(self, manifest: dict) -> Path:
        """Write the manifest, make everything durable, switch CURRENT, prune old generations."""
        _write_json(self.path / MANIFEST_FILE, manifest)
        for file in self.path.iterdir():
            _fsync_file(file)
        _fsync_dir(self.path)
        final = self.index_dir / f"gen-{self.number:06d}"
        os.replace(self.path, final)
        _fsync_dir(self.index_dir)
        pointer = self.index_dir / (CURRENT_FILE + ".tmp")
        with open(pointer, "w", encoding="utf-8") as handle:
            handle.write(final.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer, self.index_dir / CURRENT_FILE)
        _fsync_dir(self.index_dir)
        prune_generations(self.index_dir)
        return final


def start_generation(index_dir: Path, *, copy_current: bool) -> Generation:
    """A new generation: empty, or a copy of the live one to update. Caller holds the lock."""
    remove_stray_files(index_dir)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := GENERATION_RE.match(p.name))]
    number = max(numbers, default=0) + 1
    path = index_dir / f"gen-{number:06d}.tmp"
    live = current_generation(index_dir)
    if copy_current and live is not None:
        skip = shutil.ignore_patterns(MANIFEST_FILE, write_lock_file())
        shutil.copytree(live, path, ignore=skip, copy_function=_link_or_copy)
        return Generation(index_dir, path, number)
    path.mkdir()
    whoosh_index.create_in(str(path), make_schema())
    return Generation(index_dir, path, number, fresh=True)


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link whoosh's segment files, copy the rest.

    A compound segment file is written once and never modified (see
    :func:`~indexer.store.whoosh_internals.is_write_once_file`), so the new
    generation can share it with the live one: an incremental update then
    costs the new segment, not a copy of the whole index.
    """
    if is_write_once_file(source):
        try:
            os.link(source, target)
            return
        except OSError:
            pass  # another file system, or links not supported: copy instead
    shutil.copy2(source, target)


def remove_stray_files(index_dir: Path) -> list[str]:
    """Remove what a killed run left behind: temporary generations and pointer files."""
    removed = []
    for path in index_dir.iterdir():
        if path.name.endswith(".tmp"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            removed.append(path.name)
    return removed


def prune_generations(index_dir: Path) -> None:
    """Delete generations older than the live one and the few kept for open searchers."""
    live = current_generation(index_dir)
    if live is None:
        return
    live_match = GENERATION_RE.match(live.name)
    assert live_match is not None  # current_generation returns only names that match
    live_number = int(live_match.group(1))
    for path in index_dir.iterdir():
        match = GENERATION_RE.match(path.name)
        if match and int(match.group(1)) < live_number - KEEP_OLD_GENERATIONS:
            shutil.rmtree(path, ignore_errors=True)
        elif match and int(match.group(1)) > live_number:
            # Published by a run that died before switching CURRENT: never live.
            shutil.rmtree(path, ignore_errors=True)


def _write_json(path: Path, data: dict) -> None:
    # Compact: without ``indent`` json uses its C encoder, four times faster on a large manifest.
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _fsync_file(path: Path) -> None:
    if path.is_file():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
