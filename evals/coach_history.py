"""A seeded two-week candidate history: sessions answered weakly, partly or fully, stored as ended on
their days. The tests (study plan, API, browser) and `python -m interviewer.cli.coach_demo` use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from interviewer.composition import Components
from interviewer.domain.bank import Question
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState
from interviewer.store.models import CriterionScoreRow, SessionRow
from interviewer.text import split_sentences


@dataclass(frozen=True)
class Practised:
    day: int
    round: str
    quality: str  # weak | partial | strong


# Two weeks: system design weak then better, behavioral middling, ML depth weak and recent.
TWO_WEEKS: tuple[Practised, ...] = (
    Practised(0, "ml-system-design", "weak"),
    Practised(1, "behavioral", "partial"),
    Practised(4, "ml-system-design", "partial"),
    Practised(7, "behavioral", "partial"),
    Practised(10, "ml-depth", "weak"),
    Practised(12, "ml-system-design", "strong"),
    Practised(13, "ml-depth", "partial"),
)
WEAK_ANSWER = "I would use a standard approach here, try a model and see how it goes, then improve it."


def answer_for(question: Question, quality: str) -> str:
    """An answer of the given quality, built from the question's own model answer and key points."""
    if quality == "weak":
        return WEAK_ANSWER
    sentences = [s for s, _, _ in split_sentences(question.model_answer)]
    if quality == "partial":
        return " ".join(sentences[: max(1, len(sentences) // 3)])
    return " ".join(sentences + [f"{point.rstrip('.')}." for point in question.key_points])


def run_session(components: Components, user_id: str, practised: Practised, seed: int) -> SessionState:
    """One whole offline session (no follow-ups), answered at `practised.quality`, stored as ended."""
    interviewer = components.interviewer()
    sessions = components.stores()[0]
    seen = sessions.seen_question_ids(user_id)
    state = interviewer.start(Round(practised.round), seen_question_ids=seen, seed=seed)
    for _ in range(12):
        index = state.current_index
        if state.status != "active":
            break
        question_id = state.questions[index].question_id if index is not None else None
        text = (
            answer_for(components.bank().question(question_id), practised.quality) if question_id else "/end"
        )
        state = interviewer.advance(interviewer.record_candidate(state, text)).state
    if state.status == "active":
        state = interviewer.advance(interviewer.record_candidate(state, "/end")).state
    sessions.create(user_id, state)
    return state


def backdate(components: Components, session_id: str, at: datetime) -> None:
    """Move a stored session (and its scores) to `at`, as if it had happened then."""
    with components.stores()[0].engine.begin() as db:
        db.execute(update(SessionRow).where(SessionRow.id == session_id).values(created_at=at, updated_at=at))
        db.execute(
            update(CriterionScoreRow).where(CriterionScoreRow.session_id == session_id).values(created_at=at)
        )


def seed_history(
    components: Components, user_id: str, start: datetime, schedule: Sequence[Practised] = TWO_WEEKS
) -> list[SessionState]:
    """The schedule's sessions for `user_id`, each stored as ended on its day after `start`."""
    states = []
    for n, practised in enumerate(schedule):
        state = run_session(components, user_id, practised, seed=n)
        backdate(components, state.id, start + timedelta(days=practised.day, hours=18))
        states.append(state)
    return states
