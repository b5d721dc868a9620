"""Every route and error of the HTTP API, over the real engine, grader and store.

The fake brain words the engine's moves predictably (`[kind] line`), the hashing embedder stands in for
MiniLM; everything else is what production runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from api.deps import Services
from api.http_wait import free_port
from interviewer.domain.bank import Bank
from interviewer.domain.session import QuestionProgress
from interviewer.settings import Settings, load_settings
from tests.support.api_support import hashing_services

LIMIT = 2000  # characters per message
STAR_ANSWER = (
    "In 2023 our fraud model's recall dropped after a data pipeline change. I owned the investigation: I "
    "compared feature distributions, found a timezone bug, and wrote the fix and a backfill. Recall went "
    "from 71% back to 88% within a week, and I added a drift alert so we catch it earlier next time."
)


def _settings(settings: Settings, **overrides: object) -> Settings:
    # No background warm-up: /readyz must say "ok" from the first request.
    return load_settings(data_dir=settings.data_dir, brain="fake", warm_up=False, **overrides)


@pytest.fixture
def services(settings: Settings, bank: Bank) -> Services:
    return hashing_services(_settings(settings, require_api_keys=True, max_answer_chars=LIMIT), bank=bank)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(build_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


def _auth(services: Services, name: str) -> dict[str, str]:
    _, key = services.users.add_user_with_key(name)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(services: Services) -> dict[str, str]:
    return _auth(services, "alice")


@pytest.fixture
def bob(services: Services) -> dict[str, str]:
    return _auth(services, "bob")


def _start(client: TestClient, headers: dict[str, str], round_: str = "behavioral") -> dict:
    response = client.post("/v1/sessions", json={"round": round_, "level": "senior"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _say(client: TestClient, headers: dict[str, str], sid: str, content: str) -> dict:
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": content}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _first_question(services: Services, name: str, sid: str) -> QuestionProgress:
    """The first question of `name`'s session `sid`, from the store."""
    user = services.users.by_name(name)
    assert user is not None
    return services.sessions.load(user.id, sid).questions[0]


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
    services = hashing_services(_settings(settings, chroma_url=unreachable), bank=bank)
    with TestClient(build_app(services)) as client:
        not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    checks = not_ready.json()["checks"]
    assert checks["vector_store"].startswith("error") and checks["database"] == "ok"


def test_session_lifecycle(client: TestClient, services: Services, alice: dict[str, str], bank: Bank) -> None:
    session = _start(client, alice)
    assert session["status"] == "active" and session["level"] == "senior" and session["brain"] == "fake"
    opening = session["turns"][0]
    sid = session["id"]
    first = _first_question(services, "alice", sid)
    assert opening["role"] == "interviewer" and opening["kind"] == "opening"
    assert opening["text"] == f"[opening] {first.prompt}"
    reply = _say(client, alice, sid, "I owned the rollout and cut latency by 40 percent across the fleet.")
    assert reply["reply"]["kind"] == "follow_up" and not reply["ended"]
    assert reply["reply"]["text"] == reply["session"]["turns"][-1]["text"]
    assert [t["role"] for t in reply["session"]["turns"]] == ["interviewer", "candidate", "interviewer"]
    hint = _say(client, alice, sid, "/hint")
    assert hint["reply"]["kind"] == "hint" and hint["reply"]["text"].startswith("[hint] ")
    assert client.get(f"/v1/sessions/{sid}/report", headers=alice).json()["code"] == "session_active"
    ended = _say(client, alice, sid, "/end")
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
    sid = _start(client, alice)["id"]
    _say(client, alice, sid, STAR_ANSWER)
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
    assert body["valid_rounds"] == ["ml-system-design", "behavioral", "case-study", "ml-depth"]
    for path in ("/v1/rubrics/astrology", "/v1/questions?round=astrology", "/v1/progress?round=astrology"):
        assert client.get(path, headers=alice).json()["code"] == "unknown_round"
    level = client.post("/v1/sessions", json={"round": "behavioral", "level": "wizard"}, headers=alice)
    assert level.status_code == 422 and level.json()["code"] == "unknown_level"
    malformed = client.post("/v1/sessions", json={"company": "x"}, headers=alice)
    assert malformed.status_code == 422 and malformed.json()["code"] == "validation_error"


