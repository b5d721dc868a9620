"""Dependency wiring: one Services container per app, exposed to routes as `Annotated` aliases."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.ratelimit import RateLimiter, build_rate_limiter
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.grading.grader import Grader
from interviewer.interview.contract import InterviewEngine
from interviewer.settings import Settings
from interviewer.store import LOCAL_USER, SessionStore, User, UserStore


@dataclass
class Services:
    """What the routes use, all from one composition root; tests build it over fakes (`Components`)."""

    components: Components
    sessions: SessionStore
    users: UserStore
    limiter: RateLimiter
    warmed: threading.Event = field(default_factory=threading.Event)  # set once the warm-up is over
    _local_user: User | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def settings(self) -> Settings:
        return self.components.settings

    def interviewer(self) -> InterviewEngine:
        """The session engine of every round (conversation and coding)."""
        return self.components.session_engine()

    def grader(self) -> Grader:
        return self.components.grader()

    def bank(self) -> Bank:
        return self.components.bank()

    def embedder_check(self) -> None:
        self.components.embedder().embed(["ready?"])

    def vector_store_check(self) -> None:
        if self.components.vector_store().count() == 0:
            raise RuntimeError("the collection is empty: run `mock-interviewer ingest`")

    def warm_up(self, stop: threading.Event) -> None:
        """Start-up work: the first answer should embed only its own sentences, not the bank's texts."""
        try:
            self.grader().prepare(stop)
        except Exception:  # a failed warm-up only costs the first answers some time
            logging.getLogger(__name__).warning("start-up warm-up failed", exc_info=True)

    def local_user(self) -> User:
        with self._lock:
            if self._local_user is None:
                self._local_user = self.users.get_or_create(LOCAL_USER)
            return self._local_user


def build_services(components: Components) -> Services:
    """The routes' services over `components` (the stores are opened and migrated here)."""
    sessions, users = components.stores()
    services = Services(
        components=components,
        sessions=sessions,
        users=users,
        limiter=build_rate_limiter(components.settings, sessions.engine),
    )
    if not components.settings.warm_up:
        services.warmed.set()  # nothing to wait for, whether or not the app's lifespan runs
    return services


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]
_bearer = HTTPBearer(auto_error=False, description="An API key from `mock-interviewer users add NAME`")


def current_user(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The caller: their API key's user; the local user when keys are not required and none is sent."""
    if credentials is None:
        if services.settings.require_api_keys:
            raise ApiError(
                401,
                "missing_api_key",
                "send Authorization: Bearer <key>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        user = services.local_user()
    else:
        found = services.users.authenticate(credentials.credentials)
        if found is None:
            raise ApiError(401, "invalid_api_key", "unknown API key", headers={"WWW-Authenticate": "Bearer"})
        user = found
    wait = services.limiter.acquire(user.id)
    if wait:
        raise ApiError(
            429, "rate_limited", f"too many requests; retry in {wait} s", headers={"Retry-After": str(wait)}
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]
