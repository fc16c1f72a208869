"""``findings check``: verify the live index against the corpus, and repair what differs.

The index is right when every report file's current content hash is indexed,
nothing is indexed for a file that has gone, and the whoosh documents agree
with the generation's manifest (each report's paragraph count, no paragraphs
of unknown reports). A repair is an ordinary incremental run, or a rebuild
when the index itself is inconsistent; the check then runs again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.pipeline import content_hash
from indexer.store.generations import IndexLockedError, current_generation, open_generation, read_manifest
from indexer.store.indexing import EMPTY_FILE_HASH, content_owners, corpus_files, index_corpus
from indexer.store.schema import SCHEMA_VERSION

NOT_INDEXED = "not indexed"
CHANGED = "changed since indexed"
ORPHAN = "indexed but no longer in the corpus"
INCONSISTENT = "index inconsistent"
KINDS = (INCONSISTENT, NOT_INDEXED, CHANGED, ORPHAN)
"""Kinds of difference, in the order they are printed."""


@dataclass(frozen=True)
class Difference:
    """One way the index differs from the corpus."""

    kind: str
    """One of KINDS."""
    subject: str
    """The corpus file (relative path), or the report id for index inconsistencies."""
    detail: str = ""


@dataclass(frozen=True)
class CheckResult:
    """What a check found."""

    differences: tuple[Difference, ...]
    skipped: tuple[tuple[str, str], ...]
    """Files the indexer refuses by design (duplicates, links out of the corpus), with why."""
    generation: str | None
    reports: int
    paragraphs: int

    @property
    def clean(self) -> bool:
        return not self.differences

    @property
    def needs_rebuild(self) -> bool:
        return any(d.kind == INCONSISTENT for d in self.differences)


def find_differences(corpus_dir: Path, index_dir: Path) -> CheckResult:
    """Compare the live generation of ``index_dir`` with the files in ``corpus_dir``."""
    differences: list[Difference] = []
    generation = current_generation(index_dir)
    manifest: dict = {}
    documents: Counter = Counter()
    if generation is None:
        differences.append(Difference(INCONSISTENT, "-", f"no index in {index_dir}"))
    else:
        try:
            manifest = read_manifest(generation)
            if manifest.get("schema_version") != SCHEMA_VERSION:
                differences.append(Difference(INCONSISTENT, generation.name, "built by another version of findings"))
        except (OSError, ValueError) as error:
            differences.append(Difference(INCONSISTENT, generation.name, f"manifest unreadable: {error}"))
        try:
            documents = _documents_by_report(generation)
        except Exception as error:  # whoosh raises many types for damaged segments
            differences.append(Difference(INCONSISTENT, generation.name, f"cannot read the index: {error}"))
    if differences:
        # Without a readable index, listing every corpus file as missing would only hide the cause.
        return CheckResult(tuple(differences), (), generation.name if generation else None, 0, 0)
    reports: dict = manifest.get("reports", {})
    indexed = {entry["source_file"]: (report_id, entry["content_hash"]) for report_id, entry in reports.items()}

    files, refused = corpus_files(corpus_dir)
    skipped = list(refused)
    digests: dict[str, str] = {}
    for path in files:
        relative = path.relative_to(corpus_dir).as_posix()
        try:
            digests[relative] = content_hash(path)
        except OSError as error:
            differences.append(Difference(NOT_INDEXED, relative, f"cannot read file: {error.strerror}"))
    owners = content_owners(digests, {relative: digest for relative, (_, digest) in indexed.items()})
    for relative, digest in digests.items():
        if owners[digest] != relative and digest != EMPTY_FILE_HASH:
            skipped.append((relative, f"duplicate content: same as {owners[digest]}"))
            if relative in indexed:
                differences.append(Difference(CHANGED, relative, f"now a duplicate of {owners[digest]}"))
        elif relative not in indexed:
            differences.append(Difference(NOT_INDEXED, relative))
        elif indexed[relative][1] != digest:
            differences.append(Difference(CHANGED, relative, "content hash differs"))
    for relative in sorted(set(indexed) - set(digests) - {name for name, _ in refused}):
        differences.append(Difference(ORPHAN, relative))

    for report_id, entry in sorted(reports.items()):
        found = documents.pop(report_id, 0)
        if found != entry["paragraph_count"]:
            detail = f"{found} paragraphs in the index, {entry['paragraph_count']} in the manifest"
            differences.append(Difference(INCONSISTENT, report_id, detail))
    for report_id, found in sorted(documents.items()):
        differences.append(Difference(INCONSISTENT, report_id, f"{found} paragraphs of a report not in the manifest"))

    order = {kind: index for index, kind in enumerate(KINDS)}
    return CheckResult(
        differences=tuple(sorted(differences, key=lambda d: (order[d.kind], d.subject))),
        skipped=tuple(sorted(skipped)),
        generation=generation.name if generation else None,
        reports=len(reports),
        paragraphs=sum(entry.get("paragraph_count", 0) for entry in reports.values()),
    )


def _documents_by_report(generation: Path) -> Counter:
    """Live (undeleted) whoosh documents per report id."""
    index = open_generation(generation)
    with index.reader() as reader:
        return Counter(fields["report_id"] for fields in reader.all_stored_fields())


def describe(result: CheckResult, corpus_dir: Path) -> list[str]:
    """The lines ``findings check`` prints for a result."""
    lines = [f"{d.kind}: {d.subject}" + (f" ({d.detail})" if d.detail else "") for d in result.differences]
    lines += [f"skipped: {relative}: {reason}" for relative, reason in result.skipped]
    where = (
        f"{result.generation}, {_plural(result.reports, 'report')}, {_plural(result.paragraphs, 'paragraph')}"
        if result.generation else "not built"
    )
    if result.clean:
        lines.append(f"The index ({where}) matches {corpus_dir}.")
    else:
        lines.append(f"{_plural(len(result.differences), 'difference')} between the index ({where}) and {corpus_dir}.")
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def check_index(
    corpus_dir: Path, index_dir: Path, *, repair: bool = False, echo: Callable[[str], object] = print
) -> int:
    """Check (and with ``repair``, fix) the index; prints what differs. Exit status: 0 clean, 1 not."""
    if not corpus_dir.is_dir():
        echo(f"corpus folder not found: {corpus_dir}. Pass the folder that holds the reports.")
        return 1
    result = find_differences(corpus_dir, index_dir)
    for line in describe(result, corpus_dir):
        echo(line)
    if result.clean:
        return 0
    if not repair:
        echo("Run `findings check --repair` to re-index what differs.")
        return 1
    rebuild = result.needs_rebuild
    echo("Repairing: " + ("rebuilding the whole index." if rebuild else "re-indexing what differs."))
    try:
        summary = index_corpus(corpus_dir, index_dir, rebuild=rebuild)
    except IndexLockedError as error:
        echo(f"cannot repair: {error}")
        return 1
    echo(
        f"{len(summary.indexed)} indexed, {len(summary.unchanged)} unchanged, "
        f"{len(summary.removed)} removed, {len(summary.failed)} failed."
    )
    for relative, reason in summary.failed:
        echo(f"failed: {relative}: {reason}")
    after = find_differences(corpus_dir, index_dir)
    for line in describe(after, corpus_dir):
        echo(line)
    return 0 if after.clean else 1
