"""Judging a sandboxed run against a problem's tests: pass/fail per test, first failure, a verdict.

The sandbox returns what each call produced; the comparison with the expected values happens here,
outside it, so that hidden expectations never reach candidate code. Messages for hidden tests say what
the test is about, never its arguments or expected value.
"""

from __future__ import annotations

import builtins
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interviewer.domain.problems import Problem, ProblemTest
from interviewer.errors import CorpusError
from interviewer.ports import CallOutcome, CodeJob, CodeRun, CodeRunner, CodeTest


@dataclass(frozen=True)
class TestResult:
    """One test's outcome as the candidate may see it."""

    name: str
    kind: str
    passed: bool
    message: str | None
    seconds: float


@dataclass(frozen=True)
class Judgement:
    """A run judged: every test's result, the first failure's message and the run's verdict and resources."""

    results: tuple[TestResult, ...]
    run: CodeRun

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def first_failure(self) -> str | None:
        failed = next((r for r in self.results if not r.passed), None)
        return failed.message if failed else None


def job_for(problem: Problem, code: str, tests: Sequence[ProblemTest]) -> CodeJob:
    """The sandbox job calling `problem.entry` in `code` once per test (no expected values in it)."""
    calls = tuple(
        CodeTest(name=t.name, args=t.args, setup=t.setup, time_limit_s=t.time_limit_s, summary=t.summary)
        for t in tests
    )
    return CodeJob(code=code, entry=problem.entry, tests=calls)


def expectations(problem: Problem, runner: CodeRunner) -> dict[str, object]:
    """Each test's expected value: its own, or the reference solution's (run in the sandbox)."""
    expected = {t.name: t.expected for t in problem.tests if t.expected is not None}
    derived = [t for t in problem.tests if t.expected is None]
    if derived:
        run = runner.run(job_for(problem, problem.reference, derived))
        values = {o.name: o for o in run.outcomes}
        for test in derived:
            outcome = values.get(test.name)
            if outcome is None or outcome.error:
                why = outcome.error if outcome else run.message or run.verdict
                raise CorpusError(f"problem {problem.id}: the reference fails test {test.name}: {why}")
            expected[test.name] = outcome.value
    return expected


def judge(
    problem: Problem, tests: Sequence[ProblemTest], run: CodeRun, expected: Mapping[str, object]
) -> Judgement:
    """Compare `run`'s outcomes with `expected`, test by test, in the order of `tests`."""
    outcomes = {o.name: o for o in run.outcomes}
    results = tuple(_result(t, outcomes.get(t.name), run, expected[t.name]) for t in tests)
    return Judgement(results=results, run=run)


def _result(test: ProblemTest, outcome: CallOutcome | None, run: CodeRun, expected: object) -> TestResult:
    label = f"example {test.name}" if test.visible else f"hidden test {test.name}"
    about = f" ({test.about})" if test.about else ""
    if outcome is None:
        why = (run.message if test.visible else None) or f"the run stopped ({run.verdict})"
        return TestResult(test.name, test.kind, False, f"{label}{about} did not run: {why}", 0.0)
    if outcome.error:
        error = outcome.error if test.visible else _error_kind(outcome.error)
        return TestResult(test.name, test.kind, False, f"{label}{about} raised {error}", outcome.seconds)
    if test.time_limit_s is not None and outcome.seconds > test.time_limit_s:
        message = (
            f"{label}{about} was too slow: {outcome.seconds:.2f} s against a limit of {test.time_limit_s} s"
        )
        return TestResult(test.name, test.kind, False, message, outcome.seconds)
    if matches(outcome.value, expected, test.compare, test.tolerance):
        return TestResult(test.name, test.kind, True, None, outcome.seconds)
    if test.visible:
        message = f"{label}: expected {_short(expected)}, got {_short(outcome.value)}"
    else:
        message = f"{label}{about} returned a wrong answer"
    return TestResult(test.name, test.kind, False, message, outcome.seconds)


BUILTIN_ERRORS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def _error_kind(error: str) -> str:
    """A hidden test's error without its message: the message may quote the hidden arguments. A class the
    candidate defined could carry them in its name, so only built-in exception names are shown."""
    name = error.split(":", 1)[0].strip()
    return name if name in BUILTIN_ERRORS else "an exception"


def matches(actual: object, expected: object, compare: str, tolerance: float = 1e-6) -> bool:
    """Whether `actual` equals `expected` under the test's comparison."""
    if compare == "close":
        return _close(actual, expected, tolerance)
    if compare == "unordered":
        if not isinstance(actual, list) or not isinstance(expected, list):
            return False
        return sorted(map(_canonical, actual)) == sorted(map(_canonical, expected))
    if compare == "labels":
        return _same_partition(actual, expected)
    return _canonical(actual) == _canonical(expected)


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _close(actual: object, expected: object, tolerance: float) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual == expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(
            _close(a, e, tolerance) for a, e in zip(actual, expected, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(
            _close(actual[k], expected[k], tolerance) for k in expected
        )
    return actual == expected


def _same_partition(actual: object, expected: object) -> bool:
    """Cluster labels equal up to renaming the clusters."""
    if not isinstance(actual, list) or not isinstance(expected, list) or len(actual) != len(expected):
        return False
    forward: dict[str, object] = {}
    backward: dict[str, object] = {}
    for a, e in zip(actual, expected, strict=True):
        ka, ke = _canonical(a), _canonical(e)
        if forward.setdefault(ka, e) != e or backward.setdefault(ke, a) != a:
            return False
    return True


def _short(value: object) -> str:
    text = _canonical(value)
    return text if len(text) <= 120 else text[:117] + "..."
