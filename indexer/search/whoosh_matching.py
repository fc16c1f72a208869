"""The search side's uses of whoosh internals, kept in this one module.

- :func:`unfiltered` and :func:`seek`: a segment's posting matcher without the
  deleted-documents filter, and a binary-search ``skip_to`` inside a block;
- :class:`DocSet`: a query matching a precomputed list of documents (a phrase
  already checked with numpy), so whoosh's span matchers never run;
- :class:`SharedSegmentStorage`: a generation's segment files read once and
  shared by every reader opened on it, so readers can be one per thread.

Everything else in ``indexer.search`` uses whoosh's public API only.
"""

from __future__ import annotations

import io
import os
import threading
import weakref
from bisect import bisect_left

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher

COMPOUND_EXT = ".seg"


def unfiltered(matcher):
    """A segment's posting matcher without the deleted-documents filter (callers mask them)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


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
    """A generation's folder whose compound segment files are read once and shared by all its readers.

    Whoosh's segment reader copies every sub-file it opens (postings, term index, stored
    fields, lengths) from the memory-mapped ``.seg`` file into a private ``BytesIO``, so each
    extra reader would cost the index's size again (≈50 MB at 10k paragraphs). Here each
    sub-file is read from disk once into an immutable ``bytes`` object, and every reader gets
    a ``BufferFile`` over it: ``BytesIO`` shares a ``bytes`` object instead of copying it,
    so readers share the memory but not a file position, and one per thread is safe.

    Each ``.seg`` file is opened once, as a raw descriptor read with ``os.pread`` (no shared
    position); the descriptors are closed by :meth:`close`, or when the storage is collected.
    Read-only: a published generation never changes.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        # No mmap: whoosh's compound storage then cuts sub-files with the file's ``subset``.
        super().__init__(str(path), supports_mmap=False, readonly=True)
        self._lock = threading.Lock()
        self._descriptors: dict[str, int] = {}
        self._parts: dict[tuple[str, int, int], bytes] = {}
        self._finalizer = weakref.finalize(self, _close_descriptors, self._descriptors)

    def open_file(self, name, *args, **kwargs):
        if not name.endswith(COMPOUND_EXT):
            return super().open_file(name, *args, **kwargs)
        return _SharedCompoundFile(_PositionalFile(self, name), self, name)

    def descriptor(self, name: str) -> int:
        """The storage's one read-only descriptor of the file ``name``."""
        with self._lock:
            if name not in self._descriptors:
                self._descriptors[name] = os.open(self._fpath(name), os.O_RDONLY)
            return self._descriptors[name]

    def part(self, name: str, offset: int, length: int) -> bytes:
        """Bytes ``offset`` to ``offset + length`` of the file ``name``, read from disk once."""
        key = (name, offset, length)
        with self._lock:
            found = self._parts.get(key)
        if found is None:
            found = os.pread(self.descriptor(name), length, offset)
            if len(found) != length:
                raise OSError(f"{name} is shorter than its directory says ({offset} + {length})")
            with self._lock:
                found = self._parts.setdefault(key, found)
        return found

    def shared_bytes(self) -> int:
        """Bytes of segment data held for all readers."""
        with self._lock:
            return sum(len(part) for part in self._parts.values())

    def close(self) -> None:
        """Close the descriptors (the readers must be closed first); the shared bytes go with the storage."""
        self._finalizer()


def _close_descriptors(descriptors: dict[str, int]) -> None:
    for descriptor in descriptors.values():
        os.close(descriptor)
    descriptors.clear()


class _PositionalFile(io.RawIOBase):
    """A read-only file over the storage's shared descriptor, with a position of its own."""

    def __init__(self, storage: SharedSegmentStorage, name: str) -> None:
        super().__init__()
        self._descriptor = storage.descriptor(name)
        self._size = os.fstat(self._descriptor).st_size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer) -> int:
        data = os.pread(self._descriptor, len(buffer), self._position)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


class _SharedCompoundFile(StructFile):
    """A reader's view of a ``.seg`` file: its header and directory are read through a
    positional file, its sub-files are the storage's shared bytes."""

    def __init__(self, handle, storage: SharedSegmentStorage, name: str) -> None:
        super().__init__(io.BufferedReader(handle), name=name)
        self._storage = storage

    def subset(self, offset, length, name=None):
        return BufferFile(self._storage.part(self._name, offset, length), name=name or self._name)
