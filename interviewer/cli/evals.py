"""CLI commands `eval` and `bench`; the suites are imported inside the commands (they load plots, ragas)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from interviewer.errors import ConfigError


class Suite(StrEnum):
    RETRIEVAL = "retrieval"
    GRADING = "grading"
    CALIBRATION = "calibration"
    FAITHFULNESS = "faithfulness"
    SIMULATE = "simulate"
    LISTENING = "listening"
    CODING = "coding"
    LLM = "llm"
    ALL = "all"


def register(app: typer.Typer) -> None:
    """Add `eval` and `bench` to the app."""

    @app.command("eval")
    def eval_command(
        suite: Suite = typer.Argument(Suite.ALL, help="Which suite to run."),
        report: Path | None = typer.Option(None, "--report", help="Write report.json/.md/.html here."),
        quick: bool = typer.Option(False, "--quick", help="Small subset (CI); thresholds asserted."),
        judge_base_url: str | None = typer.Option(
            None, "--judge-base-url", help="OpenAI-compatible endpoint for the ragas judge metrics."
        ),
        judge_model: str | None = typer.Option(None, "--judge-model", help="Model name at the judge."),
        candidate_base_url: str | None = typer.Option(
            None, "--candidate-base-url", help="OpenAI-compatible endpoint that plays the candidate."
        ),
        candidate_model: str | None = typer.Option(None, "--candidate-model", help="Model name there."),
        brain: str = typer.Option(
            "offline", "--brain", help="simulate: offline, or llm (against the local SmolLM2 it starts)."
        ),
        check: bool | None = typer.Option(
            None, "--check/--no-check", help="Assert thresholds (default: on for `all --quick`)."
        ),
    ) -> None:
        """Run the offline eval suites (retrieval, grading, calibration, simulate, listening, llm, ...)."""
        from interviewer.settings import load_settings

        settings = load_settings()
        if judge_base_url and not judge_model:
            raise ConfigError("--judge-base-url needs --judge-model (the model name at that endpoint)")
        if suite is Suite.RETRIEVAL and report is None and check is None:
            from evals.retrieval import format_retrieval_table, run_retrieval_eval
            from interviewer.composition import Components

            typer.echo(format_retrieval_table(run_retrieval_eval(Components(settings), quick=quick)))
            return
        from evals.suites import EvalOptions, run_suites

        options = EvalOptions(
            quick=quick,
            judge_base_url=judge_base_url,
            judge_model=judge_model,
            candidate_base_url=candidate_base_url,
            candidate_model=candidate_model,
            brain=brain,
        )
        # `all --quick` (the CI gate) leaves out the llm suite: it runs a real model for minutes on 2 cores;
        # `make eval` (full) runs it, and the llm_server tests cover the same path in CI.
        everything = [s.value for s in Suite if s is not Suite.ALL and not (quick and s is Suite.LLM)]
        names = everything if suite is Suite.ALL else [suite.value]
        assert_thresholds = check if check is not None else (suite is Suite.ALL and quick)
        exit_code = run_suites(settings, names, options, report_dir=report, check=assert_thresholds)
        if exit_code:
            raise typer.Exit(exit_code)

    @app.command("bench")
    def bench_command(
        out: Path = typer.Option(Path("docs/bench/results.json"), "--out", help="Where results.json goes."),
        quick: bool = typer.Option(False, "--quick", help="Shrink every benchmark (CI)."),
        only: list[str] = typer.Option(
            [],
            "--only",
            help="Only these (service, startup, encode, ingest, grading, search, coding; chaos if named).",
        ),
        runs: int = typer.Option(1, "--runs", min=1, help="Consecutive runs (each kept beside --out)."),
        summary: Path | None = typer.Option(
            None, "--summary", help="With --runs: write whether each run met each target (Markdown) here."
        ),
    ) -> None:
        """Measure throughput, latency and memory, each against its reference in the same run."""
        from interviewer.settings import load_settings

        if runs > 1 or summary is not None:
            from evals.bench_runs import run_series

            summary = summary or out.with_name(f"{out.stem}-runs.md")
            run_series(load_settings(), runs=runs, out=out, summary=summary, quick=quick, only=list(only))
            return
        from evals.bench import run_bench

        run_bench(load_settings(), out=out, quick=quick, only=list(only))
