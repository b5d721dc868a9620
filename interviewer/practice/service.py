"""The user's history, progress and study plan, read from the session store."""

from __future__ import annotations

from datetime import UTC, datetime

from interviewer.practice.history import SessionLevels, session_levels
from interviewer.practice.plan import StudyPlan, StudyPlanner
from interviewer.practice.progress import ProgressSummary, summarise
from interviewer.store import SessionStore


class Practice:
    """What the surfaces ask between interviews: `history`, `progress` and `plan`, per user."""

    def __init__(self, sessions: SessionStore, planner: StudyPlanner) -> None:
        self.sessions = sessions
        self.planner = planner

    def history(self, user_id: str) -> list[SessionLevels]:
        return session_levels(self.sessions.ended(user_id))

    def progress(self, user_id: str) -> ProgressSummary:
        return summarise(self.history(user_id))

    def plan(
        self, user_id: str, *, now: datetime | None = None, include_recent: bool = False, limit: int = 10
    ) -> StudyPlan:
        moment = now or datetime.now(UTC)
        return self.planner.plan(self.history(user_id), moment, include_recent=include_recent, limit=limit)
