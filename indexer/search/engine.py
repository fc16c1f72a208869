"""Match masks: which documents a compiled query matches, as a numpy boolean array.

A mask gives the exact total and the facet counts without ranking anything.
Terms are read straight from their posting blocks and combined with numpy;
only what needs positions or the term dictionary (phrases, prefixes, ranges)
goes through whoosh's one-id-at-a-time matchers.

Everything here works on one :class:`Readers` bundle, which one thread uses at
a time; a :class:`Masks` lives for one search and carries the phrases it has
checked to the ranking step explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.search.compile import Compiled, Compiler
from indexer.search.facets import leaf_readers, posting_ids
from indexer.store.whoosh_internals import DocSet, seek, unfiltered

IDF_CACHE_BYTES = 2 * 2**20
"""The most a reader bundle's idf cache may hold."""
IDF_ENTRY_BYTES = 300
"""What one idf cache entry holds: the dict slot, the (field, term) tuple, its two strings, the float."""


@dataclass
class Readers:
    """One whoosh searcher on a generation and what is built on it; one thread uses it at a time."""

    searcher: Any
    compiler: Compiler
    reader: Any = field(init=False)
    leaves: list[tuple[Any, int]] = field(init=False)
    bases: dict[int, tuple[int, int]] = field(init=False)
    """``id(segment reader)`` -> (first document number, document count), for :class:`DocSet`."""

    def __post_init__(self) -> None:
        self.reader = self.searcher.reader()
        self.leaves = leaf_readers(self.reader)
        self.bases = {id(leaf): (base, leaf.doc_count_all()) for leaf, base in self.leaves}

    def close(self) -> None:
        self.searcher.close()

    def trim_caches(self) -> None:
        """Keep whoosh's per-searcher idf cache within :data:`IDF_CACHE_BYTES` (it keeps every term
        ever scored, for the generation's lifetime); emptied when over, as an idf is cheap to compute."""
        cache = getattr(self.searcher, "_idf_cache", None)
        if cache is not None and len(cache) * IDF_ENTRY_BYTES > IDF_CACHE_BYTES:
            cache.clear()


def whoosh_query(compiled: Compiled) -> wq.Query:
    """The whole whoosh query of a compiled search: its text part and its field filters."""
    query = compiled.query
    if isinstance(query, wq.Not):
        query = wq.And([wq.Every(), query])
    if compiled.filters:
        query = wq.And([query, *compiled.filters])
    return query


