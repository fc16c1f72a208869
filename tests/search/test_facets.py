"""Facet value arrays: both layouts give the masks and counts the (document, value) pairs define."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.search.facets import ManyValues, OneValue, field_values, leaf_readers, unique_document

VALUES = ["alpha", "beta", "gamma"]
SIZE = 10


def _reference_counts(pairs: list[tuple[int, int]], mask: np.ndarray) -> list[tuple[str, int]]:
    totals = [sum(1 for document, value in pairs if value == number and mask[document]) for number in range(3)]
    ordered = sorted(range(3), key=lambda number: (-totals[number], number))
    return [(VALUES[number], totals[number]) for number in ordered if totals[number]]


def _reference_mask(pairs: list[tuple[int, int]], selected: list[str]) -> np.ndarray:
    wanted = {VALUES.index(value) for value in selected if value in VALUES}
    mask = np.zeros(SIZE, dtype=bool)
    for document, value in pairs:
        if value in wanted:
            mask[document] = True
    return mask


@pytest.mark.parametrize(
    ("pairs", "layout"),
    [
        ([(0, 0), (2, 1), (3, 1), (7, 2), (9, 0)], OneValue),  # at most one value a document, some none
        ([(0, 0), (0, 1), (3, 1), (7, 2), (7, 0), (9, 2)], ManyValues),  # documents 0 and 7 have two
        ([], OneValue),  # a field no document has
    ],
)
def test_field_values_mask_and_count_as_their_pairs_say(pairs, layout):
    documents = np.array([document for document, _ in pairs], dtype=np.int64)
    value_ids = np.array([value for _, value in pairs], dtype=np.int64)
    values = field_values(VALUES, documents, value_ids, SIZE)
    assert type(values) is layout
    rng = np.random.default_rng(7)
    for _ in range(20):
        mask = rng.random(SIZE) < 0.6
        assert values.counts(mask) == _reference_counts(pairs, mask)
    for selected in (["alpha"], ["beta", "gamma"], ["delta"], [], VALUES):
        assert np.array_equal(values.mask_for(selected, SIZE), _reference_mask(pairs, selected))


def test_one_value_layout_takes_a_byte_a_document():
    """256 values or more need two bytes (the extra number marks "no value")."""
    one = field_values(VALUES, np.arange(SIZE), np.zeros(SIZE, dtype=np.int64), SIZE)
    assert isinstance(one, OneValue) and one.numbers.dtype == np.uint8
    many_values = [f"v{n}" for n in range(255)]
    assert field_values(many_values, np.arange(SIZE), np.zeros(SIZE), SIZE).numbers.dtype == np.uint8
    assert field_values([*many_values, "last"], np.arange(SIZE), np.zeros(SIZE), SIZE).numbers.dtype == np.uint16


def test_unique_document_is_what_whoosh_document_number_gives(tmp_path):
    """Over segments with deleted documents, ids written again in a later segment, an id written twice."""
    import whoosh.index
    from whoosh.fields import ID, Schema

    ix = whoosh.index.create_in(str(tmp_path), Schema(id=ID(stored=True, unique=True)))
    with ix.writer() as writer:
        for n in range(6):
            writer.add_document(id=f"d{n}")
    with ix.writer(merge=False) as writer:
        writer.delete_by_term("id", "d1")
        writer.update_document(id="d2")  # deleted in the first segment, written again in a second
        writer.add_document(id="d9")
        writer.add_document(id="d7")  # two postings in one segment: the first one is the answer
        writer.add_document(id="d7")
    with ix.searcher() as searcher:
        leaves = leaf_readers(searcher.reader())
        assert len(leaves) == 2
        for text in ("d0", "d1", "d2", "d5", "d7", "d9", "missing"):
            found = unique_document(leaves, "id", text.encode())
            assert found == searcher.document_number(id=text)
        assert unique_document(leaves, "id", b"d1") is None
