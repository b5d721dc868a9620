"""Request and response schemas of the coding rounds' routes (`/v1/coding/...`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_CODE_CHARS = 50_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemSummary(BaseModel):
    id: str
    round: Literal["coding", "ml-coding"]
    title: str
    topic: str
    difficulty: str


class ProblemList(BaseModel):
    problems: list[ProblemSummary]


class ExampleOut(BaseModel):
    name: str
    call: str


class ProblemPublic(ProblemSummary):
    """What the candidate sees: no reference, hidden tests, facts or key points."""

    statement: str
    entry: str
    starter: str
    examples: list[ExampleOut]
    opening: str


class _InSession(_In):
    session_id: str | None = Field(
        None,
        max_length=64,
        description="The stored coding session (from an earlier response); without it, a new one is started "
        "on the problem. It is a session like any other: GET /v1/sessions/{id}, POST .../end",
    )


class AskRequest(_InSession):
    question: str = Field(min_length=1, max_length=2_000)


class AskOut(BaseModel):
    answer: str
    session_id: str


class HintRequest(_InSession):
    number: int | None = Field(None, ge=0, le=20, description="which hint, from 0; the next one if omitted")


class RunRequest(_InSession):
    code: str = Field(min_length=1, max_length=MAX_CODE_CHARS)


class SubmitRequest(RunRequest):
    """The code, and what the candidate said and asked that the session has not heard yet (evidence)."""

    words: list[str] = Field(default_factory=list, max_length=200)
    questions: list[str] = Field(default_factory=list, max_length=100)
    runs: int | None = Field(
        None, ge=0, le=10_000, description="Ignored: the grade uses the session's own count of runs"
    )


class TestResultOut(BaseModel):
    name: str
    kind: str
    passed: bool
    message: str | None
    seconds: float


class RunOut(BaseModel):
    verdict: str
    passed: int
    total: int
    results: list[TestResultOut]
    first_failure: str | None
    stdout: str
    stderr: str
    wall_s: float
    max_rss_kb: int
    reply: str
    session_id: str
    runs: int = Field(description="Times this session has run the examples (the server's count)")


class CriterionOut(BaseModel):
    id: str
    name: str
    level: int
    evidence: list[str]
    rubric: str


class ReportOut(BaseModel):
    overall: float
    label: str
    capped: str | None
    criteria: list[CriterionOut]


class SubmitOut(RunOut):
    report: ReportOut
