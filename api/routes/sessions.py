"""`/v1/sessions`: start, chat (JSON or server-sent events), read, list, end, report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse

from api import flow, idempotency
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
from interviewer.store import IdempotencyKey, Recorded

router = APIRouter(
    prefix="/v1/sessions",
    tags=["sessions"],
    responses={503: {"model": ErrorOut, "description": "The database is unavailable; retry shortly"}},
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such session for this caller"}
}
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias=idempotency.HEADER,
        description="A fresh key (e.g. a UUID) per request: a retry with it returns the first response "
        "and stores nothing new; the same key with another body is a 422. Kept for a day.",
    ),
]
_SSE = "text/event-stream"


@router.post("", status_code=201, response_model=SessionOut, responses={422: {"model": ErrorOut}})
def create_session(
    body: SessionCreate, services: ServicesDep, user: CurrentUser, idempotency_key: IdempotencyHeader = None
) -> SessionOut | Response:
    """Start a session; the response holds the interviewer's opening message."""
    key = idempotency.request_key(idempotency_key, "POST", "/v1/sessions", body)
    out = idempotency.once(
        services.sessions, user.id, key, lambda k: flow.start_session(services, user, body, k)
    )
    return idempotency.replay_response(out) if isinstance(out, Recorded) else out


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
    idempotency_key: IdempotencyHeader = None,
) -> ReplyOut | Response:
    """Send an answer or a command; the reply streams as SSE with `Accept: text/event-stream`.

    A 200 (or the stream's `done` event) means the answer and its reply are stored; a 409
    `session_conflict` means neither is, and the request may be sent again.
    """
    key = idempotency.request_key(idempotency_key, "POST", f"/v1/sessions/{session_id}/messages", body)
    streamed = bool(accept and _SSE in accept)
    recorded = services.sessions.replay(user.id, key) if key is not None else None
    if recorded is not None:
        if streamed:
            return StreamingResponse(flow.stream_events(lambda _: recorded), media_type=_SSE)
        return idempotency.replay_response(recorded)

    def send(k: IdempotencyKey | None, on_token: flow.TokenSink | None = None) -> ReplyOut:
        return flow.send_message(services, user, session_id, body.content, k, on_token)

    if not streamed:
        out = idempotency.once(services.sessions, user.id, key, send)
        return idempotency.replay_response(out) if isinstance(out, Recorded) else out
    flow.check_can_send(services, user, session_id, body.content)
    return StreamingResponse(
        flow.stream_events(
            lambda on_token: idempotency.once(services.sessions, user.id, key, lambda k: send(k, on_token))
        ),
        media_type=_SSE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


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
