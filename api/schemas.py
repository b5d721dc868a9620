"""Request and response models of the HTTP API (one schema per boundary; never a store row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from interviewer.report import GradeReport, SessionReport


class ErrorOut(BaseModel):
    code: str
    message: str


class SessionCreate(BaseModel):
    round: str = Field(description="ml-system-design | behavioral | case-study | ml-depth")
    company: str | None = Field(None, max_length=100)
    level: str | None = Field(None, max_length=20, description="junior | mid | senior | staff")
    topic: str | None = Field(None, max_length=100)
    brain: Literal["offline", "llm"] | None = None


class MessageCreate(BaseModel):
    content: str = Field(min_length=1, description="An answer, or a command: /hint /repeat /skip /end /help")


class TurnOut(BaseModel):
    role: str
    text: str
    kind: str | None = None
    brain: str | None = Field(None, description="Which brain worded an interviewer line: offline | llm")


class EventOut(BaseModel):
    """Something that happened in the session besides the transcript (e.g. `llm_fallback`).

    Only the kind and the turn it belongs to: details can name internal endpoints.
    """

    kind: str
    turn_index: int | None = None


class SessionOut(BaseModel):
    id: str
    round: str
    company: str | None = None
    level: str | None = None
    topic: str | None = None
    brain: str | None = None
    status: str
    turns: list[TurnOut]
    events: list[EventOut] = []
    question_count: int
    report: SessionReport | None = None


class ReplyText(BaseModel):
    text: str
    kind: str


class ReplyOut(BaseModel):
    reply: ReplyText
    ended: bool
    session: SessionOut
    report: SessionReport | None = None


class SessionSummary(BaseModel):
    id: str
    round: str
    company: str | None = None
    level: str | None = None
    status: str
    turns: int
    overall: float | None = None


class SessionList(BaseModel):
    items: list[SessionSummary]
    total: int
    limit: int
    offset: int


class GradeRequest(BaseModel):
    round: str
    question_id: str | None = Field(None, max_length=200)
    question: str | None = Field(None, max_length=5000)
    answer: str


class QuestionPublic(BaseModel):
    """What a candidate may see of a bank question: never key points, follow-ups or model answers."""

    id: str
    round: str
    topic: str
    difficulty: str
    level_min: str
    level_max: str
    companies: list[str]
    prompt: str


class QuestionList(BaseModel):
    items: list[QuestionPublic]
    total: int


class ProgressPointOut(BaseModel):
    session_id: str
    round: str
    at: datetime
    overall: float
    criteria: dict[str, int | None]
    names: dict[str, str]


class ProgressOut(BaseModel):
    points: list[ProgressPointOut]


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def turn_out(turn: Any) -> TurnOut:
    role = getattr(turn, "role", None) or getattr(turn, "speaker", "unknown")
    text = getattr(turn, "text", None)
    return TurnOut(
        role=str(_text(role)),
        text=str(text if text is not None else getattr(turn, "content", "")),
        kind=_text(getattr(turn, "kind", None)),
        brain=_text(getattr(turn, "brain", None)),
    )


def session_out(state: Any) -> SessionOut:
    """The public view of a SessionState."""
    return SessionOut(
        id=state.id,
        round=str(_text(state.round)),
        company=_text(getattr(state, "company", None)),
        level=_text(getattr(state, "level", None)),
        topic=_text(getattr(state, "topic", None)),
        brain=_text(getattr(state, "brain", None)),
        status=str(_text(state.status)),
        turns=[turn_out(t) for t in state.turns],
        events=[EventOut(kind=e.kind, turn_index=e.turn_index) for e in getattr(state, "events", []) or []],
        question_count=len(getattr(state, "questions", []) or []),
        report=getattr(state, "report", None),
    )


def session_summary(state: Any) -> SessionSummary:
    report = getattr(state, "report", None)
    return SessionSummary(
        id=state.id,
        round=str(_text(state.round)),
        company=_text(getattr(state, "company", None)),
        level=_text(getattr(state, "level", None)),
        status=str(_text(state.status)),
        turns=len(state.turns),
        overall=None if report is None else report.overall.score,
    )


__all__ = ["GradeReport"]
