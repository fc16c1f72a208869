"""Everything opened for one index generation: shared data, a pool of readers, the result cache.

Built once when a generation goes live and dropped when the next one does, so
a search does only the work that depends on the query. The work itself lives in
its own modules: masks (``engine``), ranking (``ranking``), "did you mean"
(``suggest``), filter values (``filters``) and the result cache (``cache``);
this module wires them for one generation.

Whoosh readers are not thread-safe (each seeks and reads its own file objects),
so a search takes a reader bundle of its own from the generation's pool for as
long as it reads (:meth:`SearchState.readers`). All bundles of a generation read
its segment files in place through one ``SharedSegmentStorage`` (nothing of the
index is copied into the process), and what is built once per generation (facet
arrays, date ranks, glossary) is only read, so searches on different threads run
side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from indexer.ingest.glossary import acronym_key, load_glossary
from indexer.ingest.metadata import load_gazetteer
from indexer.search.cache import ResultCache
from indexer.search.chain import CHAIN_PARTS, VIRTUAL_FACETS, Chain
from indexer.search.compile import Compiler
from indexer.search.engine import Masks, Readers
from indexer.search.facets import FacetTable
from indexer.search.filters import FILTER_FIELDS, resolve_filters
from indexer.search.highlight import MatchSpec, find_matches
from indexer.search.query import parse
from indexer.search.ranking import date_ranks, page_of, ranked
from indexer.search.suggest import suggest
from indexer.store.generations import read_manifest
from indexer.store.schema import FACET_FIELDS, from_document
from indexer.store.whoosh_internals import SharedSegmentStorage

__all__ = ["FILTER_FIELDS", "GenerationClosedError", "SearchState"]

PARALLEL_SEARCHES = 1
"""Searches reading the index at once, one reader bundle each (more wait for a bundle to come back).

