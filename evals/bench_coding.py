"""`mock-interviewer bench --only coding`: the code sandbox's start-up cost, run latency and throughput.

Start-up: an empty function, no libraries. Typical submission: the k-means reference against the
problem's visible and hidden tests (numpy, five calls). Throughput: two runs at a time (this machine has
2 cores) for a fixed time while a thread keeps asking the bank for questions, standing in for the service
answering other candidates; its latency is reported beside the runs/s. Memory: the peak RSS of a run.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from evals.bench_stats import latency_summary, target, time_calls
from interviewer.ports import CodeJob, CodeTest
from interviewer.settings import Settings

TYPICAL = "kmeans-from-scratch"


def bench_coding(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """Start-up p50/p99, typical run p50/p99, runs/s with two at a time, and memory per run."""
    from interviewer.composition import Components
    from interviewer.domain.problems import load_problems
    from interviewer.grading.judge import expectations, job_for, judge

    components = Components(settings)
    runner = components.code_runner()
    problem = load_problems(settings.corpus_dir)[TYPICAL]
    expected = expectations(problem, runner)
    n = 10 if quick else 60
    empty = CodeJob(code="def f():\n    return 1\n", entry="f", tests=(CodeTest("t", "()"),))
    startup = time_calls(lambda job: runner.run(job), [empty] * n)
    typical = job_for(problem, problem.reference, problem.tests)
    runs = []

    def run_typical(job: CodeJob) -> None:
        run = runner.run(job)
        assert judge(problem, problem.tests, run, expected).all_passed, run
        runs.append(run)

    latencies = time_calls(run_typical, [typical] * n)
    throughput = _throughput(runner, typical, seconds=5.0 if quick else 20.0, components=components)
    rss_mb = [r.max_rss_kb / 1024 for r in runs]
    typical_summary = latency_summary(latencies)
    return {
        "runner": runner.name,
        "startup": latency_summary(startup),
        "typical_submission": {"problem": TYPICAL, "calls": len(problem.tests), **typical_summary},
        "throughput": throughput,
        "memory_per_run_mb": {"p50": round(float(np.median(rss_mb)), 1), "max": round(max(rss_mb), 1)},
        "targets": [
            target(
                "typical run p99 ms (incl. sandbox start-up)",
                typical_summary.get("p99_ms"),
                "<",
                1500,
                "a candidate presses Run and waits",
            )
        ],
    }


def _throughput(runner: Any, job: CodeJob, *, seconds: float, components: Any) -> dict[str, Any]:
    """Runs per second with two at a time, and the latency of bank lookups made meanwhile."""
    bank = components.bank()
    stop = threading.Event()
    probe_ms: list[float] = []

    def probe() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            for question in bank.questions:
                bank.rubric_for(question)
            probe_ms.append((time.perf_counter() - started) * 1000)
            stop.wait(0.05)

    done = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal done
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            runner.run(job)
            with lock:
                done += 1

    prober = threading.Thread(target=probe)
    prober.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(worker) for _ in range(2)]:
            future.result()
    wall = time.perf_counter() - started
    stop.set()
    prober.join()
    return {
        "parallel": 2,
        "runs": done,
        "runs_per_s": round(done / wall, 2),
        "probe": latency_summary(probe_ms),
    }
