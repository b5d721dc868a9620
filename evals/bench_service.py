"""Service load: `mock-interviewer serve` on 127.0.0.1 and N concurrent simulated candidates (asyncio, one
connection each; `evals.load_client`) doing full offline interviews. Bounded in count (one interview
each, a turn cap) and in time (a deadline per level); the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.http_wait import free_port, wait_for_http
from evals.bench_stats import latency_summary, target
from evals.load_client import LoadClient, LoadClientError
from interviewer.settings import Settings

ROUNDS = ("ml-system-design", "behavioral", "case-study", "ml-depth")
ANSWERS = (
    "I'd clarify the goal and scale first: about 10 million users and a latency budget near 100 ms.",
    "For data I'd use logged interactions as labels, and features from user history and item content.",
    "I'd start with a gradient boosted trees baseline, then compare a two-tower model offline.",
    "I'd monitor drift and the online metric, retrain weekly, and A/B test each new model.",
    "The trade-off is accuracy against latency: I'd ship a simple first version because it ships sooner.",
)
MAX_TURNS = 12


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    """A process's resident memory in kB from /proc (0 when gone or not on Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (uvicorn's workers are children of its supervisor)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with suppress(OSError):
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
    return out


class RssSampler:
    """Samples the server's processes every 100 ms on a thread: the largest single process
    (`peak_mb`, one API worker) and the largest sum over the tree (`peak_total_mb`)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self.peak_total_kb, self._stop = pid, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [max(rss_kb(p), rss_kb(p, "VmHWM")) for p in process_tree(self.pid)]
            self.peak_kb = max(self.peak_kb, *sizes)
            self.peak_total_kb = max(self.peak_total_kb, sum(rss_kb(p) for p in process_tree(self.pid)))
            self._stop.wait(0.1)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    @property
    def peak_total_mb(self) -> float:
        return round(self.peak_total_kb / 1024, 1)


def child_env(settings: Settings, database_url: str) -> dict[str, str]:
    """The environment of a `mock-interviewer` child process reading the corpus the bench ingested."""
    env = dict(os.environ)
    env.pop("MI_CHROMA_URL", None)
    env.update(  # whatever the caller's environment says
        MI_DATA_DIR=str(settings.data_dir),
        MI_CORPUS_DIR=str(settings.corpus_dir),
        MI_COLLECTION=settings.collection,
        MI_EMBEDDING_MODEL=settings.embedding_model,
        MI_EMBEDDING_BACKEND=settings.embedding_backend,
        MI_MODEL_CACHE_DIR=str(settings.model_cache_path),
        MI_DATABASE_URL=database_url,
        MI_RATE_LIMIT_PER_MINUTE="1000000",  # one local user stands in for N candidates
        MI_REQUIRE_API_KEYS="false",
        MI_BRAIN="offline",
    )
    if settings.chroma_url:
        env["MI_CHROMA_URL"] = settings.chroma_url
    return env


def cli_executable() -> Path:
    """The `mock-interviewer` script of this interpreter's environment."""
    return Path(sys.executable).with_name("mock-interviewer")


@contextmanager
def running_server(  # type: ignore[no-untyped-def]
    settings: Settings, port: int, log_path: Path, workers: int = 1, database_url: str | None = None
):
    """`mock-interviewer serve` in a child process on 127.0.0.1:port; killed on exit.

    Sessions go to `database_url`, by default a SQLite file beside `log_path`.
    """
    env = child_env(settings, database_url or f"sqlite:///{log_path.parent / 'bench-sessions.sqlite3'}")
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(cli_executable()),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            # Ready, not merely up: the load starts once the workers have loaded the model and
            # pre-embedded the bank, as a load balancer would route traffic.
            for _ in range(workers * 4):  # each request reaches one worker; ask until all answer ready
                wait_for_http(f"http://127.0.0.1:{port}/readyz", proc, timeout=300, log=log_path)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@dataclass
