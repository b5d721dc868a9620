"""Dependency wiring: one Services container per app, exposed to routes as `Annotated` aliases."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.ratelimit import RateLimiter, build_rate_limiter
from interviewer.settings import Settings
from interviewer.store import LOCAL_USER, SessionStore, User, UserStore

if TYPE_CHECKING:
    from interviewer.bank import Bank


@dataclass
class Services:
    """Everything the routes use; `build_services` picks the real adapters, tests pass fakes."""

    settings: Settings
    sessions: SessionStore
    users: UserStore
    interviewer: Callable[[], Any]  # -> Interviewer (one for every brain; the session names its brain)
    grader: Callable[[], Any]  # -> Grader
    bank: Callable[[], Bank]
    embedder_check: Callable[[], None]
    limiter: RateLimiter
    vector_store_check: Callable[[], None] | None = None  # set when a Chroma server is configured
    warm_up: Callable[[threading.Event], None] | None = None  # start-up work; stops once the event is set
    warmed: threading.Event = field(default_factory=threading.Event)  # set once the warm-up is over
    _local_user: User | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def local_user(self) -> User:
        with self._lock:
            if self._local_user is None:
                self._local_user = self.users.get_or_create(LOCAL_USER)
            return self._local_user


def _cached(build: Callable[[], Any]) -> Callable[[], Any]:
    lock = threading.Lock()
    box: list[Any] = []

    def get() -> Any:
        with lock:
            if not box:
                box.append(build())
            return box[0]

    return get


def build_services(settings: Settings) -> Services:
    """The real adapters: the database store, the engine, the grader, the bank, the embedder (all lazy)."""
    from interviewer.bank import cached_bank
    from interviewer.store import build_stores

    sessions, users = build_stores(settings)

    def interviewer() -> Any:
        from interviewer.factory import build_interviewer

        return build_interviewer(settings)

    def grader() -> Any:
        from interviewer.grader import build_grader

        return build_grader(settings)

    def embedder_check() -> None:
        from ingest.embedder import embedder_for

        embedder_for(settings).embed(["ready?"])

    cached_grader = _cached(grader)

    def warm_up(stop: threading.Event) -> None:
        # The first candidate answer should embed only its own sentences, not the bank's rubric texts
        try:
            cached_grader().prepare(stop)
        except Exception:  # a failed warm-up only costs the first answers some time
            logging.getLogger(__name__).warning("start-up warm-up failed", exc_info=True)

    def vector_store_check() -> None:
        from ingest.store import open_store

        if open_store(settings).count() == 0:
            raise RuntimeError("the collection is empty: run `mock-interviewer ingest`")

    services = Services(
        vector_store_check=vector_store_check if settings.chroma_url else None,
        settings=settings,
        sessions=sessions,
        users=users,
        interviewer=_cached(interviewer),
        grader=cached_grader,
        bank=lambda: cached_bank(settings.corpus_dir),
        embedder_check=_cached(embedder_check),
        limiter=build_rate_limiter(settings, sessions.engine),
        warm_up=warm_up if settings.warm_up else None,
    )
    if not settings.warm_up:
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
