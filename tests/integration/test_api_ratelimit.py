"""The rate limit: one limit per caller across worker processes that share a database (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.http_wait import free_port, wait_for_http
from interviewer.settings import Settings
from interviewer.store import create_db_engine, upgrade_to_head
from interviewer.store.ratelimits import DatabaseRateLimiter
from tests.support.api_support import FakeClock, two_worker_app


@pytest.fixture
def engines(db_settings: Settings) -> Iterator[list]:
    """Two engines on one database: what two worker processes hold."""
    made = [create_db_engine(db_settings) for _ in range(2)]
    upgrade_to_head(made[0])
    yield made
    for engine in made:
        engine.dispose()


def test_database_limiters_on_two_engines_share_one_limit(engines: list) -> None:
    clock = FakeClock()
    one, two = (DatabaseRateLimiter(engine, 3, clock=clock) for engine in engines)
    assert [one.acquire("alice"), two.acquire("alice"), one.acquire("alice")] == [0, 0, 0]
    clock.now += 15.5
    assert two.acquire("alice") == 45 and one.acquire("alice") == 45
    assert two.acquire("bob") == 0  # another caller has its own window
    clock.now += 44.6
    assert one.acquire("alice") == 0 and two.acquire("alice") == 0  # a new window opened
    assert [one.acquire("alice"), two.acquire("alice")] == [0, 60]  # the 4th hit of the new window


def test_concurrent_requests_through_two_engines_never_exceed_the_limit(engines: list) -> None:
    limiters = [DatabaseRateLimiter(engine, 15) for engine in engines]
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda i: limiters[i % 2].acquire("carol"), range(40)))
    assert waits.count(0) == 15
    assert all(1 <= wait <= 60 for wait in waits if wait)


def test_counting_leaves_session_saves_at_full_durability(engines: list) -> None:
    engine = engines[0]
    engine.dispose()  # one pooled connection: the one the limiter used is the one checked below
    DatabaseRateLimiter(engine, 5).acquire("dave")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        else:
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def _two_apps(settings: Settings) -> list[TestClient]:
    """Two apps on one database: what two worker processes serve."""
    return [two_worker_app(settings) for _ in range(2)]


def test_two_apps_on_one_database_enforce_one_limit_with_retry_after(db_settings: Settings) -> None:
    settings = db_settings.model_copy(update={"rate_limit_per_minute": 3})
    apps = _two_apps(settings)
    codes = [apps[i % 2].get("/v1/sessions").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = apps[0].get("/v1/sessions")
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert apps[0].get("/healthz").status_code == 200  # health checks are never limited


def _serve(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MI_")}
    env.update(MI_DATA_DIR=str(data_dir), MI_DATABASE_URL=database_url, MI_RATE_LIMIT_PER_MINUTE="4")
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "mock-interviewer"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.slow
def test_two_serve_processes_on_one_database_enforce_one_limit(db_settings: Settings) -> None:
    url = db_settings.effective_database_url
    upgrade_to_head(create_db_engine(db_settings))  # what `serve` does once before its workers start
    ports = [free_port(), free_port()]
    processes = [_serve(url, db_settings.data_dir, port) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/healthz", process, timeout=120)
        responses = [httpx.get(f"http://127.0.0.1:{ports[i % 2]}/v1/sessions", timeout=60) for i in range(8)]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    assert [r.status_code for r in responses] == [200] * 4 + [429] * 4
    assert all(int(r.headers["Retry-After"]) >= 1 for r in responses[4:])
