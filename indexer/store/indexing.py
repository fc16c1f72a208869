"""An indexing run in four steps: plan what changed, parse it, write it, publish a new generation.

:func:`plan_run` compares the corpus with the live generation's manifest;
:mod:`indexer.store.parsing` parses the changed files in workers, each within a
time limit; a :mod:`indexer.store.writing` strategy (a full build, or an
incremental update) writes the reports and publishes the generation.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.ingest.pipeline import MAX_FILE_BYTES, content_hash, report_id_for
from indexer.ingest.readers import SUPPORTED_SUFFIXES
from indexer.model import Report
from indexer.store.generations import current_generation, read_manifest, remove_stray_files, writer_lock
from indexer.store.manifest import report_entry
from indexer.store.parsing import DEFAULT_TIMEOUT, DEFAULT_WORKERS, children_die_with_this_process, parse_files
from indexer.store.schema import SCHEMA_VERSION
from indexer.store.writing import FullBuild, IncrementalUpdate, WriteStrategy

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_WORKERS", "IndexSummary", "Plan", "index_corpus", "plan_run"]

EMPTY_FILE_HASH = hashlib.sha256(b"").hexdigest()
LOW_COVERAGE = 0.8
"""A file with less of its words indexed than this is named in a warning (see ``findings inspect``)."""
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
    coverage: dict[str, float] = field(default_factory=dict)
    """For each file parsed in this run, the share of its words that were indexed."""

    @property
    def low_coverage(self) -> list[tuple[str, float]]:
        """Files parsed in this run with less than LOW_COVERAGE of their words indexed."""
        return sorted((name, share) for name, share in self.coverage.items() if share < LOW_COVERAGE)


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


@dataclass
class Plan:
    """What a run will do, decided before any file is parsed."""

    live: Path | None
    rebuild: bool
    old_reports: dict[str, dict]
    report_ids: dict[str, str]
    """Corpus-relative path -> report id, for every file in the corpus."""
    to_parse: list[Path]
    removed: list[str]
    """Files indexed before that are gone (a file still there that fails keeps its last good version)."""
    chain: dict | None = None
    """The live generation's accountability chain (``links`` and ``findings``), None for a rebuild."""


def plan_run(corpus_dir: Path, index_dir: Path, *, rebuild: bool, summary: IndexSummary) -> Plan:
    """Compare the corpus with the live generation; refused and unchanged files go into ``summary``."""
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
    present: set[str] = set()
    to_parse: list[Path] = []
    for path, relative in zip(files, relatives, strict=True):
        digest = digests.get(relative)
        if digest is None:
            continue
        if owner_of[digest] != relative and digest != EMPTY_FILE_HASH:  # empty files fail as "empty file"
            summary.failed.append((relative, f"duplicate content: same as {owner_of[digest]}"))
            continue
        present.add(relative)
        old = old_by_file.get(relative)
        if old and old[1]["content_hash"] == digest and old[0] == ids[relative]:
            summary.unchanged.append(relative)
        else:
            to_parse.append(path)
    failed_files = {relative for relative, _ in summary.failed}
    removed = sorted(f for f in old_by_file if f not in present and f not in failed_files)
    chain = None if rebuild else {"links": manifest.get("links", []), "findings": manifest.get("findings", {})}
    return Plan(live, rebuild, old_reports, ids, to_parse, removed, chain)


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
    with children_die_with_this_process(), writer_lock(index_dir, wait=wait):
        # A killed run's leftovers go now, even if this run turns out to have nothing to do.
        remove_stray_files(index_dir)
        plan = plan_run(corpus_dir, index_dir, rebuild=rebuild, summary=summary)
        summary.removed = plan.removed
        strategy: WriteStrategy
        if plan.rebuild:
            strategy = FullBuild(index_dir, corpus_dir)
        else:
            strategy = IncrementalUpdate(index_dir, plan.live, plan.old_reports, plan.chain)
        try:
            entries = _parse(
                plan, strategy, corpus_dir, summary,
                timeout=timeout, workers=workers, max_bytes=max_bytes, progress=progress,
            )  # fmt: skip
        except BaseException:
            strategy.cancel()
            raise
        reports = {k: v for k, v in plan.old_reports.items() if v["source_file"] not in plan.removed}
        reports = {k: v for k, v in reports.items() if v["source_file"] not in entries}
        for entry in entries.values():
            reports[entry["report_id"]] = entry
        summary.generation = strategy.publish(reports, replaced=set(entries), removed=plan.removed)
        summary.paragraphs = sum(entry["paragraph_count"] for entry in reports.values())
    summary.failed.sort()
    summary.seconds = time.monotonic() - started
    return summary


def _parse(
    plan: Plan,
    strategy: WriteStrategy,
    corpus_dir: Path,
    summary: IndexSummary,
    *,
    timeout: float | None,
    workers: int,
    max_bytes: int,
    progress: Callable[[str], None] | None,
) -> dict[str, dict]:
    """Parse the planned files in the strategy's order, handing each outcome to it; manifest entries by file."""
    entries: dict[str, dict] = {}
    order = strategy.parse_order(plan.to_parse)
    for relative, outcome in parse_files(order, corpus_dir, timeout=timeout, workers=workers, max_bytes=max_bytes):
        if isinstance(outcome, Report):
            if outcome.report_id != plan.report_ids[relative]:
                outcome = _with_report_id(outcome, plan.report_ids[relative])
            entries[outcome.source_file] = report_entry(outcome)
            strategy.parsed(relative, outcome)
            summary.indexed.append(relative)
            summary.coverage[relative] = outcome.coverage
        else:
            summary.failed.append((relative, outcome))
            strategy.failed(relative)
        if progress:
            progress(relative)
    return entries


def _with_report_id(report: Report, report_id: str) -> Report:
    paragraphs = tuple(replace(p, report_id=report_id, id=f"{report_id}--{p.anchor}") for p in report.paragraphs)
    return replace(report, report_id=report_id, paragraphs=paragraphs)
