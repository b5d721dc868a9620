"""Coding-round sessions on the engine's contract (start, record, advance, end), so a coding session is
stored, listed, resumed and reported like any other.

A candidate message is read as one action: a fenced code block runs the visible examples (`/submit` before
it submits for every test); `/submit` alone submits the code last run; `/hint`, `/repeat`, `/help`, `/end`
are commands; a question (before a passing submission) is a clarifying question answered from the
problem's facts; anything else is the candidate explaining, answered by the next follow-up once the
submission passes. Everything that must outlive a request is in `SessionState.coding`.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass

from interviewer.domain.problems import Problem, ProblemFile
from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import CodingRound
from interviewer.domain.session import CodingProgress, QuestionProgress, SessionState
from interviewer.errors import InputError
from interviewer.grading.coding_report import coding_session_report
from interviewer.grading.coding_rubric import CodingReport
from interviewer.grading.judge import Judgement
from interviewer.interview.coding_flow import CodingInterview, code_in
from interviewer.interview.contract import Reply, TurnTaker

SUBMIT = "/submit"
ASK = "/ask"  # a clarifying question whatever its wording (the API's ask route sends it)
HINT_NUMBER = re.compile(r"^/hint\s+(\d{1,3})$")
HELP = (
    "Send code in a fenced ```python block to run the examples; put /submit before it to run every test, "
    "hidden ones included (/submit alone submits the code you last ran). Ask about the problem any time. "
    "Commands: /hint, /repeat, /end (your report)."
)
InterviewFactory = Callable[[str, CodingProgress], CodingInterview]


@dataclass(frozen=True)
class CodingOutcome:
    """A run or submission's judgement (and a submission's grade), for surfaces that show test results."""

    judgement: Judgement
    report: CodingReport | None = None


@dataclass(frozen=True)
class Decision:
    kind: str
    text: str
    outcome: CodingOutcome | None = None


class CodingEngine(TurnTaker):
    """Runs coding-round sessions; holds no per-session state itself."""

    def __init__(
        self,
        problem_files: Mapping[str, ProblemFile],
        interview: InterviewFactory,
        *,
        max_answer_chars: int = 20_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.problem_files = problem_files
        self.interview = interview  # a CodingInterview over a problem id and a session's progress
        self.max_answer_chars = max_answer_chars
        self.clock = clock

    def start(
        self,
        round_: CodingRound,
        *,
        seen_question_ids: frozenset[str] = frozenset(),
        session_id: str | None = None,
        seed: int | None = None,
        question_id: str | None = None,
        minutes: int | None = None,
    ) -> SessionState:
        """A new session on `question_id` (a problem of the round) or on an unseen problem of the round."""
        problem = self._choose(round_, question_id, seen_question_ids, seed or 0)
        state = SessionState(
            round=round_.value, brain="offline", seed=seed or 0, planned_question_ids=[problem.id],
            started_at=self.clock(), time_box_minutes=minutes, coding=CodingProgress(problem_id=problem.id),
        )  # fmt: skip
        if session_id:
            state.id = session_id
        state.questions.append(
            QuestionProgress(question_id=problem.id, prompt=problem.title, topic=problem.topic)
        )
        interview = self.interview(problem.id, _progress(state))
        state.add_turn("interviewer", interview.opening(), kind="opening", question_index=0, brain="offline")
        return state

    def end(self, state: SessionState) -> SessionReport:
        """Grade the latest submission with everything said, IN PLACE (status, report, closing line)."""
        if state.status == "ended" and state.report is not None:
            return state.report
        interview = self.interview(_progress(state).problem_id, _progress(state))
        interview.grade()
        assert interview.report is not None
        report = coding_session_report(
            interview.report, interview.problem, interview.rubric, hints_used=_progress(state).hints_given
        )
        state.report = report
        for progress in state.questions:
            progress.status = "done"
        state.add_turn("interviewer", _closing(report), kind="wrap_up", question_index=0, brain="offline")
        state.status = "ended"
        return report

    def _answer(self, state: SessionState) -> Generator[str, None, Reply]:
        turn = state.pending_candidate_turn()
        assert turn is not None
        if turn.command == "end":
            report = self.end(state)
            text = state.turns[-1].text
            yield text
            return Reply(text, "wrap_up", state, True, report)
        interview = self.interview(_progress(state).problem_id, _progress(state))
        decision = self._decide(state, interview, turn.text, turn.command)
        state.add_turn("interviewer", decision.text, kind=decision.kind, question_index=0, brain="offline")
        yield decision.text
        return Reply(decision.text, decision.kind, state, False, None, decision.outcome)

    def _decide(
        self, state: SessionState, interview: CodingInterview, text: str, command: str | None
    ) -> Decision:
        progress = _progress(state)
        stripped = text.strip()
        code = code_in(text)
        if stripped.lower().startswith(SUBMIT):
            source = code or progress.last_code
            if source is None:
                return Decision(
                    "help", "There is no code to submit yet: send it in a ```python block after /submit."
                )
            judgement, reply = interview.submit(source, message=text)
            return Decision("submission", reply, CodingOutcome(judgement, interview.report))
        if code is not None:
            judgement, reply = interview.run(code, message=text)
            return Decision("run", reply, CodingOutcome(judgement))
        numbered = HINT_NUMBER.match(stripped)
        if command == "hint" or numbered:
            return Decision("hint", interview.hint(int(numbered.group(1)) if numbered else None))
        if command == "repeat":
            last = state.last_interviewer_turn()
            return Decision("repeat", last.text if last else HELP)
        if command is not None:  # help, skip (one problem per session), unknown
            return Decision("help", HELP)
        if stripped.lower().startswith(ASK):
            return Decision("clarification", interview.ask(stripped[len(ASK) :].strip()))
        if "?" in text and not progress.all_passed:
            return Decision("clarification", interview.ask(text))
        return Decision("follow_up", interview.explain(text))

    def _choose(
        self, round_: CodingRound, question_id: str | None, seen: frozenset[str], seed: int
    ) -> Problem:
        document = self.problem_files.get(round_.value)
        problems = list(document.problems) if document else []
        if question_id is not None:
            chosen = next((p for p in problems if p.id == question_id), None)
            if chosen is None:
                raise InputError(f"no {round_.value} problem with id {question_id!r}")
            return chosen
        if not problems:
            raise InputError(f"round {round_.value} has no problems")
        random.Random(seed).shuffle(problems)
        return next((p for p in problems if p.id not in seen), problems[0])


def _progress(state: SessionState) -> CodingProgress:
    if state.coding is None:
        raise InputError(f"session {state.id} is not a coding session")
    return state.coding


def _closing(report: SessionReport) -> str:
    summary = report.feedback.summary
    return f"That is the end of the session. {summary} Your report has the evidence per criterion."
