"""Each whoosh internal that indexer.store.whoosh_internals relies on, checked against the pinned whoosh."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import importlib.util
import inspect
import re
import tomllib
from array import array
from pathlib import Path

import numpy as np
import pytest
import whoosh.index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3FieldWriter, W3LeafMatcher, W3PerDocWriter, W3PostingsWriter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.index import LockError
from whoosh.matching.wrappers import FilterMatcher
from whoosh.writing import PostingPool, SegmentWriter

from indexer.store import whoosh_internals
from indexer.store.whoosh_internals import (
    COMPOUND_EXT,
    DEFAULT_INDEX_NAME,
    FREQUENCY_VALUES,
    WHOOSH_VERSION,
    DocSet,
    PostingsSegmentWriter,
    SharedSegmentStorage,
    WhooshInternalsError,
    all_ids_array,
    commit_with_segments,
    encode_frequency,
    finish_segment,
    installed_whoosh_version,
    is_write_once_file,
    seek,
    stored_field_length,
    unfiltered,
    write_lock_file,
)

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 300
"""Enough documents for a term in all of them to fill three posting blocks (whoosh writes 128 per block)."""


def _schema() -> Schema:
    """A field of each kind the bulk writer meets: positions, frequencies, keywords, a column, stored only."""
    return Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(stored=True, analyzer=SpaceSeparatedTokenizer()),
        words=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False, field_boost=2.0),
        tags=KEYWORD(stored=True, commas=True, scorable=False),
        number=NUMERIC(stored=True, sortable=True),
        note=STORED(),
    )


def _documents() -> list[dict]:
    documents = []
    for n in range(DOCUMENTS):
        words = (
            ["every"] + ["even"] * (n % 2 == 0) + ["seventh"] * (n % 7 == 0) + ["one"] * (n == 5) + ["filler"] * (n % 5)
        )
        document = {
            "id": f"d{n}",
            "body": " ".join(words),
            "words": " ".join(reversed(words)),
            "tags": ",".join(["all", f"tag{n % 3}"]),
            "number": n * 3,
            "note": {"n": n},
        }
        if n % 4 == 0:
            document["_boost"] = 1.5
        if n % 6 == 0:
            document["_words_boost"] = 3.0
            document["_stored_body"] = f"stored instead {n}"
        documents.append(document)
    return documents


class _PoolFreeWriter(PostingsSegmentWriter):
    """The plainest PostingsSegmentWriter: whoosh's own ``field.index``, postings kept in dicts."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.kept: dict[str, dict[bytes, tuple[array, array, list]]] = {}

    def index_field(self, fieldname, field, value, docnum, fieldboost):
        terms = self.kept.setdefault(fieldname, {})
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            length += freq
            ids, weights, values = terms.setdefault(tbytes, (array("I"), array("f"), []))
            ids.append(docnum)
            weights.append(weight * fieldboost)
            values.append(vbytes)
        return length

    def sorted_postings(self):
        for fieldname in sorted(self.kept):
            terms = self.kept[fieldname]
            yield fieldname, ((tbytes, terms[tbytes]) for tbytes in sorted(terms))


def _segment_files(folder: Path) -> dict[str, str]:
    """Segment files by extension (segment names are random), with their digests."""
    return {
        path.name.split(".", 1)[1]: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.iterdir()
        if path.name.startswith("MAIN_") and "." in path.name
    }


