"""`question_id` and `minutes` on POST /v1/sessions (issue 11): practise a chosen question, time box."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.deps import Services
from interviewer.domain.bank import Bank
from tests.support.api_support import first_question


def test_a_session_opens_on_the_requested_question(
    client: TestClient, services: Services, alice: dict[str, str], bank: Bank
) -> None:
    wanted = bank.by_round(bank.question("sd-invoice-document-extraction").round)[-1]
    response = client.post(
        "/v1/sessions", json={"round": "ml-system-design", "question_id": wanted.id}, headers=alice
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["question_id"] == wanted.id
    assert first_question(services, "alice", body["id"]).question_id == wanted.id
    assert body["elapsed_seconds"] is not None and body["elapsed_seconds"] >= 0


def test_an_unknown_question_id_is_422_pointing_to_the_questions_listing(
    client: TestClient, alice: dict[str, str]
) -> None:
    response = client.post(
        "/v1/sessions",
        json={"round": "ml-system-design", "question_id": "sd-no-such-question"},
        headers=alice,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_question"
    assert "sd-no-such-question" in body["message"] and "mock-interviewer questions" in body["message"]


def test_a_question_of_another_round_is_422(client: TestClient, alice: dict[str, str]) -> None:
    response = client.post(
        "/v1/sessions",
        json={"round": "behavioral", "question_id": "sd-invoice-document-extraction"},
        headers=alice,
    )
    assert response.status_code == 422 and "ml-system-design" in response.json()["message"]


def test_minutes_is_kept_and_out_of_range_is_rejected(client: TestClient, alice: dict[str, str]) -> None:
    ok = client.post("/v1/sessions", json={"round": "case-study", "minutes": 30}, headers=alice)
    assert ok.status_code == 201 and ok.json()["time_box_minutes"] == 30
    bad = client.post("/v1/sessions", json={"round": "case-study", "minutes": 0}, headers=alice)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
