"""Idempotency keys: a keyed request's response, remembered in the transaction that stored its effect.

Because the key row and the session change commit together, a key is recorded if and only if its
request took effect: a crash before the commit leaves neither, and a retry simply runs again. Two
requests racing with one key both compute, and the database keeps one: the primary key
(user, key) rejects the second insert, the whole second transaction rolls back, and the loser
answers with the winner's recorded response. Keys expire after `KEY_TTL`; an expired key is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interviewer.errors import IdempotencyKeyReused
from interviewer.store.models import IdempotencyKeyRow, utcnow

KEY_TTL = timedelta(days=1)


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key and the hash of the request it came with (method, path and body)."""

    key: str
    request_hash: str


@dataclass(frozen=True)
class Recorded:
    """The response a keyed request got the first time: its status and JSON body."""

    status: int
    body: str


class KeyTaken(Exception):
    """Another request with the same key was stored first; answer with `Recorded` from `find`."""


def _expired(created_at: datetime, now: datetime) -> bool:
    if created_at.tzinfo is None:  # SQLite returns naive datetimes; they were written in UTC
        created_at = created_at.replace(tzinfo=now.tzinfo)
    return now - created_at >= KEY_TTL


def find(db: Session, user_id: str, key: IdempotencyKey) -> Recorded | None:
    """The live record of `key` (None when unknown or expired); IdempotencyKeyReused for another request."""
    row = db.get(IdempotencyKeyRow, (user_id, key.key))
    if row is None or _expired(row.created_at, utcnow()):
        return None
    if row.request_hash != key.request_hash:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used for a different request; use a new key for a new request"
        )
    return Recorded(row.status, row.response)


def remember(db: Session, user_id: str, key: IdempotencyKey, response: Recorded) -> None:
    """Record the response in the caller's transaction; KeyTaken when a live record already holds the key."""
    now = utcnow()
    db.execute(
        delete(IdempotencyKeyRow).where(
            IdempotencyKeyRow.user_id == user_id,
            IdempotencyKeyRow.key == key.key,
            IdempotencyKeyRow.created_at <= now - KEY_TTL,
        )
    )
    row = IdempotencyKeyRow(
        user_id=user_id,
        key=key.key,
        request_hash=key.request_hash,
        status=response.status,
        response=response.body,
        created_at=now,
    )
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        raise KeyTaken(key.key) from None


def purge_expired(db: Session) -> int:
    """Delete every expired key; returns how many."""
    result = db.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at <= utcnow() - KEY_TTL))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
