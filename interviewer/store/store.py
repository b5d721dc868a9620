"""The durable session store: SessionState as JSON plus its transcript turns, seen questions and scores."""

from __future__ import annotations

import builtins
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from interviewer.errors import SessionNotFound
from interviewer.store.models import CriterionScoreRow, MessageRow, SeenQuestionRow, SessionRow, utcnow

SAVE_ATTEMPTS = 5


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


def _turn_fields(turn: Any) -> tuple[str, str]:
    """(role, text) of a transcript turn."""
    role = getattr(turn, "role", None) or getattr(turn, "speaker", "unknown")
    content = getattr(turn, "text", None)
    if content is None:
        content = getattr(turn, "content", "")
    return str(getattr(role, "value", role)), str(content)


def _question_ids(state: Any) -> list[str]:
    ids = []
    for progress in getattr(state, "questions", []) or []:
        qid = getattr(progress, "question_id", None)
        if qid:
            ids.append(str(qid))
    return ids


class SessionStore:
    """Sessions per user. Every `save` is one committed transaction."""

    def __init__(self, engine: Engine, state_type: type[BaseModel]) -> None:
        self.engine = engine
        self._state_type = state_type
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def save(self, user_id: str, state: Any) -> None:
        """Write the state and append its new turns; SessionNotFound if the id belongs to another user."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                self._save_once(user_id, state)
                return
            except OperationalError as exc:
                # SQLite in WAL mode: a transaction that read before it writes fails at once (no busy
                # wait) when another worker committed in between; the whole save is simply redone.
                if "database is locked" not in str(exc) or attempt == SAVE_ATTEMPTS - 1:
                    raise
                time.sleep(0.005 * 2**attempt + random.uniform(0, 0.005))

    def _save_once(self, user_id: str, state: Any) -> None:
        now = utcnow()
        with self._sessions.begin() as db:
            row = db.get(SessionRow, state.id)
            if row is not None and row.user_id != user_id:
                raise SessionNotFound(f"no session {state.id!r}")
            if row is None:
                row = SessionRow(id=state.id, user_id=user_id, created_at=now)
                db.add(row)
            row.round = str(state.round)
            row.status = str(state.status)
            row.state = state.model_dump_json()
            row.updated_at = now
            db.flush()
            self._append_messages(db, state, now)
            self._mark_seen(db, user_id, _question_ids(state))
            if getattr(state, "report", None) is not None:
                self._write_scores(db, user_id, state, now)

    def load(self, user_id: str, session_id: str) -> Any:
        """The stored state; SessionNotFound for a missing id and for another user's id alike."""
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or row.user_id != user_id:
                raise SessionNotFound(f"no session {session_id!r}")
            return self._state_type.model_validate_json(row.state)

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

    def _append_messages(self, db: Session, state: Any, now: datetime) -> None:
        query = select(func.max(MessageRow.seq)).where(MessageRow.session_id == state.id)
        stored = db.scalar(query)
        first_new = 0 if stored is None else stored + 1
        turns = builtins.list(getattr(state, "turns", []) or [])
        for seq in range(first_new, len(turns)):
            role, content = _turn_fields(turns[seq])
            db.add(MessageRow(session_id=state.id, seq=seq, role=role, content=content, created_at=now))

    def _mark_seen(self, db: Session, user_id: str, question_ids: Iterable[str]) -> None:
        wanted = set(question_ids)
        if not wanted:
            return
        query = select(SeenQuestionRow.question_id).where(
            SeenQuestionRow.user_id == user_id, SeenQuestionRow.question_id.in_(wanted)
        )
        for qid in wanted - set(db.scalars(query)):
            db.add(SeenQuestionRow(user_id=user_id, question_id=qid))

    def _write_scores(self, db: Session, user_id: str, state: Any, now: datetime) -> None:
        report = state.report
        db.execute(delete(CriterionScoreRow).where(CriterionScoreRow.session_id == state.id))
        for criterion in report.criteria:
            db.add(
                CriterionScoreRow(
                    session_id=state.id,
                    user_id=user_id,
                    round=str(state.round),
                    criterion_id=criterion.id,
                    criterion_name=criterion.name,
                    score=criterion.score,
                    overall=report.overall.score,
                    created_at=now,
                )
            )
