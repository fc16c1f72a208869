"""The on-disk index: whoosh schema, generations, the writer lock and durable switching.

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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import PairAnalyzer, make_analyzer, make_word_analyzer
from .model import Paragraph, Report

SCHEMA_VERSION = 4
CURRENT_FILE = "CURRENT"
LOCK_FILE = "lock"
MANIFEST_FILE = "manifest.json"
SEGMENT_SUFFIX = ".seg"
GENERATION_RE = re.compile(r"^gen-(\d{6})$")
BUILD_PROCS = min(2, os.cpu_count() or 1)
WRITER_LIMIT_MB = 256
"""Memory for each writer process's posting pool before it spills to disk."""
KEEP_OLD_GENERATIONS = 2
"""Old generations kept after a switch, for searchers still reading them."""

FAST_FIELDS = {"text": "positions", "pairs": "pairs", "section": "counts", "words": "words"}
"""Fields a full build analyses through the cached fast path (see :mod:`indexer.bulkwrite`)."""

FACET_FIELDS = ("inspectorates", "forces", "themes", "section_type", "finding_type", "doc_type", "year")
"""Fields with facet counts, in display order."""
MULTI_VALUED = ("inspectorates", "forces", "areas", "themes")
FINDING_BOOST = 1.25
"""Findings outrank ordinary prose that uses the same words as often."""

DEFAULT_INDEX_DIR = Path(".findings-index")
INDEX_DIR_ENV = "FINDINGS_INDEX_DIR"


class IndexLockedError(Exception):
    """Another indexer holds the lock."""


class IndexMissingError(Exception):
    """No index has been built in the directory yet."""


def make_schema() -> Schema:
    """One whoosh document per paragraph (see :class:`indexer.model.Paragraph`)."""
    analyzer = make_analyzer()
    keyword = dict(stored=True, commas=True, lowercase=False, scorable=False)
    return Schema(
        id=ID(stored=True, unique=True),
        report_id=ID(stored=True),
        report_title=STORED(),
        section=TEXT(stored=True, analyzer=analyzer, phrase=False),
        section_type=ID(stored=True),
        finding_type=ID(stored=True),
        paragraph_number=NUMERIC(stored=True, sortable=True),
        anchor=STORED(),
        page=STORED(),
        doc_type=ID(stored=True),
        published=ID(stored=True, sortable=True),
        year=ID(stored=True),
        inspectorates=KEYWORD(**keyword),
        forces=KEYWORD(**keyword),
        areas=KEYWORD(**keyword),
        themes=KEYWORD(**keyword),
        source_url=STORED(),
        source_file=ID(stored=True),
        text=TEXT(stored=True, analyzer=analyzer, phrase=True),
        words=TEXT(analyzer=make_word_analyzer(), phrase=False),
        # Consecutive-position word pairs of ``text`` (see indexer.analysis.PairAnalyzer):
        # phrase queries look them up before whoosh checks positions.
        pairs=TEXT(analyzer=PairAnalyzer(), phrase=False),
        footnotes=STORED(),
        is_bullet=STORED(),
    )


def to_document(paragraph: Paragraph) -> dict:
    """The whoosh fields of one paragraph."""
    document = {
        "id": paragraph.id,
        "report_id": paragraph.report_id,
        "report_title": paragraph.report_title,
        "section": paragraph.section,
        "section_type": paragraph.section_type,
        "paragraph_number": paragraph.paragraph_number,
        "anchor": paragraph.anchor,
        "page": paragraph.page,
        "doc_type": paragraph.doc_type,
        "source_url": paragraph.source_url,
        "source_file": paragraph.source_file,
        "text": paragraph.text,
        "words": paragraph.text,
        "pairs": paragraph.text,
        "footnotes": [[note.marker, note.text] for note in paragraph.footnotes],
        "is_bullet": paragraph.is_bullet,
    }
    if paragraph.finding_type:
        document["finding_type"] = paragraph.finding_type
        document["_boost"] = FINDING_BOOST
    if paragraph.published:
        document["published"] = paragraph.published
        document["year"] = paragraph.published[:4]
    for name in MULTI_VALUED:
        values = [value.replace(",", " ") for value in getattr(paragraph, name)]
        if values:
            document[name] = ",".join(values)
    return document


