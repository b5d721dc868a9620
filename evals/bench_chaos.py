"""Chaos run: N candidates (`evals.chaos_client`) on `mock-interviewer serve --workers 2`, on SQLite and on
PostgreSQL, while one worker is SIGKILLed mid-run (uvicorn's supervisor starts a new one) and, on
PostgreSQL, the database server itself is restarted mid-run. Then the stored sessions are counted
against the client's log (`evals.chaos_audit`). Loopback only; bounded in candidates, answers and time.

Opt-in (`mock-interviewer bench --only chaos`): it restarts this machine's PostgreSQL cluster, with
`pg_ctlcluster`, and makes sure it runs again afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from api.http_wait import free_port
from evals.bench_service import process_tree, running_server
from evals.bench_stats import latency_summary, target
from evals.chaos_audit import StoredSession, audit
from evals.chaos_client import ClientLog, run_candidates
from evals.chaos_cost import store_cost
from interviewer.settings import Settings

DATABASES = ("sqlite", "postgres")
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
ANSWERS_PER_CANDIDATE = 5  # about what a session takes before it ends; paces the faults


def postgres_down_reason() -> str | None:
    """None when the local PostgreSQL accepts connections, else why not."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}"


def _pg_ctlcluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    argv = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def ensure_postgres_running() -> None:
    """Start the cluster if it does not answer (after a restart that failed half-way)."""
    if postgres_down_reason() is not None:
        _pg_ctlcluster("start")


@contextmanager
def chaos_database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'chaos.sqlite3'}"
        return
    import psycopg

    name = f"mi_chaos_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.format(name=name)
    finally:
        ensure_postgres_running()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_pids(supervisor: int) -> list[int]:
    """uvicorn's worker processes under its supervisor (not multiprocessing's resource tracker)."""
    workers = []
    for pid in process_tree(supervisor)[1:]:
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.append(pid)
        except OSError:
            continue
    return workers


