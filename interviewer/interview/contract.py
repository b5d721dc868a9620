"""The engine's typed interface, as the surfaces (API, CLI) use it: start, record, advance, end."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Protocol

from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import Level, SessionRound
from interviewer.domain.session import SessionState


@dataclass
class Reply:
    """The interviewer's answer to one candidate turn, and the session state after it."""

    text: str
    kind: str
    state: SessionState
    ended: bool
    report: SessionReport | None = None
    outcome: object | None = None  # what the turn did beyond words (a coding run: its CodingOutcome)


class ReplyStream(Iterator[str]):
    """Text chunks of a reply; once exhausted, `last_reply` holds the Reply (with the new state)."""

    def __init__(self, gen: Generator[str, None, Reply]) -> None:
        self._gen = gen
        self.last_reply: Reply | None = None

    def __next__(self) -> str:
        try:
            return next(self._gen)
        except StopIteration as stop:
            self.last_reply = stop.value
            raise

    def close(self) -> None:
        self._gen.close()


class InterviewEngine(Protocol):
    """What the surfaces (API, CLI) may do with a session; `Interviewer` is the implementation."""

    def start(
        self,
        round_: SessionRound,
        *,
        company: str | None = None,
        level: Level | str | None = None,
        topic: str | None = None,
        seen_question_ids: frozenset[str] = frozenset(),
        session_id: str | None = None,
        brain: str | None = None,
        seed: int | None = None,
        question_id: str | None = None,
        minutes: int | None = None,
    ) -> SessionState: ...

    def record_candidate(self, state: SessionState, text: str) -> SessionState: ...

    def advance(self, state: SessionState) -> Reply: ...

    def advance_stream(self, state: SessionState) -> ReplyStream: ...

    def end(self, state: SessionState) -> SessionReport: ...
