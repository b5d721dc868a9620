"""A user's ended sessions as plain history: per session, the round, when, and each level given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from interviewer.domain.session import SessionState


@dataclass(frozen=True)
class QuestionLevel:
    """One question answered in one session, and the level its answer reached (1-4)."""

    question_id: str
    prompt: str
    level: int


@dataclass(frozen=True)
class SessionLevels:
    """One ended session: its criterion levels (None: insufficient evidence) and its questions' levels."""

    session_id: str
    round: str
    at: datetime
    overall: float
    criteria: dict[str, int | None]
    names: dict[str, str]
    questions: list[QuestionLevel] = field(default_factory=list)


def as_level(score: float) -> int:
    """An overall 1-4 score as the nearest whole level."""
    return max(1, min(4, int(score + 0.5)))


def as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def session_levels(ended: Iterable[tuple[datetime, SessionState]]) -> list[SessionLevels]:
    """History from stored sessions (oldest first); sessions without a report are left out."""
    out = []
    for at, state in sorted(ended, key=lambda pair: pair[0]):
        report = state.report
        if report is None:
            continue
        questions = [
            QuestionLevel(q.question_id, q.question, as_level(q.overall.score))
            for q in report.questions
            if q.question_id and "skipped" not in q.flags
        ]
        out.append(
            SessionLevels(
                session_id=state.id, round=state.round, at=as_utc(at), overall=report.overall.score,
                criteria={c.id: c.score for c in report.criteria},
                names={c.id: c.name for c in report.criteria}, questions=questions,
            )
        )  # fmt: skip
    return out