class Faults:
    """SIGKILL one worker once a fifth of the answers are in; restart PostgreSQL at half (if asked)."""

    def __init__(self, supervisor: int, log: ClientLog, expected: int, restart_postgres: bool) -> None:
        self.supervisor, self.log, self.expected = supervisor, log, expected
        self.restart_postgres = restart_postgres
        self.outage: tuple[float, float] | None = None
        self.report: dict[str, Any] = {}

    async def _progress(self, share: float, latest_s: float) -> None:
        while self.log.acked_answers() < share * self.expected and self._elapsed() < latest_s:
            await asyncio.sleep(0.1)

    def _elapsed(self) -> float:
        return time.monotonic() - self.log.started

    async def run(self) -> None:
        await self._progress(0.2, latest_s=20)
        victim = worker_pids(self.supervisor)[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        self.report["worker_killed_at_s"] = round(self._elapsed(), 1)
        while victim in (pids := worker_pids(self.supervisor)) or len(pids) < 2:
            await asyncio.sleep(0.1)
        self.report["worker_replaced_in_s"] = round(time.monotonic() - killed_at, 1)
        if not self.restart_postgres:
            return
        await self._progress(0.5, latest_s=40)
        self.report["postgres_restart_at_s"] = round(self._elapsed(), 1)
        started = time.monotonic()
        await asyncio.to_thread(_pg_ctlcluster, "restart")
        self.outage = (started, time.monotonic())
        self.report["postgres_down_s"] = round(self.outage[1] - started, 1)

    def recovery(self) -> dict[str, Any]:
        """How long after PostgreSQL was back the first request succeeded again."""
        if self.outage is None:
            return {}
        back = self.outage[1]
        after = [a.done_at for a in self.log.attempts if a.acked and a.sent_at >= back]
        return {"first_success_after_restart_s": round(min(after) - back, 2) if after else None}


def _every_worker_ready(base: str, timeout_s: float = 120.0) -> dict[str, Any]:
    """After the run: how long until /readyz answers 200 on fresh connections (so on both workers)."""
    started, last, first = time.monotonic(), "", ""
    while time.monotonic() - started < timeout_s:
        answers = []
        for _ in range(6):
            try:
                answers.append(httpx.get(f"{base}/readyz", timeout=10))
            except httpx.HTTPError as exc:
                last = type(exc).__name__
        if len(answers) == 6 and all(r.status_code == 200 for r in answers):
            return {"ready_after_run_s": round(time.monotonic() - started, 1), "first_not_ready": first}
        last = next((r.text for r in answers if r.status_code != 200), last)[:300]
        first = first or last
        time.sleep(1)
    return {"ready_after_run_s": None, "first_not_ready": first, "not_ready": last}


def _stored(url: str, data_dir: Path, session_ids: set[str]) -> dict[str, StoredSession]:
    """Each session as the database holds it: the state's transcript and its message rows."""
    from interviewer.settings import load_settings
    from interviewer.store import LOCAL_USER, build_stores

    sessions, users = build_stores(load_settings(data_dir=data_dir, database_url=url))
    try:
        user = users.by_name(LOCAL_USER)
        assert user is not None, "the server never created its local user"
        out = {}
        for sid in session_ids:
            state = sessions.load(user.id, sid)
            rows = sessions.messages(user.id, sid)
            out[sid] = StoredSession(
                [(t.speaker, t.text) for t in state.turns], [(m.role, m.content) for m in rows]
            )
        return out
    finally:
        sessions.engine.dispose()


def _run_on(
    kind: str, settings: Settings, candidates: int, think_s: float, budget_s: float
) -> dict[str, Any]:
    """One chaos run on a fresh database of `kind`: the audit's figures and the faults' timings."""
    with (
        tempfile.TemporaryDirectory(prefix=f"mi-chaos-{kind}-") as tmp,
        chaos_database(kind, Path(tmp)) as url,
    ):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with running_server(settings, port, Path(tmp) / "server.log", 2, database_url=url) as supervisor:
            log = ClientLog()
            faults = Faults(supervisor.pid, log, candidates * ANSWERS_PER_CANDIDATE, kind == "postgres")

            async def drive() -> None:
                fault_task = asyncio.create_task(faults.run())
                await run_candidates(base, candidates, think_s, log, budget_s)
                await asyncio.wait_for(fault_task, timeout=60)  # a fault that never ran is an error

            asyncio.run(drive())
            wall = time.monotonic() - log.started
            readiness = _every_worker_ready(base)  # the same server, never restarted
        session_ids = {a.session_id for a in log.attempts if a.session_id}
        result = audit(log.attempts, _stored(url, Path(tmp), session_ids), faults.outage)
    answer_ms = [(a.done_at - a.sent_at) * 1000 for a in log.attempts if a.kind == "answer" and a.acked]
    return {
        **result,
        **faults.report,
        **faults.recovery(),
        **readiness,
        "acknowledged_answer_latency": latency_summary(answer_ms),
        "wall_s": round(wall, 1),
    }


def _cost(kind: str, turns: int) -> dict[str, Any]:
    """`store_cost` on a fresh database; a failure is recorded, not raised (the chaos figures stand)."""
    try:
        with tempfile.TemporaryDirectory() as tmp, chaos_database(kind, Path(tmp)) as url:
            return store_cost(url, Path(tmp), turns=turns)
    except Exception as exc:  # noqa: BLE001 - a measurement that failed says so in the results
        return {"error": f"{type(exc).__name__}: {exc}"}


def _targets(out: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for kind, result in out["databases"].items():
        get = result.get
        targets += [
            target(f"{kind}: acknowledged answers lost", get("lost_acknowledged_answers"), "<=", 0),
            target(f"{kind}: duplicated turns from keyed retries", get("keyed_duplicates"), "<=", 0),
            target(f"{kind}: 5xx other than the PostgreSQL restart", get("unexpected_errors"), "<=", 0),
            target(f"{kind}: answers stored out of acknowledged order", get("order_violations"), "<=", 0),
            target(f"{kind}: worker SIGKILLed and replaced (s)", get("worker_replaced_in_s"), "<", 30),
            target(f"{kind}: both workers ready after the run (s)", get("ready_after_run_s"), "<", 120),
        ]
        if kind == "postgres":
            recovery = get("first_success_after_restart_s")
            targets.append(target("postgres: first success after the restart (s)", recovery, "<", 10))
    return targets


def bench_chaos(
    settings: Settings,
    *,
    quick: bool,
    candidates: int | None = None,
    think_s: float = 1.0,
    databases: tuple[str, ...] = DATABASES,
    budget_s: float | None = None,
) -> dict[str, Any]:
    """The chaos run on each database, and the store's cost per turn on each."""
    from ingest.pipeline import ensure_ingested
    from interviewer.composition import Components

    components = Components(settings)
    ensure_ingested(settings, components.embedder(), components.vector_store())
    count = candidates or (15 if quick else 50)
    budget = budget_s or (90.0 if quick else 240.0)
    out: dict[str, Any] = {"candidates": count, "workers": 2, "think_time_s": think_s, "databases": {}}
    out["store_cost_per_turn"] = {}
    for kind in databases:
        down = postgres_down_reason() if kind == "postgres" else None
        if down:
            out["databases"][kind] = {"error": down}
            continue
        out["databases"][kind] = _run_on(kind, settings, count, think_s, budget)
        out["store_cost_per_turn"][kind] = _cost(kind, turns=80 if quick else 200)
    out["targets"] = _targets(out)
    return out
