"""`mock-interviewer code`: the coding rounds in the terminal. Show a problem, ask about it, run the examples
on a file (a .py file, or any text with a fenced ```python block), submit it for the hidden tests, end it.

Every invocation works on a stored coding session of the local user (a new one on PROBLEM, or `--session`),
through the same engine and store as `mock-interviewer interview` and the API: the session is listed in the
history, counted in progress, and its runs are the ones it recorded.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from interviewer.errors import InputError

if TYPE_CHECKING:
    from interviewer.composition import Components
    from interviewer.domain.session import SessionState
    from interviewer.interview.contract import Reply


def register(app: typer.Typer) -> None:
    """Add the `code` command to the app."""
    app.command("code")(code)


def code(
    problem_id: str | None = typer.Argument(None, help="A problem id (omit with --list or --session)."),
    listing: bool = typer.Option(False, "--list", help="List the problems of both coding rounds."),
    session_id: str | None = typer.Option(None, "--session", help="Continue this stored coding session."),
    code_file: Path | None = typer.Option(
        None, "--code", help="A .py file, or text with a fenced code block."
    ),
    submit: bool = typer.Option(False, "--submit", help="Run every test (hidden ones too) and grade."),
    asks: list[str] = typer.Option([], "--ask", help="A clarifying question (repeatable)."),
    says: list[str] = typer.Option([], "--say", help="What you would say about your approach (repeatable)."),
    hints: int = typer.Option(0, "--hints", help="Show this many hints."),
    end: bool = typer.Option(False, "--end", help="End the session and print its report."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Work on a coding or ML-coding problem: without --code, show it; with --code, run or submit."""
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    components = Components(load_settings())
    if listing:
        _list(components, as_json)
        return
    session = _Session(components, problem_id, session_id)
    document: dict[str, object] = {"session_id": session.state.id, "problem": session.problem_id}
    if session_id is None:
        document["opening"] = session.state.turns[0].text
    document["answers"] = [session.send(f"/ask {q}").text for q in asks]
    document["answers"] += [session.send("/hint").text for _ in range(hints)]  # type: ignore[operator]
    for words in says:
        session.send(words)
    if code_file is not None:
        _run(session, document, _source(code_file), submit)
    if end:
        session.send("/end")
        report = session.state.report
        document["session_report"] = report.model_dump(mode="json") if report else None
    document["runs"] = session.progress_runs()
    if as_json:
        typer.echo(json.dumps(document, default=str))
        return
    _print(document, show_problem=code_file is None and session_id is None)


def _list(components: Components, as_json: bool) -> None:
    rows = [
        {"id": p.id, "round": p.round, "title": p.title, "difficulty": p.difficulty}
        for document in components.problem_files().values()
        for p in document.problems
    ]
    typer.echo(
        json.dumps(rows) if as_json else "\n".join(f"{r['round']:10} {r['id']:32} {r['title']}" for r in rows)
    )


def _source(code_file: Path) -> str:
    from interviewer.interview.coding_flow import code_in

    text = code_file.read_text(encoding="utf-8")
    source = text if code_file.suffix == ".py" else code_in(text)
    if not source:
        raise InputError(f"{code_file}: no fenced ```python block in it")
    return source


def _run(session: _Session, document: dict[str, object], source: str, submit: bool) -> None:
    from interviewer.interview.coding_session import SUBMIT, CodingOutcome

    fenced = f"```python\n{source.rstrip()}\n```"
    reply = session.send(f"{SUBMIT}\n{fenced}" if submit else fenced)
    document["reply"] = reply.text
    outcome = reply.outcome
    if not isinstance(outcome, CodingOutcome):
        return
    result = outcome.judgement
    document["verdict"] = result.run.verdict
    document["passed"], document["total"] = result.passed, len(result.results)
    document["results"] = [asdict(r) for r in result.results]
    if not submit:
        document["stdout"], document["stderr"] = result.run.stdout, result.run.stderr
    if outcome.report is not None:
        document["report"] = asdict(outcome.report)


class _Session:
    """The local user's stored coding session; each message is answered and stored in one write."""

    def __init__(self, components: Components, problem_id: str | None, session_id: str | None) -> None:
        from interviewer.domain.rounds import parse_session_round
        from interviewer.store import LOCAL_USER

        components.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = components.coding_engine()
        self.store, users = components.stores()
        self.user_id = users.get_or_create(LOCAL_USER).id
        if session_id is not None:
            self.state: SessionState = self.store.load(self.user_id, session_id)
            if self.state.coding is None:
                raise InputError(f"session {session_id} is not a coding session")
            if problem_id not in (None, self.state.coding.problem_id):
                raise InputError(f"session {session_id} is on problem {self.state.coding.problem_id}")
            return
        if problem_id is None:
            raise InputError("name a problem id, or use --list or --session")
        problem = components.coding_interview(problem_id).problem  # InputError for an unknown id
        round_ = parse_session_round(problem.round)
        self.state = components.session_engine().start(
            round_, question_id=problem.id, seen_question_ids=self.store.seen_question_ids(self.user_id)
        )
        self.store.create(self.user_id, self.state)

    @property
    def problem_id(self) -> str:
        assert self.state.coding is not None
        return self.state.coding.problem_id

    def progress_runs(self) -> int:
        return self.state.coding.runs if self.state.coding else 0

    def send(self, content: str) -> Reply:
        """Record `content`, answer it and store both (compare-and-swap on the stored session)."""
        from interviewer.store import Change

        def turn(stored: SessionState) -> Change[Reply]:
            reply = self.engine.advance(self.engine.record_candidate(stored, content))
            return Change(reply.state, reply)

        reply = self.store.update(self.user_id, self.state.id, turn)
        self.state = reply.state
        return reply


def _print(document: dict, *, show_problem: bool) -> None:
    typer.echo(f"session {document['session_id']} (continue it with --session)")
    if show_problem and document.get("opening"):
        typer.echo(document["opening"])
    for answer in document["answers"]:  # type: ignore[attr-defined]
        typer.echo(f"interviewer: {answer}")
    if "results" in document:
        for r in document["results"]:
            typer.echo(
                f"  {'PASS' if r['passed'] else 'FAIL'} {r['kind']:12} {r['name']}  {r['message'] or ''}"
            )
    if "reply" in document:
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
    final = document.get("session_report")
    if isinstance(final, dict):
        typer.echo("\n" + "\n".join(final["summary"]["lines"]))
