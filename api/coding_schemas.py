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


class AskRequest(_In):
    question: str = Field(min_length=1, max_length=2_000)


class AskOut(BaseModel):
    answer: str


class HintRequest(_In):
    number: int = Field(0, ge=0, le=20, description="which hint, from 0 (the client counts)")


class RunRequest(_In):
    code: str = Field(min_length=1, max_length=MAX_CODE_CHARS)


class SubmitRequest(RunRequest):
    """The code, and what the candidate said and asked during the session (graded as evidence)."""

    words: list[str] = Field(default_factory=list, max_length=200)
    questions: list[str] = Field(default_factory=list, max_length=100)
    runs: int = Field(0, ge=0, le=10_000)


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
