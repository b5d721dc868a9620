"""`mock-interviewer interview`: answers-file mode with --json, history of seen questions, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.interview import read_answer_blocks
from interviewer.errors import InputError

ANSWERS = """I would start with requirements: 5,000 applications a day,
and decisions within a second.

/hint

Labels from 12-month defaults; features from cash flow and bureau data.
Logistic regression as a baseline, then gradient boosted trees.

/end
"""


def test_answer_blocks_are_blank_line_separated(tmp_path: Path) -> None:
    path = tmp_path / "answers.txt"
    path.write_text(ANSWERS)
    blocks = read_answer_blocks(path)
    assert blocks[1:] == [
        "/hint",
        "Labels from 12-month defaults; features from cash flow and bureau data.\n"
        "Logistic regression as a baseline, then gradient boosted trees.",
        "/end",
    ]
    assert blocks[0].startswith("I would start with requirements")
    (tmp_path / "empty.txt").write_text("\n\n  \n")
    with pytest.raises(InputError):
        read_answer_blocks(tmp_path / "empty.txt")


def test_a_fenced_code_block_stays_one_turn_blank_lines_and_all(tmp_path: Path) -> None:
    path = tmp_path / "answers.md"
    path.write_text("Here it is:\n```python\nimport math\n\n\ndef f():\n    return 1\n```\n\n/submit\n")
    assert read_answer_blocks(path) == [
        "Here it is:\n```python\nimport math\n\n\ndef f():\n    return 1\n```",
        "/submit",
    ]


def _app():  # type: ignore[no-untyped-def]
    import typer

    from interviewer.cli import interview as interview_commands

    app = typer.Typer()
    interview_commands.register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer in sub-command mode
        pass

    return app


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MI_EMBEDDING_MODEL", "hashing-384")
    answers = tmp_path / "answers.txt"
    answers.write_text(ANSWERS)
    return answers


@pytest.mark.slow
def test_answers_file_json_prints_transcript_and_report(cli_env: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["interview", "--round", "ml-system-design", "--seed", "3", "--answers-file", str(cli_env),
                 "--json", "--no-history"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["round"] == "ml-system-design" and doc["status"] == "ended" and doc["seed"] == 3
    candidate = [t for t in doc["transcript"] if t["speaker"] == "candidate"]
    assert [t["text"] for t in candidate] == read_answer_blocks(cli_env)
    assert [t["kind"] for t in candidate] == ["answer", "command", "answer", "command"]
    assert doc["transcript"][-1]["kind"] == "wrap_up"
    assert doc["report"]["overall"]["recommendation"]
    assert doc["questions"][0]["hints_used"] == 1


@pytest.mark.slow
def test_history_avoids_questions_seen_in_earlier_sessions(cli_env: Path) -> None:
    args = [
        "interview",
        "--round",
        "ml-system-design",
        "--seed",
        "1",
        "--answers-file",
        str(cli_env),
        "--json",
    ]
    first = json.loads(CliRunner().invoke(_app(), args).stdout)
    second = json.loads(CliRunner().invoke(_app(), args).stdout)
    assert first["questions"][0]["question_id"] != second["questions"][0]["question_id"]


def test_unknown_round_is_a_readable_exit_2(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main as cli

    monkeypatch.setattr(sys, "argv", ["mock-interviewer", "interview", "--round", "nope"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "valid rounds" in capsys.readouterr().err


def test_terminal_chat_streams_replies_and_ends_with_the_report(bank) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from rich.console import Console

    from interviewer.cli.render import TerminalChat
    from interviewer.domain.rounds import Round
    from tests.support.engine_support import make_interviewer, synthetic_bank

    class ScriptedConsole(Console):
        def __init__(self, lines: list[str]) -> None:
            super().__init__(file=StringIO(), width=100)
            self.lines = lines

        def input(self, prompt: object = "", **kw: object) -> str:  # type: ignore[override]
            if not self.lines:
                raise EOFError
            return self.lines.pop(0)

    interviewer = make_interviewer(synthetic_bank(bank, Round.ML_DEPTH), questions=1)
    console = ScriptedConsole(["It works by \\", "sharding the zebra index.", "", "/hint"])
    saved: list[object] = []
    state = TerminalChat(interviewer, saved.append, console).run(interviewer.start(Round.ML_DEPTH))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert state.status == "ended" and state.report is not None  # EOF after the script ends the session
    assert state.answers_for(0) == ["It works by \nsharding the zebra index."]
    assert "empty message" in output  # the blank line was refused, not sent
    assert "Interviewer:" in output and "Feedback" in output
    assert "00:0" in output and "phase: " in output  # elapsed time and the round phase under a reply
    assert len(saved) == 6  # each candidate turn and each reply committed


def test_llm_brain_without_an_endpoint_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys, cli_env
) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main as cli

    argv = [
        "mock-interviewer",
        "interview",
        "--round",
        "behavioral",
        "--brain",
        "llm",
        "--answers-file",
        str(cli_env),
    ]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "MI_LLM_BASE_URL" in capsys.readouterr().err


@pytest.mark.slow
def test_question_id_opens_on_that_question_and_implies_the_round(cli_env: Path) -> None:
    args = ["interview", "--question-id", "cs-hotel-overbooking", "--answers-file", str(cli_env), "--json",
            "--no-history", "--minutes", "45"]  # fmt: skip
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["round"] == "case-study" and doc["questions"][0]["question_id"] == "cs-hotel-overbooking"


def test_unknown_question_id_names_the_command_that_lists_ids(
    monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main as cli

    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "argv", ["mock-interviewer", "interview", "--question-id", "no-such-question"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "no-such-question" in err and "mock-interviewer questions" in err
