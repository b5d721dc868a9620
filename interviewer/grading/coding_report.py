"""A coding grade as the session report every round stores: history, progress and the study plan read
coding sessions like any other. The scores are the coding rubric's; nothing is re-scored here."""

from __future__ import annotations

from interviewer.domain.flags import HARD_CODED
from interviewer.domain.problems import CodingRubric, Problem
from interviewer.domain.report import (
    CriterionScore,
    Feedback,
    FeedbackItem,
    GradeReport,
    Overall,
    SessionReport,
)
from interviewer.grading.coding_rubric import CodingReport

LEAN_HIRE_LEVEL = 3
# The levels come from test results and fixed rules over the code and the candidate's words, not from a
# model's judgement: the report is as certain as its evidence, which every criterion lists.
CONFIDENCE = 1.0


def coding_session_report(
    report: CodingReport, problem: Problem, rubric: CodingRubric, *, hints_used: int = 0
) -> SessionReport:
    """`report` on `problem` as a SessionReport with one question (the problem)."""
    weights: dict[str, float] = {c.id: c.weight for c in rubric.criteria}
    best: dict[str, str] = {c.id: c.levels[-1] for c in rubric.criteria}
    criteria = [
        CriterionScore(
            id=c.id,
            name=c.name,
            score=c.level,
            evidence=list(c.evidence),
            rubric_ref=f"{problem.round}#{c.id}",
            descriptor=c.rubric,
            weight=weights[c.id],
        )
        for c in report.criteria
    ]
    overall = Overall(score=report.overall, recommendation=report.label, confidence=CONFIDENCE)
    flags = [HARD_CODED] if report.capped else []
    feedback = _feedback(report, criteria, best, problem, hints_used)
    question = GradeReport(
        round=problem.round, question_id=problem.id, question=problem.title, overall=overall,
        criteria=criteria, flags=flags, feedback=feedback,
    )  # fmt: skip
    return SessionReport(
        round=problem.round, overall=overall, criteria=criteria, questions=[question], flags=flags,
        feedback=feedback,
    )  # fmt: skip


def _feedback(
    report: CodingReport,
    criteria: list[CriterionScore],
    best: dict[str, str],
    problem: Problem,
    hints_used: int,
) -> Feedback:
    summary = f"{report.label} ({report.overall:.2f} of 4) on {problem.title}."
    if report.capped:
        summary += f" Capped at weak: {report.capped}."
    strengths = [_item(c, c.descriptor) for c in criteria if (c.score or 0) >= LEAN_HIRE_LEVEL]
    gaps = [_item(c, c.descriptor) for c in criteria if (c.score or 0) < LEAN_HIRE_LEVEL]
    weakest = sorted(
        (c for c in criteria if (c.score or 0) < LEAN_HIRE_LEVEL), key=lambda c: (c.score, -c.weight)
    )
    practice = [
        FeedbackItem(text=f"Practise {c.name.lower()}: {best[c.id]}", criterion_id=c.id) for c in weakest
    ]
    outline = "\n".join(["Key points:", *(f"- {point}" for point in problem.key_points)])
    return Feedback(
        summary=summary, strengths=strengths, gaps=gaps, practice_next=practice, model_answer=outline,
        hints_used=hints_used,
    )  # fmt: skip


def _item(criterion: CriterionScore, text: str) -> FeedbackItem:
    return FeedbackItem(
        text=f"{criterion.name}: {text}", criterion_id=criterion.id, evidence=criterion.evidence
    )
