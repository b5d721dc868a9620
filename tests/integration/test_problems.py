"""Every shipped problem's reference solution passes all its tests in the real sandbox, and its starter
code does not (so that the tests can fail)."""

from __future__ import annotations

import pytest

from interviewer.domain.problems import Problem, load_problems
from interviewer.grading.judge import expectations, job_for, judge
from interviewer.settings import SHIPPED_CORPUS
from sandbox.bwrap import BwrapRunner, Limits

pytestmark = pytest.mark.slow

PROBLEMS = load_problems(SHIPPED_CORPUS)
RUNNER = BwrapRunner(Limits(cpu_s=10, wall_s=20, memory_mb=1024))


@pytest.mark.parametrize("problem", PROBLEMS.values(), ids=list(PROBLEMS))
def test_the_reference_passes_every_test_and_the_starter_does_not(problem: Problem) -> None:
    expected = expectations(problem, RUNNER)
    reference = judge(
        problem, problem.tests, RUNNER.run(job_for(problem, problem.reference, problem.tests)), expected
    )
    failures = [r.message for r in reference.results if not r.passed]
    assert reference.all_passed, failures
    starter = judge(
        problem, problem.tests, RUNNER.run(job_for(problem, problem.starter, problem.tests)), expected
    )
    assert not starter.all_passed
