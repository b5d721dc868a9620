"""The bank and grading routes: questions without secrets, rubrics, /v1/grade, progress, errors, docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.deps import Services
from interviewer.domain.bank import Bank
from tests.support.api_support import first_question, say, start_session


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
        sid = start_session(client, alice)["id"]
        question = bank.question(first_question(services, "alice", sid).question_id or "")
        say(client, alice, sid, question.model_answer if strong else "short")
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
