"""The `mock-interviewer` command line: wiring only; each feature registers its own commands."""

from __future__ import annotations

import sys

import typer

from interviewer.errors import ConfigError, InputError, MockInterviewerError
from interviewer.settings import apply_offline_environment

app = typer.Typer(
    name="mock-interviewer",
    help="Offline-first, rubric-grounded mock interviews for machine-learning engineers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    from interviewer.cli import coding, evals, grade, ingest, interview, practice, serve

    for module in (ingest, interview, grade, serve, evals, practice, coding):
        module.register(app)


def main() -> None:
    """Console-script entry point: run the app and turn domain errors into readable exits."""
    apply_offline_environment()
    _register_commands()
    try:
        app()
    except (ConfigError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except MockInterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
