"""The coding round through the real sandbox: the calibration set's ordering and hard-coding cap, and a
k-means session from a failing submission to a passing one."""

from __future__ import annotations

import pytest

from evals.coding_calibration import run_coding_calibration
from evals.coding_transcript import FIRST, FIXED, PROBLEM
from interviewer.composition import Components
from interviewer.grading.coding_rubric import WEAK
from interviewer.settings import Settings

pytestmark = pytest.mark.slow


def test_the_calibration_set_is_ordered_like_the_reviewer_and_hard_coding_stays_weak(
    settings: Settings,
) -> None:
    result = run_coding_calibration(Components(settings))
    assert result["pairs"] >= 60 and result["held_out"]["pairs"] >= 30
    assert result["ordering_accuracy"] >= 0.95, result["submissions"]
    assert result["held_out"]["ordering_accuracy"] >= 0.95, result["submissions"]
    assert result["hard_coded_at_or_below_weak"] == 1.0
    by_kind = {(r["problem"], r["kind"]): r["overall"] for r in result["submissions"]}
    for problem in {p for p, _ in by_kind}:
        assert by_kind[(problem, "correct-clean")] > by_kind[(problem, "correct-messy")]
        assert by_kind[(problem, "does-not-run")] < by_kind[(problem, "wrong-edge-cases")]
        assert by_kind[(problem, "hard-coded")] <= WEAK


def test_a_kmeans_session_goes_from_a_hidden_failure_to_a_pass(settings: Settings) -> None:
    session = Components(settings).coding_interview(PROBLEM)
    session.opening()
    first, _ = session.submit(FIRST)
    assert not first.all_passed
    assert [r.name for r in first.results if not r.passed] == ["duplicate-points"]
    fixed, reply = session.submit(FIXED)
    assert fixed.all_passed, fixed.first_failure
    assert reply.startswith("All 5 tests pass")
    assert session.report is not None and session.report.criteria[0].level == 4
