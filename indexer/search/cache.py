"""The result cache: finished result pages of one generation, least recently used first out, bounded in bytes."""

from __future__ import annotations

import sys
import threading
from collections.abc import Hashable
from typing import NamedTuple

from cachetools import LRUCache


class _Entry(NamedTuple):
    value: dict
    size: int


class ResultCache:
    """A thread-safe LRU cache of result pages whose total size stays under ``max_bytes``.

    Sizes are measured once, outside the lock, when a page is stored (:func:`size_of`);
    a page larger than the whole budget is not kept. ``max_bytes=0`` turns the cache off.
    Values are shared between callers: they must not be modified.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self._entries: LRUCache[Hashable, _Entry] = LRUCache(maxsize=self.max_bytes, getsizeof=_entry_size)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> dict | None:
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry.value

    def put(self, key: Hashable, value: dict) -> None:
        if not self.max_bytes:
            return
        size = size_of(value)
        if size > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = _Entry(value, size)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return int(self._entries.currsize)


def _entry_size(entry: _Entry) -> int:
    return entry.size


def size_of(value: object) -> int:
    """Bytes held by ``value`` and everything it contains (dicts, lists, tuples, sets, scalars).

    Shared objects are counted once; an approximation of what dropping the value frees.
    """
    seen: set[int] = set()
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
    return total
