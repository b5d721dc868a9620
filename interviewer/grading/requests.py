"""A request to grade one answer (CLI, API, batch lines): validated once, into what the grader takes."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round, parse_round
from interviewer.errors import InputError
from interviewer.grading.grader import QuestionAttempt


@dataclass(frozen=True)
class GradeRequestItem:
    """One answer to grade: a round, exactly one of a bank question id or a free-text question."""

    round: str
    answer: str
    question_id: str | None = None
    question: str | None = None


def attempt_for(bank: Bank, item: GradeRequestItem, *, max_chars: int) -> tuple[Round, QuestionAttempt]:
    """The grader's input for `item`; InputError says what is wrong with it."""
    round_ = parse_round(item.round)
    if (item.question_id is None) == (item.question is None):
        raise InputError("give exactly one of question_id or question")
    if len(item.answer) > max_chars:
        raise InputError(f"answer is {len(item.answer)} characters; the limit is {max_chars}")
    if item.question_id is not None:
        question = bank.question(item.question_id)
        if question.round != round_:
            raise InputError(f"question {question.id} is a {question.round} question, not {round_}")
        return round_, QuestionAttempt(question, question.prompt, [item.answer])
    text = (item.question or "").strip()
    if not text:
        raise InputError("the question must not be empty")
    return round_, QuestionAttempt(None, text, [item.answer])
