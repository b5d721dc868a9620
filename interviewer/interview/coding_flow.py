"""The coding and ML-coding round flow: the problem, clarifying answers from its facts, runs of the visible
tests, a submission judged on every test, follow-ups and the graded report.

Its state is a `CodingProgress` (plain data a session stores), so the same flow serves a stored session
(`coding_session`) and a one-off use (evals, tests). The interviewer never reveals a hidden test's arguments,
expected value or error message; after a hidden failure it names only what the test is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.domain.problems import CodingRubric, Problem
from interviewer.domain.session import CodingProgress
from interviewer.grading.coding_rubric import (
    CodingReport,
    Submission,
    grade_submission,
    named_edge_cases,
    stated_complexities,
)
from interviewer.grading.judge import Judgement, expectations, job_for, judge
from interviewer.ports import CodeLinter, CodeRunner

FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.S)
MARKERS = ("[runs the examples]", "[submits]", "/submit")
NOT_SPECIFIED = "That is not specified; make a reasonable assumption, say it out loud, and go on."
NO_MORE_QUESTIONS = (
    "I have no more questions. Keep improving the code if you like, or end the session for your report."
)


def code_in(text: str) -> str | None:
    """The first fenced code block in `text`, or None."""
    match = FENCE.search(text)
    return match.group(1) if match else None


def prose_in(text: str) -> str:
    """What the candidate said in `text`, without code blocks or action markers."""
    prose = FENCE.sub("", text)
    for marker in MARKERS:
        prose = prose.replace(marker, "")
    return prose.strip()


@dataclass
class CodingInterview:
    """One candidate working on one problem; `progress` is everything that must outlive a request."""

    problem: Problem
    rubric: CodingRubric
    runner: CodeRunner
    linter: CodeLinter | None = None
    progress: CodingProgress | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)
    report: CodingReport | None = None
    expected: dict[str, object] | None = None  # each test's expected value; computed on first use if None

    def __post_init__(self) -> None:
        if self.progress is None:
            self.progress = CodingProgress(problem_id=self.problem.id)

    @property
    def state(self) -> CodingProgress:
        assert self.progress is not None
        return self.progress

    @property
    def runs(self) -> int:
        return self.state.runs

    @property
    def questions(self) -> list[str]:
        return self.state.questions

    @property
    def words(self) -> list[str]:
        return self.state.words

    def opening(self) -> str:
        """The problem as the candidate sees it: statement, starter code, the visible examples."""
        examples = "\n".join(
            f"- {t.name}: {self.problem.entry}{_call(t.args)}" for t in self.problem.visible_tests
        )
        text = (
            f"{self.problem.title}\n\n{self.problem.statement.strip()}\n\nStarter code:\n```python\n"
            f"{self.problem.starter.rstrip()}\n```\n\nExamples you can run:\n{examples}\n\n"
            "Ask me anything about the problem before you start; run the examples as often as you like, "
            "then submit for the hidden tests."
        )
        return self._say(text)

    def ask(self, question: str) -> str:
        """Answer a clarifying question from the problem's facts."""
        self._hear(question)
        self.state.questions.append(question)
        asked = question.lower()
        answers = [f.answer for f in self.problem.facts if any(a.lower() in asked for a in f.about)]
        return self._say(" ".join(dict.fromkeys(answers)) or NOT_SPECIFIED)

    def hint(self, number: int | None = None) -> str:
        """The next hint (or hint `number`, from 0); the problem's hints never include hidden test data."""
        index = self.state.hints_given if number is None else number
        self.state.hints_given = max(self.state.hints_given, index + 1)
        hints = self.problem.hints
        text = hints[index] if 0 <= index < len(hints) else "No more hints: tell me where you are stuck."
        return self._say(text)

    def explain(self, words: str) -> str:
        """The candidate talks about their approach (evidence); after a pass, the next follow-up."""
        self._hear(words)
        if self.state.failures_seen and not self.state.all_passed and "failure" not in self.state.asked:
            self.state.asked.append(
                "failure"
            )  # they talked about the failure before fixing it: not asked again
        if self.state.all_passed:
            return self._say(self._next_follow_up() or NO_MORE_QUESTIONS)
        if self.state.submissions:
            return self._say("Go on. Submit again once you have a fix.")
        if self.state.runs:
            return self._say("Go on. Submit whenever you are ready for the hidden tests.")
        return self._say("Go on. Run the examples whenever you are ready.")

    def run(self, code: str, message: str | None = None) -> tuple[Judgement, str]:
        """Run the visible examples; the reply asks for a fix or for edge cases."""
        self.state.runs += 1
        self.state.last_code = code
        self._hear(
            message if message is not None else f"[runs the examples]\n```python\n{code.rstrip()}\n```"
        )
        result = self._judge(code, self.problem.visible_tests)
        if result.all_passed:
            passed = f"The examples pass ({result.passed} of {len(result.results)})."
            reply = f"{passed} {self._before_submitting()}"
        else:
            self._saw_failure(result.first_failure)
            reply = f"{_summary(result)} {result.first_failure}. Can you find the bug and fix it?"
        return result, self._say(reply)

    def submit(self, code: str, message: str | None = None) -> tuple[Judgement, str]:
        """Judge every test, grade the submission, and follow up (never showing hidden test data)."""
        self.state.submissions += 1
        self.state.last_code = self.state.submitted_code = code
        self._hear(message if message is not None else f"[submits]\n```python\n{code.rstrip()}\n```")
        result = self.grade()
        failed = [r for r in result.results if not r.passed]
        self.state.all_passed = not failed
        if not failed:
            follow_up = self._next_follow_up() or NO_MORE_QUESTIONS
            reply = f"All {len(result.results)} tests pass, hidden ones included. {follow_up}"
        elif any(r.kind == "performance" for r in failed) and len(failed) == 1:
            self._saw_failure(failed[0].message)
            reply = (
                f"{_summary(result)} {failed[0].message}. What is the complexity of your solution, "
                "and where does the time go?"
            )
        else:
            self._saw_failure(failed[0].message)
            reply = f"{_summary(result)} {failed[0].message}. Can you find the case you miss and fix it?"
        return result, self._say(reply)

    def grade(self) -> Judgement:
        """Judge the latest submission (the latest code run if none; nothing if neither) on every test and
        grade it with everything the candidate has said so far; sets `report`."""
        code = self.state.submitted_code or self.state.last_code or ""
        result = self._judge(code, self.problem.tests)
        lint = self.linter.lint(code) if self.linter and code else ()
        submission = Submission(
            self.problem, code, result, tuple(self.state.words), self.state.runs,
            tuple(self.state.questions), lint,
        )  # fmt: skip
        self.report = grade_submission(submission, self.rubric)
        return result

    def _before_submitting(self) -> str:
        """Ask for the edge cases and the complexity the candidate has not given yet (never again)."""
        missing = []
        if not named_edge_cases(self.state.words, self.problem):
            missing.append("which edge cases would you check before submitting")
        if not stated_complexities(self.state.words):
            missing.append("what is the complexity of your solution")
        if not missing:
            return "Submit whenever you are ready for the hidden tests."
        question = ", and ".join(missing)
        return question[0].upper() + question[1:] + "?"

    def _next_follow_up(self) -> str | None:
        """The first follow-up not yet asked: a failure the candidate saw, complexity or edge cases if they
        have not covered them, then the problem's own follow-ups in order."""
        words = self.state.words
        candidates: list[tuple[str, str]] = []
        if self.state.failures_seen:
            earlier = self.state.failures_seen[0]
            candidates.append(
                ("failure", f"Earlier you saw: {earlier}. What was wrong, and how does your fix handle it?")
            )
        if not stated_complexities(words):
            candidates.append(
                ("complexity", "What is the time and space complexity of your solution, in big-O?")
            )
        if not named_edge_cases(words, self.problem):
            candidates.append(
                ("edge-cases", "Which edge cases does your code handle, and which input would you test next?")
            )
        candidates += [(f"follow-up-{i}", text) for i, text in enumerate(self.problem.follow_ups)]
        for key, text in candidates:
            if key not in self.state.asked:
                self.state.asked.append(key)
                return text
        return None

    def _saw_failure(self, message: str | None) -> None:
        if message and message not in self.state.failures_seen:
            self.state.failures_seen.append(message)

    def _judge(self, code: str, tests: tuple) -> Judgement:
        if self.expected is None:
            self.expected = expectations(self.problem, self.runner)
        run = self.runner.run(job_for(self.problem, code, tests))
        return judge(self.problem, tests, run, self.expected)

    def _hear(self, text: str) -> None:
        self.transcript.append(("candidate", text))
        prose = prose_in(text)
        if prose:
            self.state.words.append(prose)

    def _say(self, text: str) -> str:
        self.transcript.append(("interviewer", text))
        return text


def _call(args: str) -> str:
    return args if args.startswith("(") else f"({args})"


def _summary(result: Judgement) -> str:
    return f"{result.passed} of {len(result.results)} tests pass (run verdict: {result.run.verdict})."
