"""`GET /v1/plan`, `GET /v1/progress` (JSON and CSV), "practise next" and `mock-interviewer plan`,
over a seeded two-week history (the real engine and grader, the hashing embedder, SQLite)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import build_app
from api.deps import Services
from evals.coach_history import TWO_WEEKS, seed_history
from interviewer.domain.bank import load_bank
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState
from interviewer.settings import SHIPPED_CORPUS, load_settings
from tests.support.api_support import hashing_services


@dataclass
class Seeded:
    client: TestClient
    services: Services
    states: list[SessionState]
    data_dir: Path


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir, max_follow_ups=0, warm_up=False)
    services = hashing_services(settings)
    start = datetime.now(UTC) - timedelta(days=14)
    states = seed_history(services.components, services.local_user().id, start)
    with TestClient(build_app(services)) as client:
        yield Seeded(client, services, states, data_dir)


def test_the_plan_is_due_first_and_leaves_out_questions_seen_in_the_last_days(seeded: Seeded) -> None:
    client, states = seeded.client, seeded.states
    plan = client.get("/v1/plan", params={"limit": 50}).json()
    assert plan["recent_days"] == 3 and not plan["include_recent"]
    dues = [item["due"] for item in plan["items"]]
    assert plan["items"] and dues == sorted(dues)
    recent_days = [p.day for p in TWO_WEEKS if p.day >= 14 - 3]
    recent = {
        q.question_id
        for s, p in zip(states, TWO_WEEKS, strict=True)
        if p.day in recent_days
        for q in s.questions
    }
    assert recent and not recent & {item["question_id"] for item in plan["items"]}
    every = client.get("/v1/plan", params={"limit": 50, "include_recent": "true"}).json()["items"]
    assert recent & {item["question_id"] for item in every}


def test_progress_has_trends_the_weakest_criteria_and_a_csv_export(seeded: Seeded) -> None:
    client, states = seeded.client, seeded.states
    doc = client.get("/v1/progress").json()
    assert doc["latest_round"] == TWO_WEEKS[-1].round
    assert {t["round"] for t in doc["trends"]} == {p.round for p in TWO_WEEKS}
    design = [t for t in doc["trends"] if t["round"] == "ml-system-design"]
    assert all(len(t["levels"]) == sum(p.round == "ml-system-design" for p in TWO_WEEKS) for t in design)
    assert len(doc["weakest"]) == 3
    weakest_last = [t["last"] or 0 for t in doc["weakest"]]
    assert max(weakest_last) <= min(t["last"] or 0 for t in doc["trends"] if t not in doc["weakest"])
    response = client.get("/v1/progress", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == sum(len(s.report.criteria) for s in states if s.report)
    assert {r["round"] for r in rows} == {p.round for p in TWO_WEEKS}


def test_practise_next_starts_a_session_on_the_planned_question(seeded: Seeded) -> None:
    client = seeded.client
    item = next(i for i in client.get("/v1/plan").json()["items"] if i["question_id"])
    created = client.post("/v1/sessions", json={"round": item["round"], "question_id": item["question_id"]})
    assert created.status_code == 201, created.text
    services = seeded.services
    stored = services.sessions.load(services.local_user().id, created.json()["id"])
    assert stored.questions[0].question_id == item["question_id"]
    wrong_round = "behavioral" if item["round"] != "behavioral" else "ml-depth"
    refused = client.post("/v1/sessions", json={"round": wrong_round, "question_id": item["question_id"]})
    assert refused.status_code == 422 and item["question_id"] in refused.json()["message"]


def test_the_plan_command_prints_the_same_plan(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    from interviewer.cli import practice

    client, data_dir = seeded.client, seeded.data_dir
    monkeypatch.setenv("MI_DATA_DIR", str(data_dir))
    app = typer.Typer()
    practice.register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["plan", "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    api_items = client.get("/v1/plan", params={"limit": 5}).json()["items"]
    assert [(i["kind"], i["question_id"], i["due"]) for i in items] == [
        (i["kind"], i["question_id"], i["due"]) for i in api_items
    ]
    table = CliRunner().invoke(app, ["plan"], env={"COLUMNS": "160"})
    assert "Study plan (spaced review)" in table.stdout and api_items[0]["round"] in table.stdout


def test_the_coach_example_prints_the_report_top_progress_and_plan(seeded: Seeded) -> None:
    from interviewer.cli.coach_demo import render

    user_id = seeded.services.local_user().id
    page = render(seeded.services.components, user_id, seeded.states, datetime.now(UTC))
    last = seeded.states[-1].report
    assert last is not None
    for line in last.summary.lines[:2]:
        assert line.split(":")[0] in page
    assert "| Round | Criterion | Levels | Trend |" in page and "Weakest across rounds: " in page
    assert "Study plan (spaced review)" in page and page.count("```") == 4


def test_the_interview_command_starts_on_the_planned_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from interviewer.cli import interview

    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MI_EMBEDDING_MODEL", "hashing-384")
    answers = tmp_path / "answers.txt"
    answers.write_text("I would say the plan first, then the trade-off.\n\n/end\n")
    app = typer.Typer()
    interview.register(app)
    app.command("noop")(lambda: None)
    args = ["interview", "--round", "ml-depth", "--question-id", "MISSING", "--answers-file", str(answers)]
    missing = CliRunner().invoke(app, [*args, "--json", "--no-history"])
    assert missing.exit_code != 0 and "MISSING" in str(missing.exception)
    wanted = load_bank(SHIPPED_CORPUS).by_round(Round.ML_DEPTH)[-1].id
    args[4] = wanted
    result = CliRunner().invoke(app, [*args, "--json", "--no-history"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["questions"][0]["question_id"] == wanted
