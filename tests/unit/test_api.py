"""Every route and error of the HTTP API, over the real engine, grader and store.

The fake brain words the engine's moves predictably (`[kind] line`), the hashing embedder stands in for
MiniLM; everything else is what production runs.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from api.deps import Services
from api.http_wait import free_port
from interviewer.domain.bank import Bank
from interviewer.settings import Settings
from tests.support.api_support import first_question, hashing_services, say, start_session
from tests.unit.conftest import LIMIT, api_settings

STAR_ANSWER = (
    "In 2023 our fraud model's recall dropped after a data pipeline change. I owned the investigation: I "
    "compared feature distributions, found a timezone bug, and wrote the fix and a backfill. Recall went "
    "from 71% back to 88% within a week, and I added a drift alert so we catch it earlier next time."
)


def test_health_and_readiness(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "database": "ok",
        "bank": "ok",
        "embedder": "ok",
        "warm_up": "ok",
    }

    def broken() -> None:
        raise RuntimeError("model file missing")

    monkeypatch.setattr(services, "embedder_check", broken)
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    assert "model file missing" in not_ready.json()["checks"]["embedder"]
    monkeypatch.undo()
    services.warmed.clear()  # start-up work still running: up, but not ready yet
    warming = client.get("/readyz")
    assert warming.status_code == 503 and warming.json()["checks"]["warm_up"] == "running"


def test_readiness_checks_a_configured_chroma_server(settings: Settings, bank: Bank) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}"  # a Chroma server is configured and does not answer
    services = hashing_services(api_settings(settings, chroma_url=unreachable), bank=bank)
    with TestClient(build_app(services)) as client:
        not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    checks = not_ready.json()["checks"]
    assert checks["vector_store"].startswith("error") and checks["database"] == "ok"


def test_session_lifecycle(client: TestClient, services: Services, alice: dict[str, str], bank: Bank) -> None:
    session = start_session(client, alice)
    assert session["status"] == "active" and session["level"] == "senior" and session["brain"] == "fake"
    opening = session["turns"][0]
    sid = session["id"]
    first = first_question(services, "alice", sid)
    assert opening["role"] == "interviewer" and opening["kind"] == "opening"
    assert opening["text"] == f"[opening] {first.prompt}"
    reply = say(client, alice, sid, "I owned the rollout and cut latency by 40 percent across the fleet.")
    assert reply["reply"]["kind"] == "follow_up" and not reply["ended"]
    assert reply["reply"]["text"] == reply["session"]["turns"][-1]["text"]
    assert [t["role"] for t in reply["session"]["turns"]] == ["interviewer", "candidate", "interviewer"]
    hint = say(client, alice, sid, "/hint")
    assert hint["reply"]["kind"] == "hint" and hint["reply"]["text"].startswith("[hint] ")
    assert client.get(f"/v1/sessions/{sid}/report", headers=alice).json()["code"] == "session_active"
    ended = say(client, alice, sid, "/end")
    assert ended["ended"] and ended["reply"]["kind"] == "wrap_up"
    rubric = bank.rubric_for_round(bank.question(first.question_id or "").round)
    assert [c["id"] for c in ended["report"]["criteria"]] == [c.id for c in rubric.criteria]
    after = client.post(f"/v1/sessions/{sid}/messages", json={"content": "more"}, headers=alice)
    assert after.status_code == 409 and after.json()["code"] == "session_ended"
    report = client.get(f"/v1/sessions/{sid}/report", headers=alice)
    assert report.status_code == 200 and report.json() == ended["report"]
    fetched = client.get(f"/v1/sessions/{sid}", headers=alice).json()
    assert fetched["status"] == "ended" and len(fetched["turns"]) == 7


def test_end_route_returns_report_and_is_idempotent(client: TestClient, alice: dict[str, str]) -> None:
    sid = start_session(client, alice)["id"]
    say(client, alice, sid, STAR_ANSWER)
    first = client.post(f"/v1/sessions/{sid}/end", headers=alice)
    assert first.status_code == 200 and first.json()["round"] == "behavioral"
    assert 1 <= first.json()["overall"]["score"] <= 4
    ended = client.get(f"/v1/sessions/{sid}", headers=alice).json()
    assert ended["status"] == "ended" and ended["turns"][-1]["kind"] == "wrap_up"
    assert client.post(f"/v1/sessions/{sid}/end", headers=alice).json() == first.json()
    assert client.get(f"/v1/sessions/{sid}", headers=alice).json() == ended  # no second wrap-up line


def test_unknown_round_is_422_listing_valid_rounds(client: TestClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/sessions", json={"round": "astrology"}, headers=alice)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_round" and "astrology" in body["message"]
    assert body["valid_rounds"] == [
        "ml-system-design", "behavioral", "case-study", "ml-depth", "coding", "ml-coding"
    ]  # fmt: skip
    for path in ("/v1/rubrics/astrology", "/v1/questions?round=astrology", "/v1/progress?round=astrology"):
        assert client.get(path, headers=alice).json()["code"] == "unknown_round"
    level = client.post("/v1/sessions", json={"round": "behavioral", "level": "wizard"}, headers=alice)
    assert level.status_code == 422 and level.json()["code"] == "unknown_level"
    malformed = client.post("/v1/sessions", json={"company": "x"}, headers=alice)
    assert malformed.status_code == 422 and malformed.json()["code"] == "validation_error"


def test_other_users_session_is_404_exactly_like_a_missing_one(
    client: TestClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    sid = start_session(client, alice)["id"]
    for method, suffix in (("get", ""), ("post", "/end"), ("get", "/report")):
        other = client.request(method, f"/v1/sessions/{sid}{suffix}", headers=bob)
        missing = client.request(method, f"/v1/sessions/does-not-exist{suffix}", headers=bob)
        assert other.status_code == missing.status_code == 404
        assert other.json() == missing.json() == {"code": "session_not_found", "message": "no such session"}
    posted = client.post(f"/v1/sessions/{sid}/messages", json={"content": "hi"}, headers=bob)
    assert posted.status_code == 404
    assert client.get("/v1/sessions", headers=bob).json()["total"] == 0
    assert len(client.get(f"/v1/sessions/{sid}", headers=alice).json()["turns"]) == 1


def test_answer_over_the_limit_is_413(client: TestClient, alice: dict[str, str]) -> None:
    sid = start_session(client, alice)["id"]
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "x" * (LIMIT + 1)}, headers=alice)
    assert response.status_code == 413 and response.json()["code"] == "answer_too_large"
    assert response.json()["limit"] == LIMIT
    assert len(client.get(f"/v1/sessions/{sid}", headers=alice).json()["turns"]) == 1
    grade = client.post(
        "/v1/grade",
        json={"round": "behavioral", "question": "Q?", "answer": "y" * (LIMIT + 1)},
        headers=alice,
    )
    assert grade.status_code == 413
    at_the_limit = client.post(f"/v1/sessions/{sid}/messages", json={"content": "x" * LIMIT}, headers=alice)
    assert at_the_limit.status_code == 200


def test_list_is_newest_first_and_paginated(client: TestClient, alice: dict[str, str]) -> None:
    ids = [start_session(client, alice)["id"] for _ in range(3)]
    page = client.get("/v1/sessions?limit=2&offset=0", headers=alice).json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    assert page["total"] == 3 and page["limit"] == 2
    rest = client.get("/v1/sessions?limit=2&offset=2", headers=alice).json()
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert client.get("/v1/sessions?limit=0", headers=alice).status_code == 422


def test_a_new_session_never_repeats_a_question_the_caller_has_seen(
    client: TestClient, services: Services, alice: dict[str, str], bob: dict[str, str]
) -> None:
    def first_id(headers: dict[str, str], name: str) -> str | None:
        return first_question(services, name, start_session(client, headers)["id"]).question_id

    alices = [first_id(alice, "alice") for _ in range(3)]
    assert len(set(alices)) == 3
    assert first_id(bob, "bob") == alices[0]  # another caller's history is not bob's


def test_keys_required_missing_and_invalid_are_401(client: TestClient) -> None:
    missing = client.get("/v1/sessions")
    assert missing.status_code == 401 and missing.json()["code"] == "missing_api_key"
    wrong = client.get("/v1/sessions", headers={"Authorization": "Bearer mi_nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_api_key"
    assert client.get("/healthz").status_code == 200


def test_local_user_when_keys_not_required(settings: Settings, bank: Bank) -> None:
    services = hashing_services(api_settings(settings), bank=bank)
    with TestClient(build_app(services)) as client:
        sid = client.post("/v1/sessions", json={"round": "ml-depth"}).json()["id"]
        assert client.get(f"/v1/sessions/{sid}").status_code == 200
        local = services.users.by_name("local")
        assert local is not None and services.sessions.load(local.id, sid).id == sid
        bad = client.get("/v1/sessions", headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 401  # a key that is sent is always checked


def test_rate_limit_is_429_with_retry_after(settings: Settings, bank: Bank) -> None:
    services = hashing_services(api_settings(settings, rate_limit_per_minute=3), bank=bank)
    with TestClient(build_app(services)) as client:
        codes = [client.get("/v1/sessions").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/sessions")
        assert limited.json()["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def _events(raw: str) -> list[tuple[str, dict]]:
    blocks = [block for block in raw.split("\n\n") if block.strip()]
    return [
        (block.split("\n")[0].removeprefix("event: "), json.loads(block.split("data: ", 1)[1]))
        for block in blocks
    ]


def _stream(client: TestClient, headers: dict[str, str], sid: str, content: str) -> list[tuple[str, dict]]:
    with client.stream(
        "POST",
        f"/v1/sessions/{sid}/messages",
        json={"content": content},
        headers={**headers, "Accept": "text/event-stream"},
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        return _events("".join(r.iter_text()))


def test_sse_streams_tokens_then_the_final_reply(client: TestClient, alice: dict[str, str]) -> None:
    sid = start_session(client, alice)["id"]
    events = _stream(client, alice, sid, "my answer")
    assert [name for name, _ in events] == ["token", "done"]  # the fake brain says a line in one piece
    done = events[-1][1]
    assert events[0][1]["text"] == done["reply"]["text"] and done["reply"]["kind"] == "follow_up"
    stored = client.get(f"/v1/sessions/{sid}", headers=alice).json()
    assert [t["text"] for t in stored["turns"]][-2:] == ["my answer", done["reply"]["text"]]
    assert stored == done["session"]
    # The offline brain streams its wrap-up paragraph by paragraph.
    offline = client.post(
        "/v1/sessions", json={"round": "behavioral", "brain": "offline"}, headers=alice
    ).json()["id"]
    events = _stream(client, alice, offline, "/end")
    names = [name for name, _ in events]
    assert names.count("token") >= 2 and names[-1] == "done" and set(names) == {"token", "done"}
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens.strip() == events[-1][1]["reply"]["text"] and events[-1][1]["ended"]


def test_a_turn_that_crashes_mid_answer_stores_nothing_and_a_retry_stores_it_once(
    client: TestClient, services: Services, alice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = start_session(client, alice)["id"]
    engine = services.interviewer()

    def crash(state: object) -> object:
        raise RuntimeError("process died mid-answer")

    monkeypatch.setattr(engine, "advance", crash)
    broken = client.post(f"/v1/sessions/{sid}/messages", json={"content": "an answer I typed"}, headers=alice)
    assert broken.status_code == 500 and broken.json()["code"] == "internal_error"
    user = services.users.authenticate(alice["Authorization"].split()[1])
    assert user is not None
    saved = services.sessions.load(user.id, sid)
    assert [t.speaker for t in saved.turns] == ["interviewer"]  # not acknowledged, so not stored
    monkeypatch.undo()
    retried = client.post(
        f"/v1/sessions/{sid}/messages", json={"content": "an answer I typed"}, headers=alice
    )
    assert retried.status_code == 200
    resumed = client.get(f"/v1/sessions/{sid}", headers=alice).json()
    assert [t["role"] for t in resumed["turns"]] == ["interviewer", "candidate", "interviewer"]
    assert resumed["turns"][1]["text"] == "an answer I typed"
    assert resumed["turns"][2]["kind"] == "follow_up"
