"""Concurrent sends to one session through two real worker processes, on SQLite and PostgreSQL.

Every acknowledged (200) answer must be stored once, followed by the reply it was acknowledged with, and
every acknowledged transcript must be a prefix of the final one (nothing acknowledged is overwritten
later); a request that is not applied gets 409 and leaves nothing behind.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import DATABASES, database_url, serving

pytestmark = pytest.mark.slow
BURSTS, SENDERS = 4, 6


def _burst(base: str, path: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """POST each body at the same moment, each on its own connection (so both workers get some)."""
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            return client.post(path, json=body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _check_acknowledged(turns: list[dict[str, Any]], acked: list[httpx.Response]) -> None:
    """Each acknowledged answer once in `turns`, its reply right after it, its transcript a prefix."""
    for response in acked:
        sent = response.json()["session"]["turns"]
        answer, reply = sent[-2], sent[-1]
        where = [i for i, t in enumerate(turns) if t["role"] == "candidate" and t["text"] == answer["text"]]
        assert len(where) == 1, f"acknowledged answer stored {len(where)} times: {answer['text']!r}"
        assert turns[where[0] + 1] == reply
        assert reply["text"] == response.json()["reply"]["text"]
        assert turns[: len(sent)] == sent, "an acknowledged transcript was overwritten"


@pytest.mark.parametrize("database", DATABASES)
def test_concurrent_answers_are_each_stored_with_their_reply_or_409(tmp_path: Path, database: str) -> None:
    with database_url(database, tmp_path / "data") as url, serving(tmp_path / "data", url) as (base, _):
        sid = httpx.post(f"{base}/v1/sessions", json={"round": "ml-depth"}, timeout=60).json()["id"]
        acked: list[httpx.Response] = []
        for burst in range(BURSTS):
            bodies = [{"content": f"burst {burst} answer {n}: {uuid.uuid4().hex}"} for n in range(SENDERS)]
            responses = _burst(base, f"/v1/sessions/{sid}/messages", bodies)
            assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
            assert all(r.json()["code"] == "session_conflict" for r in responses if r.status_code == 409)
            acked += [r for r in responses if r.status_code == 200]
        turns = httpx.get(f"{base}/v1/sessions/{sid}", timeout=60).json()["turns"]
    _check_acknowledged(turns, acked)
    candidate_turns = [t for t in turns if t["role"] == "candidate"]
    assert len(candidate_turns) == len(acked), "an unacknowledged (409) answer was stored"
    assert len(acked) >= BURSTS * SENDERS // 2, "most concurrent answers should be serialised, not refused"
    assert [t["role"] for t in turns] == ["interviewer", "candidate"] * len(acked) + ["interviewer"]


@pytest.mark.parametrize("database", DATABASES)
def test_ending_while_answers_are_in_flight_keeps_every_acknowledged_answer(
    tmp_path: Path, database: str
) -> None:
    with database_url(database, tmp_path / "data") as url, serving(tmp_path / "data", url) as (base, _):
        sid = httpx.post(f"{base}/v1/sessions", json={"round": "ml-depth"}, timeout=60).json()["id"]
        bodies = [{"content": f"answer {n}: {uuid.uuid4().hex}"} for n in range(SENDERS)]
        barrier = threading.Barrier(SENDERS + 1)

        def post(path: str, body: dict[str, str] | None) -> httpx.Response:
            with httpx.Client(base_url=base, timeout=60) as client:
                barrier.wait()
                return client.post(path, json=body)

        with ThreadPoolExecutor(SENDERS + 1) as pool:
            sends = [pool.submit(post, f"/v1/sessions/{sid}/messages", body) for body in bodies]
            ending = pool.submit(post, f"/v1/sessions/{sid}/end", None)
            responses = [future.result() for future in sends]
            end = ending.result()
        final = httpx.get(f"{base}/v1/sessions/{sid}", timeout=60).json()
    assert end.status_code == 200, end.text
    assert final["status"] == "ended" and final["turns"][-1]["role"] == "interviewer"
    for response in responses:  # refused because the session had ended, or lost every race: not stored
        assert response.status_code == 200 or response.json()["code"] in ("session_ended", "session_conflict")
    acked = [r for r in responses if r.status_code == 200]
    _check_acknowledged(final["turns"], acked)
    assert len([t for t in final["turns"] if t["role"] == "candidate"]) == len(acked)
