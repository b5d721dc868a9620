"""`mock-interviewer plan`: what to practise next, by spaced review of the local user's sessions."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from interviewer.practice.plan import StudyPlan


def register(app: typer.Typer) -> None:
    """Add the `plan` command to the app."""
    app.command("plan")(plan)


def plan(
    include_recent: bool = typer.Option(
        False, "--include-recent", help="Also offer questions seen in the last MI_PLAN_RECENT_DAYS days."
    ),
    limit: int = typer.Option(10, "--limit", min=1, max=50, help="At most this many items."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as one JSON document."),
) -> None:
    """A study plan from your ended sessions: weak criteria and questions come back sooner."""
    from api.schemas import plan_out
    from interviewer.composition import Components
    from interviewer.settings import load_settings
    from interviewer.store import LOCAL_USER

    components = Components(load_settings())
    components.settings.data_dir.mkdir(parents=True, exist_ok=True)
    user = components.stores()[1].get_or_create(LOCAL_USER)
    study = components.practice().plan(user.id, include_recent=include_recent, limit=limit)
    if as_json:
        typer.echo(json.dumps(plan_out(study).model_dump(mode="json"), indent=2))
        return
    print_plan(study, Console())


def print_plan(study: StudyPlan, console: Console) -> None:
    """The plan as a table, due first; a first-time user is told how to start."""
    if not study.items:
        console.print(
            "No ended sessions yet: finish an interview (`mock-interviewer interview`) to get a plan."
        )
        return
    table = Table("Due", "Practise", "Round", "Last level", "Question id", title="Study plan (spaced review)")
    for item in study.items:
        due = "now" if item.due <= study.generated_at else item.due.strftime("%Y-%m-%d")
        what = item.criterion if item.kind == "criterion" else "the same question again"
        table.add_row(due, what, item.round, str(item.last_level), item.question_id or "any")
    console.print(table)
    hidden = (
        "" if study.include_recent else f" Questions seen in the last {study.recent_days} days are left out."
    )
    console.print(
        f"Start one: mock-interviewer interview --round ROUND --question-id ID.{hidden}", highlight=False
    )