@pytest.fixture
def index(tmp_path):
    """A one-segment index of :func:`_documents` written by whoosh's own writer."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    with ix.writer() as writer:
        for document in _documents():
            writer.add_document(**document)
    return ix


# --- The version check ---------------------------------------------------------------------------


def _import_fresh_copy():
    """Run the module's code again, as an import would, without touching the imported module."""
    spec = importlib.util.spec_from_file_location("whoosh_internals_copy", whoosh_internals.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_version(monkeypatch, answer) -> None:
    """Make importlib.metadata report ``answer`` for whoosh-reloaded (a version, or an exception to raise)."""
    real = importlib.metadata.version

    def version(name: str) -> str:
        if name != "whoosh-reloaded":
            return real(name)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(importlib.metadata, "version", version)


def test_import_refuses_another_whoosh_version(monkeypatch):
    """Importing the module with whoosh-reloaded 2.7.6 installed raises ImportError saying what to install."""
    _fake_version(monkeypatch, "2.7.6")
    with pytest.raises(ImportError) as raised:
        _import_fresh_copy()
    assert str(raised.value) == (
        "Findings relies on whoosh-reloaded 2.7.5's internals (its segment writer, posting blocks and index "
        "file names; see indexer/store/whoosh_internals.py), but found 2.7.6. Install exactly that version: "
        "pip install -e . (or pip install whoosh-reloaded==2.7.5)"
    )


def test_import_refuses_a_missing_whoosh_reloaded(monkeypatch):
    """Without a whoosh-reloaded distribution (say, the original Whoosh), the import fails with the same advice."""
    _fake_version(monkeypatch, importlib.metadata.PackageNotFoundError("whoosh-reloaded"))
    with pytest.raises(ImportError, match=r"but whoosh-reloaded is not installed\. Install exactly that version"):
        _import_fresh_copy()


def test_import_succeeds_with_the_pinned_version():
    """With the pinned version installed, the module imports (again) without complaint."""
    assert _import_fresh_copy().WHOOSH_VERSION == "2.7.5"


def test_module_version_is_the_installed_and_pinned_one():
    """WHOOSH_VERSION is what is installed and exactly what pyproject.toml pins."""
    assert WHOOSH_VERSION == "2.7.5"
    assert installed_whoosh_version() == "2.7.5"
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert [d for d in dependencies if d.startswith("whoosh")] == ["whoosh-reloaded==2.7.5"]


# --- Whoosh's code this module copies or re-implements ---------------------------------------------

COPIED_SOURCES = {
    # PostingsSegmentWriter.add_document is a copy of it (postings to index_field instead of the pool).
    "whoosh.writing.SegmentWriter.add_document": "399433d1cb30d9d0",
    # PostingsSegmentWriter._flush_segment replaces it (lengths recorded at add time, not read back).
    "whoosh.writing.SegmentWriter._flush_segment": "a4b79c8a3687febd",
    # finish_segment and commit_with_segments are its two halves.
    "whoosh.writing.SegmentWriter.commit": "87ba9b634dd0e9f0",
    # _write_postings fills a block as add_posting would, one block at a time.
    "whoosh.codec.whoosh3.W3PostingsWriter.add_posting": "09bb36fe5125764d",
    # all_ids_array decodes ids as _read_ids does (delta_decode), with numpy.
    "whoosh.codec.whoosh3.W3LeafMatcher._read_ids": "f8024a90ec60697e",
}


@pytest.mark.parametrize("qualified_name", COPIED_SOURCES)
def test_copied_whoosh_code_is_unchanged(qualified_name):
    """The whoosh functions the module copies or re-implements are the code it was written from."""
    module_name, class_name, function_name = qualified_name.rsplit(".", 2)
    function = getattr(getattr(importlib.import_module(module_name), class_name), function_name)
    digest = hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:16]
    assert digest == COPIED_SOURCES[qualified_name]


# --- Private and undocumented methods: present, with the signatures the module calls them with ------

