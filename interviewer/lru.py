"""A small thread-safe LRU mapping with an optional age limit, for the process-local caches."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most `capacity` entries, least recently used out first; with `ttl_s`, older ones are absent."""

    def __init__(self, capacity: int, ttl_s: float | None = None) -> None:
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The fresh entries among `keys` (each becomes the most recently used)."""
        now, found = time.monotonic(), {}
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None or (self.ttl_s is not None and now - entry[0] >= self.ttl_s):
                    continue
                self._entries.move_to_end(key)
                found[key] = entry[1]
        return found

    def put_many(self, items: Mapping[K, V]) -> None:
        now = time.monotonic()
        with self._lock:
            for key, value in items.items():
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries
