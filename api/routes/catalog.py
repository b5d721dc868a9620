"""The bank and the grader: `/v1/questions`, `/v1/rubrics/{round}`, `/v1/grade`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CurrentUser, ServicesDep
from api.errors import ApiError
from api.flow import check_size, parse_round_or_422
from api.schemas import (
    ErrorOut,
    GradeBatchOut,
    GradeBatchRequest,
    GradeBatchResult,
    GradeRequest,
    QuestionList,
    QuestionPublic,
)
from interviewer.domain.report import GradeReport
from interviewer.errors import InputError
from interviewer.grading.requests import GradeRequestItem, attempt_for

router = APIRouter(prefix="/v1", tags=["bank and grading"])
_ROUND_ERROR: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Unknown round (the valid ones are listed)"}
}


def _public(question: Any) -> QuestionPublic:
    return QuestionPublic(
        id=question.id,
        round=str(question.round),
        topic=question.topic,
        difficulty=question.difficulty,
        level_min=str(question.level.min),
        level_max=str(question.level.max),
        companies=list(question.companies),
        prompt=question.prompt,
    )


@router.get("/questions", response_model=QuestionList, responses=_ROUND_ERROR)
def list_questions(
    services: ServicesDep,
    user: CurrentUser,
    round: str | None = None,
    company: Annotated[str | None, Query(max_length=100)] = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    difficulty: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> QuestionList:
    """Bank questions matching the filters (prompts only: no key points, follow-ups or model answers)."""
    questions = list(services.bank().questions)
    if round is not None:
        wanted = parse_round_or_422(round)
        questions = [q for q in questions if q.round == wanted]
    if company:
        questions = [q for q in questions if company.strip().lower() in q.companies]
    if topic:
        questions = [q for q in questions if topic.strip().lower() in q.topic.lower()]
    if difficulty:
        questions = [q for q in questions if q.difficulty == difficulty.strip().lower()]
    page = questions[offset : offset + limit]
    return QuestionList(items=[_public(q) for q in page], total=len(questions))


@router.get("/rubrics/{round}", responses=_ROUND_ERROR)
def get_rubric(round: str, services: ServicesDep, user: CurrentUser) -> dict[str, Any]:
    """The round's rubric: criteria, weights and the descriptor of each level."""
    rubric = services.bank().rubric_for_round(parse_round_or_422(round))
    return rubric.model_dump(mode="json")  # type: ignore[no-any-return]


@router.post("/grade", response_model=GradeReport, responses={**_ROUND_ERROR, 413: {"model": ErrorOut}})
def grade(body: GradeRequest, services: ServicesDep, user: CurrentUser) -> GradeReport:
    """Grade one answer against the round's rubric: the same JSON as `mock-interviewer grade --json`."""
    round_ = parse_round_or_422(body.round)
    check_size(services, body.answer)
    if (body.question_id is None) == (body.question is None):
        raise ApiError(422, "question_required", "give exactly one of question_id or question")
    question = services.bank().question(body.question_id) if body.question_id else None
    if question is not None and question.round != round_:
        raise ApiError(
            422, "question_round_mismatch", f"question {question.id} is a {question.round} question"
        )
    item = GradeRequestItem(body.round, body.answer, body.question_id, body.question)
    _, attempt = attempt_for(services.bank(), item, max_chars=services.settings.max_answer_chars)
    return services.grader().grade_answer(round_, attempt)


@router.post("/grade/batch", response_model=GradeBatchOut, responses={413: {"model": ErrorOut}})
def grade_batch(body: GradeBatchRequest, services: ServicesDep, user: CurrentUser) -> GradeBatchOut:
    """Grade up to MAX_BATCH answers in one call; a bad item gets an error and never stops the others."""
    results = []
    for index, item in enumerate(body.items):
        request = GradeRequestItem(item.round, item.answer, item.question_id, item.question)
        try:
            round_, attempt = attempt_for(
                services.bank(), request, max_chars=services.settings.max_answer_chars
            )
            report = services.grader().grade_answer(round_, attempt)
        except InputError as exc:
            results.append(GradeBatchResult(index=index, id=item.id, error=str(exc)))
            continue
        results.append(GradeBatchResult(index=index, id=item.id, report=report))
    return GradeBatchOut(results=results)
