"""The one engine the surfaces use for every round: conversation rounds go to `Interviewer`, coding rounds to
`CodingEngine`, by the session's round (`is_coding_round`)."""

from __future__ import annotations

from collections.abc import Callable

from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import CodingRound, Level, SessionRound, is_coding_round
from interviewer.domain.session import SessionState
from interviewer.interview.coding_session import CodingEngine
from interviewer.interview.contract import Reply, ReplyStream
from interviewer.interview.engine import Interviewer


class SessionEngine:
    """Start, record, advance and end sessions of any round (the `InterviewEngine` contract)."""

    def __init__(self, conversation: Callable[[], Interviewer], coding: Callable[[], CodingEngine]) -> None:
        # Built on first use: a coding session never loads the embedder, a conversation never the problems.
        self._conversation = conversation
        self._coding = coding

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
    ) -> SessionState:
        """A new session with its opening line (company, level, topic and brain: conversation rounds only)."""
        if isinstance(round_, CodingRound):
            return self._coding().start(
                round_, seen_question_ids=seen_question_ids, session_id=session_id, seed=seed,
                question_id=question_id, minutes=minutes,
            )  # fmt: skip
        return self._conversation().start(
            round_, company=company, level=level, topic=topic, seen_question_ids=seen_question_ids,
            session_id=session_id, brain=brain, seed=seed, question_id=question_id, minutes=minutes,
        )  # fmt: skip

    def record_candidate(self, state: SessionState, text: str) -> SessionState:
        return self._for(state).record_candidate(state, text)

    def advance(self, state: SessionState) -> Reply:
        return self._for(state).advance(state)

    def advance_stream(self, state: SessionState) -> ReplyStream:
        return self._for(state).advance_stream(state)

    def end(self, state: SessionState) -> SessionReport:
        return self._for(state).end(state)

    def _for(self, state: SessionState) -> Interviewer | CodingEngine:
        return self._coding() if is_coding_round(state.round) else self._conversation()
