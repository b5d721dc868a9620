"""The chaos run's candidates: real clients misbehaving the way real clients do, every request logged.

Each candidate starts a session and answers until it ends, picking per answer one of: a plain keyed
send, a double-click (twice at once, one key, or no key), a client timeout followed by a retry with the
same key or without one, two tabs sending different answers at once, or a stream dropped mid-reply
and retried with its key. Transport errors, 503 and 409 `session_conflict` are retried (with the same
key when the send had one). The log is the client's truth that `chaos_audit` checks the database against.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from evals.bench_service import ANSWERS, ROUNDS

MAX_ANSWERS = 10
MAX_TRIES = 8
SHORT_TIMEOUT_S = 0.02  # the client gives up before the server answers; the server still stores the turn
ACTIONS = {  # weight of each behaviour per answer
    "keyed": 30,
    "double_keyed": 10,
    "double_unkeyed": 10,
    "timeout_keyed_retry": 10,
    "timeout_unkeyed_retry": 10,
    "two_tabs": 15,
    "stream_dropped_keyed_retry": 15,
    "answer_while_ending": 3,  # tab A answers while tab B ends the session
}
RETRYABLE = {"database_unavailable", "session_conflict"}


@dataclass
class Attempt:
    """One HTTP request as the client saw it."""

    candidate: int
    session_id: str | None
    kind: str  # start | answer | end
    action: str
    content: str | None
    key: str | None
    sent_at: float
    done_at: float = 0.0
    status: int | None = None  # None: no HTTP status (transport error, timeout, stream cut)
    code: str | None = None  # the error body's code, or an SSE error event's code
    error: str | None = None  # the transport error's type
    acked: bool = False  # 200/201 with the full reply (or the stream's `done`)
    replayed: bool = False  # answered from the Idempotency-Key record
    reply: str | None = None
    session: dict[str, Any] | None = None


@dataclass
class ClientLog:
    started: float = field(default_factory=time.monotonic)
    attempts: list[Attempt] = field(default_factory=list)

    def acked_answers(self) -> int:
        return sum(1 for a in self.attempts if a.kind == "answer" and a.acked)

    def rows(self) -> list[dict[str, Any]]:
        return [asdict(a) for a in self.attempts]


class Candidate:
    """One simulated candidate with its own connections (two, like two tabs) and random behaviour."""

    def __init__(self, index: int, base: str, log: ClientLog, think_s: float) -> None:
        self.index, self.base, self.log, self.think_s = index, base, log, think_s
        self.rng = random.Random(index)
        self.session_id: str | None = None
        self.ended = False

    async def run(self) -> None:
        limits = httpx.Limits(max_connections=4)
        async with httpx.AsyncClient(base_url=self.base, timeout=60, limits=limits) as self.http:
            await asyncio.sleep(self.rng.uniform(0, 5))  # arrivals spread over the first seconds
            body = {"round": ROUNDS[self.index % len(ROUNDS)]}
            start = await self._send("start", "keyed", "/v1/sessions", body, str(uuid.uuid4()))
            if not start.acked or start.session is None:
                return
            self.session_id = start.session["id"]
            for turn in range(MAX_ANSWERS):
                if self.ended:
                    return
                await asyncio.sleep(self.think_s * self.rng.uniform(0.5, 1.5))
                action = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
                await self._answer(action, turn)

    def _content(self, turn: int, tab: str = "") -> str:
        tag = f"[c{self.index} t{turn}{tab} {uuid.uuid4().hex[:8]}]"  # every answer unique: matchable
        return f"{ANSWERS[(self.index + turn) % len(ANSWERS)]} {tag}"

    async def _answer(self, action: str, turn: int) -> None:
        content, key = self._content(turn), str(uuid.uuid4())
        path = f"/v1/sessions/{self.session_id}/messages"
        body = {"content": content}
        if action == "keyed":
            await self._send("answer", action, path, body, key)
        elif action in ("double_keyed", "double_unkeyed"):
            same = key if action == "double_keyed" else None
            await asyncio.gather(*(self._send("answer", action, path, body, same) for _ in range(2)))
        elif action in ("timeout_keyed_retry", "timeout_unkeyed_retry"):
            same = key if action == "timeout_keyed_retry" else None
            first = await self._attempt("answer", action, path, body, same, timeout=SHORT_TIMEOUT_S)
            if not first.acked and not self.ended:
                await self._send("answer", action, path, body, same)
        elif action == "two_tabs":
            other = {"content": self._content(turn, "b")}
            await asyncio.gather(
                self._send("answer", action, path, body, key, delay=self.rng.uniform(0, 0.05)),
                self._send("answer", action, path, other, str(uuid.uuid4()), delay=self.rng.uniform(0, 0.05)),
            )
        elif action == "answer_while_ending":
            end = f"/v1/sessions/{self.session_id}/end"
            await asyncio.gather(
                self._send("answer", action, path, body, key),
                self._send("end", action, end, {}, None, delay=self.rng.uniform(0, 0.05)),
            )
        else:  # stream_dropped_keyed_retry
            first = await self._attempt("answer", action, path, body, key, stream="drop")
            if not first.acked and not self.ended:
                await self._send("answer", action, path, body, key)

    async def _send(
        self, kind: str, action: str, path: str, body: dict[str, Any], key: str | None, delay: float = 0.0
    ) -> Attempt:
        """Send until acknowledged or refused for good, retrying what a careful client retries."""
        await asyncio.sleep(delay)
        attempt = await self._attempt(kind, action, path, body, key)
        for n in range(1, MAX_TRIES):
            retry = attempt.status is None or attempt.code in RETRYABLE
            if attempt.acked or not retry or self.ended:
                break
            await asyncio.sleep(min(2.0, 0.2 * 2**n) * self.rng.uniform(0.5, 1.5))
            attempt = await self._attempt(kind, action, path, body, key)
        return attempt

    async def _attempt(
        self,
        kind: str,
        action: str,
        path: str,
        body: dict[str, Any],
        key: str | None,
        *,
        timeout: float = 60.0,
        stream: str = "",
    ) -> Attempt:
        attempt = Attempt(
            self.index, self.session_id, kind, action, body.get("content"), key, time.monotonic()
        )
        self.log.attempts.append(attempt)
        headers = {"Idempotency-Key": key} if key else {}
        try:
            if stream:
                await self._dropped_stream(attempt, path, body, headers)
            else:
                response = await self.http.post(path, json=body, headers=headers, timeout=timeout)
                _record(attempt, response.status_code, _json(response))
                attempt.replayed = response.headers.get("Idempotent-Replayed") == "true"
        except httpx.HTTPError as exc:
            attempt.error = type(exc).__name__
        attempt.done_at = time.monotonic()
        if attempt.code == "session_ended" or (attempt.acked and (kind == "end" or _ended(attempt))):
            self.ended = True
        return attempt

    async def _dropped_stream(
        self, attempt: Attempt, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        """Ask for the reply as SSE and hang up after the first event (a closed tab, a lost network)."""
        headers = {**headers, "Accept": "text/event-stream"}
        async with self.http.stream("POST", path, json=body, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                _record(attempt, response.status_code, _json(response))
                return
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    if "reply" in event:  # the whole reply came in the first event (a replay)
                        _record(attempt, 200, event)
                        return
                    if "code" in event:
                        attempt.code = event["code"]
                    break
        attempt.error = "HungUp"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _record(attempt: Attempt, status: int, data: dict[str, Any]) -> None:
    attempt.status = status
    attempt.code = data.get("code")
    if attempt.kind == "end":
        attempt.acked = status == 200
        return
    if status in (200, 201):
        session = data.get("session", data)
        attempt.session = session
        attempt.reply = (data.get("reply") or {}).get("text")
        attempt.acked = attempt.kind == "start" or attempt.reply is not None


def _ended(attempt: Attempt) -> bool:
    return bool(attempt.session and attempt.session.get("status") == "ended")


async def run_candidates(base: str, count: int, think_s: float, log: ClientLog, budget_s: float) -> None:
    """`count` candidates at once against `base`, stopped at `budget_s` whatever their state."""
    candidates = [Candidate(i, base, log, think_s) for i in range(count)]
    tasks = [asyncio.create_task(c.run()) for c in candidates]
    done, pending = await asyncio.wait(tasks, timeout=budget_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()  # a bug in the client itself must not pass silently
