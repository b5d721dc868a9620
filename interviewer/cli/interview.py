"""`mock-interviewer interview`: a terminal chat, or a scripted run printing one JSON document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from interviewer.cli.render import TerminalChat, print_transcript, transcript_json
from interviewer.domain.rounds import SessionRound
from interviewer.errors import InputError

if TYPE_CHECKING:
    from interviewer.composition import Components
    from interviewer.domain.session import SessionState
    from interviewer.interview.contract import InterviewEngine
    from interviewer.store import SessionStore


def read_answer_blocks(path: Path) -> list[str]:
    """Candidate turns from a file: blocks separated by blank lines (a block may be a /command; a fenced
    code block stays one turn, blank lines and all)."""
    from interviewer.errors import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read answers file {path}: {exc}") from None
    blocks, current = [], []
    in_code = False  # inside a fenced block, a blank line is part of the code, not the end of the turn
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
        if line.strip() or in_code:
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    if not blocks:
        raise InputError(f"answers file {path} has no answers (blocks are separated by blank lines)")
    return blocks


class _History:
    """Seen questions and saved sessions for the local user, via the API's session store."""

    def __init__(self, components: Components, enabled: bool) -> None:
        self.store: SessionStore | None = None
        self.user_id = ""
        self._stored: set[str] = set()
        if not enabled:
            return
        from interviewer.store import LOCAL_USER

        components.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store, users = components.stores()
        self.user_id = users.get_or_create(LOCAL_USER).id

    def seen(self) -> frozenset[str]:
        return self.store.seen_question_ids(self.user_id) if self.store else frozenset()

    def save(self, state: SessionState) -> None:
        """Store the chat's state: created the first time, then a compare-and-swap update that only
        extends the stored transcript (SessionConflict if the session changed elsewhere meanwhile)."""
        from interviewer.store import Change

        if not self.store:
            return
        if state.id not in self._stored:
            self.store.create(self.user_id, state)
            self._stored.add(state.id)
            return
        self.store.update(self.user_id, state.id, lambda stored: Change(_extending(stored, state), None))


def _extending(stored: SessionState, state: SessionState) -> SessionState:
    """`state`, if it continues the stored transcript; else SessionConflict (nothing is overwritten)."""
    from interviewer.errors import SessionConflict

    if state.turns[: len(stored.turns)] != stored.turns:
        raise SessionConflict(f"session {state.id} was changed elsewhere; this chat's turns were not saved")
    return state


def register(app: typer.Typer) -> None:
    """Add the `interview` command."""

    @app.command("interview")
    def interview(
        round_name: str | None = typer.Option(
            None,
            "--round",
            help="ml-system-design, behavioral, case-study, ml-depth, coding, ml-coding (or --question-id)",
        ),
        company: str | None = typer.Option(
            None, "--company", help="prefer questions tagged for this company"
        ),
        level: str | None = typer.Option(None, "--level", help="junior, mid, senior or staff"),
        topic: str | None = typer.Option(None, "--topic", help="only questions on this topic"),
        brain: str | None = typer.Option(None, "--brain", help="offline (default) or llm"),
        seed: int | None = typer.Option(None, "--seed", help="seed for question order and phrasing"),
        answers_file: Path | None = typer.Option(
            None, "--answers-file", help="candidate turns, blank-line separated"
        ),
        as_json: bool = typer.Option(
            False, "--json", help="print the transcript and report as one JSON document"
        ),
        history: bool = typer.Option(True, "--history/--no-history", help="use and record seen questions"),
        question_id: str | None = typer.Option(
            None,
            "--question-id",
            help="practise this question (ids: `mock-interviewer questions`)",
        ),
        minutes: int | None = typer.Option(
            None, "--minutes", min=1, help="time box: wrap up after this long"
        ),
    ) -> None:
        """Run a mock interview for one round, in the terminal or from an answers file."""
        from interviewer.composition import Components
        from interviewer.settings import load_settings

        if as_json and answers_file is None:
            raise InputError("--json needs --answers-file (the interactive chat has no JSON mode)")
        overrides: dict[str, object] = {"brain": brain} if brain else {}
        settings = load_settings(**overrides)
        blocks = read_answer_blocks(answers_file) if answers_file else None
        components = Components(settings)
        round_ = _round_for(components, round_name, question_id)
        interviewer = components.session_engine()
        store = _History(components, history)
        state = interviewer.start(
            round_, company=company, level=level, topic=topic, seen_question_ids=store.seen(), seed=seed,
            question_id=question_id, minutes=minutes,
        )  # fmt: skip
        store.save(state)
        if blocks is None:
            TerminalChat(interviewer, store.save).run(state)
            return
        state = run_scripted(interviewer, state, blocks, store.save)
        if as_json:
            typer.echo(json.dumps(transcript_json(state), ensure_ascii=False, indent=2))
        else:
            print_transcript(state)


def _round_for(components: Components, round_name: str | None, question_id: str | None) -> SessionRound:
    """The round from --round, else the round of --question-id's question (or coding problem)."""
    from interviewer.domain.rounds import parse_session_round

    if round_name is not None:
        return parse_session_round(round_name)
    if question_id is None:
        raise InputError(
            "give --round (ml-system-design, behavioral, case-study, ml-depth, coding, ml-coding) "
            "or --question-id"
        )
    try:
        return components.bank().question(question_id).round
    except InputError:
        pass
    for name, document in components.problem_files().items():
        if any(p.id == question_id for p in document.problems):
            return parse_session_round(name)
    raise InputError(f"no question with id {question_id!r}; `mock-interviewer questions` lists the ids")


def run_scripted(
    interviewer: InterviewEngine,
    state: SessionState,
    blocks: list[str],
    save: Callable[[SessionState], None],
) -> SessionState:
    """Feed each block as a candidate turn; wrap up if the blocks run out before the session ends."""
    for block in blocks:
        if state.status != "active":
            break
        state = interviewer.record_candidate(state, block)
        save(state)
        state = interviewer.advance(state).state
        save(state)
    if state.status == "active":
        interviewer.end(state)
        save(state)
    return state