class LoadStats:
    turn_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    interviews_completed: int = 0
    client_cpu_s: float = 0.0  # the load generator's own CPU: it shares the cores with the server

    def fail(self, what: str) -> None:
        self.errors += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(what)


async def _candidate(
    client: LoadClient, index: int, stats: LoadStats, deadline: float, think_s: float
) -> None:
    rng = random.Random(index)
    try:
        await _interview(client, index, stats, deadline, think_s, rng)
    finally:
        await client.close()


async def _interview(
    client: LoadClient, index: int, stats: LoadStats, deadline: float, think_s: float, rng: random.Random
) -> None:
    started = time.perf_counter()
    stats.requests += 1
    try:
        status, body = await client.post("/v1/sessions", {"round": ROUNDS[index % len(ROUNDS)]})
    except LoadClientError as exc:
        stats.fail(f"start: {exc}")
        return
    stats.start_ms.append((time.perf_counter() - started) * 1000)
    if status != 201:
        stats.fail(f"start: HTTP {status}")
        return
    session_id = body["id"]
    for turn in range(MAX_TURNS):
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
        text = ANSWERS[(index + turn) % len(ANSWERS)] if turn < MAX_TURNS - 1 else "/end"
        started = time.perf_counter()
        stats.requests += 1
        try:
            status, body = await client.post(f"/v1/sessions/{session_id}/messages", {"content": text})
        except LoadClientError as exc:
            stats.fail(f"turn: {exc}")
            return
        stats.turn_ms.append((time.perf_counter() - started) * 1000)
        if status != 200:
            stats.fail(f"turn: HTTP {status} {str(body)[:120]}")
            return
        if body.get("ended"):
            stats.interviews_completed += 1
            return


async def _load(port: int, concurrency: int, budget_s: float, think_s: float) -> tuple[LoadStats, float]:
    stats = LoadStats()
    deadline = time.monotonic() + budget_s
    started, cpu_started = time.perf_counter(), time.process_time()
    clients = [LoadClient("127.0.0.1", port, timeout_s=budget_s) for _ in range(concurrency)]
    tasks = [_candidate(c, i, stats, deadline, think_s) for i, c in enumerate(clients)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=budget_s + 60)
    stats.client_cpu_s = time.process_time() - cpu_started
    return stats, time.perf_counter() - started


def _level_result(n: int, stats: LoadStats, wall: float, peak_rss_mb: float) -> dict[str, Any]:
    return {
        "candidates": n,
        "wall_s": round(wall, 2),
        "turns": len(stats.turn_ms),
        "turns_per_s": round(len(stats.turn_ms) / wall, 2) if wall else 0.0,
        "turn_latency": latency_summary(stats.turn_ms),
        "session_start_latency": latency_summary(stats.start_ms),
        "interviews_completed": stats.interviews_completed,
        "requests": stats.requests,
        "error_rate": round(stats.errors / max(stats.requests, 1), 4),
        "error_examples": stats.error_examples,
        "load_generator_cpu_ms_per_request": round(1000 * stats.client_cpu_s / max(stats.requests, 1), 3),
        "peak_rss_mb_so_far": peak_rss_mb,
    }


# Turn latency targets at each load level, with errors and memory (issue #15): on 2 workers and 2 cores.
P99_TARGETS_MS = {50: 250.0, 100: 600.0}
QUICK_P99_MS = 250.0
RSS_TARGET_MB = 1024.0


