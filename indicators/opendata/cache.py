"""Rendered answers kept per data version: a warm request is a dictionary look-up.

The key holds the data version, so a write makes every old entry unreachable (and the oldest
entries go first); nothing stale can be served. Bounded by count and by bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_ENTRIES = 512
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024

_entries: OrderedDict[tuple, tuple] = OrderedDict()
_size = 0
_lock = threading.Lock()


def get(key: tuple) -> tuple | None:
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        _entries.move_to_end(key)
        return entry[1]


def put(key: tuple, value: tuple, size: int) -> None:
    """Keep `value` (of `size` bytes) under `key`; too large a value is not kept."""
    global _size
    if size > MAX_ENTRY_BYTES:
        return
    with _lock:
        if key in _entries:
            return
        _entries[key] = (size, value)
        _size += size
        while _entries and (len(_entries) > MAX_ENTRIES or _size > MAX_BYTES):
            _, (old, _) = _entries.popitem(last=False)
            _size -= old


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0
