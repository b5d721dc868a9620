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
