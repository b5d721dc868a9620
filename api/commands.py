"""CLI commands for this feature; `interviewer.cli` calls `register(app)`."""

import typer


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the app."""
