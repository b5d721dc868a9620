"""Progress over sessions: each criterion's levels in order, its trend, and the weakest across rounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

WEAKEST = 3


class LevelsPoint(Protocol):
    """One ended session's criterion levels (the store's ProgressPoint and SessionLevels both are)."""

    @property
    def round(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def criteria(self) -> dict[str, int | None]: ...
    @property
    def names(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class CriterionTrend:
    """One criterion of one round across the user's sessions of that round, oldest first."""

    round: str
    criterion_id: str
    name: str
    levels: list[int | None]
    last: int | None
    mean: float | None
    trend: str  # improving | slipping | steady | one session

    @property
    def first(self) -> int | None:
        return next((level for level in self.levels if level is not None), None)


@dataclass(frozen=True)
class ProgressSummary:
    latest_round: str | None
    trends: list[CriterionTrend]
    weakest: list[CriterionTrend]


def summarise(points: Sequence[LevelsPoint]) -> ProgressSummary:
    """Trends per (round, criterion) and the weakest criteria across rounds, from oldest-first points."""
    levels: dict[tuple[str, str], list[int | None]] = {}
    names: dict[tuple[str, str], str] = {}
    for point in points:
        for criterion_id, level in point.criteria.items():
            levels.setdefault((point.round, criterion_id), []).append(level)
            names[(point.round, criterion_id)] = point.names.get(criterion_id, criterion_id)
    trends = [_trend(round_, cid, names[(round_, cid)], seq) for (round_, cid), seq in levels.items()]
    weakest = sorted(trends, key=lambda t: (t.last or 0, t.mean or 0, t.round, t.criterion_id))[:WEAKEST]
    latest = max(points, key=lambda p: p.at).round if points else None
    return ProgressSummary(latest_round=latest, trends=trends, weakest=weakest)


def _trend(round_: str, criterion_id: str, name: str, seq: list[int | None]) -> CriterionTrend:
    scored = [level for level in seq if level is not None]
    mean = round(sum(scored) / len(scored), 2) if scored else None
    if len(scored) < 2:
        trend = "one session"
    elif scored[-1] > scored[0]:
        trend = "improving"
    elif scored[-1] < scored[0]:
        trend = "slipping"
    else:
        trend = "steady"
    return CriterionTrend(round_, criterion_id, name, seq, seq[-1] if seq else None, mean, trend)
