"""The two ways a run writes its parsed reports into a new generation.

:class:`FullBuild` starts an empty generation and writes while the run parses:
each report goes to one of the build processes as soon as it is parsed.
:class:`IncrementalUpdate` copies the live generation after parsing, deletes
what changed or went, and adds the new reports. Both end in :meth:`publish`,
which writes the manifest and switches ``CURRENT`` to the new generation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from indexer.model import Report
from indexer.store.accountability import TRACKED_TYPES, Previous, link_corpus
from indexer.store.bulkwrite import ReportRouter
from indexer.store.generations import prune_generations, start_generation
from indexer.store.manifest import build_manifest, link_responses
from indexer.store.schema import add_reports, from_document
from indexer.store.whoosh_internals import SharedSegmentStorage


class WriteStrategy(Protocol):
    """What an indexing run asks of a way of writing."""

    def parse_order(self, paths: list[Path]) -> list[Path]:
        """The order to parse the changed files in."""
        ...

    def parsed(self, relative: str, report: Report) -> None: ...

    def failed(self, relative: str) -> None: ...

    def cancel(self) -> None:
        """Undo what was started; the live generation stays as it was."""
        ...

    def publish(self, reports: dict[str, dict], *, replaced: set[str], removed: list[str]) -> str:
        """Write what is left, link responses, switch CURRENT; the live generation's name."""
        ...


class FullBuild:
    """A new generation from nothing, written by several processes while the run parses."""

    def __init__(self, index_dir: Path, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self.generation = start_generation(index_dir, copy_current=False)
        self.build = self.generation.parallel_build()
        self.router: ReportRouter | None = None

    def parse_order(self, paths: list[Path]) -> list[Path]:
        by_name = {path.relative_to(self.corpus_dir).as_posix(): path for path in paths}
        feeds = [self.build.feed(worker) for worker in range(self.build.procs)]
        self.router = ReportRouter(
            self.build.procs,
            [(name, _size(by_name[name])) for name in sorted(by_name)],
            lambda worker, report: add_reports(feeds[worker], [report]),
        )
        return [by_name[name] for name in self.router.order]

    def parsed(self, relative: str, report: Report) -> None:
        assert self.router is not None, "parse_order() comes first"
        self.router.parsed(relative, report)

    def failed(self, relative: str) -> None:
        assert self.router is not None, "parse_order() comes first"
        self.router.failed(relative)

    def cancel(self) -> None:
        self.build.cancel()

    def publish(self, reports: dict[str, dict], *, replaced: set[str], removed: list[str]) -> str:
        self.build.commit()
        link_responses(reports)
        chain = answered_findings(self.generation.path, reports)
        return self.generation.publish(build_manifest(reports, self.generation.number, chain)).name


class IncrementalUpdate:
    """A copy of the live generation with changed reports replaced and removed ones deleted."""

    def __init__(
        self,
        index_dir: Path,
        live: Path | None,
        old_reports: dict[str, dict] | None = None,
        chain: dict | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.live = live
        self.reports: list[Report] = []
        self.old_reports = old_reports or {}
        self.chain = chain
        # What each response answered before this run (link_responses updates the entries in place).
        self.old_targets = {report_id: entry.get("responds_to") for report_id, entry in self.old_reports.items()}

    def parse_order(self, paths: list[Path]) -> list[Path]:
        return paths

    def parsed(self, relative: str, report: Report) -> None:
        self.reports.append(report)

    def failed(self, relative: str) -> None:
        """A file that fails keeps its last good version: nothing to do."""

    def cancel(self) -> None:
        """Nothing was started before publishing."""

    def publish(self, reports: dict[str, dict], *, replaced: set[str], removed: list[str]) -> str:
        if not self.reports and not removed and self.live is not None:
            prune_generations(self.index_dir)  # finish the pruning of a run killed after its switch
            return self.live.name
        generation = start_generation(self.index_dir, copy_current=True)
        writer = generation.writer()
        try:
            for relative in sorted(replaced | set(removed)):
                writer.delete_by_term("source_file", relative)
            add_reports(writer, sorted(self.reports, key=lambda r: r.source_file))
            writer.commit(mergetype=drop_emptied_then_merge_small)
        except BaseException:
            writer.cancel()
            raise
        link_responses(reports)
        changed = {
            report_id
            for entries in (reports, self.old_reports)
            for report_id, entry in entries.items()
            if entry["source_file"] in replaced or entry["source_file"] in removed
        }
        previous = None
        if self.chain is not None:
            previous = Previous(self.chain, self.old_targets, changed)
        chain = answered_findings(generation.path, reports, previous)
        return generation.publish(build_manifest(reports, generation.number, chain)).name


def drop_emptied_then_merge_small(writer, segments: list) -> list:
    """Whoosh's ``MERGE_SMALL`` policy, after leaving out the segments whose every document is deleted.

    A report replaced or removed leaves its old documents deleted in their segment; once a
    segment holds nothing else it is dropped from the index (whoosh would keep it for ever,
    and every search would still look its terms up).
    """
    from whoosh.writing import MERGE_SMALL

    return MERGE_SMALL(writer, [segment for segment in segments if segment.deleted_count() < segment.doc_count_all()])


def answered_findings(generation: Path, reports: dict[str, dict], previous: Previous | None = None) -> dict:
    """The accountability chain of a written generation, read back from its index.

    With ``previous`` (an incremental run), only what the run changed is linked again.
    """
    # Read in place, as the server reads (a plain whoosh reader copies each segment's files into memory).
    storage = SharedSegmentStorage(generation)
    index = storage.open_index()
    try:
        with index.searcher() as searcher:

            def read(report_id: str) -> list[dict]:
                stored = sorted(searcher.documents(report_id=report_id), key=lambda d: d["paragraph_number"])
                return [from_document(document) for document in stored]

            def findings() -> Iterator[dict]:
                # One at a time: at a million paragraphs the records of every finding take hundreds of MB.
                return (
                    from_document(document)
                    for finding_type in TRACKED_TYPES
                    for document in searcher.documents(finding_type=finding_type)
                )

            return link_corpus(reports, read, findings, previous=previous)
    finally:
        index.close()
        storage.release()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
