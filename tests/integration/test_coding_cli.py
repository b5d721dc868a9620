"""`mock-interviewer code` over the real sandbox: a fenced block from a file, one JSON document out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.errors import InputError


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    import typer

    from interviewer.cli import coding

    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    cli = typer.Typer()
    coding.register(cli)

    @cli.command("noop")
    def _noop() -> None:  # a second command keeps typer from collapsing `code` into the root
        """Unused."""

    return cli


def test_a_fenced_block_is_run_on_the_examples(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "answer.md"
    answer.write_text(
        "Here:\n```python\ndef moving_average(values, w):\n    return [1.0, 1.5, 2.5, 3.5]\n```\n"
    )
    result = CliRunner().invoke(app, ["code", "moving-average", "--code", str(answer), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["verdict"] == "ok" and document["passed"] == document["total"] == 1
    assert "report" not in document


def test_a_submission_is_graded_and_the_hard_coding_is_capped(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "solution.py"
    answer.write_text("def moving_average(values, w):\n    return [1.0, 1.5, 2.5, 3.5]\n")
    args = ["code", "moving-average", "--code", str(answer), "--submit", "--json", "--say", "It is O(n)."]
    document = json.loads(CliRunner().invoke(app, args).stdout)
    assert document["passed"] == 1 and document["total"] == 5
    assert document["report"]["overall"] <= 2.0 and document["report"]["capped"]


def test_a_file_without_code_is_refused(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "answer.md"
    answer.write_text("no code here")
    result = CliRunner().invoke(app, ["code", "moving-average", "--code", str(answer)])
    assert isinstance(result.exception, InputError)


def test_a_session_continues_and_its_own_runs_are_graded(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tmp_path / "solution.py"
    answer.write_text(
        "def moving_average(values, w):\n    out, total = [], 0.0\n    for i, v in enumerate(values):\n"
        "        total += v\n        if i >= w:\n            total -= values[i - w]\n"
        "        out.append(total / min(w, i + 1))\n    return out\n"
    )
    first = json.loads(
        CliRunner().invoke(app, ["code", "moving-average", "--code", str(answer), "--json"]).stdout
    )
    assert first["runs"] == 1 and first["passed"] == 1
    args = ["code", "--session", first["session_id"], "--code", str(answer), "--submit", "--end", "--json"]
    document = json.loads(CliRunner().invoke(app, args).stdout)
    assert document["runs"] == 1 and document["passed"] == document["total"] == 5
    testing = next(c for c in document["report"]["criteria"] if c["id"] == "testing")
    assert "ran the examples 1 time(s) before submitting" in testing["evidence"]
    assert document["session_report"]["round"] == "coding"
    ended = CliRunner().invoke(app, ["code", "--session", first["session_id"], "--say", "more", "--json"])
    assert isinstance(ended.exception, InputError)


def test_the_interview_command_runs_a_coding_session_from_an_answers_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import typer

    from interviewer.cli import interview

    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    cli = typer.Typer()
    interview.register(cli)

    @cli.command("noop")
    def _noop() -> None:
        """Unused."""

    answers = tmp_path / "answers.md"
    answers.write_text(
        "What happens at the start, with fewer than w values?\n\n```python\n"
        "def moving_average(values, w):\n    out, total = [], 0.0\n\n    for i, v in enumerate(values):\n"
        "        total += v\n        if i >= w:\n            total -= values[i - w]\n"
        "        out.append(total / min(w, i + 1))\n    return out\n```\n\n/submit\n"
    )
    args = [
        "interview",
        "--round",
        "coding",
        "--question-id",
        "moving-average",
        "--answers-file",
        str(answers),
    ]
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    kinds = [t["kind"] for t in document["transcript"] if t["speaker"] == "interviewer"]
    assert kinds == ["opening", "clarification", "run", "submission", "wrap_up"]
    assert document["transcript"][2]["text"] == "At the start, average over the values seen so far."
    assert (
        document["round"] == "coding"
        and document["report"]["questions"][0]["question_id"] == "moving-average"
    )
    testing = next(c for c in document["report"]["criteria"] if c["id"] == "testing")
    assert "ran the examples 1 time(s) before submitting" in testing["evidence"]
