"""The LLM brain through the HTTP API, against a scripted OpenAI-compatible server on 127.0.0.1.

The real engine, grader and store; only the model is a fake: it answers from a script, fails with
HTTP 500 or stalls past the timeout when told to.
"""

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
from interviewer.settings import load_settings
from tests.support.api_support import end_and_check_report
from tests.support.llm_fault_server import FaultServer, fault_server

pytestmark = pytest.mark.slow

LLM_KINDS = {"follow_up", "next_question"}
ANSWERS = (
    "Two weeks before a launch our team disagreed about replacing the ranker; two teams depended on it.",
    "I asked my colleague to walk me through the data, then proposed a one-week offline benchmark.",
    "The benchmark showed a 3% lift, we shipped on time, and I credited him in the launch review.",
    "Since then I write a short comparison doc before any debate, which settles most of them early.",
)


@pytest.fixture
def model_server() -> Iterator[FaultServer]:
    with fault_server(reply="Thanks for that. What did you measure to know it worked?") as (server, url):
        server.slow_s = 2.5
        server.reword = True  # a capable model: it rewords the planned line
        server.base_url = url  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def services(model_server: FaultServer, tmp_path: Path, real_embedder: Embedder, bank: Bank) -> Services:
    settings = load_settings(
        data_dir=tmp_path / "data",
        llm_base_url=model_server.base_url,  # type: ignore[attr-defined]
        llm_timeout_s=1.0,
        llm_max_retries=1,
        llm_retry_backoff_s=0,
        questions_behavioral=4,  # enough main questions that every answer below gets a worded reply
    )
    return build_services(Components(settings, embedder=real_embedder, bank=bank))


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(build_app(services)) as test_client:
        yield test_client


def _say(client: TestClient, sid: str, content: str) -> dict:
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": content})
    assert response.status_code == 200, response.text
    return response.json()


def _secrets_of_current_question(services: Services, sid: str) -> list[str]:
    state = services.sessions.load(services.local_user().id, sid)
    question = services.bank().question(state.current.question_id)
    return [point for point in question.key_points if len(point.split()) >= 8]


def _last_user_message(server: FaultServer) -> str:
    return str(server.requests[-1]["messages"][-1]["content"])


