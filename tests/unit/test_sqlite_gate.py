"""SQLite writers queue in the gate instead of failing or sleeping in the busy handler.

With `timeout=0` SQLite has no busy handler at all: a second writer fails at once with
"database is locked" unless something makes it wait for the first one's commit.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from interviewer.store.sqlite_gate import GatedConnection, writes

HOLD_S = 0.4


def _connect(path: Path, gated: bool) -> sqlite3.Connection:
    factory = GatedConnection if gated else sqlite3.Connection
    return sqlite3.connect(path, timeout=0, check_same_thread=False, factory=factory)


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    path = tmp_path / "gate.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")  # as the engine sets it: readers beside a writer
    connection.execute("CREATE TABLE hits (n INTEGER)")
    connection.commit()
    connection.close()  # now, not whenever it is collected (a close may checkpoint, taking the lock)
    return path


def _hold_a_write(path: Path, gated: bool, started: threading.Event, finish: threading.Event) -> None:
    connection = _connect(path, gated)
    connection.execute("INSERT INTO hits VALUES (1)")
    started.set()
    time.sleep(HOLD_S)
    connection.commit()
    # Closed only once the other writer is done: closing a WAL database's connection may checkpoint,
    # which takes the lock for a moment and, with timeout=0, would fail the other writer by chance.
    finish.wait(10)
    connection.close()


@pytest.mark.parametrize("gated", [True, False])
def test_a_second_writer_waits_for_the_first_commit_through_the_gate(database: Path, gated: bool) -> None:
    started, finish = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_a_write, args=(database, gated, started, finish))
    holder.start()
    started.wait(5)
    second = _connect(database, gated)
    begun = time.monotonic()
    try:
        if not gated:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                second.execute("INSERT INTO hits VALUES (2)")
            return
        second.execute("INSERT INTO hits VALUES (2)")
        second.commit()
        assert time.monotonic() - begun >= HOLD_S / 2  # it waited for the holder's commit
    finally:
        finish.set()
        holder.join()
        second.close()
    count = sqlite3.connect(database).execute("SELECT COUNT(*) FROM hits").fetchone()[0]
    assert count == 2


HOLDER = """
import sqlite3, sys, time
from interviewer.store.sqlite_gate import GatedConnection
connection = sqlite3.connect(sys.argv[1], timeout=0, factory=GatedConnection)
connection.execute("INSERT INTO hits VALUES (1)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.commit()
sys.stdin.readline()  # closed only after the other writer is done (closing may checkpoint)
"""


def test_writers_in_two_processes_queue_too(database: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), str(HOLD_S)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        second = _connect(database, gated=True)
        second.execute("INSERT INTO hits VALUES (2)")
        second.commit()
        second.close()
    finally:
        holder.communicate("done\n", timeout=10)
    assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM hits").fetchone()[0] == 2


def test_reads_do_not_wait_for_a_writer(database: Path) -> None:
    started, finish = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_a_write, args=(database, True, started, finish))
    holder.start()
    started.wait(5)
    reader = _connect(database, gated=True)
    begun = time.monotonic()
    reader.execute("SELECT COUNT(*) FROM hits").fetchone()
    assert time.monotonic() - begun < HOLD_S / 2
    finish.set()
    holder.join()
    reader.close()


def test_only_reads_and_pragmas_pass_without_the_gate() -> None:
    assert not writes("  select 1") and not writes("PRAGMA synchronous = NORMAL")
    assert writes("INSERT INTO t VALUES (1)") and writes("update t set a = 1") and writes("DELETE FROM t")
