"""Engine creation: the URL from settings, driver normalisation, SQLite pragmas for concurrent workers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from interviewer.errors import ConfigError
from interviewer.settings import Settings
from interviewer.store.sqlite_gate import GatedConnection

# What a request meets while the database is down, restarting or unreachable (PostgreSQL), or its
# writer lock stays busy past the timeout (SQLite): the API answers 503, and the next request, on a
# fresh connection (pool_pre_ping), works again once the database is back.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL (`postgres://`, `postgresql://` alike)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer (two workers)
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(settings: Settings) -> Engine:
    """An Engine for `settings.effective_database_url`; ConfigError naming MI_DATABASE_URL if unusable."""
    url = normalise_url(settings.effective_database_url)
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Writers queue in a gate rather than sleep in SQLite's busy handler (see sqlite_gate).
        connect_args = {"check_same_thread": False, "timeout": 10, "factory": GatedConnection}
        engine = create_engine(url, connect_args=connect_args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if not url.startswith("postgresql+psycopg://"):
        raise ConfigError(
            f"MI_DATABASE_URL: unsupported database {url.split(':', 1)[0]!r}; use sqlite or postgresql"
        )
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def ensure_postgres_database(url: str) -> None:
    """Create the database named in a PostgreSQL URL if it does not exist (connects to `postgres` db)."""
    from sqlalchemy.engine import make_url

    target = make_url(normalise_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": target.database}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()
