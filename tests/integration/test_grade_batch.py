"""Batch grading: `mock-interviewer grade --batch FILE` and `POST /v1/grade/batch`.

A bad line or item gets an error naming it and never stops the others; good ones get full reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

GOOD_BANK = {
    "id": "bank",
    "round": "behavioral",
    "question_id": "bh-mentoring",
    "answer": "I mentored a new engineer for six months on evaluation design. I paired with her weekly "
    "and reviewed her first experiment plans. She later led our offline metrics work and cut review "
    "time by 30%.",
}
GOOD_FREE = {
    "id": "free",
    "round": "ml-depth",
    "question": "What does dropout do?",
    "answer": "Dropout zeroes each activation with probability p during training and rescales the rest, "
    "so units cannot co-adapt; at inference every unit is kept.",
}
BAD_LINES = {
    "not json": "not valid JSON",
    json.dumps({"id": "r", "round": "nope", "question": "q?", "answer": "a"}): "unknown round 'nope'",
    json.dumps({"id": "q", "round": "behavioral", "question_id": "no-such", "answer": "a"}): "no-such",
    json.dumps({"round": "behavioral", "question_id": "bh-mentoring"}): "'answer' is required",
    json.dumps({"round": "ml-depth", "answer": "a"}): "exactly one of question_id or question",
    json.dumps({"round": "ml-depth", "question_id": "bh-mentoring", "answer": "a"}): "behavioral question",
    json.dumps(["a", "list"]): "must be a JSON object",
}


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    import typer

    from interviewer.cli import grade as grade_commands

    monkeypatch.setenv("MI_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    grade_commands.register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer from collapsing `grade` into the root
        """Unused."""

    return app


def test_every_line_gets_one_json_document_and_bad_lines_name_themselves(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps(GOOD_BANK), *BAD_LINES, "", json.dumps(GOOD_FREE)]
    batch = tmp_path / "answers.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["grade", "--batch", str(batch)])
    assert result.exit_code == 1  # some lines failed
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == len(BAD_LINES) + 2  # the blank line is skipped, nothing else is
    by_line = {d["line"]: d for d in docs}
    assert by_line[1]["id"] == "bank" and by_line[1]["report"]["question_id"] == "bh-mentoring"
    free = by_line[len(lines)]
    assert free["id"] == "free" and free["report"]["question_id"] is None
    assert {c["id"] for c in free["report"]["criteria"]} >= {"correctness", "mechanism-depth"}
    for number, expected in enumerate(BAD_LINES.values(), start=2):
        assert "report" not in by_line[number]
        assert expected in by_line[number]["error"], by_line[number]
    assert f"graded 2 of {len(docs)} lines; {len(BAD_LINES)} failed" in result.stderr


def test_a_clean_batch_exits_zero_and_matches_single_grading(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "answers.jsonl"
    batch.write_text(json.dumps(GOOD_BANK) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["grade", "--batch", str(batch)])
    assert result.exit_code == 0, result.output
    batch_report = json.loads(result.stdout)["report"]
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_BANK["answer"], encoding="utf-8")
    single = CliRunner().invoke(
        cli, ["grade", "--round", "behavioral", "--question-id", "bh-mentoring", "--answer-file", str(answer),
              "--json"],
    )  # fmt: skip
    assert single.exit_code == 0, single.output
    assert json.loads(single.stdout) == batch_report


def test_batch_refuses_single_answer_flags_and_empty_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from interviewer.errors import InputError

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["grade", "--batch", str(empty)])
    assert isinstance(result.exception, InputError) and "no lines" in str(result.exception)
    result = CliRunner().invoke(cli, ["grade", "--batch", str(empty), "--round", "behavioral"])
    assert isinstance(result.exception, InputError) and "from the file only" in str(result.exception)


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    from api.app import build_app
    from api.deps import build_services
    from ingest.embedder import HashingEmbedder
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "data", warm_up=False, rate_limit_backend="memory")
    services = build_services(Components(settings, embedder=HashingEmbedder()))
    with TestClient(build_app(services)) as test_client:
        yield test_client


def test_api_batch_reports_each_item_and_errors_per_item(client) -> None:  # type: ignore[no-untyped-def]
    bad = {"id": "bad", "round": "behavioral", "question_id": "no-such", "answer": "x"}
    response = client.post("/v1/grade/batch", json={"items": [GOOD_BANK, bad, GOOD_FREE]})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert [r["id"] for r in results] == ["bank", "bad", "free"]
    assert results[0]["report"]["question_id"] == "bh-mentoring" and results[0]["error"] is None
    assert results[1]["report"] is None and "no-such" in results[1]["error"]
    assert results[2]["report"]["round"] == "ml-depth"
    single = client.post("/v1/grade", json={k: v for k, v in GOOD_BANK.items() if k != "id"})
    assert single.json() == results[0]["report"]


def test_api_batch_has_a_size_limit(client) -> None:  # type: ignore[no-untyped-def]
    from api.schemas import MAX_BATCH

    too_many = {"items": [GOOD_FREE] * (MAX_BATCH + 1)}
    assert client.post("/v1/grade/batch", json=too_many).status_code == 422
    assert client.post("/v1/grade/batch", json={"items": []}).status_code == 422
