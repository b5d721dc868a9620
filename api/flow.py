"""Session operations behind the routes: commit the candidate's turn, then answer it, then commit that.

Each step is its own transaction, so a crash between them loses nothing the candidate wrote; the next
load finds the unanswered turn (`pending_candidate_turn`) and answers it first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from api.deps import Services
from api.errors import ApiError
from api.schemas import ReplyOut, ReplyText, SessionCreate, session_out
from interviewer.domain.rounds import ROUND_NAMES, Level, Round, parse_round
from interviewer.domain.session import SessionState
from interviewer.errors import ConfigError
from interviewer.interview.engine import InterviewEngine, Reply
from interviewer.store import User


def parse_round_or_422(name: str) -> Round:
    """The round, or a 422 `unknown_round` listing the valid ones."""
    try:
        return parse_round(name)
    except Exception:  # noqa: BLE001 - InputError or any malformed value: same answer
        raise ApiError(
            422,
            "unknown_round",
            f"unknown round {name!r}; valid rounds: {', '.join(ROUND_NAMES)}",
            valid_rounds=list(ROUND_NAMES),
        ) from None


def _parse_level(name: str | None) -> Level | None:
    if name is None:
        return None
    try:
        return Level(name.strip().lower())
    except ValueError:
        valid = [level.value for level in Level]
        raise ApiError(
            422,
            "unknown_level",
            f"unknown level {name!r}; valid levels: {', '.join(valid)}",
            valid_levels=valid,
        ) from None


def start_session(services: Services, user: User, request: SessionCreate) -> SessionState:
    """A new session with the interviewer's opening message, committed."""
    round_ = parse_round_or_422(request.round)
    level = _parse_level(request.level)
    try:
        state = services.interviewer().start(
            round_,
            company=request.company,
            level=level,
            topic=request.topic,
            seen_question_ids=services.sessions.seen_question_ids(user.id),
            brain=request.brain,
        )
    except ConfigError as exc:  # e.g. brain "llm" without MI_LLM_BASE_URL
        raise ApiError(422, "brain_unavailable", str(exc)) from None
    services.sessions.save(user.id, state)
    return state


def load_resumed(services: Services, user: User, session_id: str) -> SessionState:
    """The session, with a candidate turn left unanswered by a crash answered and committed."""
    state = services.sessions.load(user.id, session_id)
    if state.status == "active" and state.pending_candidate_turn() is not None:
        reply = services.interviewer().advance(state)
        state = reply.state
        services.sessions.save(user.id, state)
    return state


def check_size(services: Services, content: str) -> None:
    limit = services.settings.max_answer_chars
    if len(content) > limit:
        raise ApiError(
            413,
            "answer_too_large",
            f"message is {len(content)} characters; the limit is {limit}",
            limit=limit,
        )


def record(
    services: Services, user: User, session_id: str, content: str
) -> tuple[InterviewEngine, SessionState]:
    """Commit the candidate's message; returns (interviewer, state with the pending turn)."""
    check_size(services, content)
    state = load_resumed(services, user, session_id)
    if state.status != "active":
        raise ApiError(409, "session_ended", "this session has ended; see its report")
    interviewer = services.interviewer()
    state = interviewer.record_candidate(state, content)
    services.sessions.save(user.id, state)
    return interviewer, state


def reply_out(reply: Reply) -> ReplyOut:
    state = reply.state
    return ReplyOut(
        reply=ReplyText(text=reply.text, kind=reply.kind),
        ended=reply.ended,
        session=session_out(state),
        report=reply.report or state.report,
    )


def answer(services: Services, user: User, interviewer: InterviewEngine, state: SessionState) -> ReplyOut:
    """Answer the pending turn and commit the reply."""
    reply = interviewer.advance(state)
    services.sessions.save(user.id, reply.state)
    return reply_out(reply)


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def answer_stream(
    services: Services, user: User, interviewer: InterviewEngine, state: SessionState
) -> Iterator[str]:
    """The reply as server-sent events: `token` events, then one `done` event with the ReplyOut JSON."""
    try:
        stream = interviewer.advance_stream(state)
        for chunk in stream:
            if chunk:
                yield _sse("token", {"text": chunk})
        reply = stream.last_reply
        if reply is None:
            raise RuntimeError("the interviewer's stream gave no final reply")
        services.sessions.save(user.id, reply.state)
        yield _sse("done", reply_out(reply).model_dump(mode="json"))
    except Exception as exc:  # noqa: BLE001 - the status line is already sent; report in-band
        # The candidate's turn is committed; the next load answers it (crash-recovery path).
        yield _sse("error", {"code": "reply_failed", "message": str(exc) or type(exc).__name__})


def end_session(services: Services, user: User, session_id: str) -> SessionState:
    """Finish the session (idempotent) and return its state with the report, committed."""
    state = load_resumed(services, user, session_id)
    if state.status == "ended" and state.report is not None:
        return state
    report = services.interviewer().end(state)
    if state.status != "ended" or state.report is None:
        state = state.model_copy(update={"status": "ended", "report": report})
    services.sessions.save(user.id, state)
    return state