PRIVATE_METHODS = {
    (SegmentWriter, "__init__"): (
        "(self, ix, poolclass=None, timeout=0.0, delay=0.1, _lk=True, limitmb=128, docbase=0, codec=None, "
        "compound=True, **kwargs)"
    ),
    (SegmentWriter, "_check_state"): "(self)",
    (SegmentWriter, "_doc_boost"): "(self, fields, default=1.0)",
    (SegmentWriter, "_field_boost"): "(self, fields, fieldname, default=1.0)",
    (SegmentWriter, "_check_fields"): "(self, schema, fieldnames)",
    (SegmentWriter, "_flush_segment"): "(self)",
    (SegmentWriter, "_close_segment"): "(self)",
    (SegmentWriter, "_finalize_segment"): "(self)",
    (SegmentWriter, "_commit_toc"): "(self, segments)",
    (SegmentWriter, "_finish"): "(self)",
    # The per-document writer calls of add_document (codec API, undocumented).
    (W3PerDocWriter, "start_doc"): "(self, docnum)",
    (W3PerDocWriter, "add_field"): "(self, fieldname, fieldobj, value, length)",
    (W3PerDocWriter, "add_column_value"): "(self, fieldname, column, value)",
    (W3PerDocWriter, "finish_doc"): "(self)",
    (W3PerDocWriter, "cancel_doc"): "(self)",
    (W3FieldWriter, "start_field"): "(self, fieldname, fieldobj)",
    (W3FieldWriter, "start_term"): "(self, btext)",
    (W3PostingsWriter, "_write_block"): "(self, last=False)",
    (W3LeafMatcher, "_read_data"): "(self)",
    (W3LeafMatcher, "_goto"): "(self, position)",
}


@pytest.mark.parametrize(("owner", "name"), PRIVATE_METHODS, ids=lambda v: getattr(v, "__name__", v))
def test_private_method_signature(owner, name):
    """Each private or undocumented whoosh method the module calls exists with the signature it calls it with."""
    assert str(inspect.signature(getattr(owner, name))) == PRIVATE_METHODS[owner, name]


# --- Private attributes of the segment writer -----------------------------------------------------


def test_segment_writer_private_state(tmp_path):
    """A fresh writer's _added flag, posting pool and field writer's posting writer, as the module reads them."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    writer = ix.writer()
    try:
        assert type(writer) is SegmentWriter
        assert writer._added is False
        assert type(writer.pool) is PostingPool
        assert (writer.pool.current, writer.pool.runs) == ([], [])
        writer.add_document(id="x")
        assert writer._added is True
        assert writer.pool.current == [("id", b"x", 0, 1.0, b"")]
        fieldwriter = writer.fieldwriter
        assert type(fieldwriter) is W3FieldWriter
        fieldwriter.start_field("body", ix.schema["body"])
        fieldwriter.start_term(b"word")
        postwriter = fieldwriter._postwriter
        assert type(postwriter) is W3PostingsWriter
        state = {name: getattr(postwriter, name) for name in ("_blocklimit", "_ids", "_weights", "_values")}
        assert state == {"_blocklimit": 128, "_ids": array("I"), "_weights": array("f"), "_values": []}
        assert (postwriter._maxweight, postwriter._minlength, postwriter._maxlength) == (0, None, 0)
    finally:
        writer.cancel()


def test_postings_segment_writer_writes_the_files_whoosh_writes(tmp_path):
    """Postings handed over by index_field give byte-identical segment files: blocks, boosts, lengths, columns."""
    written = {}
    for name in ("whoosh", "postings"):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh.index.create_in(str(folder), _schema())
        writer = ix.writer(compound=False) if name == "whoosh" else _PoolFreeWriter(ix, compound=False)
        for document in _documents():
            writer.add_document(**document)
        writer.commit()
        written[name] = _segment_files(folder)
    assert written["postings"] == written["whoosh"]
    assert set(written["postings"]) == {"pst", "trm", "_stored.col", "_body_len.col", "_words_len.col", "number.col"}


def test_postings_segment_writer_refuses_postings_in_whoosh_pool(tmp_path):
    """A posting that reached whoosh's pool (and would be lost) makes the commit fail instead."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    writer = _PoolFreeWriter(ix)
    writer.add_document(id="x", body="word")
    writer.pool.add(("body", b"lost", 0, 1.0, b""))
    with pytest.raises(RuntimeError, match=r"^postings were added to the whoosh pool behind _PoolFreeWriter's back$"):
        writer.commit()
    writer.cancel()


