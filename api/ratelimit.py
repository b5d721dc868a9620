"""The per-caller rate limit behind one small seam, with two backends chosen at the edge.

`database` (the default) keeps the windows in the session database, so every worker process and
every machine on that database enforces one limit together. `memory` keeps them in this process
only: fine for one worker and for tests, but N workers would let a caller through N times.
Both count `limit` requests per 60 s window, the window opening at the caller's first request.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import Engine

from interviewer.settings import Settings

WINDOW_S = 60.0


class RateLimiter(Protocol):
    def acquire(self, key: str) -> int:
        """Count one request of `key`: 0 when allowed, else the whole seconds to wait (Retry-After)."""
        ...


class InMemoryRateLimiter:
    """`limit` requests per key per window, counted in this process only."""

    def __init__(
        self, limit: int, *, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, hits in it)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> int:
        now = self._clock()
        with self._lock:
            start, hits = self._windows.get(key, (now, 0))
            if now - start >= self.window_s:
                start, hits = now, 0
            hits += 1
            self._windows[key] = (start, hits)
        if hits <= self.limit:
            return 0
        return max(1, math.ceil(start + self.window_s - now))


def build_rate_limiter(settings: Settings, engine: Engine) -> RateLimiter:
    """The limiter MI_RATE_LIMIT_BACKEND names; `database` shares `engine` with the session store."""
    if settings.rate_limit_backend == "memory":
        return InMemoryRateLimiter(settings.rate_limit_per_minute)
    from interviewer.store.ratelimits import DatabaseRateLimiter

    return DatabaseRateLimiter(engine, settings.rate_limit_per_minute, window_s=WINDOW_S)