class Masks:
    """The masks of one search, on one thread's readers.

    Phrases are checked against their word positions once, in :meth:`of`; the documents
    found are kept here (``phrases``) so that :meth:`rank_query` can hand them to whoosh's
    ranking instead of its span matchers. Make a new ``Masks`` for each search.
    """

    def __init__(self, readers: Readers, live: np.ndarray) -> None:
        self.readers = readers
        self.live = live
        self.size = len(live)
        self.phrases: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}

    def of(self, compiled: Compiled) -> np.ndarray:
        """The live documents ``compiled`` matches."""
        query = whoosh_query(compiled)
        if isinstance(query, wq.Every):
            return self.live.copy()
        return self.matching(query) & self.live

    def matching(self, query: wq.Query) -> np.ndarray:
        """Documents ``query`` matches (deleted ones may be included), as a mask."""
        kind = type(query)
        if kind is wq.Term:
            return self._postings(query.fieldname, [query.text])
        if kind is wq.Or:
            mask = np.zeros(self.size, dtype=bool)
            for child in query.subqueries:
                mask |= self.matching(child)
            return mask
        if kind is wq.And:
            mask = self.live.copy()
            phrases = [child for child in query.subqueries if type(child) is wq.Phrase]
            pairs = [child for child in query.subqueries if type(child) is wq.Term and child.fieldname == "pairs"]
            for child in query.subqueries:
                if type(child) is not wq.Phrase:
                    mask &= self.matching(child)
            for phrase in phrases:
                # A phrase with its word pairs (see Compiler._text_phrase): positions are
                # checked only where the pairs' posting lists meet.
                mask &= self.phrase_mask(phrase, mask) if pairs else self.whoosh_mask(phrase)
            return mask
        if kind is wq.Prefix:
            return self._postings(query.fieldname, list(self.readers.reader.expand_prefix(query.fieldname, query.text)))
        if kind is wq.Not:
            return ~self.matching(query.query)
        if kind is wq.Every:
            return self.live.copy()
        if query is wq.NullQuery:
            return np.zeros(self.size, dtype=bool)
        return self.whoosh_mask(query)

    def _postings(self, fieldname: str, texts: list) -> np.ndarray:
        """Documents with any of the terms ``texts`` in ``fieldname``, from the posting blocks."""
        mask = np.zeros(self.size, dtype=bool)
        field_type = self.readers.reader.schema[fieldname]
        for text in texts:
            encoded = field_type.to_bytes(text)
            for leaf, base in self.readers.leaves:
                mask[posting_ids(leaf, fieldname, encoded) + base] = True
        return mask

    def phrase_mask(self, phrase: wq.Phrase, candidates: np.ndarray) -> np.ndarray:
        """The documents among ``candidates`` where ``phrase``'s words stand at consecutive positions.

        Whoosh's span matchers cost ~80 µs a document; this reads each word's positions
        at the candidates only. The candidates are the documents holding all the phrase's
        pairs, so the answer depends on the phrase alone: it is kept in ``phrases`` for
        :meth:`rank_query`.
        """
        found = np.zeros(self.size, dtype=bool)
        docs = np.flatnonzero(candidates)
        if phrase.slop != 1 or not len(docs):
            return self.whoosh_mask(phrase) & candidates if len(docs) else found
        field_type = self.readers.reader.schema[phrase.fieldname]
        words = [field_type.to_bytes(word) for word in phrase.words]
        for leaf, base in self.readers.leaves:
            start, end = np.searchsorted(docs, [base, base + leaf.doc_count_all()])
            if start == end or any((phrase.fieldname, word) not in leaf for word in words):
                continue
            matchers = [unfiltered(leaf.postings(phrase.fieldname, word)) for word in words]
            for docnum in (docs[start:end] - base).tolist():
                if _consecutive(matchers, docnum):
                    found[base + docnum] = True
        self.phrases[(phrase.fieldname, tuple(phrase.words))] = found
        return found

    def rank_query(self, query: wq.Query) -> wq.Query:
        """``query`` with each phrase whose documents :meth:`phrase_mask` found replaced by them."""
        if type(query) is wq.Phrase:
            found = self.phrases.get((query.fieldname, tuple(query.words)))
            return query if found is None else DocSet(np.flatnonzero(found), self.readers.bases)
        if isinstance(query, wq.CompoundQuery):
            return type(query)([self.rank_query(child) for child in query.subqueries], boost=query.boost)
        if type(query) is wq.Not:
            return wq.Not(self.rank_query(query.query), boost=query.boost)
        return query

    def whoosh_mask(self, query: wq.Query) -> np.ndarray:
        """Documents ``query`` matches, through whoosh's own matchers."""
        mask = np.zeros(self.size, dtype=bool)
        mask[np.fromiter(self.readers.searcher.docs_for_query(query), dtype=np.int64)] = True
        return mask


def _consecutive(matchers: list, docnum: int) -> bool:
    """Whether the words of ``matchers`` (one per phrase word, in order) stand in a run in ``docnum``.

    The matchers only move forward: call with increasing document numbers.
    """
    starts: set[int] | None = None
    for offset, matcher in enumerate(matchers):
        if not matcher.is_active():
            return False
        if matcher.id() < docnum:
            seek(matcher, docnum)
        if not matcher.is_active() or matcher.id() != docnum:
            return False
        positions = matcher.value_as("positions")
        if starts is None:
            starts = set(positions)
        else:
            starts.intersection_update([p - offset for p in positions])
        if not starts:
            return False
    return bool(starts)