def from_document(stored: dict) -> dict:
    """The paragraph record (as :meth:`Paragraph.to_record` gives it) of stored fields."""
    record = {
        "id": stored["id"],
        "report_id": stored["report_id"],
        "report_title": stored.get("report_title"),
        "section": stored.get("section"),
        "section_type": stored.get("section_type"),
        "finding_type": stored.get("finding_type"),
        "paragraph_number": stored.get("paragraph_number"),
        "anchor": stored.get("anchor"),
        "page": stored.get("page"),
        "doc_type": stored.get("doc_type"),
        "published": stored.get("published"),
        "year": int(stored["year"]) if stored.get("year") else None,
        "source_url": stored.get("source_url"),
        "source_file": stored.get("source_file"),
        "text": stored.get("text"),
        "footnotes": [{"marker": marker, "text": text} for marker, text in stored.get("footnotes") or []],
        "is_bullet": bool(stored.get("is_bullet")),
    }
    for name in MULTI_VALUED:
        value = stored.get(name)
        record[name] = value.split(",") if value else []
    return {key: record[key] for key in RECORD_ORDER}


RECORD_ORDER = (
    "id", "report_id", "report_title", "section", "section_type", "finding_type", "paragraph_number",
    "anchor", "page", "doc_type", "published", "year", "inspectorates", "forces", "areas", "source_url",
    "source_file", "themes", "text", "footnotes", "is_bullet",
)  # fmt: skip


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
    """The manifest stored with a generation."""
    with open(generation / MANIFEST_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def open_generation(generation: Path):
    """The whoosh index of a generation."""
    return whoosh_index.open_dir(str(generation))


@contextmanager
def writer_lock(index_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock, waiting up to ``wait`` seconds for it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK_FILE, "a+")
    deadline = time.monotonic() + wait
    try:
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
    finally:
        handle.close()


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
        from .bulkwrite import ParallelBuild

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
        shutil.copytree(live, path, ignore=shutil.ignore_patterns(MANIFEST_FILE, "*.lock"), copy_function=_link_or_copy)
        return Generation(index_dir, path, number)
    path.mkdir()
    whoosh_index.create_in(str(path), make_schema())
    return Generation(index_dir, path, number, fresh=True)


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link whoosh's segment files, copy the rest.

    A ``.seg`` file is written once under a fresh random name and never
    modified (deletions live in the TOC, merges write new segments), so the
    new generation can share it with the live one: an incremental update then
    costs the new segment, not a copy of the whole index.
    """
    if source.endswith(SEGMENT_SUFFIX):
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
    live_number = int(GENERATION_RE.match(live.name).group(1))
    for path in index_dir.iterdir():
        match = GENERATION_RE.match(path.name)
        if match and int(match.group(1)) < live_number - KEEP_OLD_GENERATIONS:
            shutil.rmtree(path, ignore_errors=True)
        elif match and int(match.group(1)) > live_number:
            # Published by a run that died before switching CURRENT: never live.
            shutil.rmtree(path, ignore_errors=True)


def report_documents(report: Report) -> Iterator[dict]:
    """The whoosh documents of one report's paragraphs."""
    for paragraph in report.paragraphs:
        yield to_document(paragraph)


def add_reports(writer, reports: Iterable[Report]) -> int:
    """Add every paragraph of ``reports``; returns how many.

    ``writer`` is a whoosh writer, or a full build's feed (which takes whole
    reports, see :meth:`Generation.parallel_build`).
    """
    count = 0
    for report in reports:
        if hasattr(writer, "add_report"):
            writer.add_report(report)
            count += len(report.paragraphs)
            continue
        for paragraph in report.paragraphs:
            writer.add_document(**to_document(paragraph))
            count += 1
    return count


def _write_json(path: Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)


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
