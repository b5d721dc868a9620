"""The API over the real offline engine and grader, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from api.deps import Services, build_services
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.ports import Embedder
from interviewer.settings import Settings, load_settings
from interviewer.store import Change
from tests.support.api_support import end_and_check_report, throwaway_postgres_database

pytestmark = pytest.mark.slow

ANSWER = (
    "In 2023 our fraud model's recall dropped after a data pipeline change. I owned the investigation: I "
    "compared feature distributions, found a timezone bug, and wrote the fix and a backfill. Recall went "
    "from 71% back to 88% within a week, and I added a drift alert so we catch it earlier next time."
)


def _services(settings: Settings, real_embedder: Embedder, bank: Bank) -> Services:
    return build_services(Components(settings, embedder=real_embedder, bank=bank))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def services(
    request: pytest.FixtureRequest, tmp_path: Path, real_embedder: Embedder, bank: Bank
) -> Iterator[Services]:
    if request.param == "sqlite":
        yield _services(load_settings(data_dir=tmp_path / "data"), real_embedder, bank)
        return
    with throwaway_postgres_database() as url:
        built = _services(load_settings(data_dir=tmp_path / "data", database_url=url), real_embedder, bank)
        yield built
        built.sessions.engine.dispose()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(build_app(services)) as test_client:
        yield test_client


def test_behavioral_session_end_to_end(client: TestClient, services: Services) -> None:
    started = client.post("/v1/sessions", json={"round": "behavioral", "level": "mid"})
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["brain"] == "offline" and session["turns"][0]["kind"] == "opening"
    sid = session["id"]
    reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": ANSWER}).json()
    assert reply["reply"]["text"] and reply["session"]["turns"][1]["text"] == ANSWER
    with client.stream(
        "POST",
        f"/v1/sessions/{sid}/messages",
        json={"content": "/hint"},
        headers={"Accept": "text/event-stream"},
    ) as response:
        raw = "".join(response.iter_text())
    done = json.loads(raw.rsplit("event: done\ndata: ", 1)[1])
    assert done["reply"]["kind"] == "hint" and "event: token" in raw
    end_and_check_report(client, sid, "behavioral", [ANSWER])
    rubric = client.get("/v1/rubrics/behavioral").json()
    points = client.get("/v1/progress").json()["points"]
    assert len(points) == 1 and set(points[0]["criteria"]) == {c["id"] for c in rubric["criteria"]}
    # The next session never repeats a question this user has already seen.
    first_qid = services.sessions.load(services.local_user().id, sid).questions[0].question_id
    again = client.post("/v1/sessions", json={"round": "behavioral"}).json()
    assert services.sessions.load(services.local_user().id, again["id"]).questions[0].question_id != first_qid


def test_crash_between_commit_and_reply_is_answered_on_load(client: TestClient, services: Services) -> None:
    sid = client.post("/v1/sessions", json={"round": "ml-depth"}).json()["id"]
    user = services.local_user()
    # What an older version's `POST .../messages` committed before answering (today the answer and the
    # reply are one write); the process "died" before the reply, leaving the answer pending.
    record = services.interviewer().record_candidate
    services.sessions.update(user.id, sid, lambda state: Change(record(state, ANSWER), None))
    assert services.sessions.load(user.id, sid).pending_candidate_turn() is not None
    resumed = client.get(f"/v1/sessions/{sid}").json()
    assert [t["role"] for t in resumed["turns"]] == ["interviewer", "candidate", "interviewer"]
    assert resumed["turns"][1]["text"] == ANSWER
    follow = client.post(f"/v1/sessions/{sid}/messages", json={"content": "Because the gradient vanishes."})
    assert follow.status_code == 200 and len(follow.json()["session"]["turns"]) == 5


def test_grade_route_matches_the_grader(client: TestClient, services: Services) -> None:
    question = next(q for q in services.bank().questions if q.round == "behavioral")
    body = {"round": "behavioral", "question_id": question.id, "answer": ANSWER}
    graded = client.post("/v1/grade", json=body)
    assert graded.status_code == 200, graded.text
    result = graded.json()
    assert 1 <= result["overall"]["score"] <= 4 and result["question_id"] == question.id
    assert client.post("/v1/grade", json=body).json()["overall"] == result["overall"]  # deterministic
    free = client.post(
        "/v1/grade", json={"round": "ml-depth", "question": "Why does dropout help?", "answer": "x"}
    )
    assert free.status_code == 200 and free.json()["overall"]["score"] <= 2


def test_empty_message_is_422_and_llm_brain_without_endpoint_is_422(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json={"round": "case-study"}).json()["id"]
    blank = client.post(f"/v1/sessions/{sid}/messages", json={"content": "   "})
    assert blank.status_code == 422 and blank.json()["code"] == "invalid_input"
    llm = client.post("/v1/sessions", json={"round": "case-study", "brain": "llm"})
    assert llm.status_code == 422 and llm.json()["code"] == "brain_unavailable"  # no MI_LLM_BASE_URL set
    assert "llm" in llm.json()["message"]
