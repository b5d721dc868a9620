"""Rows derived from a session's state, written in the transaction that stores the state.

The transcript turns (one row each, appended), the questions the user has seen, and an ended
session's per-criterion scores (the progress chart's history).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from interviewer.store.models import CriterionScoreRow, MessageRow, SeenQuestionRow


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


def write_derived_rows(db: Session, user_id: str, state: Any, now: datetime) -> None:
    """Append the state's new turns, mark its questions seen, and (once ended) write its scores."""
    _append_messages(db, state, now)
    _mark_seen(db, user_id, _question_ids(state))
    if getattr(state, "report", None) is not None:
        _write_scores(db, user_id, state, now)


def _append_messages(db: Session, state: Any, now: datetime) -> None:
    query = select(func.max(MessageRow.seq)).where(MessageRow.session_id == state.id)
    stored = db.scalar(query)
    first_new = 0 if stored is None else stored + 1
    turns = list(getattr(state, "turns", []) or [])
    for seq in range(first_new, len(turns)):
        role, content = _turn_fields(turns[seq])
        db.add(MessageRow(session_id=state.id, seq=seq, role=role, content=content, created_at=now))


def _mark_seen(db: Session, user_id: str, question_ids: Iterable[str]) -> None:
    """Insert-if-absent: two sessions of one user may mark the same question at the same moment."""
    rows = [{"user_id": user_id, "question_id": qid} for qid in sorted(set(question_ids))]
    if not rows:
        return
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(SeenQuestionRow).values(rows)
    db.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "question_id"]))


def _write_scores(db: Session, user_id: str, state: Any, now: datetime) -> None:
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
