"""The rate limit within one process: the in-memory window, and the memory backend behind two apps."""

from __future__ import annotations

from api.ratelimit import InMemoryRateLimiter
from interviewer.settings import Settings
from tests.support.api_support import FakeClock, two_worker_app


def test_in_memory_window_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(3, clock=clock)
    assert [limiter.acquire("alice") for _ in range(3)] == [0, 0, 0]
    clock.now += 20.2
    assert limiter.acquire("alice") == 40  # the window opened at the first request: 39.8 s left
    assert limiter.acquire("bob") == 0
    clock.now += 40
    assert limiter.acquire("alice") == 0


def test_the_memory_backend_counts_per_process(settings: Settings) -> None:
    memory = settings.model_copy(update={"rate_limit_per_minute": 2, "rate_limit_backend": "memory"})
    apps = [two_worker_app(memory) for _ in range(2)]
    codes = [apps[i % 2].get("/v1/sessions").status_code for i in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]  # what two workers without a shared limit allow
