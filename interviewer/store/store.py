"""The durable session store: SessionState as JSON plus its transcript turns, seen questions and scores.

Writes go through `create` (a new session) and `update` (everything after). `update` is the only way
to change a stored session: it reads the state and its version, lets the caller's function decide
the change, and writes it only if the version is still the one it read (compare-and-swap in one
`UPDATE ... WHERE version = :read`). A lost race re-reads and re-applies, a bounded number of
times, then fails with SessionConflict, having stored nothing. So concurrent requests on one session,
in any worker process on any machine, are applied one after another, each to the state the previous
one left, and never overwrite each other. No lock is held while the function runs (a reply can take
seconds): the cost is one version predicate on a write the turn makes anyway.
"""

from __future__ import annotations

import builtins
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, Table, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from interviewer.errors import SessionConflict, SessionNotFound
from interviewer.store.derived import write_derived_rows
from interviewer.store.idempotency import IdempotencyKey, KeyTaken, Recorded, find, purge_expired, remember
from interviewer.store.models import CriterionScoreRow, MessageRow, SeenQuestionRow, SessionRow, utcnow

UPDATE_ATTEMPTS = 8
_SESSIONS: Table = SessionRow.__table__  # type: ignore[assignment]
T = TypeVar("T")


@dataclass(frozen=True)
class ProgressPoint:
    """One ended session's scores: what the progress chart plots."""

    session_id: str
    round: str
    at: datetime
    overall: float
    criteria: dict[str, int | None]
    names: dict[str, str]


@dataclass(frozen=True)
class StoredMessage:
    seq: int
    role: str
    content: str


@dataclass(frozen=True)
class Change(Generic[T]):
    """What an `update` function decided: the state to store (None: store nothing) and what to return.

    `response` is remembered under the request's idempotency key, in the same transaction.
    """

    state: Any | None
    result: T
    response: Recorded | None = None


def _locked(exc: OperationalError) -> bool:
    """SQLite's writer lock was busy past its timeout: the write is simply tried again."""
    return "database is locked" in str(exc)


def _pause(attempt: int) -> None:
    time.sleep(min(0.2, 0.005 * 2**attempt) * random.uniform(0.5, 1.5))


