"""The coding and ML-coding rounds: `/v1/coding/problems`, and per problem `ask`, `run` (the visible
examples) and `submit` (every test, graded).

Each action is a message of a stored coding session, through the same engine and store as
`/v1/sessions` (a request without `session_id` starts one on the problem): the server keeps the
candidate's words, questions, runs and submissions, and the grade counts the runs it recorded. Hidden
tests' data never leaves the server, nor does a hidden run's output.
"""

from __future__ import annotations

from fastapi import APIRouter

from api import flow
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
from api.schemas import SessionCreate
from interviewer.domain.problems import Problem
from interviewer.interview.coding_session import ASK, SUBMIT, CodingOutcome
from interviewer.interview.contract import Reply
from interviewer.store import User

router = APIRouter(prefix="/v1/coding", tags=["coding rounds"])


def _problem(services: ServicesDep, problem_id: str) -> Problem:
    for document in services.components.problem_files().values():
        for problem in document.problems:
            if problem.id == problem_id:
                return problem
    raise ApiError(404, "problem_not_found", f"no coding problem with id {problem_id!r}")


def _session_id(services: ServicesDep, user: User, problem_id: str, session_id: str | None) -> str:
    """The caller's coding session on `problem_id`: the one named, or a new stored one."""
    problem = _problem(services, problem_id)
    if session_id is None:
        created = SessionCreate.model_validate({"round": problem.round, "question_id": problem.id})
        return flow.start_session(services, user, created).id
    coding = services.sessions.load(user.id, session_id).coding
    if coding is None or coding.problem_id != problem_id:
        raise ApiError(
            422, "session_problem_mismatch", f"session {session_id!r} is not on problem {problem_id!r}"
        )
    return session_id


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
    p = _problem(services, problem_id)
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
        opening=services.components.coding_interview(p.id).opening(),
    )


@router.post("/problems/{problem_id}/ask", response_model=AskOut)
def ask(services: ServicesDep, user: CurrentUser, problem_id: str, body: AskRequest) -> AskOut:
    """A clarifying question, answered from the problem's facts."""
    sid = _session_id(services, user, problem_id, body.session_id)
    return _say(services, user, sid, f"{ASK} {body.question}")


@router.post("/problems/{problem_id}/hint", response_model=AskOut)
def hint(services: ServicesDep, user: CurrentUser, problem_id: str, body: HintRequest) -> AskOut:
    """Hint `number` of the problem (the next one if omitted), or a prompt to say where one is stuck."""
    sid = _session_id(services, user, problem_id, body.session_id)
    return _say(services, user, sid, "/hint" if body.number is None else f"/hint {body.number}")


@router.post("/problems/{problem_id}/run", response_model=RunOut)
def run(services: ServicesDep, user: CurrentUser, problem_id: str, body: RunRequest) -> RunOut:
    """Run the visible examples in the sandbox."""
    sid = _session_id(services, user, problem_id, body.session_id)
    return flow.send_shaped(services, user, sid, _fenced(body.code), lambda reply: _run_out(reply, True))


@router.post("/problems/{problem_id}/submit", response_model=SubmitOut)
def submit(services: ServicesDep, user: CurrentUser, problem_id: str, body: SubmitRequest) -> SubmitOut:
    """Run every test, hidden ones included, and grade the submission with the session's words and runs."""
    sid = _session_id(services, user, problem_id, body.session_id)
    for question in body.questions:
        _say(services, user, sid, f"{ASK} {question}")
    for words in body.words:
        _say(services, user, sid, words)
    return flow.send_shaped(services, user, sid, f"{SUBMIT}\n{_fenced(body.code)}", _submit_out)


def _fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def _say(services: ServicesDep, user: User, session_id: str, content: str) -> AskOut:
    return flow.send_shaped(
        services, user, session_id, content, lambda reply: AskOut(answer=reply.text, session_id=session_id)
    )


def _outcome(reply: Reply) -> CodingOutcome:
    if not isinstance(reply.outcome, CodingOutcome):
        raise ApiError(409, "no_run", f"the session answered without running the code: {reply.text}")
    return reply.outcome


def _run_out(reply: Reply, show_output: bool) -> RunOut:
    result = _outcome(reply).judgement
    run = result.run
    coding = reply.state.coding
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
        reply=reply.text,
        session_id=reply.state.id,
        runs=coding.runs if coding else 0,
    )


def _submit_out(reply: Reply) -> SubmitOut:
    report = _outcome(reply).report
    assert report is not None  # a submission is always graded
    criteria = [
        CriterionOut(id=c.id, name=c.name, level=c.level, evidence=list(c.evidence), rubric=c.rubric)
        for c in report.criteria
    ]
    return SubmitOut(
        **_run_out(reply, show_output=False).model_dump(),
        report=ReportOut(overall=report.overall, label=report.label, capped=report.capped, criteria=criteria),
    )
