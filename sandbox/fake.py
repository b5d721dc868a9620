"""A scripted code runner for tests: no process, no isolation, answers from a queue or a function."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from interviewer.ports import CallOutcome, CodeJob, CodeRun, LintFinding


class ScriptedRunner:
    """Returns the queued runs in order, then `default(job)` (every call returning None by default)."""

    name = "fake"

    def __init__(
        self, runs: Iterable[CodeRun] = (), default: Callable[[CodeJob], CodeRun] | None = None
    ) -> None:
        self.queue = deque(runs)
        self.default = default or _all_none
        self.jobs: list[CodeJob] = []

    def run(self, job: CodeJob) -> CodeRun:
        """The next scripted run; every job is recorded in `jobs`."""
        self.jobs.append(job)
        return self.queue.popleft() if self.queue else self.default(job)


def _all_none(job: CodeJob) -> CodeRun:
    return CodeRun(verdict="ok", outcomes=tuple(CallOutcome(name=t.name) for t in job.tests))


class ScriptedLinter:
    """Returns the same findings for any code (none by default)."""

    def __init__(self, findings: tuple[LintFinding, ...] = ()) -> None:
        self.findings = findings

    def lint(self, code: str) -> tuple[LintFinding, ...]:
        return self.findings
