"""Wrapping a session up: the grader's input (one attempt per question) and the closing summary line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interviewer.domain.bank import Question
from interviewer.domain.report import SessionReport
from interviewer.domain.session import QuestionProgress, SessionState


def attempts_of(state: SessionState, question_of: Callable[[QuestionProgress], Question | None]) -> list[Any]:
    """One QuestionAttempt per question asked: the candidate's answers (commands excluded) and hints.

    A question left without any answer counts as skipped.
    """
    from interviewer.grading.grader import QuestionAttempt

    attempts = []
    for index, progress in enumerate(state.questions):
        answers = state.answers_for(index)
        attempts.append(
            QuestionAttempt(
                question=question_of(progress),
                question_text=progress.prompt,
                answers=answers,
                hints_used=progress.hints_used,
                skipped=progress.skipped or not answers,
            )
        )
    return attempts


def summary_of(report: SessionReport) -> str:
    """Two lines for the end of the transcript; the full report travels separately."""
    overall = report.overall
    answered = sum(1 for q in report.questions if "skipped" not in q.flags)
    return (
        f"Overall: {overall.score:.1f} / 4 ({overall.recommendation}) across {answered} answered "
        "question(s). The feedback report has your score per criterion with the evidence from your "
        "own words, the points you missed, and what to practise next."
    )
