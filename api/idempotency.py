"""The `Idempotency-Key` header: a retried request gets its first response again, and stores nothing new.

The key is scoped to the caller and bound to the request it first came with (method, path, body);
the same key with another request is a 422. The response is recorded in the transaction that
stores the request's effect (see `interviewer.store.idempotency`), so there is nothing to clean up
after a crash: an unrecorded key means the request never took effect, and it simply runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from fastapi.responses import Response
from pydantic import BaseModel

from api.errors import ApiError
from interviewer.errors import SessionConflict
from interviewer.store import IdempotencyKey, KeyTaken, Recorded, SessionStore

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_CHARS = 255
T = TypeVar("T")


def request_key(header: str | None, method: str, path: str, body: BaseModel) -> IdempotencyKey | None:
    """The request's key with the hash of what it asks for; None without the header; 422 if malformed."""
    if header is None:
        return None
    key = header.strip()
    if not key or len(key) > MAX_KEY_CHARS or not key.isascii() or not key.isprintable():
        raise ApiError(
            422,
            "invalid_idempotency_key",
            f"{HEADER} must be 1-{MAX_KEY_CHARS} printable ASCII characters (a UUID is a good choice)",
        )
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
    return IdempotencyKey(key, digest)


def once(
    sessions: SessionStore,
    user_id: str,
    key: IdempotencyKey | None,
    run: Callable[[IdempotencyKey | None], T],
) -> T | Recorded:
    """`run(key)`, or the response recorded for `key` by an earlier (or a concurrent, faster) request."""
    if key is None:
        return run(None)
    for _ in range(3):
        recorded = sessions.replay(user_id, key)
        if recorded is not None:
            return recorded
        try:
            return run(key)
        except KeyTaken:  # a concurrent request with this key was stored first: answer with its response
            continue
    raise SessionConflict("a concurrent request with this Idempotency-Key is still settling; retry it")


def replay_response(recorded: Recorded) -> Response:
    """The recorded response, marked as a replay."""
    return Response(
        recorded.body,
        status_code=recorded.status,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )
