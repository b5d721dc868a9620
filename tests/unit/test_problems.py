"""The problem schema and loader, and the judge's comparisons and messages (with the scripted runner)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from interviewer.domain.problems import Problem, load_problem_files, load_problems
from interviewer.errors import CorpusError
from interviewer.grading.judge import expectations, job_for, judge, matches
from interviewer.ports import CallOutcome, CodeRun
from interviewer.settings import SHIPPED_CORPUS
from sandbox.fake import ScriptedRunner

PROBLEMS = load_problems(SHIPPED_CORPUS)


def test_the_shipped_problems_cover_both_rounds_with_hidden_and_example_tests() -> None:
    rounds = [p.round for p in PROBLEMS.values()]
    assert rounds.count("coding") >= 20 and rounds.count("ml-coding") >= 20
    for problem in PROBLEMS.values():
        assert problem.visible_tests and problem.hidden_tests
        for test in problem.tests:
            ast.parse(test.args, mode="eval")
            if test.summary:
                ast.parse(test.summary, mode="eval")


def _problem(**changes: object) -> dict:
    base = PROBLEMS["top-k-frequent"].model_dump(mode="json")
    base.update(changes)
    return base


def test_a_reference_without_the_entry_point_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "problems").mkdir()
    rubric = load_problem_files(SHIPPED_CORPUS)["coding"].rubric.model_dump(mode="json")
    bad = _problem(reference="def other(items, k):\n    return []\n")
    document = {"round": "coding", "rubric": rubric, "problems": [bad]}
    (tmp_path / "problems" / "bad.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(CorpusError, match="does not define top_k"):
        load_problems(tmp_path)


def test_a_problem_without_hidden_tests_is_rejected() -> None:
    examples_only = [t for t in _problem()["tests"] if t["kind"] == "example"]
    with pytest.raises(ValueError, match="hidden or edge"):
        Problem.model_validate(_problem(tests=examples_only))


@pytest.mark.parametrize(
    ("actual", "expected", "compare", "equal"),
    [
        ([1.0, 2.0000001], [1, 2], "close", True),
        ([1.0, 2.1], [1, 2], "close", False),
        ([[2, 1], [1]], [[1], [2, 1]], "unordered", True),
        ([0, 0, 1], [1, 1, 0], "labels", True),
        ([0, 1, 1], [1, 1, 0], "labels", False),
        ({"a": 1}, {"a": 1}, "exact", True),
        ([1, 2], [2, 1], "exact", False),
    ],
)
def test_comparisons(actual: object, expected: object, compare: str, equal: bool) -> None:
    assert matches(actual, expected, compare) is equal


def test_hidden_failures_say_what_the_test_is_about_but_not_its_data() -> None:
    problem = PROBLEMS["top-k-frequent"]
    runner = ScriptedRunner(
        default=lambda job: CodeRun("ok", tuple(CallOutcome(t.name, ["x"]) for t in job.tests))
    )
    expected = expectations(problem, runner)
    run = runner.run(job_for(problem, "def top_k(items, k):\n    return ['x']\n", problem.tests))
    result = judge(problem, problem.tests, run, expected)
    by_name = {r.name: r for r in result.results}
    assert by_name["basic"].message == 'example basic: expected ["b", "a"], got ["x"]'
    assert by_name["ties"].message == "hidden test ties (every item equally frequent) returned a wrong answer"
    assert result.first_failure == by_name["basic"].message


def test_a_slow_call_fails_its_performance_test() -> None:
    problem = PROBLEMS["top-k-frequent"]
    large = [t for t in problem.tests if t.kind == "performance"]
    run = CodeRun("ok", (CallOutcome("large", ["a"], seconds=5.0),))
    result = judge(problem, large, run, {"large": ["a"]})
    assert not result.all_passed
    assert result.results[0].message is not None and "too slow" in result.results[0].message


def test_the_reference_is_run_only_for_tests_without_an_expected_value() -> None:
    problem = PROBLEMS["zscore-columns"]
    runner = ScriptedRunner()
    expected = expectations(problem, runner)
    derived = [t.name for t in problem.tests if t.expected is None]
    assert [t.name for t in runner.jobs[0].tests] == derived
    assert runner.jobs[0].code == problem.reference
    assert set(expected) == {t.name for t in problem.tests}
