"""`mock-interviewer grade`: rubric-grounded feedback on one answer, as JSON or a readable report."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from interviewer.cli.batch import grade_batch
from interviewer.domain.report import GradeReport
from interviewer.errors import InputError


def register(app: typer.Typer) -> None:
    """Add the `grade` command to the app."""
    app.command("grade")(grade)


def grade(
    round_name: str | None = typer.Option(
        None, "--round", help="ml-system-design | behavioral | case-study | ml-depth"
    ),
    question_id: str | None = typer.Option(None, "--question-id", help="A bank question id."),
    question: str | None = typer.Option(None, "--question", help="A free-text question not in the bank."),
    answer_file: Path | None = typer.Option(None, "--answer-file", help="The answer (may be empty)."),
    batch: Path | None = typer.Option(
        None, "--batch", help="JSON lines: round, question_id or question, answer, optional id."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document."),
) -> None:
    """Grade an answer (or a batch of them) against the round's rubric and the question's key points."""
    from interviewer.composition import Components
    from interviewer.grading.requests import GradeRequestItem, attempt_for
    from interviewer.settings import load_settings

    if batch is not None:
        if round_name or question_id or question or answer_file:
            raise InputError("--batch takes its rounds, questions and answers from the file only")
        components = Components(load_settings())
        failed = grade_batch(components, batch)
        if failed:
            raise typer.Exit(1)
        return
    if round_name is None or answer_file is None:
        raise InputError("give --round and --answer-file (or --batch FILE)")
    if (question_id is None) == (question is None):
        raise InputError("give exactly one of --question-id ID or --question TEXT")
    components = Components(load_settings())
    item = GradeRequestItem(round_name, _read_answer(answer_file), question_id, question)
    round_, attempt = attempt_for(components.bank(), item, max_chars=components.settings.max_answer_chars)
    report = components.grader().grade_answer(round_, attempt)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        render_report(report)


def _read_answer(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"answer file not found: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read answer file {path}: {exc}") from None


def render_report(report: GradeReport) -> None:
    """A readable terminal report (rich)."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    console = Console()
    o = report.overall
    head = f"[bold]{o.score:.2f} / 4 — {o.recommendation}[/bold]  (confidence {o.confidence:.2f})"
    title = f"{report.round} · {report.question_id or 'free-text'}"
    console.print(Panel(f"{head}\n{report.question}", title=title))
    if report.flags:
        console.print(f"[red]Flags:[/red] {', '.join(report.flags)}")
    table = Table(show_lines=True)
    for name in ("Criterion", "Level", "Evidence (your words)", "Rubric"):
        table.add_column(name, overflow="fold")
    for c in report.criteria:
        level = str(c.score) if c.score is not None else "insufficient"
        quotes = "\n".join(f"“{e}”" for e in c.evidence) or "—"
        table.add_row(f"{c.name}\n[dim]{c.rubric_ref}[/dim]", level, quotes, c.descriptor)
    console.print(table)
    fb = report.feedback
    console.print(f"\n[bold]Summary[/bold]\n{fb.summary}")
    _section(console, "Strengths", [i.text for i in fb.strengths])
    _section(console, "Gaps", [i.text for i in fb.gaps])
    _section(console, "Key points you missed", report.missed_key_points)
    practice = [
        i.text + "".join(f"\n    → {r.title} › {r.section}" for r in i.guide_refs) for i in fb.practice_next
    ]
    _section(console, "Practise next", practice)
    if fb.model_answer:
        console.print(f"\n[bold]Model answer[/bold]\n{fb.model_answer}")


def _section(console: object, title: str, lines: list[str]) -> None:
    if lines:
        console.print(f"\n[bold]{title}[/bold]")  # type: ignore[attr-defined]
        for line in lines:
            console.print(f"  • {line}", highlight=False)  # type: ignore[attr-defined]
