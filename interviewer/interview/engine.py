"""The interviewer engine: start a session, take the candidate's turns, answer them, wrap up.

The engine decides every move (question order, which gap a follow-up aims at, the follow-up cap,
hints); a brain only words it. State is plain data (`SessionState`), changed on a copy and returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator, Mapping
from typing import Protocol

from interviewer.brains.base import Brain, BrainContext, Move
from interviewer.domain.bank import Bank, Question, Rubric
from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import Level, Round
from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.errors import ConfigError, InputError
from interviewer.grading.evidence import Evidence, EvidenceAnalyzer
from interviewer.interview.answering import decide_answer
from interviewer.interview.commands import decide_command
from interviewer.interview.contract import Reply, TurnTaker
from interviewer.interview.selection import choose_questions, with_question_first
from interviewer.interview.topicality import TopicJudge
from interviewer.interview.wrapup import attempts_of, summary_of

SPARE_QUESTIONS = 2  # extra planned questions so /skip can still offer a new one
# Events after which a line is the planned offline one (the web page marks such lines in LLM sessions).
FELL_BACK = ("llm_fallback", "llm_stream_broken", "llm_rejected")


class SessionGrader(Protocol):
    def grade_session(self, round_: Round, attempts: list) -> SessionReport: ...


class Interviewer(TurnTaker):
    """Runs sessions of any round with the given brains; holds no per-session state itself."""

    def __init__(
        self,
        bank: Bank,
        analyzer: EvidenceAnalyzer | None,
        brains: Mapping[str, Brain],
        grader: SessionGrader | None = None,
        *,
        default_brain: str = "offline",
        questions_per_round: Mapping[Round, int] | None = None,
        max_follow_ups: int = 3,
        seed: int = 0,
        max_answer_chars: int = 20_000,
        topic_judge: TopicJudge | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if default_brain not in brains:
            raise ConfigError(f"brain {default_brain!r} is not configured; available: {', '.join(brains)}")
        self.bank = bank
        self.analyzer = analyzer
        self.brains = dict(brains)
        self.grader = grader
        self.default_brain = default_brain
        self.questions_per_round = dict(questions_per_round or {})
        self.max_follow_ups = max_follow_ups
        self.seed = seed
        self.max_answer_chars = max_answer_chars
        self.topic_judge = topic_judge  # off-question detection (None: never redirect)
        self.clock = clock

    # -- public API ---------------------------------------------------------------------------------

    def start(
        self,
        round_: Round,
        *,
        company: str | None = None,
        level: Level | str | None = None,
        topic: str | None = None,
        seen_question_ids: frozenset[str] = frozenset(),
        session_id: str | None = None,
        brain: str | None = None,
        seed: int | None = None,
        question_id: str | None = None,
        minutes: int | None = None,
    ) -> SessionState:
        """A new session with the first question asked (the interviewer's opening turn).

        `question_id` opens on that bank question (an unknown id, or one of another round, is an
        InputError); `minutes` is a time box after which the session wraps up.
        """
        level_ = _parse_level(level)
        brain_name = brain or self.default_brain
        if brain_name not in self.brains:
            raise ConfigError(f"brain {brain_name!r} is not configured; available: {', '.join(self.brains)}")
        seed_ = self.seed if seed is None else seed
        count = self.questions_per_round.get(round_, 1)
        chosen = choose_questions(
            self.bank, round_, count=count + SPARE_QUESTIONS, seed=seed_, company=company, level=level_,
            topic=topic, seen=frozenset(seen_question_ids),
        )  # fmt: skip
        if question_id is not None:
            chosen = with_question_first(self.bank, chosen, round_, question_id)
        state = SessionState(
            round=round_.value, company=company, level=level_.value if level_ else None, topic=topic,
            brain=brain_name, seed=seed_, max_questions=min(count, len(chosen.questions)),
            max_follow_ups=self.max_follow_ups, planned_question_ids=[q.id for q in chosen.questions],
            started_at=self.clock(), time_box_minutes=minutes,
        )  # fmt: skip
        if session_id:
            state.id = session_id
        for note in chosen.notes:
            state.add_event("selection_relaxed", note)
        first = self._open_next_question(state)
        assert first is not None  # choose_questions never returns an empty list
        move = Move("opening", question=first.prompt, question_number=1, question_total=state.max_questions)
        self._say(state, move, question_index=0)
        return state

    def end(self, state: SessionState) -> SessionReport:
        """Wrap the session up IN PLACE (status, report, closing line) and return the report."""
        if state.status == "ended" and state.report is not None:
            return state.report
        report = self._grade(state)
        move = Move("wrap_up", summary=summary_of(report), early=True)
        self._say(state, move, question_index=state.current_index)
        return report

    # -- one turn ---------------------------------------------------------------------------------

    def _answer(self, state: SessionState) -> Generator[str, None, Reply]:
        turn = state.pending_candidate_turn()
        assert turn is not None
        move = self._decide(state, turn.command, turn.text)
        ctx = self._context(state, move)
        brain = self.brains[state.brain]
        chunks: list[str] = []
        for piece in brain.stream(move, ctx):
            chunks.append(piece)
            yield piece
        text = "".join(chunks).strip()
        self._record(state, move, ctx, brain, text)
        return Reply(text, move.kind, state, state.status == "ended", state.report)

    def _say(self, state: SessionState, move: Move, question_index: int | None) -> str:
        ctx = self._context(state, move)
        brain = self.brains[state.brain]
        text = "".join(brain.stream(move, ctx)).strip()
        self._record(state, move, ctx, brain, text, question_index)
        return text

    def _record(
        self, state: SessionState, move: Move, ctx: BrainContext, brain: Brain, text: str,
        question_index: int | None = -1,
    ) -> None:  # fmt: skip
        fell_back = any(kind in FELL_BACK for kind, _ in ctx.events)
        index = state.current_index if question_index == -1 else question_index
        state.add_turn(
            "interviewer", text, kind=move.kind, question_index=index, target=move.target,
            brain="offline" if fell_back else brain.author(move),
        )  # fmt: skip
        for kind, detail in ctx.events:
            state.add_event(kind, detail)
        if move.kind == "wrap_up":
            state.status = "ended"

    def _context(self, state: SessionState, move: Move) -> BrainContext:
        progress = state.current
        question = self.question_of(progress)
        rubric = self.bank.rubric_for(question, Round(state.round))
        rng = random.Random(f"{state.seed}:{len(state.turns)}:{move.kind}")
        terms = tuple(k for c in rubric.criteria for k in c.keywords)
        return BrainContext(state=state, question=question, rubric=rubric, rng=rng, ack_terms=terms)

    # -- decisions --------------------------------------------------------------------------------

    def _decide(self, state: SessionState, command: str | None, text: str) -> Move:
        if command is not None:
            return decide_command(self, state, command)
        return decide_answer(self, state, text)

    def now(self) -> float:
        """The engine's clock (elapsed time and the time box)."""
        return self.clock()

    def move_on(self, state: SessionState, *, answer: str = "", note: str = "") -> Move:
        """Open the next question (or wrap up when the session's questions are done)."""
        upcoming = self._open_next_question(state)
        if upcoming is None:
            return self.wrap_up_move(state, answer=answer, note=note)
        return Move(
            "next_question", question=upcoming.prompt, answer=answer, note=note,
            question_number=self.question_number(state), question_total=state.max_questions,
        )  # fmt: skip

    def wrap_up_move(
        self, state: SessionState, *, answer: str = "", note: str = "", early: bool = False
    ) -> Move:
        for progress in state.questions:
            if progress.status == "active":
                progress.status = "done"
        report = self._grade(state)
        return Move("wrap_up", answer=answer, note=note, summary=summary_of(report), early=early)

    def _open_next_question(self, state: SessionState) -> QuestionProgress | None:
        done = sum(1 for q in state.questions if q.status == "done")
        asked = {q.question_id for q in state.questions}
        remaining = [qid for qid in state.planned_question_ids if qid not in asked]
        if done >= state.max_questions or not remaining:
            return None
        question = self.bank.question(remaining[0])
        progress = QuestionProgress(
            question_id=question.id, prompt=" ".join(question.prompt.split()), topic=question.topic
        )
        state.questions.append(progress)
        return progress

    def question_number(self, state: SessionState) -> int:
        """The number of the question being asked, as the candidate counts (skips excluded)."""
        return min(sum(1 for q in state.questions if q.status != "skipped"), state.max_questions)

    def question_of(self, progress: QuestionProgress | None) -> Question | None:
        """The bank question behind `progress` (None for a free-text one)."""
        if progress is None or progress.question_id is None:
            return None
        return self.bank.question(progress.question_id)

    def evidence_for(
        self, state: SessionState, text: str, rubric: Rubric, question: Question | None
    ) -> Evidence | None:
        """What the candidate's text so far evidences (None without an evidence layer: phases only)."""
        return None if self.analyzer is None else self.analyzer.analyze(text, rubric, question=question)

    def _grade(self, state: SessionState) -> SessionReport:
        if self.grader is None:
            raise ConfigError("no grader configured: cannot produce the feedback report")
        attempts = attempts_of(state, self.question_of)
        report = self.grader.grade_session(Round(state.round), attempts)
        state.report = report
        return report


def _parse_level(level: Level | str | None) -> Level | None:
    if level is None or isinstance(level, Level):
        return level
    try:
        return Level(level.strip().lower())
    except ValueError:
        valid = ", ".join(v.value for v in Level)
        raise InputError(f"unknown level {level!r}; valid levels: {valid}") from None
