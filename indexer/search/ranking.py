"""Ranking a search's matches: BM25 through whoosh for relevance, publication date for the date sorts."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from indexer.search.compile import Compiled
from indexer.search.engine import Masks, whoosh_query

Hit = tuple[int, float | None]
"""(document number, score); the score is None for the date sorts."""


def ranked(masks: Masks, compiled: Compiled, mask: np.ndarray, date_rank: np.ndarray, *,
           filtered: bool, sort: str, limit: int | None) -> list[Hit]:  # fmt: skip
    """The first ``limit`` documents of ``mask`` in ``sort`` order.

    Relevance is whoosh's BM25 over the query, with the phrases ``masks`` already checked
    handed over as document lists (so they are not checked again); ``filtered`` says that
    ``mask`` is narrower than the query (filters applied), so whoosh must keep to it.
    """
    query = whoosh_query(compiled)
    if sort == "relevance" and not isinstance(query, wq.Every):
        docset = set(np.flatnonzero(mask).tolist()) if filtered else None
        if filtered and not docset:
            return []
        results = masks.readers.searcher.search(masks.rank_query(query), limit=limit, filter=docset)
        return [(hit.docnum, round(float(hit.score), 4)) for hit in results]
    docnums = np.flatnonzero(mask)
    ranks = date_rank[docnums]
    if sort == "oldest":
        order = np.lexsort((docnums, np.where(ranks < 0, np.iinfo(np.int64).max, ranks)))
    else:
        order = np.lexsort((docnums, -ranks))
    return [(int(d), None) for d in docnums[order[:limit]]]


def page_of(masks: Masks, compiled: Compiled, mask: np.ndarray, date_rank: np.ndarray, *,
         filtered: bool, sort: str, page: int, per_page: int) -> list[Hit]:  # fmt: skip
    """The hits on page ``page`` (from 1) of ``per_page``."""
    hits = ranked(masks, compiled, mask, date_rank, filtered=filtered, sort=sort, limit=page * per_page)
    return hits[(page - 1) * per_page :]


def date_ranks(reader, size: int) -> np.ndarray:
    """Each document's publication date as a rank (-1 when undated), for the date sorts."""
    values: list = [None] * size
    # Per segment: whoosh's multi-segment column reader fails on some segment layouts.
    for segment, offset in reader.leaf_readers():
        if not segment.has_column("published"):
            continue
        column = segment.column_reader("published")
        for docnum in range(segment.doc_count_all()):
            values[offset + docnum] = column[docnum]
    distinct = sorted({v for v in values if v})
    position = {value: rank for rank, value in enumerate(distinct)}
    ranks = np.full(size, -1, dtype=np.int64)
    for docnum, value in enumerate(values):
        if value:
            ranks[docnum] = position[value]
    return ranks
