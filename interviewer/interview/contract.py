"""The engine's typed interface, as the surfaces (API, CLI) use it: start, record, advance, end."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Protocol

from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import Level, SessionRound
from interviewer.domain.session import SessionState, parse_command
from interviewer.errors import InputError


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


class TurnTaker:
    """The turn mechanics every engine shares: record a candidate turn, answer it streamed or whole.

    A subclass sets `max_answer_chars` and implements `_answer`, a generator of the reply's text chunks
    that returns the Reply.
    """

    max_answer_chars: int

    def record_candidate(self, state: SessionState, text: str) -> SessionState:
        """A copy of `state` with the candidate's turn appended (nothing else changes)."""
        return with_candidate_turn(state, text, self.max_answer_chars)

    def advance(self, state: SessionState) -> Reply:
        """Answer the pending candidate turn; returns the reply with the new state."""
        stream = self.advance_stream(state)
        for _ in stream:
            pass
        assert stream.last_reply is not None
        return stream.last_reply

    def advance_stream(self, state: SessionState) -> ReplyStream:
        """Like `advance`, streamed: iterate for text chunks, then read `.last_reply`."""
        if state.pending_candidate_turn() is None:
            raise InputError("there is no candidate message waiting for an answer")
        return ReplyStream(self._answer(state.model_copy(deep=True)))

    def _answer(self, state: SessionState) -> Generator[str, None, Reply]:
        raise NotImplementedError


def with_candidate_turn(state: SessionState, text: str, max_answer_chars: int) -> SessionState:
    """A copy of `state` with the candidate's turn appended; InputError for a turn no session accepts."""
    if state.status != "active":
        raise InputError("this session has ended; start a new one")
    if not text.strip():
        raise InputError("an empty message is not an answer; type your answer or /help")
    if len(text) > max_answer_chars:
        raise InputError(f"message is {len(text)} characters; the limit is {max_answer_chars}")
    if state.pending_candidate_turn() is not None:
        raise InputError("the previous message has not been answered yet")
    new = state.model_copy(deep=True)
    command = parse_command(text)
    new.add_turn(
        "candidate", text.strip() if command else text, kind="command" if command else "answer",
        question_index=new.current_index, command=command,
    )  # fmt: skip
    return new
