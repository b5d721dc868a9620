"""Start-up: how long `serve` takes until every worker's `/readyz` says ready, and how long one cold
`mock-interviewer grade` process takes from exec to its JSON report. Both after `mock-interviewer ingest`
(the collection, the exported ONNX graph and the bank's fixed vectors on disk), as a user runs them.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.bench_service import child_env, cli_executable, running_server
from evals.bench_stats import target
from interviewer.settings import Settings

READY_S = 10.0
GRADE_COLD_S = 3.0
ANSWER = (
    "I led the migration of our feature store. I set the goal with the two teams, split the work by "
    "risk and shipped it in three steps. Latency fell by 40 percent and nobody was paged."
)


def prepare(settings: Settings) -> tuple[str, str]:
    """Ingest and write the fixed vectors as `mock-interviewer ingest` does; a behavioral question."""
    from ingest.pipeline import ensure_ingested
    from interviewer.composition import Components

    components = Components(settings)
    ensure_ingested(settings, components.embedder(), components.vector_store())
    components.grader()  # the bank's fixed vectors, into their file
    question = next(q for q in components.bank().questions if q.round.value == "behavioral")
    return "behavioral", question.id


def time_ready(settings: Settings, workers: int, tmp: Path) -> float:
    """Seconds from starting `serve --workers N` until /readyz answered ready on every worker."""
    from api.http_wait import free_port

    started = time.perf_counter()
    with running_server(settings, free_port(), tmp / "server.log", workers):
        return time.perf_counter() - started


def time_grade(settings: Settings, round_name: str, question_id: str, tmp: Path) -> float:
    """Seconds of one `mock-interviewer grade ... --json` process, exec to exit; raises if it fails."""
    answer = tmp / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    command = [str(cli_executable()), "grade", "--round", round_name, "--question-id", question_id]
    command += ["--answer-file", str(answer), "--json"]
    env = child_env(settings, f"sqlite:///{tmp / 'grade.sqlite3'}")
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"grade exited {done.returncode}: {done.stderr[-500:]}")
    return seconds


def bench_startup(
    settings: Settings, *, quick: bool, runs: int | None = None, workers: int = 2
) -> dict[str, Any]:
    """Time to ready (2 workers) and cold CLI grade, each over a few runs; targets on the slowest run."""
    runs = runs or (1 if quick else 3)
    round_name, question_id = prepare(settings)
    with tempfile.TemporaryDirectory(prefix="mi-bench-startup-") as name:
        tmp = Path(name)
        ready = [time_ready(settings, workers, tmp) for _ in range(runs)]
        grade = [time_grade(settings, round_name, question_id, tmp) for _ in range(runs)]
    return {
        "workers": workers,
        "runs": runs,
        "readyz_s": [round(s, 2) for s in ready],
        "grade_cold_s": [round(s, 2) for s in grade],
        "readyz_median_s": round(statistics.median(ready), 2),
        "grade_cold_median_s": round(statistics.median(grade), 2),
        "targets": [
            target(f"/readyz ready s ({workers} workers, slowest run)", round(max(ready), 2), "<", READY_S),
            target("CLI grade cold s (slowest run)", round(max(grade), 2), "<", GRADE_COLD_S),
        ],
    }
