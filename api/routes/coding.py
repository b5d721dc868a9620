"""The coding and ML-coding rounds: `/v1/coding/problems`, and per problem `ask`, `run` (the visible
examples) and `submit` (every test, graded). The client keeps the session's words and run count and sends
them with the submission; hidden tests' data never leaves the server, nor does a hidden run's output.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.coding_schemas import (
    AskOut,
    AskRequest,
    CriterionOut,
    ExampleOut,
    HintRequest,
    ProblemList,
    ProblemPublic,
    ProblemSummary,
    ReportOut,
    RunOut,
    RunRequest,
    SubmitOut,
    SubmitRequest,
    TestResultOut,
)
from api.deps import CurrentUser, ServicesDep
from api.errors import ApiError
from interviewer.errors import InputError
from interviewer.grading.judge import Judgement
from interviewer.interview.coding_flow import CodingInterview

router = APIRouter(prefix="/v1/coding", tags=["coding rounds"])


def _session(services: ServicesDep, problem_id: str) -> CodingInterview:
    try:
        return services.components.coding_interview(problem_id)
    except InputError as exc:
        raise ApiError(404, "problem_not_found", str(exc)) from None


@router.get("/problems", response_model=ProblemList)
def list_problems(services: ServicesDep, user: CurrentUser, round: str | None = None) -> ProblemList:
    """The problems of both coding rounds, or of `round`."""
    files = services.components.problem_files()
    return ProblemList(
        problems=[
            ProblemSummary(id=p.id, round=p.round, title=p.title, topic=p.topic, difficulty=p.difficulty)
            for name, document in files.items()
            if round in (None, name)
            for p in document.problems
        ]
    )


@router.get("/problems/{problem_id}", response_model=ProblemPublic)
def show_problem(services: ServicesDep, user: CurrentUser, problem_id: str) -> ProblemPublic:
    """The statement, starter code and runnable examples, and the interviewer's opening."""
    session = _session(services, problem_id)
    p = session.problem
    return ProblemPublic(
        id=p.id,
        round=p.round,
        title=p.title,
        topic=p.topic,
        difficulty=p.difficulty,
        statement=p.statement,
        entry=p.entry,
        starter=p.starter,
        examples=[ExampleOut(name=t.name, call=f"{p.entry}{t.args}") for t in p.visible_tests],
        opening=session.opening(),
    )


@router.post("/problems/{problem_id}/ask", response_model=AskOut)
def ask(services: ServicesDep, user: CurrentUser, problem_id: str, body: AskRequest) -> AskOut:
    """A clarifying question, answered from the problem's facts."""
    return AskOut(answer=_session(services, problem_id).ask(body.question))


@router.post("/problems/{problem_id}/hint", response_model=AskOut)
def hint(services: ServicesDep, user: CurrentUser, problem_id: str, body: HintRequest) -> AskOut:
    """Hint number `number` of the problem, or a prompt to say where the candidate is stuck."""
    return AskOut(answer=_session(services, problem_id).hint(body.number))


@router.post("/problems/{problem_id}/run", response_model=RunOut)
def run(services: ServicesDep, user: CurrentUser, problem_id: str, body: RunRequest) -> RunOut:
    """Run the visible examples in the sandbox."""
    result, reply = _session(services, problem_id).run(body.code)
    return _run_out(result, reply, show_output=True)


@router.post("/problems/{problem_id}/submit", response_model=SubmitOut)
def submit(services: ServicesDep, user: CurrentUser, problem_id: str, body: SubmitRequest) -> SubmitOut:
    """Run every test, hidden ones included, and grade the submission with the session's words."""
    session = _session(services, problem_id)
    for question in body.questions:
        session.ask(question)
    for words in body.words:
        session.explain(words)
    session.runs = body.runs
    result, reply = session.submit(body.code)
    report = session.report
    assert report is not None
    out = _run_out(result, reply, show_output=False)
    criteria = [
        CriterionOut(id=c.id, name=c.name, level=c.level, evidence=list(c.evidence), rubric=c.rubric)
        for c in report.criteria
    ]
    return SubmitOut(
        **out.model_dump(),
        report=ReportOut(overall=report.overall, label=report.label, capped=report.capped, criteria=criteria),
    )


def _run_out(result: Judgement, reply: str, *, show_output: bool) -> RunOut:
    run = result.run
    return RunOut(
        verdict=run.verdict,
        passed=result.passed,
        total=len(result.results),
        results=[
            TestResultOut(name=r.name, kind=r.kind, passed=r.passed, message=r.message, seconds=r.seconds)
            for r in result.results
        ],
        first_failure=result.first_failure,
        stdout=run.stdout if show_output else "",
        stderr=run.stderr if show_output else "",
        wall_s=run.wall_s,
        max_rss_kb=run.max_rss_kb,
        reply=reply,
    )