def test_other_users_session_is_404_exactly_like_a_missing_one(
    client: TestClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    sid = _start(client, alice)["id"]
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
    sid = _start(client, alice)["id"]
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
    ids = [_start(client, alice)["id"] for _ in range(3)]
    page = client.get("/v1/sessions?limit=2&offset=0", headers=alice).json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    assert page["total"] == 3 and page["limit"] == 2
    rest = client.get("/v1/sessions?limit=2&offset=2", headers=alice).json()
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert client.get("/v1/sessions?limit=0", headers=alice).status_code == 422


def test_a_new_session_never_repeats_a_question_the_caller_has_seen(
    client: TestClient, services: Services, alice: dict[str, str], bob: dict[str, str]
) -> None:
    def first_question(headers: dict[str, str], name: str) -> str | None:
        return _first_question(services, name, _start(client, headers)["id"]).question_id

    alices = [first_question(alice, "alice") for _ in range(3)]
    assert len(set(alices)) == 3
    assert first_question(bob, "bob") == alices[0]  # another caller's history is not bob's


def test_keys_required_missing_and_invalid_are_401(client: TestClient) -> None:
    missing = client.get("/v1/sessions")
    assert missing.status_code == 401 and missing.json()["code"] == "missing_api_key"
    wrong = client.get("/v1/sessions", headers={"Authorization": "Bearer mi_nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_api_key"
    assert client.get("/healthz").status_code == 200


def test_local_user_when_keys_not_required(settings: Settings, bank: Bank) -> None:
    services = hashing_services(_settings(settings), bank=bank)
    with TestClient(build_app(services)) as client:
        sid = client.post("/v1/sessions", json={"round": "ml-depth"}).json()["id"]
        assert client.get(f"/v1/sessions/{sid}").status_code == 200
        local = services.users.by_name("local")
        assert local is not None and services.sessions.load(local.id, sid).id == sid
        bad = client.get("/v1/sessions", headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 401  # a key that is sent is always checked


def test_rate_limit_is_429_with_retry_after(settings: Settings, bank: Bank) -> None:
    services = hashing_services(_settings(settings, rate_limit_per_minute=3), bank=bank)
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
    sid = _start(client, alice)["id"]
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
    sid = _start(client, alice)["id"]
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


def test_questions_never_reveal_key_points_or_model_answers(
    client: TestClient, services: Services, alice: dict[str, str]
) -> None:
    response = client.get("/v1/questions?round=behavioral&limit=500", headers=alice)
    assert response.status_code == 200
    body = response.json()
    bank = services.bank()
    behavioral = [q for q in bank.questions if q.round == "behavioral"]
    assert body["total"] == len(behavioral) > 0 and {i["round"] for i in body["items"]} == {"behavioral"}
    raw = response.text
    assert "key_points" not in raw and "model_answer" not in raw and "follow_ups" not in raw
    for question in behavioral:
        assert question.model_answer not in raw
        assert not any(point in raw for point in question.key_points if len(point) > 25)
    tagged = next(q for q in behavioral if q.companies)
    filtered = client.get(f"/v1/questions?company={tagged.companies[0]}", headers=alice).json()
    assert tagged.id in [i["id"] for i in filtered["items"]]
    assert all(tagged.companies[0] in i["companies"] for i in filtered["items"])


def test_rubric_route(client: TestClient, alice: dict[str, str]) -> None:
    rubric = client.get("/v1/rubrics/behavioral", headers=alice)
    assert rubric.status_code == 200
    body = rubric.json()
    assert body["round"] == "behavioral" and len(body["criteria"]) >= 4
    assert all(len(c["levels"]) == 4 for c in body["criteria"])


def test_grade_route(client: TestClient, services: Services, alice: dict[str, str]) -> None:
    qid = next(q.id for q in services.bank().questions if q.round == "behavioral")
    by_id = client.post(
        "/v1/grade", json={"round": "behavioral", "question_id": qid, "answer": "I did."}, headers=alice
    )
    assert by_id.status_code == 200 and by_id.json()["question_id"] == qid
    assert set(by_id.json()) >= {"overall", "criteria", "flags", "missed_key_points", "feedback"}
    free = client.post(
        "/v1/grade", json={"round": "behavioral", "question": "Tell me?", "answer": "x"}, headers=alice
    )
    assert free.status_code == 200 and free.json()["question"] == "Tell me?"
    both = client.post(
        "/v1/grade",
        json={"round": "behavioral", "question": "Q", "question_id": qid, "answer": "x"},
        headers=alice,
    )
    assert both.status_code == 422 and both.json()["code"] == "question_required"
    unknown = client.post(
        "/v1/grade", json={"round": "behavioral", "question_id": "nope", "answer": "x"}, headers=alice
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_input"
    mismatch = client.post(
        "/v1/grade", json={"round": "ml-depth", "question_id": qid, "answer": "x"}, headers=alice
    )
    assert mismatch.json()["code"] == "question_round_mismatch"


def test_progress_lists_per_criterion_scores_per_user(
    client: TestClient, services: Services, alice: dict[str, str], bob: dict[str, str], bank: Bank
) -> None:
    sids = []
    for strong in (False, True):
        sid = _start(client, alice)["id"]
        question = bank.question(_first_question(services, "alice", sid).question_id or "")
        _say(client, alice, sid, question.model_answer if strong else "short")
        client.post(f"/v1/sessions/{sid}/end", headers=alice)
        sids.append(sid)
    points = client.get("/v1/progress", headers=alice).json()["points"]
    assert [p["session_id"] for p in points] == sids  # oldest first
    rubric = bank.rubrics["behavioral"]
    assert all(p["names"] == {c.id: c.name for c in rubric.criteria} for p in points)
    for point, sid in zip(points, sids, strict=True):
        report = client.get(f"/v1/sessions/{sid}/report", headers=alice).json()
        assert point["overall"] == report["overall"]["score"]
        assert point["criteria"] == {c["id"]: c["score"] for c in report["criteria"]}
    assert points[1]["overall"] > points[0]["overall"]  # the model answer beats "short"
    assert client.get("/v1/progress", headers=bob).json()["points"] == []
    assert client.get("/v1/progress?round=case-study", headers=alice).json()["points"] == []


def test_unknown_path_and_method_are_json_errors(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.delete("/healthz")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_openapi_docs_and_index_page(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/sessions", "/v1/sessions/{session_id}/messages", "/v1/grade", "/readyz"} <= set(
        schema["paths"]
    )
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
