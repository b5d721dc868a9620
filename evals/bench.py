"""`mock-interviewer bench`: measured, never timed tests. Each figure with its reference from the same run.

Sections: service (load on `serve`, turns/s against the raw encode limit), startup (/readyz
time-to-ready, cold CLI grade), encode (torch vs ONNX fp32 vs int8: latency and cosine), ingest (pipeline
vs raw encode, re-ingest), search (shipped corpus and a synthetic 100k collection, HNSW recall vs exact),
grading (per answer), and, only when named with `--only chaos` (it restarts the machine's PostgreSQL),
chaos (faults under load, then no acknowledged answer lost). Results go to a JSON file with the same
provenance block as the eval report.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from interviewer.settings import Settings

# The load run goes first: later sections leave the 100k-chunk synthetic collection open in this process,
# and its background work competed with the two server workers (p99 at 50 candidates 177 ms alone,
# 4.9 s after the search section).
# startup and encode start their own processes or models and leave nothing running.
SECTIONS = ("service", "startup", "encode", "ingest", "grading", "search", "coding")
OPT_IN = ("chaos",)  # run only when named: it SIGKILLs workers and restarts PostgreSQL


def _section(name: str) -> Callable[..., dict[str, Any]]:
    if name == "ingest":
        from evals.bench_ingest import bench_ingest

        return bench_ingest
    if name == "search":
        from evals.bench_search import bench_search

        return bench_search
    if name == "grading":
        from evals.bench_grading import bench_grading

        return bench_grading
    if name == "coding":
        from evals.bench_coding import bench_coding

        return bench_coding
    if name == "startup":
        from evals.bench_startup import bench_startup

        return bench_startup
    if name == "encode":
        from evals.bench_encode import bench_encode

        return bench_encode
    if name == "chaos":
        from evals.bench_chaos import bench_chaos

        return bench_chaos
    from evals.bench_service import bench_service

    return bench_service


def run_sections(settings: Settings, names: list[str], *, quick: bool, console: Console) -> dict[str, Any]:
    """Run each named section with a progress bar; a failing section records its error and the rest go on."""
    results: dict[str, Any] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("bench", total=len(names))
        for name in names:
            progress.update(task, description=f"bench {name}")
            started = time.perf_counter()
            try:
                results[name] = _section(name)(settings, quick=quick)
            except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
                results[name] = {
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(8),
                }
            results[name]["seconds"] = round(time.perf_counter() - started, 1)
            progress.advance(task)
    return results


def targets_table(results: dict[str, Any]) -> Table:
    table = Table(title="bench targets")
    for col in ("section", "figure", "value", "target", "met"):
        table.add_column(col)
    for name, result in results.items():
        if "error" in result:
            table.add_row(name, "error", result["error"][:80], "", "no")
        for t in result.get("targets", []):
            table.add_row(name, t["name"], str(t["value"]), t["target"], "yes" if t["met"] else "NO")
    return table


def run_bench(
    settings: Settings, *, out: Path, quick: bool = False, only: list[str] | None = None
) -> dict[str, Any]:
    """Run the benchmarks, print the targets table, write `out` (JSON); returns the document."""
    from evals.report import provenance

    names = [n for n in (*SECTIONS, *OPT_IN) if n in only] if only else list(SECTIONS)
    console = Console()
    load_average = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min: how busy the machine was
    results = run_sections(settings, names, quick=quick, console=console)
    doc = {
        "provenance": provenance(settings),
        "quick": quick,
        "load_average": load_average,
        "results": results,
        "targets": [
            {"section": name, **t} for name, result in results.items() for t in result.get("targets", [])
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(targets_table(results))
    console.print(f"results: {out}", markup=False)
    return doc
