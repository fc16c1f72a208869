"""Every use of whoosh's private attributes and undocumented behaviour, in one module.

Findings goes under whoosh's public API in a few places: for speed (a segment
writer that bypasses whoosh's posting pool, reading posting blocks whole) and
for the index folder (which files a new generation may share, which file is
whoosh's lock). None of that is promised to survive a whoosh release, so this
module is written for exactly one version, :data:`WHOOSH_VERSION`, refuses to
import with any other, and pyproject.toml pins it. Each internal used here has
a test in ``tests/store/test_whoosh_internals.py`` against the pinned version:
to upgrade whoosh, change the pin and :data:`WHOOSH_VERSION`, then make those
tests pass.

Callers use whoosh's public API plus the names below. A new use of a whoosh
internal goes into the section it belongs to (or a new one), behind a small
documented function, with its test.

Sections: the version check; index files; segment writing; posting blocks; search-side matchers and
shared segment storage (a generation's segment files read in place, by pread, by the readers of many threads).
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import threading
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

import numpy as np

# --- The version check ---------------------------------------------------------------------------

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
WHOOSH_VERSION = "2.7.5"
"""The whoosh-reloaded release this module was written and tested against (pinned in pyproject.toml)."""


def installed_whoosh_version() -> str | None:
    """The installed whoosh-reloaded's version, or None if no such distribution is installed."""
    try:
        return metadata.version(WHOOSH_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def check_whoosh_version() -> None:
    """Raise ImportError unless whoosh-reloaded :data:`WHOOSH_VERSION` is installed (run at import)."""
    installed = installed_whoosh_version()
    if installed == WHOOSH_VERSION:
        return
    found = f"found {installed}" if installed else f"{WHOOSH_DISTRIBUTION} is not installed"
    raise ImportError(
        f"Findings relies on {WHOOSH_DISTRIBUTION} {WHOOSH_VERSION}'s internals (its segment writer, posting "
        f"blocks and index file names; see indexer/store/whoosh_internals.py), but {found}. Install exactly "
        f"that version: pip install -e . (or pip install {WHOOSH_DISTRIBUTION}=={WHOOSH_VERSION})"
    )


check_whoosh_version()

# Imported after the check, so that another whoosh fails with the message above, not a missing name.
from whoosh import query as wq  # noqa: E402
from whoosh.codec.base import Segment  # noqa: E402
from whoosh.codec.whoosh3 import W3LeafMatcher  # noqa: E402
from whoosh.filedb.filestore import FileStorage  # noqa: E402
from whoosh.filedb.structfile import StructFile  # noqa: E402
from whoosh.matching import ListMatcher, NullMatcher  # noqa: E402
from whoosh.matching.wrappers import FilterMatcher  # noqa: E402
from whoosh.system import pack_uint  # noqa: E402
from whoosh.util.numeric import byte_to_length, length_to_byte  # noqa: E402
from whoosh.writing import SegmentWriter  # noqa: E402


class WhooshInternalsError(RuntimeError):
    """Whoosh did not behave as this module assumes (another version, or a damaged index)."""


# --- Index files ---------------------------------------------------------------------------------

DEFAULT_INDEX_NAME = "MAIN"
"""The index name ``whoosh.index.create_in``/``open_dir`` use when given none (``whoosh.index._DEF_INDEX_NAME``)."""


def write_lock_file(indexname: str = DEFAULT_INDEX_NAME) -> str:
    """The file whoosh's writer locks (``ix.lock("WRITELOCK")``: ``MAIN_WRITELOCK``); it stays after release."""
    return f"{indexname}_WRITELOCK"


COMPOUND_EXT = Segment.COMPOUND_EXT
"""The suffix of a compound segment file, ``MAIN_<random id>.seg``: one file holding a whole segment."""


def is_write_once_file(name: str) -> bool:
    """True for a compound segment file (a name or a path).

    Whoosh writes it once, under a fresh random name, and never modifies it:
    deletions are kept in the TOC and merges write new segments. So two index
    folders may share it (a hard link).
    """
    return name.endswith(COMPOUND_EXT)


# --- Segment writing -----------------------------------------------------------------------------

FREQUENCY_VALUES = tuple(pack_uint(n) for n in range(256))
""":func:`encode_frequency` of 0..255, precomputed (one shared bytes object per count)."""


def encode_frequency(count: int) -> bytes:
    """The posting value whoosh's ``Frequency`` format stores for a term occurring ``count`` times."""
    return pack_uint(count)


def stored_field_length(length: int) -> int:
    """A field length as whoosh reads it back from a segment's length column (0 for none).

    The column keeps one byte per length, so long fields come back rounded.
    """
    code = length_to_byte(length)
    return byte_to_length(code) if code else 0


class PostingsSegmentWriter(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with the postings kept by a subclass instead of whoosh's posting pool.

    :meth:`add_document` is whoosh 2.7.5's ``SegmentWriter.add_document``
    (stored fields, lengths, columns and boosts exactly as whoosh writes them)
    except that each indexed field's postings go to :meth:`index_field`; at
    commit, :meth:`sorted_postings` gives them back and they are written block
    by block, with the same bytes whoosh's own writer would write. Term
    vectors, separate spelling fields and :meth:`add_reader` are not supported.

    ``lock=False`` makes a writer that does not take whoosh's write lock, for a
    process writing one segment for another that holds it (see
    :func:`finish_segment` and :func:`commit_with_segments`).
    """

    def __init__(self, ix, *, lock: bool = True, **kwargs) -> None:
        super().__init__(ix, _lk=lock, **kwargs)
        # field -> length of each document as whoosh reads it back (see stored_field_length)
        self._field_lengths: dict[str, array] = {}

    def index_field(self, fieldname: str, field, value, docnum: int, fieldboost: float) -> int:
        """Keep the postings of an indexed field of document ``docnum``; returns the field's length.

        A posting's weight is whoosh's (``field.index``) times ``fieldboost``;
        the length is the sum of the term frequencies.
        """
        raise NotImplementedError

    def sorted_postings(self) -> Iterator[tuple[str, Iterable[tuple[bytes, Any]]]]:
        """Every field with postings, in name order, with its terms in byte order.

        Each term comes with ``(document numbers, weights, values)``: an
        ``array("I")`` of increasing document numbers, an ``array("f")`` of
        weights and a list of encoded values (empty bytes for none).
        """
        raise NotImplementedError

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document``, each indexed field's postings going to :meth:`index_field`."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        index_field = self.index_field

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                if field.vector or field.separate_spelling():
                    raise ValueError(f"field {fieldname!r}: term vectors and spelling are not supported here")
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    length = index_field(fieldname, field, value, docnum, fieldboost)
                    if not field.scorable:
                        length = 0
                    elif length:
                        lengths = self._field_lengths.get(fieldname)
                        if lengths is None:
                            lengths = self._field_lengths[fieldname] = array("I")
                        if len(lengths) <= docnum:
                            lengths.extend([0] * (docnum + 1 - len(lengths)))
                        lengths[docnum] = stored_field_length(length)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:  # merging would go through whoosh's pool
        raise NotImplementedError(f"{type(self).__name__} writes new documents only")

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        if self.pool.current or self.pool.runs:
            raise RuntimeError(f"postings were added to the whoosh pool behind {type(self).__name__}'s back")
        fieldwriter = self.fieldwriter
        for fieldname, terms in self.sorted_postings():
            lengths = self._field_lengths.get(fieldname)
            fieldwriter.start_field(fieldname, self.schema[fieldname])
            for tbytes, (ids, weights, values) in terms:
                fieldwriter.start_term(tbytes)
                _write_postings(fieldwriter._postwriter, ids, weights, values, lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()
        fieldwriter.close()


def _write_postings(postwriter, ids: array, weights: array, values: list, lengths: array | None) -> None:
    """One term's postings, block by block, as ``W3PostingsWriter.add_posting`` one at a time would write them."""
    limit = postwriter._blocklimit
    total = len(ids)
    for start in range(0, total, limit):
        if start:
            postwriter._write_block()
        end = min(start + limit, total)
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        postwriter._ids = block_ids
        postwriter._weights = block_weights
        postwriter._values = [v for v in values[start:end] if v]
        postwriter._maxweight = max(0, max(block_weights))
        if lengths is not None:
            present = [lengths[d] for d in block_ids if d < len(lengths) and lengths[d]]
            postwriter._minlength = min(present) if present else None
            postwriter._maxlength = max(present) if present else 0


def finish_segment(writer: SegmentWriter) -> Segment | None:
    """Write and close a writer's new segment without committing; returns it, or None if nothing was added.

    For a writer made with ``lock=False`` in another process: the process
    holding the lock lists the segment with :func:`commit_with_segments`.
    """
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_with_segments(writer: SegmentWriter, segments: list) -> None:
    """Commit ``writer`` (holding the lock, nothing added) listing the index's segments plus ``segments``.

    No merge. Writes the new TOC, deletes files no segment uses, releases the
    lock and closes the writer.
    """
    writer._close_segment()
    writer._commit_toc(writer.segments + segments)
    writer._finish()


# --- Posting blocks ------------------------------------------------------------------------------


def unfiltered(matcher):
    """A segment's posting matcher without the deleted-documents filter (callers mask deleted documents).

    A segment reader with deletions wraps its postings in a ``FilterMatcher``.
    """
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def all_ids_array(matcher) -> np.ndarray:
    """Every document number of a fresh postings matcher, deleted documents included, as int64.

    ``matcher`` is what a segment's ``reader.postings(field, text)`` returns.
    Whoosh's ``all_ids`` yields one id at a time through Python generators;
    this reads each posting block's delta-coded ids and decodes them with one
    ``cumsum``. Each block is checked against its header (how many ids, the
    last id), so a block that does not decode as assumed raises
    :class:`WhooshInternalsError` instead of giving wrong documents. Other
    matchers go through ``all_ids``.
    """
    matcher = unfiltered(matcher)
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while True:
        if matcher._data is None:
            matcher._read_data()
        deltas = matcher._data[0]
        if len(deltas) != matcher._blocklength:
            raise _undecodable(matcher, f"{len(deltas)} ids, the block header says {matcher._blocklength}")
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if ids[-1] != matcher._maxid:
            raise _undecodable(matcher, f"last id {ids[-1]}, the block header says {matcher._maxid}")
        blocks.append(ids)
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.concatenate(blocks)


def _undecodable(matcher, problem: str) -> WhooshInternalsError:
    return WhooshInternalsError(
        f"a posting block of {matcher.term()!r} did not decode as whoosh {WHOOSH_VERSION} writes it: "
        f"{problem} (another whoosh version, or a damaged index)"
    )


# --- Search-side matchers and shared segment storage ----------------------------------------------
# seek: a binary-search skip_to inside a block; DocSet: a query matching documents already checked with
# numpy; SharedSegmentStorage: a generation's segment files read in place by every reader opened on it.
# (``unfiltered`` above serves the search side too.)

def seek(matcher, target: int) -> None:
    """``matcher.skip_to(target)``, with a binary search inside the block instead of a linear walk."""
    if not isinstance(matcher, W3LeafMatcher):
        matcher.skip_to(target)
        return
    if target > matcher._maxid:
        matcher._skip_to_block(lambda: target > matcher._maxid)
        if not matcher.is_active():
            return
    if matcher._ids is None:
        matcher._read_ids()
    matcher._i = bisect_left(matcher._ids, target, matcher._i)
    if matcher._i == matcher._blocklength:  # cannot happen: the block's last id is >= target
        matcher._next_block()


class DocSet(wq.Query):
    """Matches given documents (whole-index numbers, sorted) with score 0: a phrase already
    checked with numpy (:meth:`indexer.search.engine.Masks.phrase_mask`), whose pair terms score it.

    ``bases`` maps ``id(segment reader)`` to (first document number, document count) for the
    segment readers of the searcher the query will run on.
    """

    def __init__(self, docs: np.ndarray, bases: dict) -> None:
        self.docs = docs
        self.bases = bases
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"DocSet({len(self.docs)} documents)"

    def __eq__(self, other) -> bool:
        return type(other) is DocSet and np.array_equal(self.docs, other.docs)

    def __hash__(self) -> int:
        return hash((len(self.docs), self.docs[:4].tobytes()))

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return len(self.docs)

    def normalize(self):
        return self

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        base, size = self.bases[id(reader)]  # a reader this searcher did not open is a bug: fail loudly
        start, end = np.searchsorted(self.docs, [base, base + size])
        if start == end:
            return NullMatcher()
        return ListMatcher((self.docs[start:end] - base).tolist(), all_weights=0.0)


class SharedSegmentStorage(FileStorage):
    """A generation's folder whose compound segment files are read in place, on demand, by all its readers.

    Whoosh's own compound storage maps each ``.seg`` file but then copies every sub-file it
    opens (postings, term index, stored fields, lengths) out of the map into a private
    ``BytesIO``: a reader holds the whole segment in process memory (≈270 MB at 100k
    paragraphs), and each extra reader holds it again. Here every sub-file a reader opens is
    a :class:`_SegmentPart`, which reads the bytes asked for with ``os.pread`` on the
    storage's one descriptor of the ``.seg`` file (no shared position, so readers on
    different threads are safe), a page at a time. The index stays in the operating
    system's page cache, shared with other processes and dropped by the kernel when memory
    is short, as SQLite's files do; the process holds only what it decoded. Sub-files of at
    most :data:`SMALL_PART` bytes (the per-document length columns BM25 reads for every
    match) are read whole, once, and shared by every reader.

    (A memory map would avoid the copies too, but every page a search touches, with the
    neighbours the kernel maps alongside it, then counts in the process's resident memory:
    +72 MB for the benchmark's 26 queries at 100k, and more with every new term read.)

    Whoosh's segment readers close the storage they were opened on when they close
    (``OverlayStorage.close``), but this one is shared by every reader of the generation:
    :meth:`close` does nothing, and the owner calls :meth:`release` once all the readers
    are closed (or the descriptors are closed when the storage is collected). Reading
    after that raises instead of reading whatever file reused a descriptor's number.
    Read-only: a published generation never changes.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        # No whoosh mmap: whoosh's compound storage then cuts sub-files with the file's ``subset``.
        super().__init__(str(path), supports_mmap=False, readonly=True)
        self._lock = threading.Lock()
        self._descriptors: dict[str, int] = {}
        self._parts: dict[tuple[str, int, int], bytes] = {}
        self._released = False
        self._finalizer = weakref.finalize(self, _close_descriptors, self._descriptors)

    def open_file(self, name, *args, **kwargs):
        if not name.endswith(COMPOUND_EXT):
            return super().open_file(name, *args, **kwargs)
        return _SegmentPart(self, name, name, 0, os.fstat(self._descriptor(name)).st_size)

    def _descriptor(self, name: str) -> int:
        """The storage's one read-only descriptor of the file ``name``, opened on first use."""
        with self._lock:
            if self._released:
                raise ValueError(f"{self.folder} was released: its readers are closed")
            if name not in self._descriptors:
                self._descriptors[name] = os.open(self._fpath(name), os.O_RDONLY)
            return self._descriptors[name]

    def pread(self, name: str, offset: int, length: int) -> bytes:
        """Bytes ``offset`` to ``offset + length`` of the file ``name``, all of them."""
        descriptor = self._descriptors.get(name)  # cleared by the release, which comes after the readers
        found = os.pread(self._descriptor(name) if descriptor is None else descriptor, length, offset)
        if len(found) != length:
            raise OSError(f"{name} is shorter than its directory says ({offset} + {length})")
        return found

    def part(self, name: str, offset: int, length: int) -> bytes:
        """:meth:`pread`, read once and shared: for small parts only (they are kept until the release)."""
        key = (name, offset, length)
        with self._lock:
            found = self._parts.get(key)
        if found is None:
            found = self.pread(name, offset, length)
            with self._lock:
                found = self._parts.setdefault(key, found)
        return found

    def shared_bytes(self) -> int:
        """Bytes of segment data held for all readers (the small parts)."""
        with self._lock:
            return sum(len(part) for part in self._parts.values())

    def close(self) -> None:
        """Nothing: called by each whoosh segment reader as it closes (see the class); see :meth:`release`."""

    def release(self) -> None:
        """Close the descriptors and drop the shared parts; for the owner, once every reader is closed."""
        with self._lock:
            self._released = True
            self._parts.clear()
        self._finalizer()


def _close_descriptors(descriptors: dict[str, int]) -> None:
    for descriptor in descriptors.values():
        os.close(descriptor)
    descriptors.clear()


READ_AHEAD = 4096
"""Bytes a :class:`_SegmentPart` reads at once: whoosh reads a posting block's header, a term's
hash slots or a stored document in many small reads close together; one page serves most of them."""
MAX_READ_AHEAD = 64 * 1024
"""The most a :class:`_SegmentPart` reads ahead while it is read straight on (from one window to the next)."""
SMALL_PART = 256 * 1024
"""Sub-files up to this size are read whole and shared (see :class:`SharedSegmentStorage`)."""
_CUT = object()
"""What :meth:`_SegmentPart._unpickle_in_window` gives for a pickle that does not lie wholly in the window."""


class _SegmentPart(StructFile):
    """Bytes ``start`` to ``start + length`` of a segment file, read as a file with a position of its own.

    Whoosh reads sub-files through ``StructFile``'s ``read``/``seek``/``tell``/``get`` and
    ``read_pickle``; positions are relative to ``start``, as in whoosh's own sub-files.
    Reads are served from a window of the file read with one ``pread``: the last
    :data:`READ_AHEAD` bytes read (one window per file object, as one thread uses a reader at
    a time), twice as many each time reading goes on past the window's end (a posting list,
    block after block) up to :data:`MAX_READ_AHEAD`, or the whole part when it is small and
    shared; larger reads are read whole. Closing leaves the descriptor open: the storage owns it.
    """

    def __init__(self, storage: SharedSegmentStorage, file_name: str, name: str, start: int, length: int) -> None:
        self._storage = storage
        self._file_name = file_name
        """The ``.seg`` file this part is cut from (``name`` is the sub-file's)."""
        self._start = start
        self._end = start + length
        self._position = start
        self._window = b""
        self._window_start = start
        """Where in the file ``_window`` starts."""
        self._name = name
        self.file = self  # StructFile's other methods read through ``self.file``
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def _bytes(self, start: int, end: int) -> bytes:
        """The file's bytes ``start`` to ``end`` (absolute offsets, cut at the part's end)."""
        end = min(end, self._end)
        if end <= start:
            return b""
        offset = start - self._window_start
        if offset >= 0 and end - self._window_start <= len(self._window):
            return self._window[offset : offset + end - start]
        window_end = self._window_start + len(self._window)
        # Reading on from the window (a posting list, block after block): read further ahead each time.
        ahead = READ_AHEAD
        if self._window_start < start <= window_end + READ_AHEAD:
            ahead = min(2 * len(self._window), MAX_READ_AHEAD)
        if end - start >= ahead:
            return self._storage.pread(self._file_name, start, end - start)
        self._fill(start, ahead)
        return self._window[: end - start]

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        offset = start - self._window_start
        if size is not None and size >= 0 and offset >= 0 and offset + size <= len(self._window):
            self._position = start + size  # the usual case, without a call: within the window
            return self._window[offset : offset + size]
        found = self._bytes(start, self._end if size is None or size < 0 else start + size)
        self._position = start + len(found)
        return found

    def readline(self, size: int | None = -1) -> bytes:
        rest = self._end - self._position if size is None or size < 0 else size
        line = b""
        while rest > 0 and not line.endswith(b"\n"):
            chunk = self.read(min(READ_AHEAD, rest))
            if not chunk:
                break
            cut = chunk.find(b"\n")
            if cut >= 0:
                self._position -= len(chunk) - cut - 1
                chunk = chunk[: cut + 1]
            line += chunk
            rest -= len(chunk)
        return line

    def read_pickle(self):
        """The pickled value at the position, unpickled from the window.

        ``pickle.load`` on a file written in Python calls its ``read`` once per opcode (about
        20 calls for a posting block's header); from a ``BytesIO`` sharing the window it does not.
        """
        found = self._unpickle_in_window()
        window_end = self._window_start + len(self._window)
        if found is _CUT and self._window_start != self._position and window_end < self._end:
            self._fill(self._position)  # cut off by the window's end: a window from here
            found = self._unpickle_in_window()
        if found is _CUT:
            return pickle.load(self)  # longer than a window (or damaged: pickle says how)
        return found

    def _unpickle_in_window(self) -> object:
        """The pickled value at the position if it lies wholly in the window (moving past it), else ``_CUT``."""
        offset = self._position - self._window_start
        if not 0 <= offset < len(self._window):
            return _CUT
        stream = io.BytesIO(self._window)  # shares the bytes, no copy
        stream.seek(offset)
        try:
            value = pickle.load(stream)
        except Exception:  # cut off by the window's end; a damaged pickle fails again, read the slow way
            return _CUT
        self._position = self._window_start + stream.tell()
        return value

    def _fill(self, start: int, size: int = READ_AHEAD) -> None:
        """Read a new window of ``size`` bytes (fewer at the part's end) from ``start``."""
        self._window = self._storage.pread(self._file_name, start, min(size, self._end - start))
        self._window_start = start

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            self._position = self._start + offset
        elif whence == os.SEEK_CUR:
            self._position += offset
        elif whence == os.SEEK_END:
            self._position = self._end + offset
        else:
            raise ValueError(f"whence must be 0, 1 or 2, not {whence!r}")
        return self._position - self._start

    def tell(self) -> int:
        return self._position - self._start

    def get(self, position: int, length: int) -> bytes:
        start = self._start + position
        offset = start - self._window_start
        if offset >= 0 and offset + length <= len(self._window):  # the window never passes the part's end
            return self._window[offset : offset + length]
        return self._bytes(start, start + length)

    def get_array(self, position: int, typecode: str, length: int) -> array:
        values = array(typecode)
        values.frombytes(self.get(position, length * values.itemsize))
        if sys.byteorder == "little":  # whoosh writes arrays big-endian
            values.byteswap()
        return values

    def subset(self, offset: int, length: int, name: str | None = None) -> _SegmentPart:
        part = _SegmentPart(self._storage, self._file_name, name or self._name, self._start + offset, length)
        if length <= SMALL_PART:
            part._window = self._storage.part(self._file_name, self._start + offset, length)
        return part

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.is_closed = True
