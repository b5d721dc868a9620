"""Candidate commands (/hint /repeat /skip /end /help): the engine's move for each."""

from __future__ import annotations

import random
from typing import Protocol

from interviewer.brains import phrasing
from interviewer.brains.base import Move
from interviewer.brains.guard import secrets_of
from interviewer.domain.bank import Bank, Question, Rubric
from interviewer.domain.rounds import Round
from interviewer.domain.session import QuestionProgress, SessionState, Turn
from interviewer.grading.evidence import Evidence
from interviewer.interview.planner import plan_hint
from interviewer.interview.round_flows import flow_for


class MoveMaker(Protocol):
    """What command handling needs of the engine (the engine is the implementation)."""

    bank: Bank

    def wrap_up_move(self, state: SessionState, *, early: bool = False) -> Move: ...

    def question_number(self, state: SessionState) -> int: ...

    def move_on(self, state: SessionState, *, answer: str = "", note: str = "") -> Move: ...

    def question_of(self, progress: QuestionProgress | None) -> Question | None: ...

    def evidence_for(
        self, state: SessionState, text: str, rubric: Rubric, question: Question | None
    ) -> Evidence | None: ...


ASKING_KINDS = ("opening", "next_question", "follow_up", "redirect")  # a redirect restates the question


def decide_command(engine: MoveMaker, state: SessionState, command: str) -> Move:
    """The move answering a candidate command (state is updated: hints counted, skips marked)."""
    index = state.current_index
    progress = state.current
    total = state.max_questions
    if command == "end":
        return engine.wrap_up_move(state, early=True)
    if command == "unknown":
        return Move("unknown_command")
    if progress is None or index is None:
        return Move("help")
    number = engine.question_number(state)
    if command == "help":
        return Move("help", question=progress.prompt, question_number=number, question_total=total)
    if command == "skip":
        progress.status = "skipped"
        note = phrasing.pick(random.Random(f"{state.seed}:{len(state.turns)}:skip"), phrasing.SKIP_ACK)
        return engine.move_on(state, note=note)
    if command == "repeat":
        return Move("repeat", question=progress.prompt, probe=_last_follow_up(state, index))
    return _hint(engine, state, index)


def _last_asking_turn(state: SessionState, index: int) -> Turn | None:
    """The interviewer's last question (main or follow-up) on question `index`: what is on the table."""
    for turn in reversed(state.turns):
        if turn.speaker == "interviewer" and turn.kind in ASKING_KINDS and turn.question_index == index:
            return turn
    return None


def _last_follow_up(state: SessionState, index: int) -> str | None:
    """The follow-up currently on the table, if the last question asked was a follow-up."""
    progress = state.questions[index]
    turn = _last_asking_turn(state, index)
    if turn is not None and turn.kind == "follow_up" and progress.asked_texts:
        return progress.asked_texts[-1]
    return None


def _hint(engine: MoveMaker, state: SessionState, index: int) -> Move:
    progress = state.questions[index]
    question = engine.question_of(progress)
    rubric = engine.bank.rubric_for(question, Round(state.round))
    text = "\n\n".join(state.answers_for(index))
    evidence = engine.evidence_for(state, text, rubric, question) if text.strip() else None
    on_table = _last_asking_turn(state, index)
    # A hint right after a follow-up helps with what that follow-up asked, not with some other gap.
    aim = on_table.target if on_table is not None and on_table.kind == "follow_up" else None
    line, key = plan_hint(
        flow=flow_for(Round(state.round)), rubric=rubric, evidence=evidence, progress=progress, text=text,
        secrets=secrets_of(question), aim=aim, question=question,
    )  # fmt: skip
    if line is None or key is None:
        return Move("hint", probe=None)
    progress.hints_used += 1
    progress.hint_keys.append(key)
    return Move("hint", probe=line, target=key)
