"""Session state: plain data (pydantic), JSON round-trip, persisted by the API after every turn.

Nothing here talks to a model or a store. The engine reads and extends these objects; the API and
the CLI save them. A candidate turn with no interviewer turn after it is "pending": the engine
answers it with `advance`, also after a crash between saving the candidate's message and the reply.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.domain.report import SessionReport

COMMANDS = ("hint", "repeat", "skip", "end", "help")

Speaker = Literal["interviewer", "candidate"]


class Turn(BaseModel):
    """One line of the transcript. `command` is set for candidate commands (/hint -> "hint")."""

    index: int
    speaker: Speaker
    text: str
    kind: str = "answer"  # candidate: answer|command; interviewer: opening|follow_up|next_question|hint|...
    question_index: int | None = None  # which QuestionProgress this turn belongs to
    command: str | None = None
    target: str | None = None  # what a follow-up or hint aimed at (criterion id, phase, follow-up key)
    brain: str | None = None  # which brain produced an interviewer line ("offline", "llm")


class QuestionProgress(BaseModel):
    """A main question of the session and what has happened on it so far."""

    question_id: str | None
    prompt: str
    topic: str = ""
    status: Literal["active", "done", "skipped"] = "active"
    asked_keys: list[str] = Field(default_factory=list)  # follow-up targets already used (never reused)
    asked_texts: list[str] = Field(default_factory=list)  # follow-up lines already asked
    follow_ups: int = 0
    hints_used: int = 0
    hint_keys: list[str] = Field(default_factory=list)  # "criterion-id:level" of each hint given
    phases_covered: list[str] = Field(default_factory=list)  # round-flow phases seen in the answers
    covered: list[str] = Field(default_factory=list)  # kp:<i>, criterion ids, phase:<id> covered in ANY turn
    redirected: bool = False  # an off-question answer was pointed back to the question (once per question)
    phase_turns: list[str] = Field(default_factory=list)  # the round phase each answer turn dwelt on
    current_phase: str | None = None  # the phase being discussed (shown in the CLI and the web page)

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


class Event(BaseModel):
    """Something worth knowing about a session that is not a transcript line (fallbacks, relaxations)."""

    kind: str
    detail: str = ""
    turn_index: int | None = None


class CodingProgress(BaseModel):
    """A coding round's own record, kept server-side: the problem, the candidate's questions and words, every
    run and submission they made (the run count the grade uses is this one, never a client's claim)."""

    problem_id: str
    runs: int = 0
    submissions: int = 0
    hints_given: int = 0
    questions: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    last_code: str | None = None  # the latest code run or submitted
    submitted_code: str | None = None  # the latest submission: what the report grades
    all_passed: bool = False  # the latest submission passed every test
    failures_seen: list[str] = Field(default_factory=list)  # failure messages shown to the candidate
    asked: list[str] = Field(default_factory=list)  # follow-up keys already asked (never repeated)


class SessionState(BaseModel):
    """Everything about one interview session, as plain data."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    round: str
    company: str | None = None
    level: str | None = None
    topic: str | None = None
    brain: str = "offline"
    seed: int = 0
    status: Literal["active", "ended"] = "active"
    max_questions: int = 1
    max_follow_ups: int = 3
    planned_question_ids: list[str] = Field(default_factory=list)  # in the order they will be asked
    questions: list[QuestionProgress] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    report: SessionReport | None = None
    started_at: float | None = None  # epoch seconds of the opening line (elapsed time, time box)
    time_box_minutes: int | None = None  # wrap up once this much time has passed (None: no time box)
    coding: CodingProgress | None = None  # set for the coding rounds (their problem, runs, submissions)

    def pending_candidate_turn(self) -> Turn | None:
        """The last candidate turn if no interviewer turn follows it (it still needs an answer)."""
        if self.turns and self.turns[-1].speaker == "candidate":
            return self.turns[-1]
        return None

    @property
    def current_index(self) -> int | None:
        """Index of the question being discussed, or None before the first / after the last."""
        for i in range(len(self.questions) - 1, -1, -1):
            if self.questions[i].status == "active":
                return i
        return None

    @property
    def current(self) -> QuestionProgress | None:
        index = self.current_index
        return None if index is None else self.questions[index]

    def answers_for(self, question_index: int) -> list[str]:
        """The candidate's answer turns (commands excluded) on one question, in order."""
        return [
            t.text
            for t in self.turns
            if t.speaker == "candidate" and t.kind == "answer" and t.question_index == question_index
        ]

    def last_interviewer_turn(self) -> Turn | None:
        for turn in reversed(self.turns):
            if turn.speaker == "interviewer":
                return turn
        return None

    def add_turn(self, speaker: Speaker, text: str, **fields: object) -> Turn:
        """Append a turn with the next index and return it."""
        turn = Turn(index=len(self.turns), speaker=speaker, text=text, **fields)  # type: ignore[arg-type]
        self.turns.append(turn)
        return turn

    def add_event(self, kind: str, detail: str = "") -> None:
        self.events.append(Event(kind=kind, detail=detail, turn_index=len(self.turns) - 1))


def parse_command(text: str) -> str | None:
    """`/hint` -> "hint"; an unknown `/word` -> "unknown"; anything else (an answer) -> None."""
    stripped = text.strip()
    if not stripped.startswith("/") or " " in stripped or len(stripped) < 2:
        return None
    name = stripped[1:].lower()
    return name if name in COMMANDS else "unknown"
