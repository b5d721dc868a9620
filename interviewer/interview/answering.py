"""The engine's move after a candidate's answer: listen first, then probe, move on or wrap up.

In order: the time box; the candidate's clarifying questions (answered from the question's facts in
the same turn); an answer about a different problem (pointed back to the question, once per
question); then a follow-up aimed at something not covered in any turn so far, moved on to a later
phase when the candidate dwells in one; else the next question. Acknowledgements name only a
concept the candidate committed to.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol

from interviewer.brains import phrasing
from interviewer.brains.base import ClarifyingAnswer, Move
from interviewer.brains.guard import secrets_of
from interviewer.domain.bank import Bank, Question, Rubric
from interviewer.domain.rounds import Round
from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.grading.evidence import Evidence
from interviewer.grading.redflags import INJECTION, is_injection
from interviewer.interview.acknowledge import concept_to_acknowledge
from interviewer.interview.listening import answer_questions, mostly_questions
from interviewer.interview.pacing import move_on_to, note_phase, time_is_up
from interviewer.interview.planner import plan_follow_up
from interviewer.interview.round_flows import flow_for
from interviewer.interview.topicality import TopicJudge

COVERED_STRENGTH = 0.5  # a criterion at or above this evidence strength counts as covered
# The key-point score at which the conversation counts a point as said, per round: the grader's "covered"
# midpoints when the listening eval was built (#11). Refitting the grade for scoring moves the grader's
# own midpoints; what the interviewer treats as already said, and so never asks again, stays put.
SAID_KEY_POINT = {
    Round.BEHAVIORAL: 0.35,
    Round.CASE_STUDY: 0.75,
    Round.ML_DEPTH: 0.55,
    Round.ML_SYSTEM_DESIGN: 0.65,
}


class AnswerEngine(Protocol):
    """What deciding an answer's move needs of the engine (the engine is the implementation)."""

    bank: Bank
    topic_judge: TopicJudge | None

    def now(self) -> float: ...

    def question_number(self, state: SessionState) -> int: ...

    def question_of(self, progress: QuestionProgress | None) -> Question | None: ...

    def evidence_for(
        self, state: SessionState, text: str, rubric: Rubric, question: Question | None
    ) -> Evidence | None: ...

    def move_on(self, state: SessionState, *, answer: str = "", note: str = "") -> Move: ...

    def wrap_up_move(
        self, state: SessionState, *, answer: str = "", note: str = "", early: bool = False
    ) -> Move: ...


def decide_answer(engine: AnswerEngine, state: SessionState, answer: str) -> Move:
    """The move answering the candidate's latest answer (state is updated in place)."""
    index = state.current_index
    if index is None:  # answers after the last question: wrap up
        return engine.wrap_up_move(state, answer=answer)
    if time_is_up(state, engine.now()):
        return _time_up(engine, state, answer)
    progress = state.questions[index]
    question = engine.question_of(progress)
    facts = question.facts if question is not None else None
    clarifications = answer_questions(answer, facts, secrets_of(question))
    if clarifications and mostly_questions(answer):
        return Move("clarify", question=progress.prompt, answer=answer, clarifications=clarifications)
    if question is not None and not progress.redirected and _off_question(engine, answer, question):
        progress.redirected = True
        return Move("redirect", question=progress.prompt, answer=answer, clarifications=clarifications)
    return _probe_or_move_on(engine, state, progress, question, answer, clarifications)


def _off_question(engine: AnswerEngine, answer: str, question: Question) -> bool:
    return engine.topic_judge is not None and engine.topic_judge.off_question(answer, question)


def _time_up(engine: AnswerEngine, state: SessionState, answer: str) -> Move:
    move = engine.wrap_up_move(state, answer=answer)
    return Move("wrap_up", answer=answer, summary=move.summary, time_up=True)


