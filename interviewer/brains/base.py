"""The brain contract: the engine decides the move (what to ask), a brain words it.

Keeping the decision in the engine makes every brain obey the same rules (no repeated follow-up,
follow-up cap, question order); a brain only chooses the words, and the LLM brain falls back to the
offline one turn by turn.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from interviewer.brains.guard import secrets_of
from interviewer.domain.bank import Question, Rubric
from interviewer.domain.session import SessionState


@dataclass(frozen=True)
class ClarifyingAnswer:
    """A candidate's clarifying question and the engine's answer: the authored fact, or None = "your call"."""

    topic: str  # scale|latency|data|team|constraints|out_of_scope|context (the Facts field asked about)
    asked: str  # the candidate's sentence
    fact: str | None


@dataclass(frozen=True)
class Move:
    """What the interviewer does next. `kind` is also the interviewer turn's kind."""

    kind: str  # opening|follow_up|next_question|wrap_up|hint|repeat|help|unknown_command|clarify|redirect
    question: str | None = None  # the main question being asked, repeated or moved to
    probe: str | None = None  # the follow-up line, or the hint text
    answer: str = ""  # the candidate's latest answer (acknowledgements reflect it)
    note: str = ""  # a fixed line said first (skip acknowledgement, injection notice, ...)
    target: str | None = None  # what the line aims at (criterion id, flow phase, follow-up key)
    target_name: str | None = None  # human name of that target, for the LLM prompt
    question_number: int = 0
    question_total: int = 0
    summary: str = ""  # wrap-up: the short report summary
    early: bool = False  # wrap-up asked for by the candidate (/end) before the last question
    # Listening (issue 11): decided by the engine, worded by every brain.
    clarifications: tuple[ClarifyingAnswer, ...] = ()  # answers to the candidate's questions, said first
    acknowledge: str | None = None  # a concept the candidate committed to (None: a neutral transition)
    phase_nudge: str | None = None  # the round phase to move the candidate on to ("serving")
    time_up: bool = False  # wrap-up because the session's time box ran out


@dataclass
class BrainContext:
    """What a brain may read while wording a move, and where it reports events."""

    state: SessionState
    question: Question | None
    rubric: Rubric
    rng: random.Random
    ack_terms: tuple[str, ...] = ()
    events: list[tuple[str, str]] = field(default_factory=list)

    def secrets(self) -> list[str]:
        """Texts the candidate must not see during the interview (key points, model answer)."""
        return secrets_of(self.question)


class Brain(Protocol):
    """Words a move. `stream` yields the text in chunks; their concatenation is the full line."""

    name: str

    def stream(self, move: Move, ctx: BrainContext) -> Iterator[str]: ...

    def author(self, move: Move) -> str:
        """The brain whose words a line for `move` is (the llm brain leaves some moves to the offline one)."""
        ...
