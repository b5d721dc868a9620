"""Runs the eval suites in order with a progress bar, writes the report, asserts the thresholds."""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from evals.thresholds import Outcome, evaluate
from interviewer.composition import Components
from interviewer.errors import MockInterviewerError
from interviewer.settings import Settings


@dataclass
class EvalOptions:
    quick: bool = False
    judge_base_url: str | None = None
    judge_model: str | None = None
    candidate_base_url: str | None = None
    candidate_model: str | None = None
    brain: str = "offline"  # `eval simulate --brain llm`: the simulation against the local SmolLM2
    # Suites share expensive artefacts (simulated sessions feed faithfulness) through this cache.
    shared: dict[str, Any] = field(default_factory=dict)


RAGAS_CONTEXT_METRICS = (
    "non_llm_context_precision_with_reference",
    "non_llm_context_recall",
    "id_based_context_precision",
    "id_based_context_recall",
)
Runner = Callable[[Components, EvalOptions], dict[str, Any]]


def _import(module: str, attr: str) -> Any:
    """A suite's entry point, imported only when that suite runs (some load ragas or matplotlib)."""
    return getattr(importlib.import_module(module), attr)


def _run_retrieval(components: Components, options: EvalOptions) -> dict[str, Any]:
    result = dict(_import("evals.retrieval", "run_retrieval_eval")(components, quick=options.quick))
    try:
        result["ragas"] = _import("evals.retrieval_ragas", "ragas_context_metrics")(
            components.settings, result
        )
    except Exception as exc:  # noqa: BLE001 - the core retrieval figures stand without the ragas extras
        result["ragas"] = {"error": f"{type(exc).__name__}: {exc}"}
    result["headline"] = [f"ragas.{name}.mean" for name in RAGAS_CONTEXT_METRICS]
    return result


def _run_grading(components: Components, options: EvalOptions) -> dict[str, Any]:
    return dict(_import("evals.grading", "run_grading_eval")(components, quick=options.quick))


def _run_calibration(components: Components, options: EvalOptions) -> dict[str, Any]:
    return dict(
        _import("evals.author_calibration", "run_author_calibration")(components, quick=options.quick)
    )


def _run_faithfulness(components: Components, options: EvalOptions) -> dict[str, Any]:
    return dict(_import("evals.faithfulness", "run_faithfulness_eval")(components, options))


def _run_simulate(components: Components, options: EvalOptions) -> dict[str, Any]:
    if options.brain == "llm":
        return dict(_import("evals.llm_path", "run_llm_simulation")(components, options))
    return dict(_import("evals.simulate", "run_simulation_eval")(components, options))


def _run_coding(components: Components, options: EvalOptions) -> dict[str, Any]:
    result = dict(
        _import("evals.coding_calibration", "run_coding_calibration")(components, quick=options.quick)
    )
    result["headline"] = [
        "ordering_accuracy",
        "tuned.ordering_accuracy",
        "held_out.ordering_accuracy",
        "hard_coded_at_or_below_weak",
        "pairs",
    ]
    return result


def _run_listening(components: Components, options: EvalOptions) -> dict[str, Any]:
    return dict(_import("evals.listening", "run_listening_eval")(components, quick=options.quick))


def _run_llm(components: Components, options: EvalOptions) -> dict[str, Any]:
    return dict(_import("evals.llm_path", "run_llm_eval")(components, options))


RUNNERS: dict[str, Runner] = {
    "retrieval": _run_retrieval,
    "grading": _run_grading,
    "calibration": _run_calibration,
    "simulate": _run_simulate,
    "listening": _run_listening,
    "faithfulness": _run_faithfulness,
    "coding": _run_coding,
    "llm": _run_llm,  # starts the local SmolLM2 server itself
}

TABLES = {
    "retrieval": ("evals.retrieval", "format_retrieval_table"),
    "grading": ("evals.grading", "format_grading_table"),
}


def _ordered(names: list[str]) -> list[str]:
    # simulate before faithfulness: faithfulness scores the sessions simulate produced
    return [n for n in RUNNERS if n in names]


def _run_one(name: str, components: Components, options: EvalOptions) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = RUNNERS[name](components, options)
    except MockInterviewerError as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - one broken suite must not hide the others' figures
        result = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=8)}
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def run_all(
    components: Components, names: list[str], options: EvalOptions, console: Console
) -> dict[str, Any]:
    """Run the named suites (with a progress bar on the terminal) and return {suite: result}."""
    results: dict[str, Any] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("eval", total=len(names))
        for name in _ordered(names):
            progress.update(task, description=f"eval {name}")
            results[name] = _run_one(name, components, options)
            progress.advance(task)
    return results


def _print_tables(results: dict[str, Any], console: Console) -> None:
    from evals.report import summary_lines

    for name, result in results.items():
        console.rule(f"eval {name} ({result.get('seconds', '?')} s)")
        if "error" in result:
            console.print(f"[red]error[/red]: {result['error']}", markup=True, highlight=False)
            continue
        table = TABLES.get(name)
        if table:
            try:
                console.print(_import(*table)(result), markup=False, highlight=False)
            except Exception as exc:  # noqa: BLE001 - a formatter bug must not lose the run
                console.print(f"(table unavailable: {exc})", markup=False)
        for line in summary_lines(name, result):
            console.print(line, markup=False, highlight=False)


def check_thresholds(results: dict[str, Any], *, quick: bool = False) -> list[Outcome]:
    """Every threshold of every suite that ran (`ci: false` ones report-only when `quick`)."""
    outcomes: list[Outcome] = []
    for name, result in results.items():
        outcomes.extend(evaluate(name, result, quick=quick))
    return outcomes


def threshold_lines(outcomes: list[Outcome]) -> list[str]:
    """One line per threshold: ok / MISS / info (report-only in quick mode), then a note on the info ones."""
    lines = []
    for o in outcomes:
        mark = "info" if o.report_only else "ok  " if o.passed else "MISS"
        verdict = (" - " + ("met" if o.passed else "not met")) if o.report_only else ""
        lines.append(f"{mark} {o.check.describe()} (got {o.actual}){verdict}")
    report_only = [o for o in outcomes if o.report_only]
    if report_only:
        lines.append(
            f"{len(report_only)} check(s) marked `ci: false` are report-only in quick/CI mode, not asserted: "
            "latency comes from the full eval report and `mock-interviewer bench`, not from a CI run."
        )
    return lines


def run_suites(
    settings: Settings,
    names: list[str],
    options: EvalOptions,
    *,
    report_dir: Path | None,
    check: bool,
    console: Console | None = None,
) -> int:
    """Run, print, optionally write the report and assert thresholds; returns the exit code."""
    console = console or Console()
    results = run_all(Components(settings), names, options, console)
    _print_tables(results, console)
    outcomes = check_thresholds(results, quick=options.quick)
    if report_dir is not None:
        from evals.report import write_report

        paths = write_report(report_dir, results, outcomes, settings, options)
        console.print("report: " + ", ".join(str(p) for p in paths), markup=False)
    for line in threshold_lines(outcomes):
        console.print(line, markup=False, highlight=False)
    misses = [o for o in outcomes if o.failed]
    errors = [n for n, r in results.items() if "error" in r]
    if check and (misses or errors):
        console.print(f"thresholds: {len(misses)} missed, {len(errors)} suite(s) failed", markup=False)
        return 1
    return 0
