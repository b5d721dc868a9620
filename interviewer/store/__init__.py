"""Durable storage: sessions, transcripts, users and API keys (SQLAlchemy 2 + Alembic).

SQLite under `MI_DATA_DIR` by default; PostgreSQL (psycopg 3) via `MI_DATABASE_URL`.
"""

from __future__ import annotations

from interviewer.settings import Settings
from interviewer.store.database import UNAVAILABLE_ERRORS, create_db_engine
from interviewer.store.idempotency import KEY_TTL, IdempotencyKey, KeyTaken, Recorded
from interviewer.store.migrate import upgrade_to_head
from interviewer.store.store import Change, ProgressPoint, SessionStore, StoredMessage
from interviewer.store.users import LOCAL_USER, User, UserStore, hash_key

__all__ = [
    "KEY_TTL",
    "LOCAL_USER",
    "UNAVAILABLE_ERRORS",
    "Change",
    "IdempotencyKey",
    "KeyTaken",
    "ProgressPoint",
    "Recorded",
    "SessionStore",
    "StoredMessage",
    "User",
    "UserStore",
    "build_session_store",
    "build_stores",
    "create_db_engine",
    "hash_key",
    "upgrade_to_head",
]


def build_stores(settings: Settings) -> tuple[SessionStore, UserStore]:
    """Open the database, migrate it to the newest schema, and return both stores on one engine."""
    from interviewer.domain.session import SessionState

    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    return SessionStore(engine, SessionState), UserStore(engine)


def build_session_store(settings: Settings) -> SessionStore:
    """The session store for these settings (migrated on first open)."""
    return build_stores(settings)[0]
