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
    return CodingInterview(
        PROBLEM, FILES["coding"].rubric, ScriptedRunner(default=default), expected=dict(EXPECTED)
    )


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


def test_a_passing_run_asks_only_for_what_the_candidate_has_not_said() -> None:
    session = interview(answers_everything)
    session.explain("Edge cases: an empty list, k larger than the number of distinct items, and ties.")
    _, reply = session.run("def top_k(items, k):\n    return []\n")
    assert "edge cases" not in reply and "complexity" in reply
    session.explain("Counting is O(n) and sorting the distinct items O(d log d).")
    _, reply = session.run("def top_k(items, k):\n    return []\n")
    assert "edge cases" not in reply and "complexity" not in reply and "Submit whenever" in reply


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
        "I count in one pass and keep a heap of size k, so it is O(n + d log k), because k is small. "
        "Ties and an empty list are the edge cases."
    )
    _, reply = session.submit("import heapq\n\ndef top_k(items, k):\n    return sorted(items)[:k]\n")
    assert reply.endswith(PROBLEM.follow_ups[0])
    assert session.report is not None
    complexity = next(c for c in session.report.criteria if c.id == "complexity")
    assert complexity.level == 4 and "O(n + d log k)" in complexity.evidence[0]


def test_code_is_taken_from_a_fenced_block() -> None:
    assert code_in("here:\n```python\ndef f():\n    pass\n```\nthanks") == "def f():\n    pass\n"
    assert code_in("no code") is None


def quality_with(findings: tuple[LintFinding, ...], code: str) -> tuple[int, tuple[str, ...]]:
    session = CodingInterview(
        PROBLEM, FILES["coding"].rubric, ScriptedRunner(default=answers_everything), ScriptedLinter(findings),
        expected=dict(EXPECTED),
    )  # fmt: skip
    session.submit(code)
    assert session.report is not None
    quality = next(c for c in session.report.criteria if c.id == "code-quality")
    return quality.level, quality.evidence


def test_static_check_findings_are_code_quality_evidence_counted_once_per_rule() -> None:
    code = "def top_k(items, k):\n    x = 1\n    x = 2\n    x = 3\n    return items[:k]\n"
    one_rule = tuple(
        LintFinding(line, "F841", "Local variable `x` is assigned to but never used") for line in (2, 3, 4)
    )
    level, evidence = quality_with(one_rule, code)
    assert level == 3  # "a few lint findings": one habit, shown on three lines
    assert "line 2: F841 Local variable `x` is assigned to but never used" in evidence
    three_rules = tuple(
        LintFinding(line, rule, "finding") for line, rule in ((2, "F841"), (3, "E711"), (4, "B006"))
    )
    assert quality_with(three_rules, code)[0] == 2


def test_messy_code_that_parses_is_never_rated_unparseable_and_a_restated_finding_counts_once() -> None:
    nested = (
        "def top_k(items, k):\n    rr = []\n    for q in items:\n        if q:\n            if q:\n"
        "                if q:\n                    if q:\n"
        "                        rr.append(q)\n    return rr[:k]\n"
    )
    collapsible = tuple(LintFinding(line, "SIM102", "Use a single if statement") for line in (4, 5, 6))
    level, evidence = quality_with(collapsible, nested)
    assert any("nesting depth" in e for e in evidence) and level == 3  # nesting, said by two checkers
    assert quality_with((), "def top_k(items, k)\n    return items\n")[0] == 1


def test_ruff_reports_findings_by_line() -> None:
    from sandbox.ruff_lint import RuffLinter

    found = RuffLinter().lint("import os\n\n\ndef f(items):\n    return items\n")
    assert [(f.line, f.code) for f in found] == [(1, "F401")]


def test_hints_come_in_order_then_run_out() -> None:
    session = interview(answers_everything)
    assert session.hint() == PROBLEM.hints[0]
    assert session.hint().startswith("No more hints")
    assert session.hint(0) == PROBLEM.hints[0]


def test_follow_ups_ask_about_failures_seen_then_what_was_not_covered_never_twice() -> None:
    runs = [
        CodeRun("ok", (CallOutcome("basic", ["a", "b"], seconds=0.01),)),  # the first run fails the example
    ]
    runner = ScriptedRunner(runs, default=answers_everything)
    session = CodingInterview(PROBLEM, FILES["coding"].rubric, runner, expected=dict(EXPECTED))
    _, first = session.run("def top_k(items, k):\n    return sorted(set(items))[:k]\n")
    assert "expected" in first and "fix" in first
    _, passed = session.submit("def top_k(items, k):\n    return []\n")
    assert "Earlier you saw: example basic: expected" in passed and "What was wrong" in passed
    asked = [session.explain("I fixed the ordering."), session.explain("Counting then sorting.")]
    assert "big-O" in asked[0] and "edge cases" in asked[1]
    later = [session.explain("It is O(n log n).") for _ in PROBLEM.follow_ups]
    assert later == list(PROBLEM.follow_ups)
    assert session.explain("Anything else?").startswith("I have no more questions")


def test_a_failure_the_candidate_talked_about_before_the_fix_is_not_asked_about_again() -> None:
    runs = [CodeRun("ok", (CallOutcome("basic", ["a", "b"], seconds=0.01),))]
    runner = ScriptedRunner(runs, default=answers_everything)
    session = CodingInterview(PROBLEM, FILES["coding"].rubric, runner, expected=dict(EXPECTED))
    session.run("def top_k(items, k):\n    return sorted(set(items))[:k]\n")
    session.explain("The order was wrong: I sorted by name, not by count.")
    _, passed = session.submit("def top_k(items, k):\n    return []\n")
    assert "Earlier you saw" not in passed and "big-O" in passed


def test_before_a_passing_submission_words_are_heard_without_a_follow_up() -> None:
    session = interview(answers_examples_only)
    assert session.explain("I will count first.").startswith("Go on. Run the examples")
    session.submit("def top_k(items, k):\n    return ['b', 'a']\n")
    assert session.explain("Let me look at the ties.").startswith("Go on. Submit again")


def test_a_hidden_test_error_shows_its_kind_never_its_message() -> None:
    def raises_with_the_arguments(job: CodeJob) -> CodeRun:
        outcomes = tuple(
            CallOutcome(t.name, EXPECTED[t.name], seconds=0.01)
            if t.name == "basic"
            else CallOutcome(t.name, error=f"ValueError: leaked {t.args}")
            for t in job.tests
        )
        return CodeRun("error", outcomes, message=outcomes[-1].error)

    session = interview(raises_with_the_arguments)
    result, reply = session.submit("def top_k(items, k):\n    raise ValueError(repr(items))\n")
    hidden = [r for r in result.results if r.kind != "example"]
    assert hidden and all(r.message and r.message.endswith("raised ValueError") for r in hidden)
    assert "leaked" not in reply and "leaked" not in str(result.results)


def test_a_hidden_test_error_of_a_class_the_candidate_named_is_not_shown() -> None:
    def custom(job: CodeJob) -> CodeRun:
        return CodeRun("error", tuple(CallOutcome(t.name, error="x_1_2_3: boom") for t in job.tests))

    result, _ = interview(custom).submit("def top_k(items, k):\n    pass\n")
    hidden = [r for r in result.results if r.kind != "example"]
    assert all(r.message and r.message.endswith("raised an exception") for r in hidden)
    visible = next(r for r in result.results if r.kind == "example")
    assert visible.message and "x_1_2_3: boom" in visible.message
