"""Idempotency-Key on POST /v1/sessions and POST /v1/sessions/{id}/messages, over the real store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import build_app
from api.deps import Services, build_services
from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.settings import load_settings
from interviewer.store.models import IdempotencyKeyRow
from tests.support.servers import DATABASES, database_url, serving

ANSWER = {"content": "I would start with a logistic regression baseline and calibrated probabilities."}


@pytest.fixture(params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    """The real app and engine (fake brain, hashing embedder) on SQLite, then on PostgreSQL."""
    with database_url(request.param, tmp_path / "data") as url:
        settings = load_settings(data_dir=tmp_path / "data", database_url=url, brain="fake", warm_up=False)
        services = build_services(Components(settings, embedder=HashingEmbedder()))
        with TestClient(build_app(services)) as client:
            yield client, services
        services.sessions.engine.dispose()


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def test_a_repeat_returns_the_first_response_and_stores_nothing_new(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    first = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("start-1"))
    again = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("start-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert client.get("/v1/sessions").json()["total"] == 1
    sid = first.json()["id"]
    sent = client.post(f"/v1/sessions/{sid}/messages", json=ANSWER, headers=_key("answer-1"))
    resent = client.post(f"/v1/sessions/{sid}/messages", json=ANSWER, headers=_key("answer-1"))
    assert sent.status_code == resent.status_code == 200
    assert resent.json() == sent.json() and resent.headers["Idempotent-Replayed"] == "true"
    assert len(client.get(f"/v1/sessions/{sid}").json()["turns"]) == 3  # opening, the answer once, reply
    unkeyed = client.post(f"/v1/sessions/{sid}/messages", json=ANSWER)
    assert unkeyed.status_code == 200 and len(unkeyed.json()["session"]["turns"]) == 5  # no key: a new turn


def test_the_same_key_with_another_request_is_422(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    sid = client.post("/v1/sessions", json={"round": "behavioral"}, headers=_key("k")).json()["id"]
    other_body = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("k"))
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"
    other_path = client.post(f"/v1/sessions/{sid}/messages", json=ANSWER, headers=_key("k"))
    assert other_path.status_code == 422 and other_path.json()["code"] == "idempotency_key_reused"
    assert client.post(f"/v1/sessions/{sid}/messages", json=ANSWER, headers=_key("a")).status_code == 200
    other = {"content": "something else"}
    changed = client.post(f"/v1/sessions/{sid}/messages", json=other, headers=_key("a"))
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert len(client.get(f"/v1/sessions/{sid}").json()["turns"]) == 3
    assert client.get("/v1/sessions").json()["total"] == 1


def test_a_key_expires_after_a_day(app: tuple[TestClient, Services]) -> None:
    client, services = app

    def age(key: str, by: timedelta) -> None:
        table = IdempotencyKeyRow.__table__
        with services.sessions.engine.begin() as connection:
            created = connection.execute(select(table.c.created_at).where(table.c.key == key)).scalar_one()
            connection.execute(update(table).where(table.c.key == key).values(created_at=created - by))

    first = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("daily")).json()
    age("daily", timedelta(hours=23))
    assert client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("daily")).json() == first
    age("daily", timedelta(hours=1, seconds=1))
    later = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("daily"))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json()["id"] != first["id"] and client.get("/v1/sessions").json()["total"] == 2
    again = client.post("/v1/sessions", json={"round": "ml-depth"}, headers=_key("daily"))
    assert again.json()["id"] == later.json()["id"]  # the renewed key holds the new response


@pytest.mark.parametrize("bad", [b"", b" ", b"x" * 256, "caf\u00e9".encode(), b"tab\tinside"])
def test_a_malformed_key_is_422(app: tuple[TestClient, Services], bad: bytes) -> None:
    client, _ = app
    response = client.post("/v1/sessions", json={"round": "ml-depth"}, headers={"Idempotency-Key": bad})
    assert response.status_code == 422 and response.json()["code"] == "invalid_idempotency_key"
    assert client.get("/v1/sessions").json()["total"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("database", DATABASES)
def test_concurrent_retries_with_one_key_through_two_workers_store_once(
    tmp_path: Path, database: str
) -> None:
    senders = 6
    barrier = threading.Barrier(senders)

    def post(base: str, path: str, body: dict[str, str]) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            return client.post(path, json=body, headers=_key(f"retry-{path}"))

    with database_url(database, tmp_path / "data") as url, serving(tmp_path / "data", url) as (base, _):
        with ThreadPoolExecutor(senders) as pool:
            start = {"round": "ml-depth"}
            starts = list(pool.map(lambda _: post(base, "/v1/sessions", start), range(senders)))
            sid = starts[0].json()["id"]
            path = f"/v1/sessions/{sid}/messages"
            sends = list(pool.map(lambda _: post(base, path, ANSWER), range(senders)))
        listed = httpx.get(f"{base}/v1/sessions", timeout=60).json()
        turns = httpx.get(f"{base}/v1/sessions/{sid}", timeout=60).json()["turns"]
    assert {r.status_code for r in starts} == {201} and {r.json()["id"] for r in starts} == {sid}
    assert listed["total"] == 1
    assert {r.status_code for r in sends} == {200}
    assert len({r.text for r in sends}) == 1, "every retry answers with the one stored response"
    assert [t["text"] for t in turns if t["role"] == "candidate"] == [ANSWER["content"]]
