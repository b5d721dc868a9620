"""`mock-interviewer grade --batch FILE`: one JSON report per input line, in one process.

A bad line (not JSON, a missing field, an unknown question...) gets an error object naming its line
number and never stops the others. Reports go to stdout as they are made; the progress bar and the
closing count go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interviewer.composition import Components
from interviewer.errors import InputError
from interviewer.grading.requests import GradeRequestItem, attempt_for

FIELDS = ("round", "answer", "question_id", "question", "id")


def grade_batch(components: Components, path: Path) -> int:
    """Grade every line of `path`, printing one JSON document per line; returns how many failed."""
    lines = _read_lines(path)
    failed = 0
    with _progress(len(lines)) as advance:
        for number, line in lines:
            out = grade_line(components, number, line)
            failed += "error" in out
            print(json.dumps(out, ensure_ascii=False), flush=True)
            advance()
    print(f"graded {len(lines) - failed} of {len(lines)} lines; {failed} failed", file=sys.stderr)
    return failed


def grade_line(components: Components, number: int, line: str) -> dict[str, Any]:
    """The report for one input line, or {"line", "id", "error"} saying what is wrong with it."""
    raw: Any = None
    try:
        raw = json.loads(line)
        item = parse_item(raw)
        round_, attempt = attempt_for(components.bank(), item, max_chars=components.settings.max_answer_chars)
        report = components.grader().grade_answer(round_, attempt)
    except (ValueError, InputError) as exc:
        ident = raw.get("id") if isinstance(raw, dict) else None
        return {"line": number, "id": ident, "error": _message(exc)}
    return {"line": number, "id": raw.get("id"), "report": report.model_dump(mode="json")}


def parse_item(raw: Any) -> GradeRequestItem:
    """A batch line's object as a request; InputError names what is missing or of the wrong type."""
    if not isinstance(raw, dict):
        raise InputError("each line must be a JSON object")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; expected {', '.join(FIELDS)}")
    for name in ("round", "answer"):
        if not isinstance(raw.get(name), str):
            raise InputError(f"field {name!r} is required and must be a string")
    for name in ("question_id", "question"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise InputError(f"field {name!r} must be a string")
    return GradeRequestItem(raw["round"], raw["answer"], raw.get("question_id"), raw.get("question"))


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read batch file {path}: {exc}") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise InputError(f"batch file {path} has no lines to grade")
    return lines


def _message(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} (column {exc.colno})"
    return str(exc)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (rich draws it only where stderr is a terminal); yields `advance`."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("grade", total=total)
        yield lambda: bar.advance(task)
