"""The coding-round flow with the scripted runner: clarifying answers, follow-ups, no hidden data revealed,
and the grade's hard-coding cap."""

from __future__ import annotations

from interviewer.domain.problems import load_problem_files
from interviewer.grading.coding_rubric import WEAK
from interviewer.interview.coding_flow import NOT_SPECIFIED, CodingInterview, code_in
from interviewer.ports import CallOutcome, CodeJob, CodeRun, LintFinding
from interviewer.settings import SHIPPED_CORPUS
from sandbox.fake import ScriptedLinter, ScriptedRunner

FILES = load_problem_files(SHIPPED_CORPUS)
PROBLEM = next(p for p in FILES["coding"].problems if p.id == "top-k-frequent")
EXPECTED = {"basic": ["b", "a"], "ties": ["x", "y"], "k-too-large": ["a"], "large": ["7"]}


def answers_examples_only(job: CodeJob) -> CodeRun:
    """A submission fitted to the visible example: right there, wrong on every hidden test."""
    return CodeRun("ok", tuple(CallOutcome(t.name, ["b", "a"], seconds=0.01) for t in job.tests))


def answers_everything(job: CodeJob) -> CodeRun:
    return CodeRun("ok", tuple(CallOutcome(t.name, EXPECTED[t.name], seconds=0.01) for t in job.tests))


def interview(default) -> CodingInterview:  # type: ignore[no-untyped-def]
    return CodingInterview(PROBLEM, FILES["coding"].rubric, ScriptedRunner(default=default))


def test_clarifying_questions_are_answered_from_the_facts_only() -> None:
    session = interview(answers_everything)
    assert session.ask("How are ties handled?") == "Ties are broken alphabetically, smallest string first."
    assert session.ask("Is the input UTF-8?") == NOT_SPECIFIED
    assert session.questions == ["How are ties handled?", "Is the input UTF-8?"]


def test_a_run_uses_only_the_visible_examples_and_asks_for_edge_cases_when_they_pass() -> None:
    session = interview(answers_everything)
    result, reply = session.run("def top_k(items, k):\n    return []\n")
    assert [r.name for r in result.results] == ["basic"]
    assert "edge cases" in reply and "complexity" in reply
    runner = session.runner
    assert isinstance(runner, ScriptedRunner) and [t.name for t in runner.jobs[-1].tests] == ["basic"]


def test_a_hidden_failure_names_what_the_test_is_about_never_its_data() -> None:
    session = interview(answers_examples_only)
    _, reply = session.submit("def top_k(items, k):\n    return ['b', 'a']\n")
    assert "hidden test ties (every item equally frequent) returned a wrong answer" in reply
    assert "fix" in reply
    assert "['z', 'y', 'x']" not in reply and '["x", "y"]' not in reply
    assert session.report is not None and session.report.overall <= WEAK
    assert session.report.capped is not None


def test_a_full_pass_gets_a_follow_up_from_the_problem() -> None:
    session = interview(answers_everything)
    session.explain(
        "I count in one pass and keep a heap of size k, so it is O(n + d log k), because k is small."
    )
    _, reply = session.submit("import heapq\n\ndef top_k(items, k):\n    return sorted(items)[:k]\n")
    assert reply.endswith(PROBLEM.follow_ups[0])
    assert session.report is not None
    complexity = next(c for c in session.report.criteria if c.id == "complexity")
    assert complexity.level == 4 and "O(n + d log k)" in complexity.evidence[0]


def test_code_is_taken_from_a_fenced_block() -> None:
    assert code_in("here:\n```python\ndef f():\n    pass\n```\nthanks") == "def f():\n    pass\n"
    assert code_in("no code") is None


def test_static_check_findings_are_code_quality_evidence() -> None:
    findings = tuple(
        LintFinding(line, "F841", "Local variable `x` is assigned to but never used") for line in (2, 3, 4)
    )
    session = CodingInterview(
        PROBLEM, FILES["coding"].rubric, ScriptedRunner(default=answers_everything), ScriptedLinter(findings)
    )
    session.submit("def top_k(items, k):\n    x = 1\n    x = 2\n    x = 3\n    return items[:k]\n")
    assert session.report is not None
    quality = next(c for c in session.report.criteria if c.id == "code-quality")
    assert quality.level == 2
    assert "line 2: F841 Local variable `x` is assigned to but never used" in quality.evidence


def test_ruff_reports_findings_by_line() -> None:
    from sandbox.ruff_lint import RuffLinter

    found = RuffLinter().lint("import os\n\n\ndef f(items):\n    return items\n")
    assert [(f.line, f.code) for f in found] == [(1, "F401")]


def test_hints_come_in_order_then_run_out() -> None:
    session = interview(answers_everything)
    assert session.hint() == PROBLEM.hints[0]
    assert session.hint().startswith("No more hints")
    assert session.hint(0) == PROBLEM.hints[0]