def test_unlocked_writer_segment_is_committed_by_the_lock_holder(tmp_path):
    """finish_segment closes an unlocked writer's segment; commit_with_segments lists it and frees the lock."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    holder = ix.writer()
    other = _PoolFreeWriter(ix, lock=False)  # would raise LockError if it took the lock
    for n in range(3):
        other.add_document(id=f"d{n}", body="word")
    segment = finish_segment(other)
    assert segment.doc_count_all() == 3
    assert finish_segment(_PoolFreeWriter(ix, lock=False)) is None
    commit_with_segments(holder, [segment])
    assert holder.is_closed
    with ix.searcher() as searcher:
        assert sorted(d["id"] for d in searcher.all_stored_fields()) == ["d0", "d1", "d2"]
    ix.writer().cancel()  # the lock is free again


def test_stored_field_length_is_what_whoosh_reads_back(tmp_path):
    """stored_field_length gives the rounded length whoosh's length column returns, 0 for none."""
    lengths = [1, 2, 7, 100, 1000, 50_000, 120_000]
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    with ix.writer() as writer:
        for length in lengths:
            writer.add_document(body=" ".join(["x"] * length))
    with ix.reader() as reader:
        read_back = [reader.doc_field_length(docnum, "body") for docnum in range(len(lengths))]
    assert read_back == [stored_field_length(length) for length in lengths]
    assert read_back == [1, 2, 7, 101, 1032, 50397, 106374]
    assert stored_field_length(0) == 0


def test_encode_frequency_is_the_frequency_format_value():
    """encode_frequency(n) is the posting value whoosh's Frequency format stores for n occurrences."""
    values = {w: v for w, _, _, v in Frequency().word_values("a a a b", SpaceSeparatedTokenizer(), mode="index")}
    assert values == {"a": encode_frequency(3), "b": encode_frequency(1)}
    assert encode_frequency(3) == b"\x00\x00\x00\x03"
    assert encode_frequency(70_000) == b"\x00\x01\x11\x70"
    assert list(FREQUENCY_VALUES) == [encode_frequency(n) for n in range(256)]


# --- Index files ---------------------------------------------------------------------------------


def test_write_lock_file_is_the_file_whoosh_locks(tmp_path):
    """Whoosh's writer flocks MAIN_WRITELOCK in the index folder, and leaves the file behind."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    assert (write_lock_file(), DEFAULT_INDEX_NAME, ix.indexname) == ("MAIN_WRITELOCK", "MAIN", "MAIN")
    assert not (tmp_path / "MAIN_WRITELOCK").exists()
    writer = ix.writer()
    with open(tmp_path / write_lock_file(), "a") as handle:
        with pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LockError):
            ix.writer()
        writer.cancel()
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert (tmp_path / "MAIN_WRITELOCK").exists()


def test_compound_segment_files_are_never_modified(tmp_path):
    """A MAIN_<id>.seg file keeps its bytes and inode through deletions and later commits."""
    ix = whoosh.index.create_in(str(tmp_path), _schema())
    with ix.writer() as writer:
        writer.add_document(id="a")
        writer.add_document(id="b")
    (segment,) = [path for path in tmp_path.iterdir() if is_write_once_file(path.name)]
    assert re.fullmatch(r"MAIN_[0-9a-z]{16}\.seg", segment.name)
    assert COMPOUND_EXT == ".seg"
    before = (segment.stat().st_ino, segment.read_bytes())
    writer = ix.writer()
    writer.delete_by_term("id", "a")
    writer.commit(merge=False)
    writer = ix.writer()
    writer.add_document(id="c")
    writer.commit(merge=False)
    assert (segment.stat().st_ino, segment.read_bytes()) == before
    assert len([path for path in tmp_path.iterdir() if is_write_once_file(str(path))]) == 2
    with ix.searcher() as searcher:
        assert sorted(d["id"] for d in searcher.all_stored_fields()) == ["b", "c"]
    names = sorted(path.name for path in tmp_path.iterdir() if not is_write_once_file(path.name))
    assert names == ["MAIN_WRITELOCK", "_MAIN_3.toc"]


# --- Posting blocks ------------------------------------------------------------------------------


def test_posting_matcher_block_internals(index):
    """A fresh W3LeafMatcher holds its first block's header, and _read_data gives delta-coded ids first."""
    with index.reader() as reader:
        matcher = reader.postings("body", "seventh")
        assert type(matcher) is W3LeafMatcher
        assert (matcher._byteids, matcher._data, matcher._lastblock) == (None, None, True)
        assert (matcher._blocklength, matcher._maxid) == (43, 294)
        matcher._read_data()
        assert matcher._data[0] == (0, *[7] * 42)
        matcher = reader.postings("body", "every")
        assert (matcher._blocklength, matcher._maxid, matcher._lastblock) == (128, 127, False)
        matcher._goto(matcher._nextoffset)
        assert (matcher._blocklength, matcher._maxid, matcher._lastblock) == (128, 255, False)
        matcher._goto(matcher._nextoffset)
        assert (matcher._blocklength, matcher._maxid, matcher._lastblock) == (44, 299, True)


