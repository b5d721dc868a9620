"""A scripted stand-in for the interviewer engine and grader, implementing the CONTRACTS.md surface.

The API tests use it for speed and to simulate crashes; test_api_engine.py runs the real engine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from api.deps import Services
from api.ratelimit import build_rate_limiter
from interviewer.domain.report import CriterionScore, Feedback, GradeReport, Overall, SessionReport
from interviewer.settings import Settings
from interviewer.store import SessionStore, UserStore, create_db_engine, upgrade_to_head


class FakeTurn(BaseModel):
    role: str
    text: str
    kind: str = "answer"


class FakeProgress(BaseModel):
    question_id: str


class FakeState(BaseModel):
    id: str
    round: str
    company: str | None = None
    level: str | None = None
    topic: str | None = None
    brain: str = "fake"
    status: str = "active"
    questions: list[FakeProgress] = []
    turns: list[FakeTurn] = []
    report: SessionReport | None = None

    def pending_candidate_turn(self) -> FakeTurn | None:
        if self.turns and self.turns[-1].role == "candidate":
            return self.turns[-1]
        return None


@dataclass
class FakeReply:
    text: str
    kind: str
    state: FakeState
    ended: bool
    report: SessionReport | None


def fake_report(round_: str, answers: list[str]) -> SessionReport:
    score = 3 if any(len(a) > 40 for a in answers) else 1
    criterion = CriterionScore(
        id="clarity",
        name="Clarity",
        score=score,
        evidence=[answers[0][:30]] if answers else [],
        rubric_ref=f"{round_}#clarity",
        descriptor="Explains the idea in order.",
    )
    overall = Overall(
        score=float(score), recommendation="Lean Hire" if score > 2 else "No Hire", confidence=0.6
    )
    feedback = Feedback(summary=f"{len(answers)} answer(s) graded")
    return SessionReport(round=round_, overall=overall, criteria=[criterion], questions=[], feedback=feedback)


class FakeStream:
    def __init__(self, interviewer: FakeInterviewer, state: FakeState) -> None:
        self._interviewer, self._state = interviewer, state
        self.last_reply: FakeReply | None = None

    def __iter__(self) -> Iterator[str]:
        reply = self._interviewer.advance(self._state)
        for word in reply.text.split(" "):
            yield word + " "
        self.last_reply = reply


class FakeInterviewer:
    """Asks `q-<n>` questions in order, skipping seen ones; replies echo the answer count."""

    def __init__(self) -> None:
        self.advance_calls = 0

    def start(
        self,
        round_: Any,
        *,
        company=None,
        level=None,
        topic=None,
        seen_question_ids=frozenset(),
        session_id=None,
        brain=None,
    ):  # type: ignore[no-untyped-def]
        qid = next(f"q-{n}" for n in range(1000) if f"q-{n}" not in seen_question_ids)
        state = FakeState(
            id=session_id or uuid.uuid4().hex,
            round=str(round_),
            company=company,
            level=None if level is None else str(level),
            topic=topic,
            questions=[FakeProgress(question_id=qid)],
        )
        state.turns.append(
            FakeTurn(role="interviewer", text=f"Question {qid}: tell me about it.", kind="question")
        )
        return state

    def record_candidate(self, state: FakeState, text: str) -> FakeState:
        new = state.model_copy(deep=True)
        new.turns.append(FakeTurn(role="candidate", text=text))
        return new

    def _answers(self, state: FakeState) -> list[str]:
        return [t.text for t in state.turns if t.role == "candidate" and not t.text.startswith("/")]

    def advance(self, state: FakeState) -> FakeReply:
        self.advance_calls += 1
        new = state.model_copy(deep=True)
        last = new.turns[-1].text.strip()
        if last == "/end":
            new.status, new.report = "ended", fake_report(new.round, self._answers(new))
            new.turns.append(
                FakeTurn(role="interviewer", text="Thanks, here is your feedback.", kind="wrap-up")
            )
            return FakeReply(new.turns[-1].text, "wrap-up", new, True, new.report)
        kind = "hint" if last == "/hint" else "follow-up"
        text = (
            "A hint: think about scale."
            if kind == "hint"
            else f"Noted answer {len(self._answers(new))}. Why?"
        )
        new.turns.append(FakeTurn(role="interviewer", text=text, kind=kind))
        return FakeReply(text, kind, new, False, None)

    def advance_stream(self, state: FakeState) -> FakeStream:
        return FakeStream(self, state)

    def end(self, state: FakeState) -> SessionReport:
        return fake_report(state.round, self._answers(state))


class FakeGrader:
    def grade_answer(self, round_: Any, attempt: Any) -> GradeReport:
        report = fake_report(str(round_), attempt.answers)
        return GradeReport(
            round=str(round_),
            question_id=None if attempt.question is None else attempt.question.id,
            question=attempt.question_text,
            overall=report.overall,
            criteria=report.criteria,
            feedback=report.feedback,
        )


def fake_services(settings: Settings, *, corpus_dir: Path | None = None) -> Services:
    """Services over the real store (SQLite or PostgreSQL from settings) with the fake engine and grader."""
    from interviewer.domain.bank import cached_bank

    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    interviewer = FakeInterviewer()
    grader = FakeGrader()
    return Services(
        settings=settings,
        sessions=SessionStore(engine, FakeState),
        users=UserStore(engine),
        interviewer=lambda: interviewer,
        grader=lambda: grader,
        bank=lambda: cached_bank(corpus_dir or settings.corpus_dir),
        embedder_check=lambda: None,
        limiter=build_rate_limiter(settings, engine),
    )
