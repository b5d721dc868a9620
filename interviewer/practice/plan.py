"""The study plan: what to practise next, due dates from spaced review over the user's history.

Two kinds of item: a question answered before (due again by its own levels) and a criterion (due by
its levels across sessions of its round), practised on a question of that round not seen recently,
an unseen one first (in the coding rounds, a problem). A question seen in the last `recent_days` days
is never planned unless asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from interviewer.domain.bank import Bank
from interviewer.domain.problems import Problem
from interviewer.domain.rounds import Round, is_coding_round
from interviewer.practice.history import SessionLevels
from interviewer.practice.scheduler import Review, ReviewScheduler


@dataclass(frozen=True)
class PlanItem:
    kind: Literal["criterion", "question"]
    round: str
    criterion_id: str | None
    criterion: str
    question_id: str | None
    question: str
    last_level: int
    last_at: datetime
    due: datetime
    interval_days: float
    reason: str


@dataclass(frozen=True)
class StudyPlan:
    generated_at: datetime
    recent_days: int
    include_recent: bool
    items: list[PlanItem] = field(default_factory=list)


class StudyPlanner:
    """Builds a StudyPlan from a user's history (`interviewer.practice.history`)."""

    def __init__(
        self,
        bank: Bank,
        scheduler: ReviewScheduler,
        recent_days: int,
        problems: Mapping[str, Sequence[Problem]] | None = None,
    ) -> None:
        self.bank = bank
        self.scheduler = scheduler
        self.recent_days = recent_days
        self.problems = dict(problems or {})  # the coding rounds' problems, by round

    def plan(
        self, history: list[SessionLevels], now: datetime, *, include_recent: bool = False, limit: int = 10
    ) -> StudyPlan:
        """Items ordered by due date (overdue first), lowest last level first among equals."""
        last_seen = _last_seen(history)
        cutoff = now - timedelta(days=self.recent_days)
        allowed = {q for q, at in last_seen.items() if include_recent or at < cutoff}
        items = self._question_items(history, allowed)
        items += self._criterion_items(history, last_seen, allowed)
        items.sort(
            key=lambda i: (i.due, i.last_level, i.kind, i.round, i.criterion_id or "", i.question_id or "")
        )
        return StudyPlan(now, self.recent_days, include_recent, items[:limit])

    def _question_items(self, history: list[SessionLevels], allowed: set[str]) -> list[PlanItem]:
        seen: dict[str, list[tuple[datetime, int | None]]] = {}
        where: dict[str, tuple[str, str]] = {}
        for session in history:
            for q in session.questions:
                seen.setdefault(q.question_id, []).append((session.at, q.level))
                where[q.question_id] = (session.round, q.prompt)
        items = []
        for question_id, levels in seen.items():
            if question_id not in allowed:
                continue
            review = self.scheduler.review(levels)
            round_, prompt = where[question_id]
            reason = f"You answered this at level {review.last_level}; it is due again by spaced review."
            items.append(_item("question", round_, None, "", question_id, prompt, review, reason))
        return items

    def _criterion_items(
        self, history: list[SessionLevels], last_seen: dict[str, datetime], allowed: set[str]
    ) -> list[PlanItem]:
        levels: dict[tuple[str, str], list[tuple[datetime, int | None]]] = {}
        names: dict[tuple[str, str], str] = {}
        for session in history:
            for criterion_id, level in session.criteria.items():
                levels.setdefault((session.round, criterion_id), []).append((session.at, level))
                names[(session.round, criterion_id)] = session.names.get(criterion_id, criterion_id)
        taken: set[str] = set()
        items = []
        for (round_, criterion_id), seq in levels.items():
            review = self.scheduler.review(seq)
            target = self._target_for(round_, last_seen, allowed, taken)
            if target is not None:
                taken.add(target.id)
            name = names[(round_, criterion_id)]
            fresh = target is not None and target.id not in last_seen
            reason = f"{name} was at level {review.last_level} last time; practise it on "
            reason += "a question you have not seen." if fresh else "this question."
            items.append(
                _item("criterion", round_, criterion_id, name, target.id if target else None,
                      target.prompt if target else "", review, reason)
            )  # fmt: skip
        return items

    def _targets(self, round_: str) -> list[Target]:
        """What a round is practised on: its bank questions, or a coding round's problems."""
        if is_coding_round(round_):
            return [Target(p.id, p.title) for p in self.problems.get(round_, ())]
        return [Target(q.id, q.prompt) for q in self.bank.by_round(Round(round_))]

    def _target_for(
        self, round_: str, last_seen: dict[str, datetime], allowed: set[str], taken: set[str]
    ) -> Target | None:
        """A question of the round to practise a criterion on: unseen first, else the longest unseen."""
        pool = [q for q in self._targets(round_) if q.id not in last_seen or q.id in allowed]
        fresh = [q for q in pool if q.id not in taken] or pool
        if not fresh:
            return None
        seen_at = {q: at.timestamp() for q, at in last_seen.items()}
        return min(fresh, key=lambda q: (q.id in seen_at, seen_at.get(q.id, 0.0), q.id))


@dataclass(frozen=True)
class Target:
    """A question or problem to practise on."""

    id: str
    prompt: str


def _last_seen(history: list[SessionLevels]) -> dict[str, datetime]:
    seen: dict[str, datetime] = {}
    for session in history:
        for q in session.questions:
            seen[q.question_id] = max(seen.get(q.question_id, session.at), session.at)
    return seen


def _item(
    kind: Literal["criterion", "question"], round_: str, criterion_id: str | None, criterion: str,
    question_id: str | None, question: str, review: Review, reason: str,
) -> PlanItem:  # fmt: skip
    return PlanItem(
        kind=kind, round=round_, criterion_id=criterion_id, criterion=criterion, question_id=question_id,
        question=" ".join(question.split()), last_level=review.last_level, last_at=review.last_at,
        due=review.due, interval_days=review.interval_days, reason=reason,
    )  # fmt: skip