def test_a_full_llm_interview_with_guard_fallbacks_and_report(
    client: TestClient, services: Services, model_server: FaultServer
) -> None:
    started = client.post("/v1/sessions", json={"round": "behavioral", "brain": "llm"})
    assert started.status_code == 201, started.text
    session = started.json()
    sid = session["id"]
    opening = session["turns"][0]
    assert session["brain"] == "llm" and opening["brain"] == "llm"
    bridge, _, question = opening["text"].partition("\n\n")
    planned = str(model_server.requests[0]["messages"][-1]["content"])
    assert question and question not in planned  # the model words the bridge; the question follows verbatim
    assert bridge and f'Line: "{bridge}"' not in planned  # reworded, not echoed

    # 1. The reply comes from the model, which was given the candidate's answer and the planned line.
    first = _say(client, sid, ANSWERS[0])
    assert first["reply"]["kind"] in LLM_KINDS
    assert first["reply"]["text"].startswith(
        ("Thanks, that helps me follow your approach.", "Thanks for that.")
    )
    assert ANSWERS[0] in _last_user_message(model_server) and 'Line: "' in _last_user_message(model_server)
    assert first["session"]["turns"][-1]["brain"] == "llm"

    # 2. A model reply that recites a key point is rejected whole: the planned line is said instead.
    secret = _secrets_of_current_question(services, sid)[0]
    model_server.replies = [f"Thanks. {secret}. Which result would you point to first?"]
    guarded = _say(client, sid, ANSWERS[1])
    assert secret not in guarded["reply"]["text"]
    assert "Which result would you point to first?" not in guarded["reply"]["text"]
    assert guarded["session"]["turns"][-1]["brain"] == "offline"
    rejected = [e for e in guarded["session"]["events"] if e["kind"] == "llm_rejected"]
    assert [e["turn_index"] for e in rejected] == [len(guarded["session"]["turns"]) - 1]

    # 3. HTTP 500 on every try: the offline brain answers the turn, and the session says so.
    model_server.modes = ["500", "500"]
    failed = _say(client, sid, ANSWERS[2])
    assert failed["reply"]["kind"] in LLM_KINDS and failed["reply"]["text"]
    assert failed["session"]["turns"][-1]["brain"] == "offline"
    fallback_turns = [e["turn_index"] for e in failed["session"]["events"] if e["kind"] == "llm_fallback"]
    assert fallback_turns == [len(failed["session"]["turns"]) - 1]

    # 4. A stalled endpoint times out the same way; then the next turn is the model's again.
    model_server.modes = ["slow", "slow"]
    stalled = _say(client, sid, ANSWERS[3])
    assert stalled["session"]["turns"][-1]["brain"] == "offline"
    assert [e["kind"] for e in stalled["session"]["events"]].count("llm_fallback") == 2
    stored = services.sessions.load(services.local_user().id, sid)
    details = [e.detail for e in stored.events if e.kind == "llm_fallback"]
    assert "500" in details[0] and "time" in details[1].lower()

    # 5. /hint is the offline brain's (exact, from the rubric): no model call.
    calls = len(model_server.requests)
    hint = _say(client, sid, "/hint")
    assert hint["reply"]["kind"] == "hint" and len(model_server.requests) == calls
    assert hint["session"]["turns"][-1]["brain"] == "offline"

    # 6. /end gives the report, graded on the candidate's own words.
    end_and_check_report(client, sid, "behavioral", ANSWERS)
    transcript = " ".join(t["text"] for t in client.get(f"/v1/sessions/{sid}").json()["turns"])
    assert secret not in transcript


def test_llm_reply_streams_as_server_sent_events(client: TestClient, model_server: FaultServer) -> None:
    sid = client.post("/v1/sessions", json={"round": "behavioral", "brain": "llm"}).json()["id"]
    with client.stream(
        "POST",
        f"/v1/sessions/{sid}/messages",
        json={"content": ANSWERS[0]},
        headers={"Accept": "text/event-stream"},
    ) as response:
        raw = "".join(response.iter_text())
    assert "event: error" not in raw
    done = json.loads(raw.rsplit("event: done\ndata: ", 1)[1])
    tokens = [
        json.loads(block.split("data: ", 1)[1])["text"]
        for block in raw.split("\n\n")
        if "event: token" in block
    ]
    assert done["reply"]["text"].startswith(
        ("Thanks, that helps me follow your approach.", "Thanks for that.")
    )
    assert "".join(tokens).strip() == done["reply"]["text"]
    assert done["session"]["turns"][-1]["brain"] == "llm"


def test_an_unreachable_endpoint_still_gives_a_whole_interview(
    tmp_path: Path, real_embedder: Embedder, bank: Bank
) -> None:
    from api.http_wait import free_port

    settings = load_settings(
        data_dir=tmp_path / "data",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nothing listens there
        llm_max_retries=0,
    )
    services = build_services(Components(settings, embedder=real_embedder, bank=bank))
    with TestClient(build_app(services)) as client:
        started = client.post("/v1/sessions", json={"round": "case-study", "brain": "llm"})
        assert started.status_code == 201, started.text
        session = started.json()
        assert session["turns"][0]["brain"] == "offline" and session["turns"][0]["text"]
        assert [e["kind"] for e in session["events"]] == ["llm_retry", "llm_fallback"]
        reply = _say(client, session["id"], ANSWERS[0])
        assert reply["reply"]["text"] and reply["session"]["turns"][-1]["brain"] == "offline"
        report = client.post(f"/v1/sessions/{session['id']}/end")
        assert report.status_code == 200 and report.json()["round"] == "case-study"
