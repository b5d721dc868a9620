"""The summary of consecutive bench runs: which run met which target."""

from __future__ import annotations

from pathlib import Path

from evals.bench_runs import run_path, summarize


def _doc(p99: float, met: bool, error: str | None = None) -> dict:
    results: dict = {"service": {"targets": []}}
    if error:
        results["startup"] = {"error": error}
    return {
        "provenance": {"timestamp": "2026-12-01T01:00:00+00:00", "git_commit": "abc"},
        "load_average": [3.1, 2.0, 1.5],
        "results": results,
        "targets": [
            {
                "section": "service",
                "name": "turn p99 ms at 50 concurrent",
                "value": p99,
                "target": "< 250",
                "met": met,
            },
            {
                "section": "service",
                "name": "error rate (all levels)",
                "value": 0.0,
                "target": "<= 0.0",
                "met": True,
            },
        ],
    }


def test_summary_marks_each_run_and_the_targets_met_in_all() -> None:
    text = summarize([_doc(180.0, True), _doc(310.5, False), _doc(200.0, True)])
    assert "Targets met in every run: 1 of 2." in text
    p99_row = next(line for line in text.splitlines() if "turn p99" in line)
    assert "180.0 met" in p99_row and "310.5 **NOT MET**" in p99_row and p99_row.endswith("| no |")
    error_row = next(line for line in text.splitlines() if "error rate" in line)
    assert error_row.endswith("| yes |")
    assert "load average at start [3.1, 2.0, 1.5]" in text


def test_a_failed_section_is_a_row_that_fails() -> None:
    text = summarize([_doc(180.0, True), _doc(180.0, True, error="RuntimeError: grade exited 2")])
    row = next(line for line in text.splitlines() if "section ran" in line)
    assert "**error**: RuntimeError: grade exited 2" in row and row.endswith("| no |")
    assert "Targets met in every run: 2 of 3." in text


def test_each_run_is_kept_beside_the_results_file() -> None:
    assert run_path(Path("docs/bench/results.json"), 2) == Path("docs/bench/results-run2.json")
