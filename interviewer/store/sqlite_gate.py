"""One queue for SQLite's writer lock, shared by the threads and processes that write one database file.

SQLite lets one connection write at a time; the others retry in its busy handler, which sleeps 1, 2,
5, 10 ... up to 100 ms between tries, however soon the lock is free. In the load bench (100
candidates on two workers; every request counts a rate-limit hit, every answer saves its session)
request threads spent most of their time asleep there, with the cores partly idle: turn p99 at 100
candidates was 964 / 765 / 589 ms in three runs without the gate, 167 / 344 / 581 ms with it. A
connection here takes a
blocking lock (a thread lock, then `flock` on a file beside the database) before its first write,
and gives it back when its transaction ends, so writers queue and each starts the moment the one
before it commits. Reads never wait for it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from typing import Any

_READS = ("SELECT", "PRAGMA", "EXPLAIN")


class WriterGate:
    """Held by at most one thread of one process at a time; re-entrant within the holding thread."""

    def __init__(self, lock_path: str) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self) -> None:
        self._lock.acquire()
        self._depth += 1
        if self._depth == 1:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()


_gates: dict[str, WriterGate] = {}
_gates_lock = threading.Lock()


def gate_for(database: str) -> WriterGate | None:
    """The gate of a database file (one per file per process); None for an in-memory database."""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = os.path.abspath(database)
    with _gates_lock:
        if path not in _gates:
            _gates[path] = WriterGate(path + "-writer.lock")
        return _gates[path]


def writes(sql: str) -> bool:
    """Whether a statement may take SQLite's writer lock (anything but a read or a pragma)."""
    return not sql.lstrip().upper().startswith(_READS)


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that passes the database's WriterGate before it writes (`factory=`)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._gate = gate_for(str(database))
        self._holding = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or GatedCursor)

    # sqlite3's own shortcuts run the statement without the cursor's Python methods: route them.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq_of_parameters)

    def before(self, sql: str) -> None:
        if self._gate is not None and not self._holding and writes(sql):
            self._gate.acquire()
            self._holding = True

    def after(self) -> None:
        """Give the gate back once no transaction is open (a statement outside one commits at once)."""
        if self._holding and not self.in_transaction:
            self._release()

    def _release(self) -> None:
        self._holding = False
        assert self._gate is not None
        self._gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.after()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.after()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._holding:
                self._release()


class GatedCursor(sqlite3.Cursor):
    connection: GatedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> GatedCursor:
        self.connection.before(sql)
        try:
            super().execute(sql, parameters)
        finally:
            self.connection.after()
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> GatedCursor:
        self.connection.before(sql)
        try:
            super().executemany(sql, seq_of_parameters)
        finally:
            self.connection.after()
        return self
