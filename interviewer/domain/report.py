"""Feedback report schemas: the boundary shape shared by `grade --json`, the session `/end` and the API.

CONTRACT: the grader fills these; the engine, CLI and API only pass them on. Additive changes only.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Overall(BaseModel):
    score: float = Field(ge=1, le=4)  # weighted mean of criterion levels, computed, never asked of a model
    recommendation: str  # No Hire / Lean No Hire / Lean Hire / Strong Hire
    confidence: float = Field(ge=0, le=1)


class CriterionScore(BaseModel):
    id: str
    name: str
    score: int | None  # 1..4; None = insufficient evidence
    evidence: list[str]  # verbatim spans of the candidate's words
    rubric_ref: str  # "<rubric id>#<criterion id>"
    descriptor: str  # the rubric's descriptor for the level given (or what was missing)
    weight: float = 0.0
    insufficient_evidence: bool = False


class GuideRef(BaseModel):
    chunk_id: str
    title: str
    section: str
    text: str = ""


class FeedbackItem(BaseModel):
    text: str
    criterion_id: str | None = None
    evidence: list[str] = []
    guide_refs: list[GuideRef] = []


class Feedback(BaseModel):
    summary: str
    strengths: list[FeedbackItem] = []
    gaps: list[FeedbackItem] = []
    practice_next: list[FeedbackItem] = []
    model_answer: str = ""
    hints_used: int = 0
    adjustments: list[str] = []  # every change the evidence layer made to an LLM's proposal


class GradeReport(BaseModel):
    """Feedback on one answer (or all of a candidate's turns on one question)."""

    round: str
    question_id: str | None = None
    question: str
    overall: Overall
    criteria: list[CriterionScore]
    flags: list[str] = []
    missed_key_points: list[str] = []
    feedback: Feedback


class SessionReport(BaseModel):
    """Feedback on a whole session: one GradeReport per question plus criterion scores across them."""

    round: str
    overall: Overall
    criteria: list[CriterionScore]
    questions: list[GradeReport]
    flags: list[str] = []
    feedback: Feedback
