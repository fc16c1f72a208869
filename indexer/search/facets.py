"""Facet counting over per-field value arrays, built once per opened index.

Whoosh's overlapping ``groupedby`` re-reads stored values for every search.
Instead, each facet field's postings are read once into numpy arrays (each
document's value number, or (document, value number) pairs where a document can
have several values); a search then counts with ``bincount`` over the documents
it matched.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from whoosh.reading import TermNotFound

from indexer.store.schema import FACET_FIELDS
from indexer.store.whoosh_internals import all_ids_array


def posting_ids(reader, field: str, text) -> np.ndarray:
    """Document numbers of one term's postings, deleted documents included.

    ``reader`` must be a single segment's reader; callers drop deleted
    documents with their live mask. Posting blocks are decoded whole (see
    :func:`~indexer.store.whoosh_internals.all_ids_array`).
    """
    if (field, text) not in reader:
        return np.zeros(0, dtype=np.int64)
    return all_ids_array(reader.postings(field, text))


def unique_document(leaves: list[tuple[Any, int]], fieldname: str, text: bytes) -> int | None:
    """The live document holding ``text`` in a unique field (``id``), or None: ``searcher.document_number``.

    Read from the term dictionary where it can be: a term with one posting in a segment has its
    document's number in its term info, so no posting list is opened (17,000 lookups when a
    generation opens at 100k paragraphs, for the accountability chain's facets). A term with
    more postings in a segment goes through whoosh, which skips deleted documents.
    """
    for leaf, base in leaves:
        try:
            info = leaf.term_info(fieldname, text)
        except TermNotFound:
            continue
        if info.doc_frequency() == 1:
            if not leaf.is_deleted(info.min_id()):
                return base + info.min_id()
            continue
        try:
            return base + leaf.first_id(fieldname, text)
        except TermNotFound:  # every posting deleted
            continue
    return None


def leaf_readers(reader) -> list[tuple[Any, int]]:
    """(segment reader, first document number) pairs of an index reader."""
    return list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]


class FieldValues(ABC):
    """The values of one facet field over an index's documents: masks for filters, counts for facets.

    Built by :func:`field_values`, which picks the smaller layout for the field.
    """

    values: list[str]

    @abstractmethod
    def mask_for(self, selected: list[str], size: int) -> np.ndarray:
        """Documents having any of ``selected`` (values combine with OR)."""

    @abstractmethod
    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, count) over the documents in ``mask``, largest first (ties in value order)."""

    def _wanted(self, selected: list[str]) -> np.ndarray:
        """One flag per value number (and one more, never set, for "no value"): is it selected?"""
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        index = {value: number for number, value in enumerate(self.values)}
        for value in selected:
            if value in index:
                wanted[index[value]] = True
        return wanted

    def _ordered(self, totals: np.ndarray) -> list[tuple[str, int]]:
        """The values with a count above zero, largest count first, ties in value order."""
        order = np.lexsort((np.arange(len(self.values)), -totals))
        return [(self.values[i], int(totals[i])) for i in order if totals[i] > 0]


class OneValue(FieldValues):
    """A field with at most one value per document (doc type, year, report...): each document's value number.

    One byte or two per document, where (document, value) pairs took sixteen; counting is a
    ``bincount`` over the masked numbers.
    """

    def __init__(self, values: list[str], numbers: np.ndarray) -> None:
        self.values = values
        self.numbers = numbers
        """Each document's value number; ``len(values)`` for a document without a value."""

    def mask_for(self, selected: list[str], size: int) -> np.ndarray:
        return self._wanted(selected)[self.numbers]

    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        return self._ordered(np.bincount(self.numbers[mask], minlength=len(self.values) + 1)[:-1])


class ManyValues(FieldValues):
    """A field with any number of values per document (forces, themes, areas...): (document, value) pairs.

    Document numbers stay int64 (numpy indexes with them without converting; int32 made a count
    about 60% slower), value numbers take the smallest unsigned type that holds them.
    """

    def __init__(self, values: list[str], documents: np.ndarray, value_ids: np.ndarray) -> None:
        self.values = values
        self.documents = documents
        self.value_ids = value_ids

    def mask_for(self, selected: list[str], size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.documents[self._wanted(selected)[self.value_ids]]] = True
        return mask

    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        hits = self.value_ids[mask[self.documents]]
        return self._ordered(np.bincount(hits, minlength=len(self.values)))


def field_values(values: list[str], documents: np.ndarray, value_ids: np.ndarray, size: int) -> FieldValues:
    """The values of a field, given as (document, value number) pairs over ``size`` documents.

    A field where no document has two values is kept as one number per document
    (:class:`OneValue`), any other as its pairs (:class:`ManyValues`).
    """
    dtype = np.min_scalar_type(len(values))  # value numbers and the "no value" number
    documents = np.asarray(documents, dtype=np.int64)
    if not len(documents) or np.bincount(documents).max() == 1:
        numbers = np.full(size, len(values), dtype=dtype)
        numbers[documents] = value_ids
        return OneValue(values, numbers)
    return ManyValues(values, documents, np.asarray(value_ids, dtype=dtype))


class FacetTable:
    """Value arrays for every facet field of an index reader."""

    def __init__(self, reader, fields: tuple[str, ...] = (*FACET_FIELDS, "areas", "report_id")) -> None:
        self.size = reader.doc_count_all()
        leaves = leaf_readers(reader)
        self.live = np.ones(self.size, dtype=bool)
        for leaf, base in leaves:
            for docnum in leaf.deleted_docs_set:
                self.live[base + docnum] = False
        self.fields: dict[str, FieldValues] = {name: self._read(reader, leaves, name) for name in fields}

    def _read(self, reader, leaves: list[tuple[Any, int]], name: str) -> FieldValues:
        """One field's values from its postings, deleted documents left out (their postings are still on disk)."""
        values: list[str] = []
        documents: list[np.ndarray] = []
        value_ids: list[np.ndarray] = []
        for term in reader.lexicon(name) if name in reader.indexed_field_names() else []:
            ids = np.concatenate([posting_ids(leaf, name, term) + base for leaf, base in leaves])
            ids = ids[self.live[ids]]
            documents.append(ids)
            value_ids.append(np.full(len(ids), len(values), dtype=np.int64))
            values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
        return field_values(
            values,
            np.concatenate(documents) if documents else np.zeros(0, dtype=np.int64),
            np.concatenate(value_ids) if value_ids else np.zeros(0, dtype=np.int64),
            self.size,
        )
