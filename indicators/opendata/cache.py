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
        value = _entries.get(key)
        if value is not None:
            _entries.move_to_end(key)
        return value


def put(key: tuple, body: bytes, *rest) -> None:
    global _size
    if len(body) > MAX_ENTRY_BYTES:
        return
    with _lock:
        if key in _entries:
            return
        _entries[key] = (body, *rest)
        _size += len(body)
        while _entries and (len(_entries) > MAX_ENTRIES or _size > MAX_BYTES):
            _, (old, *_) = _entries.popitem(last=False)
            _size -= len(old)


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0
