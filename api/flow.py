"""Session operations behind the routes. Each is one `SessionStore.update` (or `create`): one commit.

A message is recorded, answered and stored in one compare-and-swap write, so a request is
acknowledged only once its answer and the reply are both stored, in order after every answer
acknowledged before it. A request that loses the race to another one on the same session is re-applied
to the newer state, or, after a few lost races, gets 409 with nothing stored. A streamed reply is
computed on its own thread: a client that goes away mid-stream does not stop the turn from being stored.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from pydantic import BaseModel

from api.deps import Services
from api.errors import ApiError, error_parts
from api.schemas import ReplyOut, ReplyText, SessionCreate, SessionOut, session_out
from interviewer.domain.rounds import (
    ROUND_NAMES,
    SESSION_ROUND_NAMES,
    Level,
    Round,
    SessionRound,
    parse_round,
    parse_session_round,
)
from interviewer.domain.session import SessionState
from interviewer.errors import ConfigError, InputError
from interviewer.interview.contract import InterviewEngine, Reply
from interviewer.store import Change, IdempotencyKey, Recorded, User

TokenSink = Callable[[str], None]
OutT = TypeVar("OutT", bound=BaseModel)


def parse_round_or_422(name: str) -> Round:
    """The conversation round (bank questions, rubrics), or a 422 `unknown_round` listing the valid ones."""
    return _round_or_422(name, parse_round, ROUND_NAMES)  # type: ignore[return-value]


def parse_session_round_or_422(name: str) -> SessionRound:
    """The round of a session (conversation or coding), or a 422 `unknown_round` listing the valid ones."""
    return _round_or_422(name, parse_session_round, SESSION_ROUND_NAMES)


def _round_or_422(name: str, parse: Callable[[str], SessionRound], valid: tuple[str, ...]) -> SessionRound:
    try:
        return parse(name)
    except Exception:  # noqa: BLE001 - InputError or any malformed value: same answer
        raise ApiError(
            422,
            "unknown_round",
            f"unknown round {name!r}; valid rounds: {', '.join(valid)}",
            valid_rounds=list(valid),
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


def start_session(
    services: Services, user: User, request: SessionCreate, key: IdempotencyKey | None = None
) -> SessionOut:
    """A new session with the interviewer's opening message, committed (with its response, if keyed)."""
    round_ = parse_session_round_or_422(request.round)
    level = _parse_level(request.level)
    try:
        state = services.interviewer().start(
            round_,
            company=request.company,
            level=level,
            topic=request.topic,
            seen_question_ids=services.sessions.seen_question_ids(user.id),
            brain=request.brain,
            question_id=request.question_id,
            minutes=request.minutes,
        )
    except ConfigError as exc:  # e.g. brain "llm" without MI_LLM_BASE_URL
        raise ApiError(422, "brain_unavailable", str(exc)) from None
    except InputError as exc:
        if request.question_id is None:
            raise
        raise ApiError(422, "unknown_question", f"{exc} (or GET /v1/questions)") from None
    out = session_out(state)
    response = None if key is None else Recorded(201, out.model_dump_json())
    services.sessions.create(user.id, state, key=key, response=response)
    return out


def _answered(interviewer: InterviewEngine, state: SessionState) -> SessionState:
    """The state with a candidate turn left unanswered (by a crash of an older version) answered."""
    if state.status == "active" and state.pending_candidate_turn() is not None:
        return interviewer.advance(state).state
    return state


def load_resumed(services: Services, user: User, session_id: str) -> SessionState:
    """The session, with a candidate turn left unanswered by a crash answered and committed."""

    def resume(state: SessionState) -> Change[SessionState]:
        if state.status != "active" or state.pending_candidate_turn() is None:
            return Change(None, state)
        answered = _answered(services.interviewer(), state)
        return Change(answered, answered)

    return services.sessions.update(user.id, session_id, resume)


def check_size(services: Services, content: str) -> None:
    limit = services.settings.max_answer_chars
    if len(content) > limit:
        raise ApiError(
            413,
            "answer_too_large",
            f"message is {len(content)} characters; the limit is {limit}",
            limit=limit,
        )


