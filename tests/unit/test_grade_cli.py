"""`mock-interviewer grade`: JSON contract on stdout, readable report, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.errors import InputError


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    import typer

    from interviewer.cli import grade as grade_commands

    monkeypatch.setenv("MI_EMBEDDING_MODEL", "hashing")  # the fake embedder: fast and deterministic
    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    cli = typer.Typer()
    grade_commands.register(cli)

    @cli.command("noop")
    def _noop() -> None:  # a second command keeps typer from collapsing `grade` into the root
        """Unused."""

    return cli


def _answer(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answer.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output_is_exactly_one_document(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = _answer(tmp_path, "I'd rank listings by purchase probability and measure NDCG@10 offline.")
    args = ["grade", "--round", "ml-system-design", "--question-id", "sd-marketplace-recommendations"]
    result = CliRunner().invoke(app, [*args, "--answer-file", str(answer), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["overall"]) >= {"score", "recommendation", "confidence"}
    assert 1 <= doc["overall"]["score"] <= 4
    for c in doc["criteria"]:
        assert set(c) >= {"id", "name", "score", "evidence", "rubric_ref", "descriptor"}
        assert c["rubric_ref"].startswith("ml-system-design#")
    assert isinstance(doc["flags"], list) and isinstance(doc["missed_key_points"], list)
    assert isinstance(doc["feedback"], dict)


def test_empty_file_grades_as_bottom(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = ["grade", "--round", "ml-depth", "--question-id", "md-bias-variance", "--json"]
    result = CliRunner().invoke(app, [*args, "--answer-file", str(_answer(tmp_path, ""))])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["overall"]["score"] == 1.0 and "empty" in doc["flags"]


def test_free_text_question_and_readable_report(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = _answer(tmp_path, "Bias is underfitting with high training error; variance is overfitting.")
    args = ["grade", "--round", "ml-depth", "--question", "Explain the bias variance trade-off in practice."]
    result = CliRunner().invoke(app, [*args, "--answer-file", str(answer)])
    assert result.exit_code == 0, result.output
    assert "free-text" in result.stdout and "Practise next" in result.stdout


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--question-id", "no-such-question"], "no question"),
        (["--question-id", "md-bias-variance", "--question", "both"], "exactly one"),
        (["--question-id", "sd-marketplace-recommendations"], "not ml-depth"),
        (["--question", "  "], "must not be empty"),
    ],
)
def test_input_errors(app, tmp_path: Path, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    args = ["grade", "--round", "ml-depth", "--answer-file", str(_answer(tmp_path, "text")), *extra]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)


def test_missing_answer_file_is_an_input_error(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = ["grade", "--round", "ml-depth", "--question-id", "md-bias-variance"]
    result = CliRunner().invoke(app, [*args, "--answer-file", str(tmp_path / "missing.txt")])
    assert isinstance(result.exception, InputError)
