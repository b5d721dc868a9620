"""The bubblewrap runner's structured result: values, errors, output, limits, and nothing left behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from interviewer.ports import CodeJob, CodeTest
from sandbox.bwrap import BwrapRunner, Limits, python_binds

RUNNER = BwrapRunner(Limits(cpu_s=2, wall_s=4, memory_mb=512, processes=8, output_kb=1))


def job(code: str, *calls: str) -> CodeJob:
    return CodeJob(
        code=code, entry="f", tests=tuple(CodeTest(name=f"t{i}", args=a) for i, a in enumerate(calls))
    )


def test_each_call_reports_its_value_or_its_error() -> None:
    run = RUNNER.run(job("def f(a, b):\n    print('seen')\n    return a / b\n", "(6, 3)", "(1, 0)"))
    assert run.verdict == "error"
    assert [o.value for o in run.outcomes] == [2.0, None]
    assert run.outcomes[1].error == "ZeroDivisionError: division by zero"
    assert run.message == "ZeroDivisionError: division by zero"
    assert run.stdout == "seen\nseen\n"
    assert run.wall_s > 0 and run.max_rss_kb > 0


def test_setup_builds_arguments_and_numpy_results_come_back_as_lists() -> None:
    code = "import numpy as np\ndef f(x):\n    return np.asarray(x) * 2\n"
    calls = CodeJob(code=code, entry="f", tests=(CodeTest("big", "(xs,)", setup="xs = list(range(4))"),))
    run = RUNNER.run(calls)
    assert run.verdict == "ok", run
    assert run.outcomes[0].value == [0, 2, 4, 6]


def test_code_that_does_not_load_says_why() -> None:
    run = RUNNER.run(job("def f(:\n", "()"))
    assert run.verdict == "error"
    assert run.message is not None and "SyntaxError" in run.message
    assert run.outcomes == ()


def test_output_is_truncated_at_the_cap() -> None:
    run = RUNNER.run(job("def f():\n    print('y' * 5000)\n", "()"))
    assert run.verdict == "output"
    assert run.stdout.startswith("y" * 1024)
    assert "more bytes cut" in run.stdout


def test_a_missing_entry_point_is_an_error() -> None:
    run = RUNNER.run(job("def g():\n    pass\n", "()"))
    assert run.verdict == "error" and run.message is not None and "AttributeError" in run.message


def test_nothing_is_left_in_the_temp_dir() -> None:
    before = set(Path(tempfile.gettempdir()).glob("mi-run-*"))
    RUNNER.run(job("open('/box/x', 'w').write('x')\ndef f():\n    return 1\n", "()"))
    assert set(Path(tempfile.gettempdir()).glob("mi-run-*")) == before


@pytest.mark.parametrize("module", ["numpy", "pandas", "sqlite3"])
def test_the_problem_libraries_import_in_the_sandbox(module: str) -> None:
    run = RUNNER.run(job(f"import {module}\ndef f():\n    return {module}.__name__\n", "()"))
    assert run.verdict == "ok", run
    assert run.outcomes[0].value == module


def test_a_system_python_needs_no_binds_and_a_venv_is_mounted_at_opt_venv(tmp_path: Path) -> None:
    assert python_binds("/usr/bin/python3.11") == ([], "/usr/bin/python3.11")
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "pyvenv.cfg").write_text(f"home = {tmp_path}/base/bin\n")
    binds, inside = python_binds(str(tmp_path / "venv" / "bin" / "python"))
    assert inside == "/opt/venv/bin/python"
    assert (str(tmp_path / "venv"), "/opt/venv") in binds and (
        str(tmp_path / "base"),
        str(tmp_path / "base"),
    ) in binds


def test_the_process_limit_holds_for_forks() -> None:
    code = (
        "import os, time\ndef f():\n    made = 0\n    for _ in range(40):\n        try:\n"
        "            pid = os.fork()\n        except OSError:\n            return made\n"
        "        if pid == 0:\n            time.sleep(1)\n"
        "            os._exit(0)\n        made += 1\n    return made\n"
    )
    run = RUNNER.run(job(code, "()"))
    assert run.verdict == "ok", run
    assert run.outcomes[0].value == 7  # 8 processes: the harness and 7 children
