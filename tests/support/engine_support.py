"""Helpers for the engine tests: a small controlled bank, a keyword-driven evidence stub, a fake grader."""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.brains.fake import FakeBrain
from interviewer.brains.offline import OfflineBrain
from interviewer.domain.bank import Bank, Facts, LevelRange, Question, Rubric
from interviewer.domain.report import Feedback, Overall, SessionReport
from interviewer.domain.rounds import Level, Round
from interviewer.grading.evidence import CriterionEvidence, Evidence, KeyPointMatch
from interviewer.interview.engine import Interviewer


def make_question(qid: str, round_: Round, **fields: object) -> Question:
    """A valid bank question with controllable fields (three key points, three follow-ups by default)."""
    data: dict[str, object] = {
        "id": qid,
        "round": round_,
        "topic": "testing",
        "difficulty": "medium",
        "level": LevelRange(min=Level.JUNIOR, max=Level.STAFF),
        "prompt": f"Question {qid}: design a system that ranks widgets for shoppers at scale.",
        "follow_ups": (
            "How would you shard the zebra index across machines?",
            "How would you pick the walrus threshold for approvals?",
            "How would you warm the octopus cache before launch?",
        ),
        "key_points": (
            "Shards the zebra index by item id so each machine holds a slice",
            "Chooses the walrus threshold from the cost of each error type",
            "Warms the octopus cache from yesterday's traffic before launch",
            "Explains the quokka fallback when the ranking service is down",
        ),
        "model_answer": "Shard the zebra index by item id. Pick the walrus threshold from error costs. "
        "Warm the octopus cache from yesterday's traffic. Serve the quokka fallback on outage.",
        "facts": Facts(scale="About 5,000 widget requests a second.", latency="Under 100 ms per request."),
        "rubric": round_.value,
    }
    data.update(fields)
    return Question(**data)  # type: ignore[arg-type]


MARKERS = ("zebra", "walrus", "octopus", "quokka")


class StubAnalyzer:
    """Key point i is covered when its marker word appears; a criterion when one of its keywords does."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def analyze(
        self,
        text: str,
        rubric: Rubric,
        question: Question | None = None,
        key_points: Sequence[str] | None = None,
        question_text: str | None = None,
    ) -> Evidence:
        self.calls.append(text)
        points = list(key_points) if key_points is not None else list(question.key_points if question else [])
        lowered = text.lower()
        kps = []
        for i, point in enumerate(points):
            words = [m for m in MARKERS if m in point.lower()]
            covered = bool(words) and words[0] in lowered
            kps.append(KeyPointMatch(i, point, covered, 1.0 if covered else 0.0))
        criteria = {}
        for c in rubric.criteria:
            hit = any(re.search(r"\b" + re.escape(k.lower()) + r"\b", lowered) for k in c.keywords)
            criteria[c.id] = CriterionEvidence(c.id, 0.9 if hit else 0.0, 3 if hit else None)
        flags = ("injection",) if "ignore your instructions" in lowered else ()
        return Evidence(tuple(kps), criteria, flags)


class FakeGrader:
    """Records the attempts it is given and returns a minimal report."""

    def __init__(self) -> None:
        self.attempts: list = []

    def grade_session(self, round_: Round, attempts: list) -> SessionReport:
        self.attempts = list(attempts)
        hints = sum(a.hints_used for a in attempts)
        return SessionReport(
            round=round_.value,
            overall=Overall(score=2.0, recommendation="Lean No Hire", confidence=0.5),
            criteria=[],
            questions=[],
            feedback=Feedback(summary=f"{len(attempts)} question(s)", hints_used=hints),
        )


def make_interviewer(
    bank: Bank, *, questions: int = 2, max_follow_ups: int = 3, brains: dict | None = None, **kw: object
) -> Interviewer:
    """An interviewer over `bank` with the stub analyzer and the fake grader."""
    return Interviewer(
        bank,
        StubAnalyzer(),  # type: ignore[arg-type]
        brains or {"offline": OfflineBrain(), "fake": FakeBrain()},
        FakeGrader(),
        questions_per_round={r: questions for r in Round},
        max_follow_ups=max_follow_ups,
        **kw,  # type: ignore[arg-type]
    )


def synthetic_bank(shipped: Bank, round_: Round, n: int = 5, **fields: object) -> Bank:
    """`n` controlled questions for `round_`, with the shipped rubrics."""
    questions = tuple(make_question(f"{round_.value}-q{i}", round_, **fields) for i in range(n))
    return Bank(questions=questions, rubrics=shipped.rubrics)


def say(interviewer: Interviewer, state, text: str):  # type: ignore[no-untyped-def]
    """Record a candidate turn and answer it; returns the Reply."""
    return interviewer.advance(interviewer.record_candidate(state, text))
