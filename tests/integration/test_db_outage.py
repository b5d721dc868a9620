"""The database going away mid-service: requests fail cleanly with 503 (nothing stored, nothing half
done), and the same process serves again as soon as the database is back, without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from api.app import build_app
from api.deps import build_services
from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.settings import load_settings
from tests.support.api_support import throwaway_postgres_database

pytestmark = pytest.mark.postgres
ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


@contextmanager
def outage(database: str) -> Iterator[None]:
    """No new connection to `database` is accepted and every open one is cut, until the block ends."""
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,)
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


@pytest.mark.parametrize("limiter", ["database", "memory"])
def test_a_database_outage_is_503_and_the_service_recovers_without_a_restart(
    tmp_path: Path, limiter: str
) -> None:
    with throwaway_postgres_database() as url:
        settings = load_settings(
            data_dir=tmp_path / "data", database_url=url, brain="fake", warm_up=False,
            rate_limit_backend=limiter,
        )  # fmt: skip
        services = build_services(Components(settings, embedder=HashingEmbedder()))
        with TestClient(build_app(services)) as client:
            sid = client.post("/v1/sessions", json={"round": "ml-depth"}).json()["id"]
            answer, keyed = {"content": "I would start from a simple baseline."}, {"Idempotency-Key": "a"}
            with outage(str(make_url(url).database)):
                during = [
                    client.get(f"/v1/sessions/{sid}"),
                    client.post(f"/v1/sessions/{sid}/messages", json=answer, headers=keyed),
                    client.post("/v1/sessions", json={"round": "behavioral"}),
                ]
                streamed = client.post(
                    f"/v1/sessions/{sid}/messages", json=answer, headers={"Accept": "text/event-stream"}
                )
            for response in [*during, streamed]:
                assert response.status_code == 503, response.text
                assert response.json()["code"] == "database_unavailable"
                assert response.headers["Retry-After"] == "1"
            assert len(client.get(f"/v1/sessions/{sid}").json()["turns"]) == 1  # nothing half stored
            after = client.post(f"/v1/sessions/{sid}/messages", json=answer, headers=keyed)
            assert after.status_code == 200 and "Idempotent-Replayed" not in after.headers
            assert client.get("/v1/sessions").json()["total"] == 1
            assert client.get("/readyz").status_code == 200
        services.sessions.engine.dispose()