def _probe_or_move_on(
    engine: AnswerEngine,
    state: SessionState,
    progress: QuestionProgress,
    question: Question | None,
    answer: str,
    clarifications: tuple[ClarifyingAnswer, ...],
) -> Move:
    rubric = engine.bank.rubric_for(question, Round(state.round))
    flow = flow_for(Round(state.round))
    text = "\n\n".join(state.answers_for(state.questions.index(progress)))
    evidence = engine.evidence_for(state, text, rubric, question)
    progress.phases_covered = flow.covered(text)
    remember_coverage(progress, evidence, Round(state.round))
    note_phase(flow, progress, answer)
    note = ""
    if is_injection(answer) or (evidence is not None and INJECTION in evidence.flags):
        note = phrasing.pick(random.Random(f"{state.seed}:{len(state.turns)}"), phrasing.INJECTION_NOTE)
    ack = _acknowledgement(state, rubric, answer)
    if progress.follow_ups < state.max_follow_ups:
        nudge = move_on_to(flow, progress, text)
        rng = random.Random(f"{state.seed}:{len(state.turns)}:plan")
        # The session's record of probe lines: a line asked on any question is never asked again.
        session_lines = [t for q in state.questions if q is not progress for t in q.asked_texts]
        probe = plan_follow_up(
            flow=flow, question=question, rubric=rubric, evidence=evidence, progress=progress, text=text,
            rng=rng, session_lines=session_lines, force_phase=nudge,
            answered=_answered_check(
                engine, progress, question, evidence, [*progress.asked_texts, *session_lines]
            ),
        )  # fmt: skip
        if probe is not None:
            progress.follow_ups += 1
            progress.asked_keys.extend(probe.keys)
            progress.asked_texts.append(probe.text)
            nudged = nudge.name if nudge is not None and probe.target == f"phase:{nudge.id}" else None
            if probe.target.startswith("phase:"):
                progress.current_phase = probe.target.partition(":")[2]
            return Move(
                "follow_up", question=progress.prompt, probe=probe.text, answer=answer, note=note,
                target=probe.target, target_name=probe.target_name,
                question_number=engine.question_number(state), question_total=state.max_questions,
                clarifications=clarifications, acknowledge=ack, phase_nudge=nudged,
            )  # fmt: skip
    progress.status = "done"
    move = engine.move_on(state, answer=answer, note=note)
    if move.kind == "next_question":
        return Move(
            "next_question", question=move.question, answer=answer, note=note, acknowledge=ack,
            question_number=move.question_number, question_total=move.question_total,
            clarifications=clarifications,
        )  # fmt: skip
    return move


def _answered_check(
    engine: AnswerEngine,
    progress: QuestionProgress,
    question: Question | None,
    evidence: Evidence | None,
    asked: list[str],
) -> Callable[[str], bool] | None:
    """Whether a candidate follow-up line asks what the conversation already answered (None: no judge)."""
    judge = engine.topic_judge
    if judge is None or evidence is None:
        return None
    sentences = [s.text for s in evidence.sentences]
    covered = set(progress.covered)
    return lambda line: judge.answered(line, sentences, question, covered, asked)


def remember_coverage(progress: QuestionProgress, evidence: Evidence | None, round_: Round) -> None:
    """Add what the conversation so far covers (key points, criteria, phases) to the question's memory."""
    found = [f"phase:{p}" for p in progress.phases_covered]
    if evidence is not None:
        said = SAID_KEY_POINT.get(round_)
        found += [f"kp:{k.index}" for k in evidence.key_points if k.covered or (said and k.score >= said)]
        found += [c.criterion_id for c in evidence.criteria.values() if c.strength >= COVERED_STRENGTH]
    progress.covered.extend(k for k in dict.fromkeys(found) if k not in progress.covered)


def _acknowledgement(state: SessionState, rubric: Rubric, answer: str) -> str | None:
    previous = state.last_interviewer_turn()
    terms = tuple(k for c in rubric.criteria for k in c.keywords)
    pick = random.Random(f"{state.seed}:{len(state.turns)}:ack").randrange(3)
    return concept_to_acknowledge(answer, terms, previous.text if previous else "", pick)
