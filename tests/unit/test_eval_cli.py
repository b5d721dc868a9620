"""The `eval` command line and the threshold gate, with stand-in suites (no models loaded)."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evals import suites
from evals.suites import EvalOptions, run_suites
from evals.thresholds import evaluate


def _run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> int:
    from interviewer.cli import main as cli

    monkeypatch.setenv("MI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "argv", ["mock-interviewer", "eval", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    return int(exit_info.value.code or 0)


def test_unknown_suite_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = _run_cli(monkeypatch, tmp_path, "speed")
    assert code == 2
    err = capsys.readouterr().err
    assert "speed" in err and "retrieval" in err  # names the bad value and the valid ones


def test_judge_url_without_model_is_a_clear_error_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    called: list[str] = []

    def faithfulness(settings: object, options: object) -> dict[str, Any]:
        called.append("ran")
        return {}

    monkeypatch.setitem(suites.RUNNERS, "faithfulness", faithfulness)
    report = tmp_path / "report"
    code = _run_cli(
        monkeypatch,
        tmp_path,
        "faithfulness",
        "--judge-base-url",
        "http://127.0.0.1:9/v1",
        "--report",
        str(report),
    )
    assert code == 2
    assert "--judge-base-url needs --judge-model" in capsys.readouterr().err
    assert not called and not report.exists()


GRADING_OK_BUT_SLOW = {
    "ordering_accuracy": 1.0,
    "qwk": 0.9,
    "adjacent_agreement": 1.0,
    "adversarial_at_or_below_weak": 1.0,
    "stability": 1.0,
    "latency_p99_ms": 900.0,
}


def _gate(
    monkeypatch: pytest.MonkeyPatch, result: dict[str, Any], *, quick: bool, tmp_path: Path
) -> tuple[int, str]:
    monkeypatch.setitem(suites.RUNNERS, "grading", lambda s, o: dict(result))
    out = StringIO()
    console = Console(file=out, width=200)
    from interviewer.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "data")
    code = run_suites(
        settings,
        ["grading"],
        EvalOptions(quick=quick),
        report_dir=tmp_path / "rep",
        check=True,
        console=console,
    )
    return code, out.getvalue()


def test_latency_is_report_only_in_quick_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output = _gate(monkeypatch, GRADING_OK_BUT_SLOW, quick=True, tmp_path=tmp_path)
    assert code == 0
    assert "info grading.latency_p99_ms < 200.0 (got 900.0) - not met" in output
    assert "report-only in quick/CI mode" in output
    doc = json.loads((tmp_path / "rep" / "report.json").read_text())
    latency = next(t for t in doc["thresholds"] if "latency_p99_ms" in t["check"])
    assert latency["report_only"] is True and latency["passed"] is False
    assert "report-only in quick/CI mode" in (tmp_path / "rep" / "report.md").read_text()


def test_latency_is_asserted_in_a_full_checked_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output = _gate(monkeypatch, GRADING_OK_BUT_SLOW, quick=False, tmp_path=tmp_path)
    assert code == 1
    assert "MISS grading.latency_p99_ms" in output


def test_a_quality_miss_still_fails_quick_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output = _gate(monkeypatch, {**GRADING_OK_BUT_SLOW, "qwk": 0.5}, quick=True, tmp_path=tmp_path)
    assert code == 1
    assert "MISS grading.qwk >= 0.75 (got 0.5)" in output


def test_only_ci_false_checks_become_report_only() -> None:
    thresholds = {
        "s": [
            {"path": "fast", "op": "<", "value": 1, "ci": False},
            {"path": "good", "op": ">=", "value": 1},
        ]
    }
    quick = evaluate("s", {"fast": 5, "good": 0}, thresholds, quick=True)
    assert [(o.report_only, o.failed) for o in quick] == [(True, False), (False, True)]
    full = evaluate("s", {"fast": 5, "good": 0}, thresholds, quick=False)
    assert [(o.report_only, o.failed) for o in full] == [(False, True), (False, True)]


@pytest.mark.parametrize(("quick", "runs_llm"), [(True, False), (False, True)])
def test_all_runs_the_llm_suite_except_in_quick_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, quick: bool, runs_llm: bool
) -> None:
    ran: list[str] = []
    for name in list(suites.RUNNERS):
        monkeypatch.setitem(suites.RUNNERS, name, lambda c, o, name=name: ran.append(name) or {})
    _run_cli(monkeypatch, tmp_path, "all", "--no-check", *(["--quick"] if quick else []))
    assert ("llm" in ran) is runs_llm and {"grading", "simulate"} <= set(ran)


def test_simulate_with_the_llm_brain_runs_the_llm_simulation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import evals.llm_path

    seen: list[str] = []
    monkeypatch.setattr(evals.llm_path, "run_llm_simulation", lambda c, o: seen.append(o.brain) or {})
    _run_cli(monkeypatch, tmp_path, "simulate", "--brain", "llm", "--no-check")
    assert seen == ["llm"]