@pytest.mark.parametrize(
    ("term", "expected"),
    [("every", list(range(300))), ("even", list(range(0, 300, 2))), ("seventh", list(range(0, 300, 7))),
     ("one", [5])],
)  # fmt: skip
def test_all_ids_array_agrees_with_all_ids(index, term, expected):
    """Decoding whole blocks gives whoosh's all_ids, for one block, several, and a single posting."""
    with index.reader() as reader:
        decoded = all_ids_array(reader.postings("body", term))
        assert decoded.dtype == np.int64
        assert decoded.tolist() == list(reader.postings("body", term).all_ids()) == expected


def test_all_ids_array_keeps_deleted_documents(index):
    """With deletions the reader wraps postings in a FilterMatcher; all_ids_array still gives every posting."""
    writer = index.writer()
    writer.delete_by_term("id", "d1")
    writer.delete_by_term("id", "d200")
    writer.commit(merge=False)
    with index.reader() as reader:
        matcher = reader.postings("body", "every")
        assert type(matcher) is FilterMatcher
        assert type(unfiltered(matcher)) is W3LeafMatcher
        assert all_ids_array(matcher).tolist() == list(range(300))
        assert len(list(reader.postings("body", "every").all_ids())) == 298


def test_all_ids_array_refuses_blocks_that_do_not_match_their_header(index):
    """Ids that are not delta-coded, or too few, raise WhooshInternalsError instead of giving wrong documents."""
    with index.reader() as reader:
        matcher = reader.postings("body", "every")
        matcher._read_data()
        matcher._data = (tuple(range(128)), *matcher._data[1:])  # plain ids where deltas belong
        with pytest.raises(WhooshInternalsError) as raised:
            all_ids_array(matcher)
        assert str(raised.value) == (
            "a posting block of ('body', b'every') did not decode as whoosh 2.7.5 writes it: last id 8128, "
            "the block header says 127 (another whoosh version, or a damaged index)"
        )
        matcher = reader.postings("body", "every")
        matcher._read_data()
        matcher._data = (matcher._data[0][:-1], *matcher._data[1:])
        with pytest.raises(WhooshInternalsError, match=r": 127 ids, the block header says 128 \("):
            all_ids_array(matcher)


# --- Search-side matchers and shared segment storage ---------------------------------------------


