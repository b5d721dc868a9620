"""`mock-interviewer code`: the coding rounds in the terminal. Show a problem, ask about it, run the examples
on a file (a .py file, or any text with a fenced ```python block), or submit it for the hidden tests."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from interviewer.errors import InputError


def register(app: typer.Typer) -> None:
    """Add the `code` command to the app."""
    app.command("code")(code)


def code(
    problem_id: str | None = typer.Argument(None, help="A problem id (omit with --list)."),
    listing: bool = typer.Option(False, "--list", help="List the problems of both coding rounds."),
    code_file: Path | None = typer.Option(
        None, "--code", help="A .py file, or text with a fenced code block."
    ),
    submit: bool = typer.Option(False, "--submit", help="Run every test (hidden ones too) and grade."),
    asks: list[str] = typer.Option([], "--ask", help="A clarifying question (repeatable)."),
    says: list[str] = typer.Option([], "--say", help="What you would say about your approach (repeatable)."),
    runs: int = typer.Option(0, "--runs", help="How many times you ran the examples before submitting."),
    hints: int = typer.Option(0, "--hints", help="Show this many hints."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Work on a coding or ML-coding problem: without --code, show it; with --code, run or submit."""
    from interviewer.composition import Components
    from interviewer.interview.coding_flow import code_in
    from interviewer.settings import load_settings

    components = Components(load_settings())
    if listing:
        rows = [
            {"id": p.id, "round": p.round, "title": p.title, "difficulty": p.difficulty}
            for document in components.problem_files().values()
            for p in document.problems
        ]
        typer.echo(
            json.dumps(rows)
            if as_json
            else "\n".join(f"{r['round']:10} {r['id']:32} {r['title']}" for r in rows)
        )
        return
    if problem_id is None:
        raise InputError("name a problem id, or use --list")
    session = components.coding_interview(problem_id)
    document: dict[str, object] = {"problem": problem_id, "opening": session.opening()}
    document["answers"] = [session.ask(q) for q in asks] + [session.hint() for _ in range(hints)]
    for words in says:
        session.explain(words)
    if code_file is not None:
        text = code_file.read_text(encoding="utf-8")
        source = text if code_file.suffix == ".py" else code_in(text)
        if not source:
            raise InputError(f"{code_file}: no fenced ```python block in it")
        session.runs = runs
        result, reply = session.submit(source) if submit else session.run(source)
        document["reply"] = reply
        document["verdict"] = result.run.verdict
        document["passed"], document["total"] = result.passed, len(result.results)
        document["results"] = [asdict(r) for r in result.results]
        if not submit:
            document["stdout"], document["stderr"] = result.run.stdout, result.run.stderr
        if session.report is not None:
            document["report"] = asdict(session.report)
    if as_json:
        typer.echo(json.dumps(document, default=str))
        return
    _print(document, show_problem=code_file is None)


def _print(document: dict, *, show_problem: bool) -> None:
    if show_problem:
        typer.echo(document["opening"])
    for answer in document["answers"]:  # type: ignore[attr-defined]
        typer.echo(f"interviewer: {answer}")
    if "results" in document:
        for r in document["results"]:
            typer.echo(
                f"  {'PASS' if r['passed'] else 'FAIL'} {r['kind']:12} {r['name']}  {r['message'] or ''}"
            )
        typer.echo(f"interviewer: {document['reply']}")
        if document.get("stdout"):
            typer.echo(f"stdout:\n{document['stdout']}")
    report = document.get("report")
    if isinstance(report, dict):
        typer.echo(
            f"\noverall {report['overall']:.2f} of 4: {report['label']}"
            + (f" (capped: {report['capped']})" if report["capped"] else "")
        )
        for c in report["criteria"]:
            typer.echo(f"  {c['level']}  {c['name']}: {'; '.join(c['evidence'])}")
