"""Helpers shared by the API/store/web/stack tests: services over fakes, a throwaway PostgreSQL database,
free ports, servers."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from api.deps import Services, build_services
from api.http_wait import free_port, wait_for_http
from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.session import QuestionProgress
from interviewer.settings import Settings

__all__ = [
    "PG_ADMIN_URL",
    "FakeClock",
    "ThreadedServer",
    "end_and_check_report",
    "free_port",
    "hashing_services",
    "postgres_reachable",
    "throwaway_postgres_database",
    "two_worker_app",
]

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def hashing_services(settings: Settings, *, bank: Bank | None = None) -> Services:
    """The API's services over the real engine, grader and store, with the hashing embedder for MiniLM.

    The brain is the one `settings` name (`brain="fake"` words every move predictably).
    """
    return build_services(Components(settings, embedder=HashingEmbedder(), bank=bank))


def two_worker_app(settings: Settings) -> TestClient:
    """A client of one app over `settings`: two of them on one database are what two workers serve."""
    return TestClient(build_app(hashing_services(settings)))


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def postgres_reachable() -> str | None:
    """None when the local PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: skip with the reason
        return f"PostgreSQL at 127.0.0.1:5432 (user postgres, db test) is not reachable: {exc}"


@contextlib.contextmanager
def throwaway_postgres_database() -> Iterator[str]:
    """Create a uniquely named database, yield its SQLAlchemy URL, drop it afterwards."""
    reason = postgres_reachable()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"mi_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ThreadedServer:
    """uvicorn serving an app object in a background thread of the test process."""

    def __init__(self, app: object) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")  # type: ignore[arg-type]
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        wait_for_http(self.url + "/healthz", timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def end_and_check_report(client: Any, session_id: str, round_name: str, answers: list[str]) -> dict:
    """POST /end: the round's criteria in rubric order, every quote verbatim from `answers`, and
    GET /report returns the same report. Returns it."""
    report = client.post(f"/v1/sessions/{session_id}/end")
    assert report.status_code == 200, report.text
    rubric = client.get(f"/v1/rubrics/{round_name}").json()
    assert [c["id"] for c in report.json()["criteria"]] == [c["id"] for c in rubric["criteria"]]
    for criterion in report.json()["criteria"]:
        for quote in criterion["evidence"]:
            assert any(quote in answer for answer in answers), quote  # the candidate's own words
    assert client.get(f"/v1/sessions/{session_id}/report").json() == report.json()
    return report.json()  # type: ignore[no-any-return]


def start_session(client: TestClient, headers: dict[str, str], round_: str = "behavioral") -> dict:
    """POST /v1/sessions as `headers`'s user; the new session's JSON."""
    response = client.post("/v1/sessions", json={"round": round_, "level": "senior"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def say(client: TestClient, headers: dict[str, str], sid: str, content: str) -> dict:
    """One answer to session `sid`; the reply's JSON."""
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": content}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def first_question(services: Services, name: str, sid: str) -> QuestionProgress:
    """The first question of `name`'s session `sid`, from the store."""
    user = services.users.by_name(name)
    assert user is not None
    return services.sessions.load(user.id, sid).questions[0]