def _ended() -> ApiError:
    return ApiError(409, "session_ended", "this session has ended; see its report")


def check_can_send(services: Services, user: User, session_id: str, content: str) -> None:
    """404, 409 or 413 before a reply starts streaming (the send itself checks again, atomically)."""
    check_size(services, content)
    if services.sessions.load(user.id, session_id).status != "active":
        raise _ended()


def reply_out(reply: Reply) -> ReplyOut:
    state = reply.state
    return ReplyOut(
        reply=ReplyText(text=reply.text, kind=reply.kind),
        ended=reply.ended,
        session=session_out(state),
        report=reply.report or state.report,
    )


def _advance(interviewer: InterviewEngine, state: SessionState, on_token: TokenSink | None) -> Reply:
    if on_token is None:
        return interviewer.advance(state)
    stream = interviewer.advance_stream(state)
    for chunk in stream:
        if chunk:
            on_token(chunk)
    if stream.last_reply is None:
        raise RuntimeError("the interviewer's stream gave no final reply")
    return stream.last_reply


def send_message(
    services: Services,
    user: User,
    session_id: str,
    content: str,
    key: IdempotencyKey | None = None,
    on_token: TokenSink | None = None,
) -> ReplyOut:
    """Record the candidate's message, answer it, and store both in one write; returns the reply.

    `on_token` gets the reply's chunks as they are made, on the first try only: a try that lost the
    race is answered again, silently, and the returned reply is the one stored.
    """
    return send_shaped(services, user, session_id, content, reply_out, key, on_token)


def send_shaped(
    services: Services,
    user: User,
    session_id: str,
    content: str,
    shape: Callable[[Reply], OutT],
    key: IdempotencyKey | None = None,
    on_token: TokenSink | None = None,
) -> OutT:
    """`send_message` with the response made by `shape` from the stored reply (the coding routes show test
    results)."""
    check_size(services, content)
    interviewer = services.interviewer()
    tries = 0

    def turn(state: SessionState) -> Change[OutT]:
        nonlocal tries
        tries += 1
        if state.status != "active":
            raise _ended()
        recorded = interviewer.record_candidate(_answered(interviewer, state), content)
        reply = _advance(interviewer, recorded, on_token if tries == 1 else None)
        out = shape(reply)
        response = None if key is None else Recorded(200, out.model_dump_json())
        return Change(reply.state, out, response)

    return services.sessions.update(user.id, session_id, turn, key=key)


def sse(event: str, data: object) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def stream_events(run: Callable[[TokenSink], ReplyOut | Recorded]) -> Iterator[str]:
    """`token` events, then `done` (the ReplyOut JSON) or `error` ({code, message}), from a turn run on
    its own thread: if the client disconnects, the turn still completes and is stored, exactly once."""
    events: queue.Queue[tuple[str, object]] = queue.Queue()

    def work() -> None:
        try:
            out = run(lambda chunk: events.put(("token", {"text": chunk})))
            body = json.loads(out.body) if isinstance(out, Recorded) else out.model_dump(mode="json")
            events.put(("done", body))
        except Exception as exc:  # noqa: BLE001 - the status line is already sent; report in-band
            _status, code, message = error_parts(exc)
            events.put(("error", {"code": code, "message": message}))

    # Not a daemon: a server shutting down waits for the turn to be stored.
    threading.Thread(target=work, name="turn", daemon=False).start()
    while True:
        event, data = events.get()
        yield sse(event, data)
        if event != "token":
            return


def end_session(services: Services, user: User, session_id: str) -> SessionState:
    """Finish the session (idempotent) and return its state with the report, committed."""

    def finish(state: SessionState) -> Change[SessionState]:
        if state.status == "ended" and state.report is not None:
            return Change(None, state)
        interviewer = services.interviewer()
        state = _answered(interviewer, state).model_copy(deep=True)
        report = interviewer.end(state)
        if state.status != "ended" or state.report is None:
            state = state.model_copy(update={"status": "ended", "report": report})
        return Change(state, state)

    return services.sessions.update(user.id, session_id, finish)