@pytest.mark.parametrize(("target", "expected"), [(0, 0), (3, 7), (130, 133), (256, 259), (298, None)])
def test_seek_lands_on_the_first_posting_at_or_after_the_target(index, target, expected):
    """seek() binary-searches inside a block (and across blocks) to where skip_to would land."""
    with index.reader() as reader:
        matcher = reader.postings("body", "seventh")
        seek(matcher, target)
        assert (matcher.id() if matcher.is_active() else None) == expected
        reference = reader.postings("body", "seventh")
        reference.skip_to(target)
        assert (reference.id() if reference.is_active() else None) == expected


def test_docset_matches_exactly_the_given_documents(index):
    """A DocSet query finds the documents it was given, through a searcher, with whoosh's own machinery."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        bases = {id(reader): (0, reader.doc_count_all())}  # one segment: its reader is the only leaf
        found = searcher.search(DocSet(np.array([3, 5, 250]), bases), limit=None)
        assert sorted(hit.docnum for hit in found) == [3, 5, 250]


def test_shared_segment_storage_gives_readers_the_same_postings(index, tmp_path):
    """Readers opened on one SharedSegmentStorage read what whoosh's own reader reads."""
    storage = SharedSegmentStorage(Path(index.storage.folder))
    try:
        shared = storage.open_index()
        with shared.reader() as first, shared.reader() as second, index.reader() as plain:
            expected = list(plain.postings("body", "even").all_ids())
            assert list(first.postings("body", "even").all_ids()) == expected
            assert list(second.postings("body", "even").all_ids()) == expected
            assert len(expected) == 150
    finally:
        storage.release()


def _everything_read(reader) -> tuple:
    """All a reader gives: stored fields, every term with its postings (ids, weights, values), lengths."""
    stored = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
    postings = []
    for fieldname, text in reader.all_terms():
        matcher = reader.postings(fieldname, text)
        items = []
        while matcher.is_active():
            items.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        postings.append((fieldname, text, items))
    lengths = [reader.doc_field_length(docnum, "body") for docnum in range(reader.doc_count_all())]
    return stored, postings, lengths


@pytest.mark.parametrize("window", [whoosh_internals.READ_AHEAD, 7])
def test_shared_segment_storage_reads_what_whoosh_reads(index, monkeypatch, window):
    """Every stored field, posting and length comes back as whoosh's own reader gives it, also when
    every read crosses the window (pickles cut at its end, reads larger than it) and nothing is shared."""
    monkeypatch.setattr(whoosh_internals, "READ_AHEAD", window)
    if window < 100:
        monkeypatch.setattr(whoosh_internals, "SMALL_PART", 0)
    storage = SharedSegmentStorage(Path(index.storage.folder))
    try:
        with storage.open_index().reader() as shared, index.reader() as plain:
            assert _everything_read(shared) == _everything_read(plain)
    finally:
        storage.release()


def test_shared_segment_storage_keeps_only_small_parts(index):
    """Only sub-files up to SMALL_PART bytes are held in memory; the rest is read as it is needed."""
    storage = SharedSegmentStorage(Path(index.storage.folder))
    try:
        with storage.open_index().reader() as reader:
            _everything_read(reader)
            held = storage.shared_bytes()
        segment_bytes = sum(path.stat().st_size for path in Path(index.storage.folder).glob(f"*{COMPOUND_EXT}"))
        assert 0 < held < segment_bytes
        assert all(length <= whoosh_internals.SMALL_PART for _, _, length in storage._parts)
    finally:
        storage.release()


def test_closing_one_reader_leaves_the_others_reading(index):
    """Whoosh's segment reader closes its storage as it closes: the shared storage stays open for the others."""
    storage = SharedSegmentStorage(Path(index.storage.folder))
    try:
        shared = storage.open_index()
        with shared.reader() as first:
            second = shared.reader()
            second.close()
            assert len(list(first.postings("body", "even").all_ids())) == 150
            assert first.stored_fields(299)["id"] == "d299"
    finally:
        storage.release()


