"""Fast whoosh segments for full builds, written by worker processes fed whole reports.

Whoosh's writer sends every posting through a pool of tuples that it sorts,
spills to disk in pickled runs once ``limitmb`` is reached and merges back
with ``heapq``; flushing then reads each posting's field length back from the
segment's length column. At 100k paragraphs that made the write stage slower
per paragraph the larger the corpus. :class:`BulkSegmentWriter` keeps each
term's postings in compact arrays instead, sorts only the terms, and writes
each posting block in one step, with the same bytes whoosh would write (the
whoosh side of that is :class:`indexer.store.whoosh_internals.PostingsSegmentWriter`).

:class:`ParallelBuild` runs one such writer per process; the indexing run
hands it each report as soon as it is parsed, so parsing and writing share
the cores for the whole build. Each process writes a segment, and starts
another once the one it holds has :data:`SEGMENT_POSTINGS` postings, so a
writer's memory is bounded whatever the corpus's size; the parent writes the
TOC that lists them all.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue as queue_module
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from whoosh.formats import Frequency, Positions

from indexer.store.analysis import index_counts, index_positions, pair_counts, word_counts
from indexer.store.whoosh_internals import (
    FREQUENCY_VALUES,
    PostingsSegmentWriter,
    commit_with_segments,
    encode_frequency,
    finish_segment,
)

if TYPE_CHECKING:
    from indexer.model import Report

SEGMENT_POSTINGS = 9_000_000
"""Postings a writer process holds before it writes them out as a segment and starts another.

