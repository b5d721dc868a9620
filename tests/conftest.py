"""Shared fixtures. Everything runs offline; servers a test needs are started on 127.0.0.1 by it.

`tests/unit` holds the fast tests (fakes, SQLite); `tests/integration` the ones that load the real
model, start servers or subprocesses, or need PostgreSQL. Objects come from the composition root,
`Components`, with fakes passed in: `Components(settings, embedder=HashingEmbedder())`, or the one
real MiniLM of the run (`real_embedder`), so the model loads once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from interviewer.settings import OFFLINE_ENVIRONMENT, SHIPPED_CORPUS, Settings, load_settings

if TYPE_CHECKING:
    from ingest.embedder import HashingEmbedder, SentenceTransformerEmbedder
    from interviewer.composition import Components
    from interviewer.domain.bank import Bank

for _name, _value in OFFLINE_ENVIRONMENT.items():
    os.environ[_name] = _value
# Session fixtures are built before the per-test clean-up below runs: no MI_ variable may reach them.
for _name in [n for n in os.environ if n.startswith("MI_")]:
    del os.environ[_name]


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
    from tests.support.api_support import throwaway_postgres_database

    if request.param == "sqlite":
        yield settings
        return
    with throwaway_postgres_database() as url:
        yield load_settings(data_dir=settings.data_dir, database_url=url)


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once per test run."""
    from ingest.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    from ingest.embedder import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(scope="session")
def bank() -> Bank:
    """The shipped question bank and rubrics, loaded once per test run."""
    from interviewer.domain.bank import load_bank

    return load_bank(SHIPPED_CORPUS)


@pytest.fixture(scope="session")
def ingested_settings(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Settings:
    """Settings whose data dir holds the shipped corpus ingested with the real embedder (once per run)."""
    from ingest.pipeline import ingest
    from ingest.store import open_store

    settings = load_settings(data_dir=tmp_path_factory.mktemp("ingested") / "data")
    ingest(settings, embedder=real_embedder, store=open_store(settings))
    return settings


@pytest.fixture(scope="session")
def ingested_components(
    ingested_settings: Settings, real_embedder: SentenceTransformerEmbedder, bank: Bank
) -> Components:
    """One composition root over the ingested corpus and the real model, shared like a process's."""
    from interviewer.composition import Components

    return Components(ingested_settings, embedder=real_embedder, bank=bank)