Everything after the reading (facet counts, snippets, the page) runs in parallel whatever this
is. Under CPython's GIL only numpy and file reads truly overlap, and with more than one reading
at once the GIL hand-offs cost more than they save: at 10k paragraphs 2 or 8 served 7-17% fewer
requests per second than 1, with a higher p95 (benchmarks/README.md, "Parallel searches").
Raise it for a free-threaded Python, or an index large enough for numpy to dominate."""


class GenerationClosedError(RuntimeError):
    """A search reached a generation that was retired and closed (a bug in the caller's bookkeeping)."""


class SearchState:
    """The shared data and reader pool of one generation; safe to share between threads.

    Callers that may overlap a generation switch bracket their work with :meth:`enter` and
    :meth:`leave`; :meth:`retire` then closes the readers only when the last such user leaves.
    """

    def __init__(self, generation: Path, cache_bytes: int, *, parallel: int = PARALLEL_SEARCHES) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        self.generation = generation
        self.parallel = parallel
        self._storage = SharedSegmentStorage(generation)
        self.index = self._storage.open_index()
        manifest = read_manifest(generation)
        self.glossary_entries = _glossary_entries(manifest)
        searcher = self.index.searcher()
        try:
            self.facets = FacetTable(searcher.reader(), FILTER_FIELDS)
            self.chain = Chain.from_manifest(manifest)
            # The chain holds the links and findings: one copy, not two.
            self.manifest = {key: value for key, value in manifest.items() if key not in CHAIN_PARTS}
            del manifest
            self.facets.fields.update(
                self.chain.facet_values(searcher, self.facets.size, self.manifest.get("reports"))
            )
            self.date_rank = date_ranks(searcher.reader(), self.facets.size)
            gazetteer = load_gazetteer()
            aliases = dict(gazetteer.force_names)
            aliases.update({k: v[0] for k, v in gazetteer.area_names.items()})
            self._compiler_args = (
                {k: v["expansion"] for k, v in self.glossary_entries.items()},
                {name: values.values for name, values in self.facets.fields.items()},
                aliases,
            )
            self._first = Readers(searcher, Compiler(searcher.reader(), *self._compiler_args))
        except BaseException:
            searcher.close()
            self._storage.release()
            raise
        self.cache = ResultCache(cache_bytes)
        self._lock = threading.Lock()
        self._returned = threading.Condition(self._lock)
        """Notified when a bundle goes back to the pool, or the generation closes."""
        self._idle: list[Readers] = [self._first]
        self._opened = 1
        self._users = 0
        self._retired = self._closed = False

    # -- readers and lifetime --------------------------------------------------------------

    @property
    def searcher(self):
        """The first reader bundle's searcher, for single-threaded callers (tests, tools) only."""
        return self._first.searcher

    @contextmanager
    def readers(self) -> Iterator[Readers]:
        """A reader bundle that only this thread uses until the block ends.

        An idle bundle if there is one, else a new one while fewer than ``parallel`` are open,
        else the next one another search gives back. Do not nest: a thread holds one bundle.
        """
        with self._lock:
            while not self._closed and not self._idle and self._opened >= self.parallel:
                self._returned.wait()
            if self._closed:
                raise GenerationClosedError(f"{self.generation.name} is closed")
            bundle = self._idle.pop() if self._idle else None
            if bundle is None:
                self._opened += 1
        if bundle is None:
            try:
                searcher = self.index.searcher()
                bundle = Readers(searcher, Compiler(searcher.reader(), *self._compiler_args))
            except BaseException:
                with self._lock:
                    self._opened -= 1
                    self._returned.notify()
                raise
        try:
            yield bundle
        finally:
            bundle.trim_caches()
            with self._lock:
                keep = not self._closed
                if keep:
                    self._idle.append(bundle)
                    self._returned.notify()
            if not keep:
                bundle.close()

    def enter(self) -> None:
        """Count a user: the readers stay open until it calls :meth:`leave`, even once retired."""
        with self._lock:
            if self._closed:
                raise GenerationClosedError(f"{self.generation.name} is closed")
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            idle = self._close_if_unused()
        self._shut(idle)

    def retire(self) -> None:
        """No new users will come: close the readers as soon as no user is left (now, if none is)."""
        with self._lock:
            self._retired = True
            idle = self._close_if_unused()
        self._shut(idle)

    close = retire

    def _close_if_unused(self) -> list[Readers] | None:
        """Under the lock: mark the generation closed if retired and unused; then the bundles to close."""
        if not self._retired or self._users or self._closed:
            return None
        self._closed = True
        self._returned.notify_all()
        idle, self._idle = self._idle, []
        return idle

    def _shut(self, idle: list[Readers] | None) -> None:
        if idle is None:
            return
        for bundle in idle:
            bundle.close()
        self._storage.release()

    # -- filters ---------------------------------------------------------------------------

    def resolve_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Filter values as the index stores them (see :func:`indexer.search.filters.resolve_filters`)."""
        with self.readers() as readers:
            return resolve_filters(filters, self.facets, readers.compiler.resolve_values)

    # -- searching -------------------------------------------------------------------------

    def run(self, tree, query_text: str, filters: dict, sort: str, page: int, per_page: int) -> dict:
        """The result shape: records with ids (permalinks and citations are added by the caller)."""
        size = self.facets.size
        filter_masks = {name: self.facets.fields[name].mask_for(values, size) for name, values in filters.items()}
        filtered = _all(filter_masks.values(), size)
        with self.readers() as readers:
            masks = Masks(readers, self.facets.live)
            compiled = readers.compiler.compile(tree)
            base_mask = masks.of(compiled)
            suggestion, corrected = suggest(readers.reader, tree, query_text, self.glossary_entries), False
            result_mask = base_mask & filtered
            if suggestion and not result_mask.any():
                corrected_compiled = readers.compiler.compile(parse(suggestion))
                corrected_mask = masks.of(corrected_compiled)
                if (corrected_mask & filtered).any():
                    compiled, base_mask, corrected = corrected_compiled, corrected_mask, True
                    result_mask = base_mask & filtered
            hits = page_of(masks, compiled, result_mask, self.date_rank,
                           filtered=bool(filters), sort=sort, page=page, per_page=per_page)  # fmt: skip
            stored = [readers.searcher.stored_fields(docnum) for docnum, _ in hits]
        # Counting and snippets need no reader: the bundle is back in the pool for the next search.
        facets = {}
        for name in (*FACET_FIELDS, *VIRTUAL_FACETS):
            others = [mask for other, mask in filter_masks.items() if other != name]
            mask = base_mask & _all(others, size) if others else base_mask
            selected = filters.get(name, [])
            counts = self.facets.fields[name].counts(mask)
            if name == "year":
                counts.sort(key=lambda pair: pair[0], reverse=True)
            present = {value for value, _ in counts}
            facets[name] = [{"value": v, "count": c, "selected": v in selected} for v, c in counts] + [
                {"value": v, "count": 0, "selected": True} for v in selected if v not in present
            ]
        total = int(result_mask.sum())
        spec = compiled.match_spec()
        results = []
        for (_, score), document in zip(hits, stored, strict=True):
            record = from_document(document)
            highlight = find_matches(record["text"], spec)
            results.append(
                dict(
                    record,
                    snippet=highlight.snippet(),
                    matched=highlight.matched,
                    score=score,
                )
            )
        return {
            "query": query_text,
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": max(1, -(-total // per_page)),
            "sort": sort,
            "filters": filters,
            "facets": facets,
            "results": results,
            "suggestion": suggestion,
            "corrected": corrected,
            "glossary": [self.glossary_entries[a] for a in compiled.glossary if a in self.glossary_entries],
            "notes": compiled.notes,
        }

    def ranked_records(self, tree, filters: dict, sort: str, cap: int) -> list[dict]:
        """Up to ``cap`` matching paragraph records in ``sort`` order, each with its score."""
        with self.readers() as readers:
            masks = Masks(readers, self.facets.live)
            compiled = readers.compiler.compile(tree)
            mask = masks.of(compiled)
            for name, values in filters.items():
                mask &= self.facets.fields[name].mask_for(values, self.facets.size)
            hits = ranked(masks, compiled, mask, self.date_rank, filtered=bool(filters), sort=sort, limit=cap)
            stored = [readers.searcher.stored_fields(docnum) for docnum, _ in hits]
        return [dict(from_document(document), score=score) for (_, score), document in zip(hits, stored, strict=True)]

    def count_field(self, name: str, mask: np.ndarray) -> list[dict]:
        return [{"value": v, "count": c} for v, c in self.facets.fields[name].counts(mask)]

    def match_spec(self, tree) -> MatchSpec:
        """What the query ``tree`` marks in a paragraph's text."""
        if tree is None:
            return MatchSpec()
        with self.readers() as readers:
            return readers.compiler.compile(tree).match_spec()

    # -- reading ---------------------------------------------------------------------------

    def report_paragraphs(self, report_id: str) -> list[dict]:
        """The paragraph records of one report, in reading order."""
        with self.readers() as readers:
            documents = list(readers.searcher.documents(report_id=report_id))
        return sorted((from_document(d) for d in documents), key=lambda r: r["paragraph_number"])

    def paragraph_record(self, paragraph_id: str) -> dict | None:
        """One paragraph's record, or None."""
        with self.readers() as readers:
            document = readers.searcher.document(id=paragraph_id)
        return None if document is None else from_document(document)

    def paragraph_records(self, paragraph_ids: list[str]) -> dict[str, dict]:
        """The records of those of ``paragraph_ids`` that are in the index, by id."""
        found = {}
        with self.readers() as readers:
            for paragraph_id in dict.fromkeys(paragraph_ids):
                document = readers.searcher.document(id=paragraph_id)
                if document is not None:
                    found[paragraph_id] = from_document(document)
        return found


def _all(masks, size: int) -> np.ndarray:
    """The documents in every one of ``masks`` (all documents for none)."""
    result = np.ones(size, dtype=bool)
    for mask in masks:
        result &= mask
    return result


def _glossary_entries(manifest: dict) -> dict[str, dict]:
    entries = {}
    for acronym, expansion in load_glossary().items():
        entries[acronym_key(acronym)] = {"acronym": acronym, "expansion": expansion, "source": "glossary"}
    for acronym, expansion in manifest.get("glossary", {}).items():
        key = acronym_key(acronym)
        if key not in entries:
            entries[key] = {"acronym": acronym, "expansion": expansion, "source": "corpus"}
    return entries