About 57 bytes each in memory (document number, weight, the encoded value or a reference to a
shared one, and each term's share of its entry), so a writer holds about 600 MB at most; at 100k
paragraphs each of the two writers holds about 8 million and writes one segment
(benchmarks/README.md, "A million paragraphs")."""
QUEUED_REPORTS = 4
"""Reports waiting for each writer process at most: parsing, faster than writing, then waits for it
(unbounded, the queue held every report parsed ahead: 770 MB in the parent at 1M paragraphs)."""

FAST_KINDS = {"positions": index_positions, "counts": index_counts, "words": word_counts, "pairs": pair_counts}
"""Analysis fast paths by kind; :data:`indexer.store.schema.FAST_FIELDS` says which field takes which."""


class BulkSegmentWriter(PostingsSegmentWriter):
    """A segment writer for documents added in one go, with no merging.

    ``fast_fields`` maps field names to a kind of :data:`FAST_KINDS`: those
    fields are analysed by the cached fast path (which gives exactly the terms
    and positions of the field's whoosh analyzer; the tests check it).
    Other fields go through whoosh's own ``field.index``.
    """

    def __init__(self, ix, fast_fields: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self._fast = {}
        for name, kind in (fast_fields or {}).items():
            field = self.schema[name]
            expected = Positions if kind == "positions" else Frequency
            if type(field.format) is not expected or field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r} cannot take the {kind!r} fast path")
            self._fast[name] = (kind, FAST_KINDS[kind], field.format)
        # field -> term bytes -> [document numbers, weights, encoded values], for fields whoosh analyses
        self._postings: dict[str, dict[bytes, list]] = {}
        # field -> term text -> the same, for fast-path fields (encoded to UTF-8 when the segment is written)
        self._text_postings: dict[str, dict[str, list]] = {}
        # (field, value) -> postings, for the short values a report's paragraphs share (its id, forces, year...)
        self._item_cache: dict[tuple[str, object], list] = {}
        self.postings = 0
        """Postings held so far (one per term of each field of each document)."""

    def _items(self, fieldname: str, field, value) -> list[tuple[bytes, int, float, bytes]]:
        """Whoosh's postings for a field without a fast path, cached for values seen before."""
        if isinstance(value, (list, tuple)):
            return list(field.index(value))
        key = (fieldname, value)
        items = self._item_cache.get(key)
        if items is None:
            if len(self._item_cache) >= 20_000:
                self._item_cache.clear()
            items = self._item_cache[key] = list(field.index(value))
        return items

    def _add_fast(self, terms: dict[str, list], fast, value: str, docnum: int, fieldboost: float) -> int:
        """Add a fast-path field's postings (keyed by term text); returns the field's length."""
        kind, analyse, fmt = fast
        if not isinstance(value, str):
            raise TypeError(f"fast-path fields take text, not {type(value).__name__}")
        boost = fmt.field_boost
        length = 0
        analysed = analyse(value)
        self.postings += len(analysed)
        if kind == "positions":
            # (Each value its own bytes object: shared ones would pickle as memo references, a
            # different file from whoosh's own writer's.)
            encode = fmt.encode
            for term, found in analysed.items():
                count = len(found)
                length += count
                posting = terms.get(term)
                if posting is None:
                    posting = terms[term] = [array("I"), array("f"), []]
                posting[0].append(docnum)
                posting[1].append(float(count) * boost * fieldboost)
                posting[2].append(encode(found))
            return length
        for term, count in analysed.items():
            length += count
            posting = terms.get(term)
            if posting is None:
                posting = terms[term] = [array("I"), array("f"), []]
            posting[0].append(docnum)
            posting[1].append(float(count) * boost * fieldboost)
            posting[2].append(FREQUENCY_VALUES[count] if count < 256 else encode_frequency(count))
        return length

    def index_field(self, fieldname: str, field, value, docnum: int, fieldboost: float) -> int:
        fast = self._fast.get(fieldname)
        if fast is not None:
            text_terms = self._text_postings.get(fieldname)
            if text_terms is None:
                text_terms = self._text_postings[fieldname] = {}
            return self._add_fast(text_terms, fast, value, docnum, fieldboost)
        terms = self._postings.get(fieldname)
        if terms is None:
            terms = self._postings[fieldname] = {}
        length = 0
        items = self._items(fieldname, field, value)
        self.postings += len(items)
        for tbytes, freq, weight, vbytes in items:
            length += freq
            posting = terms.get(tbytes)
            if posting is None:
                posting = terms[tbytes] = [array("I"), array("f"), []]
            posting[0].append(docnum)
            posting[1].append(weight * fieldboost)
            posting[2].append(vbytes)
        return length

    def sorted_postings(self) -> Iterator[tuple[str, Iterable[tuple[bytes, list]]]]:
        # A field is in exactly one of the two tables, by whether it takes the fast path.
        for fieldname in sorted(self._postings.keys() | self._text_postings.keys()):
            postings: Iterable[tuple[bytes, list]]
            if fieldname in self._text_postings:
                # Fast-path fields are keyed by text: code point order is UTF-8 byte order.
                text_terms = self._text_postings.pop(fieldname)  # free memory as we go
                postings = ((term.encode("utf-8"), text_terms[term]) for term in sorted(text_terms))
            else:
                terms = self._postings.pop(fieldname)
                postings = ((term, terms[term]) for term in sorted(terms))
            yield fieldname, postings


class ParallelBuild:
    """``procs`` processes, each writing one segment of a new index from the reports it is given.

    Reports given to one process keep their order, so document numbers follow
    it. :meth:`commit` lists the segments in process order.
    """

    def __init__(
        self,
        index,
        procs: int,
        documents: Callable[[Report], Iterable[dict]],
        fast_fields: dict[str, str],
        limitmb: int = 128,
        segment_postings: int = SEGMENT_POSTINGS,
    ) -> None:
        self.procs = procs
        # The parent's writer holds whoosh's write lock and writes the TOC.
        self._writer = index.writer(limitmb=limitmb)
        context = multiprocessing.get_context("fork")
        self._queues = []
        self._results = []
        self._processes = []
        for _ in range(procs):
            queue = context.Queue(maxsize=QUEUED_REPORTS)
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(
                target=_segment_worker,
                args=(
                    index.storage, index.indexname, queue, sender, documents, fast_fields, limitmb, segment_postings
                ),
                daemon=True,
            )
            process.start()
            sender.close()
            self._queues.append(queue)
            self._results.append(receiver)
            self._processes.append(process)

    def feed(self, worker: int) -> _Feed:
        """What hands reports to process ``worker``: ``store.add_reports(build.feed(i), reports)``."""
        return _Feed(self._queues[worker], self._processes[worker])

    def commit(self) -> None:
        segments = []
        try:
            for queue, process in zip(self._queues, self._processes, strict=True):
                _Feed(queue, process).put(None)
            for receiver, process in zip(self._results, self._processes, strict=True):
                try:
                    outcome = receiver.recv()
                except EOFError:
                    raise RuntimeError(f"index writer process died (exit code {process.exitcode})") from None
                if isinstance(outcome, BaseException):
                    raise outcome
                segments.extend(outcome)
            for process in self._processes:
                process.join()
        except BaseException:
            self.cancel()
            raise
        commit_with_segments(self._writer, segments)
        self._close_channels()

    def cancel(self) -> None:
        for process in self._processes:
            if process.is_alive():
                process.kill()
            process.join(5)
        self._close_channels()
        if not self._writer.is_closed:
            self._writer.cancel()

    def _close_channels(self) -> None:
        for queue in self._queues:
            queue.cancel_join_thread()
            queue.close()
        for receiver in self._results:
            receiver.close()


class _Feed:
    def __init__(self, queue, process) -> None:
        self._queue = queue
        self._process = process

    def add_report(self, report) -> None:
        """Queue ``report`` for the process; waits while :data:`QUEUED_REPORTS` already wait for it."""
        self.put(report)

    def put(self, item) -> None:
        """Put ``item`` on the process's queue, waiting for room while the process lives."""
        while True:
            try:
                self._queue.put(item, timeout=1.0)
                return
            except queue_module.Full:
                if not self._process.is_alive():
                    raise RuntimeError(
                        f"index writer process died (exit code {self._process.exitcode})"
                    ) from None


def _segment_worker(
    storage, indexname, queue, sender, documents, fast_fields, limitmb, segment_postings: int
) -> None:
    """Write the reports from ``queue`` into segments of at most about ``segment_postings`` postings each;
    send their list, in order (a report is never split between two segments)."""
    try:
        index = storage.open_index(indexname)
        segments = []

        def new_writer() -> BulkSegmentWriter:
            return BulkSegmentWriter(index, fast_fields=fast_fields, lock=False, limitmb=limitmb)

        writer = new_writer()
        while True:
            report = queue.get()
            if report is None:
                break
            for document in documents(report):
                writer.add_document(**document)
            if writer.postings >= segment_postings:
                segments.append(finish_segment(writer))
                writer = new_writer()
        segments.append(finish_segment(writer))
        sender.send([segment for segment in segments if segment is not None])
    except BaseException as error:  # the parent re-raises it
        with contextlib.suppress(Exception):
            sender.send(RuntimeError(f"index writer process failed: {type(error).__name__}: {error}"))
        raise
    finally:
        sender.close()


class ReportRouter:
    """Which build process writes each file's report, and in which order to parse the files.

    The files (in corpus order) are cut into ``procs`` runs of about equal
    size; process *i* writes run *i* in order, so the index's document
    numbers follow corpus order as in a one-process build. Parsing takes the
    runs' files in turn, so every process has work from the start; a report
    that arrives before its predecessors waits until they are parsed or fail.
    """

    def __init__(self, procs: int, files: list[tuple[str, int]], deliver: Callable[[int, Report], object]) -> None:
        self.deliver = deliver
        total = sum(size for _, size in files) or 1
        self.runs: list[list[str]] = [[] for _ in range(procs)]
        done = 0
        for name, size in files:
            self.runs[min(procs - 1, done * procs // total)].append(name)
            done += size
        self._where = {name: (worker, rank) for worker, run in enumerate(self.runs) for rank, name in enumerate(run)}
        self._next = [0] * procs
        self._waiting: list[dict[int, Report | None]] = [{} for _ in range(procs)]
        longest = max((len(run) for run in self.runs), default=0)
        self.order = [run[rank] for rank in range(longest) for run in self.runs if rank < len(run)]

    def parsed(self, name: str, report: Report) -> None:
        self._arrived(name, report)

    def failed(self, name: str) -> None:
        self._arrived(name, None)

    def _arrived(self, name: str, report: Report | None) -> None:
        worker, rank = self._where[name]
        waiting = self._waiting[worker]
        waiting[rank] = report
        while self._next[worker] in waiting:
            ready = waiting.pop(self._next[worker])
            self._next[worker] += 1
            if ready is not None:
                self.deliver(worker, ready)