def test_released_storage_refuses_to_read(index, monkeypatch):
    """After the release, a read raises instead of reading whatever file took the descriptor's number."""
    monkeypatch.setattr(whoosh_internals, "SMALL_PART", 0)  # nothing held: every part reads its file
    storage = SharedSegmentStorage(Path(index.storage.folder))
    reader = storage.open_index().reader()
    storage.release()
    with pytest.raises(ValueError, match="released"):
        list(reader.postings("body", "seventh").all_ids())


def test_segment_part_reads_like_a_whoosh_buffer_file(tmp_path, monkeypatch):
    """A segment file's part answers read, readline, seek, tell, get, get_array, read_pickle and subset as
    whoosh's BufferFile over the same bytes does, including pickles longer than a window or cut by its end."""
    import pickle

    from whoosh.filedb.structfile import BufferFile

    monkeypatch.setattr(whoosh_internals, "READ_AHEAD", 16)
    big = list(range(40))
    data = bytearray(b"head line\nsecond\n")
    pickles = [len(data)]
    data += pickle.dumps(("short", 1), 2)
    pickles.append(len(data))
    data += pickle.dumps(big, 2)
    pickles.append(len(data))
    data += pickle.dumps({"n": 3}, 2)
    numbers_at = len(data)
    data += array("i", [1, -2, 3]).tobytes()[::-1]  # any 12 bytes: both sides decode them alike
    (tmp_path / f"x{COMPOUND_EXT}").write_bytes(bytes(data))
    storage = SharedSegmentStorage(tmp_path)
    try:
        part = storage.open_file(f"x{COMPOUND_EXT}")
        reference = BufferFile(bytes(data))
        for f in (part, reference):
            f.seek(0)
        assert part.readline() == reference.readline() == b"head line\n"
        assert part.read(3) == reference.read(3) == b"sec"
        assert part.readline(2) == reference.readline(2)
        assert part.tell() == reference.tell()
        for position in pickles:
            part.seek(position)
            reference.seek(position)
            assert part.read_pickle() == reference.read_pickle()
            assert part.tell() == reference.tell()
        assert part.seek(-5, 2) == reference.seek(-5, 2)
        assert part.read() == reference.read()
        assert part.read(4) == reference.read(4) == b""
        assert part.get(2, 30) == reference.get(2, 30)
        assert part.get_array(numbers_at, "i", 3) == reference.get_array(numbers_at, "i", 3)
        sub, reference_sub = part.subset(5, 20), reference.subset(5, 20)
        assert sub.read() == reference_sub.read() == bytes(data[5:25])
        assert sub.get(15, 10) == reference_sub.get(15, 10) == bytes(data[20:25])
    finally:
        storage.release()


def test_segment_part_reads_further_ahead_while_read_straight_on(tmp_path):
    """Reading on from window to window (a posting list) doubles the window up to MAX_READ_AHEAD;
    a jump elsewhere (a term lookup) reads one READ_AHEAD page again."""
    data = bytes(range(256)) * 1024  # 256 kB
    (tmp_path / f"x{COMPOUND_EXT}").write_bytes(data)
    storage = SharedSegmentStorage(tmp_path)
    reads: list[int] = []
    real_pread = storage.pread

    def pread(name, offset, length):
        reads.append(length)
        return real_pread(name, offset, length)

    storage.pread = pread
    try:
        part = storage.open_file(f"x{COMPOUND_EXT}")
        assert b"".join(part.read(100) for _ in range(1200)) == data[:120_000]
        ahead = whoosh_internals.READ_AHEAD
        assert reads[:5] == [ahead, 2 * ahead, 4 * ahead, 8 * ahead, 16 * ahead]
        assert max(reads) == whoosh_internals.MAX_READ_AHEAD and len(reads) < 10
        reads.clear()
        assert part.get(250_000, 8) == data[250_000:250_008]
        assert reads == [ahead]
    finally:
        storage.release()
