"""Two worker processes on one database: the same user created by both at once is one user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer.settings import Settings, load_settings
from interviewer.store import UserStore, create_db_engine, upgrade_to_head
from tests.support.api_support import throwaway_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engines(request: pytest.FixtureRequest, settings: Settings) -> Iterator[list]:
    """Two engines on one database: what two worker processes hold."""
    if request.param == "sqlite":
        yield _two_engines(settings)
        return
    with throwaway_postgres_database() as url:
        yield _two_engines(load_settings(data_dir=settings.data_dir, database_url=url))


def _two_engines(settings: Settings) -> list:
    made = [create_db_engine(settings) for _ in range(2)]
    upgrade_to_head(made[0])
    return made


def test_two_workers_creating_the_same_user_at_once_get_one_user(
    engines: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = (UserStore(engine) for engine in engines)
    real_by_name = second.by_name
    reads: list[str] = []

    def read_before_the_other_worker_inserted(name: str):  # type: ignore[no-untyped-def]
        reads.append(name)
        if len(reads) == 1:
            first.get_or_create(name)  # the other worker wins the race
            return None
        return real_by_name(name)

    monkeypatch.setattr(second, "by_name", read_before_the_other_worker_inserted)
    assert second.get_or_create("local") == first.get_or_create("local")
    assert len(reads) == 2
