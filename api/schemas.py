"""Request and response models of the HTTP API (one schema per boundary; never a store row)."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.domain.report import GradeReport, SessionReport
from interviewer.domain.session import SessionState, Turn
from interviewer.interview.pacing import elapsed_seconds, phase_name
from interviewer.practice.plan import StudyPlan


class ErrorOut(BaseModel):
    code: str
    message: str


class SessionCreate(BaseModel):
    round: str = Field(
        description="ml-system-design | behavioral | case-study | ml-depth | coding | ml-coding"
    )
    company: str | None = Field(None, max_length=100)
    level: str | None = Field(None, max_length=20, description="junior | mid | senior | staff")
    topic: str | None = Field(None, max_length=100)
    brain: Literal["offline", "llm"] | None = None
    question_id: str | None = Field(
        None,
        max_length=200,
        description="Practise this bank question (ids: GET /v1/questions), or, in a coding round, this "
        "problem (ids: GET /v1/coding/problems)",
    )
    minutes: int | None = Field(None, ge=1, le=240, description="Time box: the session wraps up after this")


class MessageCreate(BaseModel):
    content: str = Field(
        min_length=1,
        description="An answer, or a command: /hint /repeat /skip /end /help. In a coding round, a fenced "
        "```python block runs the examples; /submit before it runs every test",
    )


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
    question_id: str | None = Field(None, description="The bank question being discussed (or last discussed)")
    elapsed_seconds: int | None = None
    phase: str | None = Field(None, description="The round phase being discussed, e.g. serving")
    time_box_minutes: int | None = None
    runs: int | None = Field(None, description="Coding rounds: times the examples were run (server's count)")
    submissions: int | None = Field(None, description="Coding rounds: times the code was submitted")


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


MAX_BATCH = 100  # answers per /v1/grade/batch call: about 5 s of grading on two cores


class GradeBatchItem(GradeRequest):
    id: str | None = Field(None, max_length=200, description="Your id for this answer, echoed back")


class GradeBatchRequest(BaseModel):
    items: list[GradeBatchItem] = Field(..., min_length=1, max_length=MAX_BATCH)


class GradeBatchResult(BaseModel):
    index: int
    id: str | None = None
    report: GradeReport | None = None
    error: str | None = None


class GradeBatchOut(BaseModel):
    results: list[GradeBatchResult]


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


class CriterionTrendOut(BaseModel):
    round: str
    criterion_id: str
    name: str
    levels: list[int | None]  # oldest first, one per ended session of the round
    last: int | None
    mean: float | None
    trend: str  # improving | slipping | steady | one session


class ProgressOut(BaseModel):
    points: list[ProgressPointOut]
    latest_round: str | None = None  # the round of the latest ended session: the chart's default
    trends: list[CriterionTrendOut] = []  # every round's criteria
    weakest: list[CriterionTrendOut] = []  # across rounds, weakest first


class PlanItemOut(BaseModel):
    kind: Literal["criterion", "question"]
    round: str
    criterion_id: str | None
    criterion: str
    question_id: str | None  # start a session on it: POST /v1/sessions {"round", "question_id"}
    question: str
    last_level: int
    last_at: datetime
    due: datetime
    interval_days: float
    reason: str


class PlanOut(BaseModel):
    generated_at: datetime
    recent_days: int  # questions seen this recently are left out unless include_recent
    include_recent: bool
    items: list[PlanItemOut]  # due first


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


def plan_out(study: StudyPlan) -> PlanOut:
    """The study plan as the API (and `mock-interviewer plan --json`) shows it."""
    return PlanOut(
        generated_at=study.generated_at,
        recent_days=study.recent_days,
        include_recent=study.include_recent,
        items=[PlanItemOut(**asdict(item)) for item in study.items],
    )


def turn_out(turn: Turn) -> TurnOut:
    return TurnOut(role=turn.speaker, text=turn.text, kind=turn.kind, brain=turn.brain)


def session_out(state: SessionState) -> SessionOut:
    """The public view of a SessionState."""
    return SessionOut(
        id=state.id,
        round=state.round,
        company=state.company,
        level=state.level,
        topic=state.topic,
        brain=state.brain,
        status=state.status,
        turns=[turn_out(t) for t in state.turns],
        events=[EventOut(kind=e.kind, turn_index=e.turn_index) for e in state.events],
        question_count=len(state.questions),
        report=state.report,
        question_id=state.questions[-1].question_id if state.questions else None,
        elapsed_seconds=elapsed_seconds(state, time.time()),
        phase=phase_name(state),
        time_box_minutes=state.time_box_minutes,
        runs=state.coding.runs if state.coding else None,
        submissions=state.coding.submissions if state.coding else None,
    )


def session_summary(state: SessionState) -> SessionSummary:
    return SessionSummary(
        id=state.id,
        round=state.round,
        company=state.company,
        level=state.level,
        status=state.status,
        turns=len(state.turns),
        overall=None if state.report is None else state.report.overall.score,
    )


__all__ = ["GradeReport"]