def encode_limit(settings: Settings, workers: int, samples: int = 30) -> dict[str, Any]:
    """The physical limit of turns/s: cores busy with nothing but embedding each answer's sentences.

    Measured in this process with the configured embedder (one thread), on the bench's own answers.
    """
    import statistics

    from interviewer.composition import Components
    from interviewer.text import split_sentences

    embedder = Components(settings).embedder()
    turns = [[t for t, _, _ in split_sentences(a)] for a in ANSWERS]
    embedder.embed(turns[0])  # load and first inference
    times = []
    for i in range(samples):
        started = time.perf_counter()
        embedder.embed(turns[i % len(turns)])
        times.append((time.perf_counter() - started) * 1000)
    per_turn_ms = statistics.median(times)
    cores = min(workers, os.cpu_count() or 1)
    return {
        "encode_ms_per_turn": round(per_turn_ms, 3),
        "cores": cores,
        "turns_per_s_limit": round(cores * 1000 / per_turn_ms, 1),
    }


def service_targets(out: dict[str, Any], levels: tuple[int, ...]) -> list[dict[str, Any]]:
    """p99 at 50 and 100 candidates (the last level in a shrunk run), errors, RSS of one worker."""
    found = [(n, bound) for n, bound in P99_TARGETS_MS.items() if str(n) in out["levels"]]
    found = found or [(levels[-1], QUICK_P99_MS)]
    targets = [
        target(
            f"turn p99 ms at {n} concurrent", out["levels"][str(n)]["turn_latency"].get("p99_ms"), "<", bound
        )
        for n, bound in found
    ]
    return [
        *targets,
        target("error rate (all levels)", max(v["error_rate"] for v in out["levels"].values()), "<=", 0.0),
        target("peak RSS MB of the API process", out["peak_rss_mb"], "<", RSS_TARGET_MB),
    ]


def bench_service(
    settings: Settings,
    *,
    quick: bool,
    think_s: float = 1.0,
    levels: tuple[int, ...] | None = None,
    budget_s: float | None = None,
    workers: int = 2,
) -> dict[str, Any]:
    """Turns/s, turn latency p50/p99, error rate and peak RSS at each concurrency level, and the best
    turns/s against the raw encode limit measured in the same run.

    `levels` and `budget_s` (per level) default to the quick or full run; tests pass tiny ones.
    """
    from ingest.pipeline import ensure_ingested
    from interviewer.composition import Components

    components = Components(settings)
    ensure_ingested(
        settings, components.embedder(), components.vector_store()
    )  # the server shares the ingested corpus; sessions go to a temp database
    components.grader()  # the bank's fixed vectors into their file, as `mock-interviewer ingest` leaves them
    levels = levels or ((5, 10) if quick else (10, 50, 100))
    budget_s = budget_s or (60.0 if quick else 240.0)
    # Two workers, as the Dockerfile and `make stack` deploy it on two cores.
    out: dict[str, Any] = {"think_time_s": think_s, "workers": workers, "levels": {}, "targets": []}
    out["encode_limit"] = encode_limit(settings, workers)
    with tempfile.TemporaryDirectory(prefix="mi-bench-serve-") as tmp:
        port = free_port()
        server = running_server(settings, port, Path(tmp) / "server.log", workers)
        with server as proc, RssSampler(proc.pid) as rss:
            out["idle_rss_mb"] = round(max(rss_kb(p) for p in process_tree(proc.pid)) / 1024, 1)
            for n in levels:
                stats, wall = asyncio.run(_load(port, n, budget_s, think_s))
                out["levels"][str(n)] = _level_result(n, stats, wall, rss.peak_mb)
        out["peak_rss_mb"] = rss.peak_mb  # the largest single API process
        out["peak_rss_total_mb"] = rss.peak_total_mb  # supervisor and all workers together
    best = max(v["turns_per_s"] for v in out["levels"].values())
    limit = out["encode_limit"]["turns_per_s_limit"]
    out["saturation"] = {
        "turns_per_s": best,
        "turns_per_s_limit": limit,
        "ratio_to_limit": round(best / limit, 3) if limit else None,
        # the most the candidates can ask for: each answers once per think time
        "offered_turns_per_s": round(max(levels) / think_s, 1),
    }
    out["targets"] = service_targets(out, levels)
    return out
