"""Spaced review with FSRS (the maintained `fsrs` package): when a criterion or question comes back.

A level is a review rating: 1 Again, 2 Hard, 3 Good, 4 Easy. Replaying a card's levels in order gives
its next due date, so a low last level brings it back within a day or two and a good one weeks later.
Learning steps are off: practice is planned in days, not minutes; fuzzing is off so plans are
reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fsrs import Card, Rating, Scheduler

from interviewer.practice.history import as_utc

RATINGS = {1: Rating.Again, 2: Rating.Hard, 3: Rating.Good, 4: Rating.Easy}
DESIRED_RETENTION = 0.9


@dataclass(frozen=True)
class Review:
    """When something was last practised, the level it reached, and when it is due again."""

    last_at: datetime
    last_level: int
    due: datetime

    @property
    def interval_days(self) -> float:
        return round((self.due - self.last_at).total_seconds() / 86400, 1)


class ReviewScheduler:
    """FSRS over practice levels: `review(history)` says when the item is due next."""

    def __init__(self, desired_retention: float = DESIRED_RETENTION) -> None:
        self._scheduler = Scheduler(
            desired_retention=desired_retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
        )

    def review(self, history: Sequence[tuple[datetime, int | None]]) -> Review:
        """The item's next review from its (time, level) history, oldest first; None counts as level 1."""
        if not history:
            raise ValueError("an item with no history has nothing to schedule")
        card = Card(due=as_utc(history[0][0]))
        for at, level in history:
            card, _ = self._scheduler.review_card(card, RATINGS[level or 1], review_datetime=as_utc(at))
        last_at, last_level = history[-1]
        return Review(last_at=as_utc(last_at), last_level=last_level or 1, due=as_utc(card.due))
