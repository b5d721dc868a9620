"""Shared fixtures. Everything runs offline; servers a test needs are started on 127.0.0.1 by it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.settings import OFFLINE_ENVIRONMENT, SHIPPED_CORPUS, Settings, load_settings

for _name, _value in OFFLINE_ENVIRONMENT.items():
    os.environ[_name] = _value


@pytest.fixture(autouse=True)
def _no_user_mi_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own MI_ variables must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("MI_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults (local embeddings, embedded Chroma, SQLite) under a fresh data dir."""
    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """The embedded defaults on SQLite, then on a throwaway database of the local PostgreSQL."""
    from tests.api_support import throwaway_postgres_database

    if request.param == "sqlite":
        yield settings
        return
    with throwaway_postgres_database() as url:
        yield load_settings(data_dir=settings.data_dir, database_url=url)


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The packaged all-MiniLM-L6-v2, loaded once per test run."""
    from ingest.embedder import shared_embedder

    return shared_embedder()


@pytest.fixture
def fake_embedder():  # type: ignore[no-untyped-def]
    from ingest.embedder import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(scope="session")
def bank():  # type: ignore[no-untyped-def]
    """The shipped question bank and rubrics."""
    from interviewer.domain.bank import cached_bank

    return cached_bank(SHIPPED_CORPUS)


@pytest.fixture(scope="session")
def ingested_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Settings:  # type: ignore[no-untyped-def]
    """Settings whose data dir holds the shipped corpus ingested with the real embedder (once per run)."""
    from ingest.pipeline import ingest

    data_dir = tmp_path_factory.mktemp("ingested") / "data"
    # Explicit values: a session fixture is built before the per-test MI_ clean-up runs.
    settings = Settings(data_dir=data_dir, corpus_dir=SHIPPED_CORPUS, collection="corpus", chroma_url=None)
    ingest(settings, embedder=real_embedder)
    return settings
