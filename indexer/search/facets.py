"""Facet counting over per-field value arrays, built once per opened index.

Whoosh's overlapping ``groupedby`` re-reads stored values for every search.
Instead, each facet field's postings are read once into two numpy arrays
(document number, value number); a search then counts with ``bincount`` over
the documents it matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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


def leaf_readers(reader) -> list[tuple[Any, int]]:
    """(segment reader, first document number) pairs of an index reader."""
    return list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]


@dataclass
class FieldValues:
    """The (document, value) pairs of one facet field."""

    values: list[str]
    documents: np.ndarray
    value_ids: np.ndarray

    def mask_for(self, selected: list[str], size: int) -> np.ndarray:
        """Documents having any of ``selected`` (values combine with OR)."""
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        index = {value: number for number, value in enumerate(self.values)}
        for value in selected:
            if value in index:
                wanted[index[value]] = True
        mask = np.zeros(size, dtype=bool)
        mask[self.documents[wanted[self.value_ids]]] = True
        return mask

    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, count) over the documents in ``mask``, largest first."""
        hits = self.value_ids[mask[self.documents]]
        totals = np.bincount(hits, minlength=len(self.values))
        order = np.lexsort((np.arange(len(self.values)), -totals))
        return [(self.values[i], int(totals[i])) for i in order if totals[i] > 0]


class FacetTable:
    """Value arrays for every facet field of an index reader."""

    def __init__(self, reader, fields: tuple[str, ...] = (*FACET_FIELDS, "areas", "report_id")) -> None:
        self.size = reader.doc_count_all()
        leaves = leaf_readers(reader)
        self.fields: dict[str, FieldValues] = {}
        for name in fields:
            values: list[str] = []
            documents: list[np.ndarray] = []
            value_ids: list[np.ndarray] = []
            for term in reader.lexicon(name) if name in reader.indexed_field_names() else []:
                ids = np.concatenate([posting_ids(leaf, name, term) + base for leaf, base in leaves])
                documents.append(ids)
                value_ids.append(np.full(len(ids), len(values), dtype=np.int64))
                values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            self.fields[name] = FieldValues(
                values,
                np.concatenate(documents) if documents else np.zeros(0, dtype=np.int64),
                np.concatenate(value_ids) if value_ids else np.zeros(0, dtype=np.int64),
            )
        self.live = np.ones(self.size, dtype=bool)
        for leaf, base in leaves:
            for docnum in leaf.deleted_docs_set:
                self.live[base + docnum] = False
        # Deleted documents' postings are still on disk: keep them out of every count.
        for field_values in self.fields.values():
            keep = self.live[field_values.documents]
            if not keep.all():
                field_values.documents = field_values.documents[keep]
                field_values.value_ids = field_values.value_ids[keep]
