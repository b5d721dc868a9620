"""Terminal rendering for `interview`: the rich chat loop, a plain transcript, the report, the JSON shape."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from interviewer.domain.report import SessionReport, distinct_evidence
from interviewer.domain.session import SessionState
from interviewer.errors import InputError
from interviewer.interview.pacing import status_line

SPEAKER_STYLE = {"interviewer": "bold cyan", "candidate": "bold green"}


def transcript_json(state: SessionState) -> dict[str, Any]:
    """The whole session as one JSON-ready document: transcript, questions, events and the report."""
    return {
        "session_id": state.id,
        "round": state.round,
        "company": state.company,
        "level": state.level,
        "topic": state.topic,
        "brain": state.brain,
        "seed": state.seed,
        "status": state.status,
        "questions": [q.model_dump(mode="json") for q in state.questions],
        "transcript": [
            {
                "speaker": t.speaker,
                "kind": t.kind,
                "text": t.text,
                "question_index": t.question_index,
                "target": t.target,
                "brain": t.brain,
            }
            for t in state.turns
        ],
        "events": [e.model_dump(mode="json") for e in state.events],
        "report": state.report.model_dump(mode="json") if state.report else None,
    }


def print_transcript(state: SessionState, console: Console | None = None) -> None:
    """The transcript as plain readable lines (not wrapped), then the report."""
    console = console or Console()
    for turn in state.turns:
        who = "Interviewer" if turn.speaker == "interviewer" else "Candidate"
        console.print(
            f"[{SPEAKER_STYLE[turn.speaker]}]{who}:[/] {escape(turn.text)}\n", highlight=False, soft_wrap=True
        )
    if state.events:
        events = "; ".join(f"{e.kind} ({e.detail})" for e in state.events)
        console.print("Events: " + escape(events), highlight=False)
    if state.report is not None:
        print_report(state.report, console)


def print_report(report: SessionReport, console: Console) -> None:
    """The feedback report, coach-first: the three summary lines, the criteria, then the details."""
    print_report_top(report, console)
    for section in report.details:
        console.print(f"[bold]{escape(section.title)}[/]")
        for line in section.lines:
            console.print(f"  - {escape(line)}", highlight=False)


def print_report_top(report: SessionReport, console: Console) -> None:
    """The summary lines and the per-criterion scores with evidence (each quote shown once)."""
    title = f"Feedback: {report.overall.score:.2f} / 4"
    summary = Text("\n".join(report.summary.lines))
    console.print(Panel(summary, title=title, expand=False), highlight=False)
    table = Table("Criterion", "Score", "Evidence (your words)", show_lines=True)
    quotes = distinct_evidence(report.criteria)
    for c in report.criteria:
        score = "insufficient evidence" if c.score is None else f"{c.score} / 4"
        shown = quotes[c.id][:2]
        evidence = "\n".join(f'"{e}"' for e in shown) or ("(quoted above)" if c.evidence else "-")
        table.add_row(Text(c.name), score, Text(evidence))
    console.print(table)


class TerminalChat:
    """The interactive chat: the interviewer's lines stream in, the candidate types at a prompt.

    A line ending in a backslash continues on the next line, so longer answers can span lines.
    """

    def __init__(
        self, interviewer: Any, save: Callable[[SessionState], None], console: Console | None = None
    ):
        self.interviewer = interviewer
        self.save = save
        self.console = console or Console()

    def run(self, state: SessionState) -> SessionState:
        """Chat until the session ends (or the candidate presses Ctrl-D / Ctrl-C, which ends it too)."""
        self._interviewer_line(state.turns[-1].text)
        while state.status == "active":
            try:
                text = self._read_answer()
            except (EOFError, KeyboardInterrupt):
                text = "/end"
            try:
                state = self.interviewer.record_candidate(state, text)
            except InputError as exc:
                self.console.print(f"[yellow]{escape(str(exc))}[/]")
                continue
            self.save(state)
            state = self._stream_reply(state)
            self.save(state)
        if state.report is not None:
            print_report(state.report, self.console)
        return state

    def _read_answer(self) -> str:
        lines = []
        prompt = "[bold green]You[/] > "
        while True:
            line = self.console.input(prompt)
            if line.endswith("\\"):
                lines.append(line[:-1])
                prompt = "  ... "
                continue
            lines.append(line)
            return "\n".join(lines)

    def _interviewer_line(self, text: str) -> None:
        self.console.print(f"\n[bold cyan]Interviewer:[/] {escape(text)}\n", highlight=False)

    def _status(self, state: SessionState) -> None:
        """Elapsed time, the round phase and the time box, dimmed under the interviewer's line."""
        line = status_line(state, time.time())
        if line and state.status == "active":
            self.console.print(f"[dim]{escape(line)}[/]", highlight=False)

    def _stream_reply(self, state: SessionState) -> SessionState:
        self.console.print("\n[bold cyan]Interviewer:[/] ", end="")
        stream = self.interviewer.advance_stream(state)
        for chunk in stream:
            self.console.print(chunk, end="", highlight=False, markup=False)
        self.console.print("\n")
        new_state: SessionState = stream.last_reply.state  # type: ignore[union-attr]
        self._status(new_state)
        return new_state
