"""The coding and ML-coding round flow: the problem, clarifying answers from its facts, runs of the visible
tests, a submission judged on every test, follow-ups and the graded report.

Self-contained so that it merges beside the conversational engine: it needs a problem, its round's rubric
and a `CodeRunner`. The interviewer never reveals a hidden test's arguments or expected value; after a
hidden failure it names only what the test is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.domain.problems import CodingRubric, Problem
from interviewer.grading.coding_rubric import CodingReport, Submission, grade_submission
from interviewer.grading.judge import Judgement, expectations, job_for, judge
from interviewer.ports import CodeLinter, CodeRunner

FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.S)
NOT_SPECIFIED = "That is not specified; make a reasonable assumption, say it out loud, and go on."


def code_in(text: str) -> str | None:
    """The first fenced code block in `text`, or None."""
    match = FENCE.search(text)
    return match.group(1) if match else None


@dataclass
class CodingInterview:
    """One candidate working on one problem."""

    problem: Problem
    rubric: CodingRubric
    runner: CodeRunner
    linter: CodeLinter | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    runs: int = 0
    hints_given: int = 0
    report: CodingReport | None = None
    expected: dict[str, object] | None = None  # each test's expected value; computed on first use if None

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
        self.questions.append(question)
        asked = question.lower()
        answers = [f.answer for f in self.problem.facts if any(a.lower() in asked for a in f.about)]
        return self._say(" ".join(dict.fromkeys(answers)) or NOT_SPECIFIED)

    def hint(self, number: int | None = None) -> str:
        """The next hint (or hint `number`, from 0); the problem's hints never include hidden test data."""
        index = self.hints_given if number is None else number
        self.hints_given = max(self.hints_given, index + 1)
        hints = self.problem.hints
        text = hints[index] if 0 <= index < len(hints) else "No more hints: tell me where you are stuck."
        return self._say(text)

    def explain(self, words: str) -> str:
        """The candidate talks about their approach; recorded as evidence."""
        self._hear(words)
        return self._say("Go on. Run the examples whenever you are ready.")

    def run(self, code: str) -> tuple[Judgement, str]:
        """Run the visible examples; the reply asks for a fix or for edge cases."""
        self.runs += 1
        self._hear(f"[runs the examples]\n```python\n{code.rstrip()}\n```")
        result = self._judge(code, self.problem.visible_tests)
        if result.all_passed:
            reply = (
                f"The examples pass ({result.passed} of {len(result.results)}). Which edge cases would you "
                "check before submitting, and what is the complexity of your solution?"
            )
        else:
            reply = f"{_summary(result)} {result.first_failure}. Can you find the bug and fix it?"
        return result, self._say(reply)

    def submit(self, code: str) -> tuple[Judgement, str]:
        """Judge every test, grade the submission, and follow up (never showing hidden test data)."""
        self._hear(f"[submits]\n```python\n{code.rstrip()}\n```")
        result = self._judge(code, self.problem.tests)
        lint = self.linter.lint(code) if self.linter else ()
        submission = Submission(
            self.problem, code, result, tuple(self.words), self.runs, tuple(self.questions), lint
        )
        self.report = grade_submission(submission, self.rubric)
        failed = [r for r in result.results if not r.passed]
        if not failed:
            reply = (
                f"All {len(result.results)} tests pass, hidden ones included. {self.problem.follow_ups[0]}"
            )
        elif any(r.kind == "performance" for r in failed) and len(failed) == 1:
            reply = (
                f"{_summary(result)} {failed[0].message}. What is the complexity of your solution, "
                "and where does the time go?"
            )
        else:
            reply = f"{_summary(result)} {failed[0].message}. Can you find the case you miss and fix it?"
        return result, self._say(reply)

    def _judge(self, code: str, tests: tuple) -> Judgement:
        if self.expected is None:
            self.expected = expectations(self.problem, self.runner)
        run = self.runner.run(job_for(self.problem, code, tests))
        return judge(self.problem, tests, run, self.expected)

    def _hear(self, text: str) -> None:
        self.transcript.append(("candidate", text))
        prose = FENCE.sub("", text).replace("[runs the examples]", "").replace("[submits]", "").strip()
        if prose:
            self.words.append(prose)

    def _say(self, text: str) -> str:
        self.transcript.append(("interviewer", text))
        return text


def _call(args: str) -> str:
    return args if args.startswith("(") else f"({args})"


def _summary(result: Judgement) -> str:
    return f"{result.passed} of {len(result.results)} tests pass (run verdict: {result.run.verdict})."
