"""`/v1/sessions`: start, chat (JSON or server-sent events), read, list, end, report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from api import flow
from api.deps import CurrentUser, ServicesDep
from api.errors import ApiError
from api.schemas import (
    ErrorOut,
    MessageCreate,
    ReplyOut,
    SessionCreate,
    SessionList,
    SessionOut,
    session_out,
    session_summary,
)
from interviewer.domain.report import SessionReport

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such session for this caller"}
}


@router.post("", status_code=201, response_model=SessionOut, responses={422: {"model": ErrorOut}})
def create_session(body: SessionCreate, services: ServicesDep, user: CurrentUser) -> SessionOut:
    """Start a session; the response holds the interviewer's opening message."""
    return session_out(flow.start_session(services, user, body))


@router.get("", response_model=SessionList)
def list_sessions(
    services: ServicesDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> SessionList:
    """The caller's sessions, newest first."""
    states = services.sessions.list(user.id, limit=limit, offset=offset)
    return SessionList(
        items=[session_summary(s) for s in states],
        total=services.sessions.count(user.id),
        limit=limit,
        offset=offset,
    )


@router.get("/{session_id}", response_model=SessionOut, responses=_NOT_FOUND)
def get_session(session_id: str, services: ServicesDep, user: CurrentUser) -> SessionOut:
    """The session and its transcript (an answer interrupted by a crash is completed first)."""
    return session_out(flow.load_resumed(services, user, session_id))


@router.post(
    "/{session_id}/messages",
    response_model=ReplyOut,
    responses={
        **_NOT_FOUND,
        409: {"model": ErrorOut},
        413: {"model": ErrorOut},
        200: {"content": {"text/event-stream": {}}},
    },
)
def post_message(
    session_id: str,
    body: MessageCreate,
    services: ServicesDep,
    user: CurrentUser,
    accept: Annotated[str | None, Header()] = None,
) -> ReplyOut | StreamingResponse:
    """Send an answer or a command; the reply streams as SSE with `Accept: text/event-stream`."""
    interviewer, state = flow.record(services, user, session_id, body.content)
    if accept and "text/event-stream" in accept:
        return StreamingResponse(
            flow.answer_stream(services, user, interviewer, state),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return flow.answer(services, user, interviewer, state)


@router.post("/{session_id}/end", response_model=SessionReport, responses=_NOT_FOUND)
def end_session(session_id: str, services: ServicesDep, user: CurrentUser) -> SessionReport:
    """End the session and return its feedback report (again on repeat calls)."""
    report = flow.end_session(services, user, session_id).report
    assert report is not None  # an ended session always carries its report
    return report


@router.get(
    "/{session_id}/report", response_model=SessionReport, responses={**_NOT_FOUND, 409: {"model": ErrorOut}}
)
def get_report(session_id: str, services: ServicesDep, user: CurrentUser) -> SessionReport:
    """The feedback report of an ended session."""
    state = services.sessions.load(user.id, session_id)
    if state.report is None:
        raise ApiError(409, "session_active", "the session has not ended; POST .../end first")
    return state.report  # type: ignore[no-any-return]
