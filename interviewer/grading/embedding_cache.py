"""An Embedder wrapper that remembers vectors by text.

Grading re-reads the same texts all the time: rubric criteria, key points and prompts on every
answer, and during an interview every earlier sentence of the candidate on each new turn. Only
text never seen before costs an embedding.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from cachetools import LRUCache

from interviewer.ports import Embedder

DEFAULT_CAPACITY = 16384  # ~25 MB of 384-d float32 vectors


class CachedEmbedder:
    """Embeds only texts it has not seen; least recently used vectors leave first when full.

    `mini_batch` embeds the misses in length-sorted batches of that size (less padding for the
    short, uneven sentences of an answer); the vectors are the same either way.
    """

    def __init__(
        self, inner: Embedder, capacity: int = DEFAULT_CAPACITY, mini_batch: int | None = None
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_tokens = inner.max_tokens
        self.capacity = capacity
        self.mini_batch = mini_batch
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(capacity)
        # The bank's fixed texts: never evicted, read without the lock (the dict is swapped, never changed).
        self._pinned: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        found = {t: v for t in unique if (v := self._pinned.get(t)) is not None}
        if len(found) < len(unique):
            with self._lock:  # a hit becomes the most recently used
                found.update(
                    {t: v for t in unique if t not in found and (v := self._vectors.get(t)) is not None}
                )
        missing = [t for t in unique if t not in found]
        if missing:
            fresh = dict(zip(missing, self._embed_missing(missing), strict=True))
            with self._lock:
                self._vectors.update(fresh)
            found.update(fresh)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def pin(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep these vectors for good (outside the LRU): texts every answer is compared with."""
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        pinned = dict(self._pinned)
        pinned.update(zip(texts, np.asarray(vectors, dtype=np.float32), strict=True))
        self._pinned = pinned  # swapped whole: readers never see a dict being changed

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def __len__(self) -> int:
        return len(self._vectors) + len(self._pinned)

    def __contains__(self, text: object) -> bool:
        return text in self._pinned or text in self._vectors

    def _embed_missing(self, texts: list[str]) -> np.ndarray:
        if not self.mini_batch:
            return self.inner.embed(texts)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.mini_batch):
            rows = order[start : start + self.mini_batch]
            out[rows] = self.inner.embed([texts[i] for i in rows])
        return out
