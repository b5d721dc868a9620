"""Real servers for the integration tests: `mock-interviewer serve --workers N` on a free loopback port
(hashing embedder, fake brain), and in-process apps over the real store, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.http_wait import free_port, wait_for_http
from api.local_llm import stop
from tests.support.api_support import throwaway_postgres_database

BIN = Path(sys.executable).parent
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def database_url(kind: str, data_dir: Path) -> Iterator[str]:
    """A SQLite file under `data_dir`, or a throwaway database of the local PostgreSQL."""
    if kind == "sqlite":
        data_dir.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{data_dir / 'sessions.sqlite3'}"
        return
    with throwaway_postgres_database() as url:
        yield url


def worker_environment(data_dir: Path, url: str, **extra: str) -> dict[str, str]:
    """The server's environment: none of the caller's MI_ variables, the fakes, no rate limit in the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MI_")}
    env.update(
        MI_DATA_DIR=str(data_dir),
        MI_DATABASE_URL=url,
        MI_EMBEDDING_MODEL="hashing",
        MI_BRAIN="fake",
        MI_WARM_UP="false",
        MI_RATE_LIMIT_PER_MINUTE="1000000",
        MI_REQUIRE_API_KEYS="false",
        # Long sessions: every burst of answers finds the session still active.
        MI_QUESTIONS_ML_DEPTH="10",
        MI_MAX_FOLLOW_UPS="10",
        **extra,
    )
    return env


@contextmanager
def serving(data_dir: Path, url: str, *, workers: int = 2) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`mock-interviewer serve --workers N` on 127.0.0.1; yields (base URL, supervisor); stopped on exit."""
    port = free_port()
    log_path = data_dir.parent / f"serve-{port}.log"
    argv = [str(BIN / "mock-interviewer"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*argv, "--workers", str(workers)],
            env=worker_environment(data_dir, url),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(workers * 2):  # each request reaches one worker; ask until all are likely up
            wait_for_http(f"{base}/readyz", process, timeout=120, log=log_path)
        yield base, process
    finally:
        stop(process, grace_s=20)