class SessionStore:
    """Sessions per user: `create`, `update` (compare-and-swap), and reads."""

    def __init__(self, engine: Engine, state_type: type[BaseModel]) -> None:
        self.engine = engine
        self._state_type = state_type
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def create(
        self, user_id: str, state: Any, *, key: IdempotencyKey | None = None, response: Recorded | None = None
    ) -> None:
        """Store a new session (and, with `key`, the response to remember); KeyTaken if the key is live."""
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                self._insert(user_id, state, key, response)
                return
            except OperationalError as exc:
                if not _locked(exc) or attempt == UPDATE_ATTEMPTS - 1:
                    raise
                _pause(attempt)

    def _insert(
        self, user_id: str, state: Any, key: IdempotencyKey | None, response: Recorded | None
    ) -> None:
        now = utcnow()
        with self._sessions.begin() as db:
            if key is not None:
                assert response is not None, "a keyed create remembers its response"
                remember(db, user_id, key, response)
                purge_expired(db)  # sessions start rarely; expired keys go here, by the created_at index
            row = SessionRow(id=state.id, user_id=user_id, created_at=now, updated_at=now, version=1)
            row.round, row.status, row.state = str(state.round), str(state.status), state.model_dump_json()
            db.add(row)
            db.flush()
            write_derived_rows(db, user_id, state, now)

    def update(
        self,
        user_id: str,
        session_id: str,
        change: Callable[[Any], Change[T]],
        *,
        key: IdempotencyKey | None = None,
    ) -> T:
        """Apply `change` to the stored state and store its result atomically (see the module docstring).

        `change` may run more than once (once per lost race) and must not have effects of its own.
        SessionNotFound, SessionConflict after UPDATE_ATTEMPTS lost races, or KeyTaken when a
        concurrent request with the same key was stored first.
        """
        for attempt in range(UPDATE_ATTEMPTS):
            if attempt:
                _pause(attempt)
                if key is not None and self.replay(user_id, key) is not None:
                    raise KeyTaken(key.key)
            state, version = self._read(user_id, session_id)
            outcome = change(state)
            if outcome.state is None:
                return outcome.result
            if self._swap(user_id, outcome.state, version, key, outcome.response):
                return outcome.result
        raise SessionConflict(
            f"session {session_id!r} kept changing under this request ({UPDATE_ATTEMPTS} tries); "
            "nothing was stored: send it again"
        )

    def _read(self, user_id: str, session_id: str) -> tuple[Any, int]:
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or row.user_id != user_id:
                raise SessionNotFound(f"no session {session_id!r}")
            return self._state_type.model_validate_json(row.state), row.version

    def _swap(
        self, user_id: str, state: Any, version: int, key: IdempotencyKey | None, response: Recorded | None
    ) -> bool:
        """Write the state if the session is still at `version`; False when another write came first."""
        now = utcnow()
        guarded = (
            update(_SESSIONS)
            .where(_SESSIONS.c.id == state.id, _SESSIONS.c.user_id == user_id, _SESSIONS.c.version == version)
            .values(
                round=str(state.round),
                status=str(state.status),
                state=state.model_dump_json(),
                updated_at=now,
                version=version + 1,
            )
        )
        try:
            with self._sessions.begin() as db:
                # First statement of the transaction: on SQLite it takes the writer lock before any
                # read; on PostgreSQL it locks the row, and a concurrent swap re-checks the version
                # after this one commits (and then matches no row).
                if db.execute(guarded).rowcount != 1:  # type: ignore[attr-defined]
                    return False
                if key is not None:
                    assert response is not None, "a keyed update remembers its response"
                    remember(db, user_id, key, response)
                write_derived_rows(db, user_id, state, now)
        except OperationalError as exc:
            if not _locked(exc):
                raise
            return False
        return True

    def replay(self, user_id: str, key: IdempotencyKey) -> Recorded | None:
        """The response recorded for `key` (None if none is live); IdempotencyKeyReused for other requests."""
        with self._sessions() as db:
            return find(db, user_id, key)

    def load(self, user_id: str, session_id: str) -> Any:
        """The stored state; SessionNotFound for a missing id and for another user's id alike."""
        return self._read(user_id, session_id)[0]

    def list(self, user_id: str, *, limit: int = 20, offset: int = 0) -> builtins.list[Any]:
        """The user's sessions, newest first."""
        query = (
            select(SessionRow.state)
            .where(SessionRow.user_id == user_id)
            .order_by(SessionRow.created_at.desc(), SessionRow.id)
            .limit(limit)
            .offset(offset)
        )
        with self._sessions() as db:
            return [self._state_type.model_validate_json(raw) for raw in db.scalars(query)]

    def count(self, user_id: str) -> int:
        with self._sessions() as db:
            query = select(func.count()).select_from(SessionRow).where(SessionRow.user_id == user_id)
            return int(db.scalar(query) or 0)

    def seen_question_ids(self, user_id: str) -> frozenset[str]:
        """Every bank question this user has been asked in any session."""
        with self._sessions() as db:
            query = select(SeenQuestionRow.question_id).where(SeenQuestionRow.user_id == user_id)
            return frozenset(db.scalars(query))

    def ended(self, user_id: str) -> builtins.list[tuple[datetime, Any]]:
        """The user's ended sessions as (when they ended, state), oldest first."""
        query = (
            select(SessionRow.updated_at, SessionRow.state)
            .where(SessionRow.user_id == user_id, SessionRow.status == "ended")
            .order_by(SessionRow.updated_at, SessionRow.id)
        )
        with self._sessions() as db:
            return [(at, self._state_type.model_validate_json(raw)) for at, raw in db.execute(query)]

    def messages(self, user_id: str, session_id: str) -> builtins.list[StoredMessage]:
        """The committed transcript rows of one session, in order."""
        self.load(user_id, session_id)
        with self._sessions() as db:
            query = select(MessageRow).where(MessageRow.session_id == session_id).order_by(MessageRow.seq)
            return [StoredMessage(m.seq, m.role, m.content) for m in db.scalars(query)]

    def progress(self, user_id: str, *, round: str | None = None) -> builtins.list[ProgressPoint]:
        """Per-criterion scores of the user's ended sessions, oldest first."""
        query = select(CriterionScoreRow).where(CriterionScoreRow.user_id == user_id)
        if round is not None:
            query = query.where(CriterionScoreRow.round == round)
        query = query.order_by(CriterionScoreRow.created_at, CriterionScoreRow.id)
        points: dict[str, ProgressPoint] = {}
        with self._sessions() as db:
            for row in db.scalars(query):
                point = points.get(row.session_id)
                if point is None:
                    point = ProgressPoint(row.session_id, row.round, row.created_at, row.overall, {}, {})
                    points[row.session_id] = point
                point.criteria[row.criterion_id] = row.score
                point.names[row.criterion_id] = row.criterion_name
        return builtins.list(points.values())

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
