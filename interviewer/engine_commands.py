"""Candidate commands (/hint /repeat /skip /end /help): the engine's move for each."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from interviewer import phrasing
from interviewer.brains.base import Move
from interviewer.flows import flow_for
from interviewer.guard import split_secret_sentences
from interviewer.planner import plan_hint
from interviewer.rounds import Round
from interviewer.session import SessionState

if TYPE_CHECKING:
    from interviewer.engine import Interviewer

ASKING_KINDS = ("opening", "next_question", "follow_up")


def decide_command(engine: Interviewer, state: SessionState, command: str) -> Move:
    """The move answering a candidate command (state is updated: hints counted, skips marked)."""
    index = state.current_index
    progress = state.current
    total = state.max_questions
    if command == "end":
        return engine._wrap_up(state, early=True)
    if command == "unknown":
        return Move("unknown_command")
    if progress is None or index is None:
        return Move("help")
    number = engine._number(state)
    if command == "help":
        return Move("help", question=progress.prompt, question_number=number, question_total=total)
    if command == "skip":
        progress.status = "skipped"
        note = phrasing.pick(random.Random(f"{state.seed}:{len(state.turns)}:skip"), phrasing.SKIP_ACK)
        return engine._move_on(state, note=note)
    if command == "repeat":
        return Move("repeat", question=progress.prompt, probe=_last_follow_up(state, index))
    return _hint(engine, state, index)


def _last_follow_up(state: SessionState, index: int) -> str | None:
    """The follow-up currently on the table, if the last question asked was a follow-up."""
    progress = state.questions[index]
    for turn in reversed(state.turns):
        if turn.speaker == "interviewer" and turn.kind in ASKING_KINDS and turn.question_index == index:
            return progress.asked_texts[-1] if turn.kind == "follow_up" and progress.asked_texts else None
    return None


def _hint(engine: Interviewer, state: SessionState, index: int) -> Move:
    progress = state.questions[index]
    question = engine._question(progress)
    rubric = (
        engine.bank.rubric_for(question) if question else engine.bank.rubric_for_round(Round(state.round))
    )
    text = "\n\n".join(state.answers_for(index))
    evidence = engine._evidence(state, text, rubric, question) if text.strip() else None
    secrets = [*question.key_points, *split_secret_sentences(question.model_answer)] if question else []
    line, key = plan_hint(
        flow=flow_for(Round(state.round)), rubric=rubric, evidence=evidence, progress=progress, text=text,
        secrets=secrets,
    )  # fmt: skip
    if line is None or key is None:
        return Move("hint", probe=None)
    progress.hints_used += 1
    progress.hint_keys.append(key)
    return Move("hint", probe=line, target=key)
