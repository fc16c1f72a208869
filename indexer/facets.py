"""Facet counting over per-field value arrays, built once per opened index.

Whoosh's overlapping ``groupedby`` re-reads stored values for every search.
Instead, each facet field's postings are read once into two numpy arrays
(document number, value number); a search then counts with ``bincount`` over
the documents it matched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .store import FACET_FIELDS


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

    def __init__(self, reader, fields: tuple[str, ...] = FACET_FIELDS + ("areas", "report_id")) -> None:
        self.size = reader.doc_count_all()
        self.fields: dict[str, FieldValues] = {}
        for name in fields:
            values: list[str] = []
            documents: list[np.ndarray] = []
            value_ids: list[np.ndarray] = []
            for term in reader.lexicon(name) if name in reader.indexed_field_names() else []:
                ids = np.fromiter(reader.postings(name, term).all_ids(), dtype=np.int64)
                documents.append(ids)
                value_ids.append(np.full(len(ids), len(values), dtype=np.int64))
                values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            self.fields[name] = FieldValues(
                values,
                np.concatenate(documents) if documents else np.zeros(0, dtype=np.int64),
                np.concatenate(value_ids) if value_ids else np.zeros(0, dtype=np.int64),
            )
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
