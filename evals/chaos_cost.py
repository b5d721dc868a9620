"""What per-session serialisation costs per turn, in the store alone (no engine, no HTTP).

- `one_cas_write`: a turn as it is stored now: read the state and its version, then one write of the
  answer and its reply guarded by `WHERE version = :read`;
- `two_writes`: the shape the turn had before (the answer committed, then the reply), through the same
  guarded writes, as the reference;
- `contended`: four threads storing turns on one session at once, back to back (far more contention
  than two tabs): how many writes lose the race and are re-applied per stored turn, how many give up
  after the store's bounded retries (the API's 409), and the time per stored turn.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from evals.bench_stats import latency_summary
from interviewer.domain.session import SessionState
from interviewer.errors import SessionConflict
from interviewer.settings import load_settings
from interviewer.store import Change, SessionStore, build_stores

ANSWER = "I would start with a calibrated logistic regression baseline, then compare a two-tower model. " * 3
REPLY = "What would you monitor first after launch, and what would make you roll the model back?"
TURNS_PER_SESSION = 10  # a realistic transcript length: the state JSON grows with it


def _append(*turns: tuple[str, str]) -> Any:
    def change(state: SessionState) -> Change[None]:
        new = state.model_copy(deep=True)
        for speaker, text in turns:
            new.add_turn(speaker, text)  # type: ignore[arg-type]
        return Change(new, None)

    return change


def _new_session(store: SessionStore, user_id: str) -> str:
    state = SessionState(round="ml-depth")
    state.add_turn("interviewer", "Explain the bias-variance trade-off.", kind="opening")
    store.create(user_id, state)
    return state.id


def _timed_turns(store: SessionStore, user_id: str, turns: int) -> dict[str, list[float]]:
    """Milliseconds per turn stored both ways, alternating, so that load from elsewhere hits both alike."""
    samples: dict[str, list[float]] = {"one_cas_write": [], "two_writes": []}
    sessions = {name: _new_session(store, user_id) for name in samples}
    for n in range(turns):
        for name in samples:
            if n and n % TURNS_PER_SESSION == 0:
                sessions[name] = _new_session(store, user_id)
            session_id, started = sessions[name], time.perf_counter()
            if name == "two_writes":
                store.update(user_id, session_id, _append(("candidate", ANSWER)))
                store.update(user_id, session_id, _append(("interviewer", REPLY)))
            else:
                store.update(user_id, session_id, _append(("candidate", ANSWER), ("interviewer", REPLY)))
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def _contended(store: SessionStore, user_id: str, writers: int, turns_each: int) -> dict[str, Any]:
    session_id = _new_session(store, user_id)
    applied, refused = [0], [0]
    lock = threading.Lock()
    change = _append(("candidate", ANSWER), ("interviewer", REPLY))

    def counted(state: SessionState) -> Change[None]:
        with lock:
            applied[0] += 1
        return change(state)  # type: ignore[no-any-return]

    def writer() -> None:
        for _ in range(turns_each):
            try:
                store.update(user_id, session_id, counted)
            except SessionConflict:  # nothing stored; the API answers 409
                with lock:
                    refused[0] += 1

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_ms = (time.perf_counter() - started) * 1000
    stored = writers * turns_each - refused[0]
    assert len(store.load(user_id, session_id).turns) == 1 + 2 * stored, "a stored turn is missing"
    return {
        "writers": writers,
        "stored_turns": stored,
        "refused_after_retries": refused[0],
        "lost_races_per_turn": round((applied[0] - stored) / max(stored, 1), 3),
        "ms_per_stored_turn": round(wall_ms / max(stored, 1), 2),
    }


def store_cost(database_url: str, data_dir: Path, *, turns: int = 200) -> dict[str, Any]:
    """The three measurements above on one database."""
    store, users = build_stores(load_settings(data_dir=data_dir, database_url=database_url))
    try:
        user_id = users.get_or_create("cost-bench").id
        _timed_turns(store, user_id, 10)  # warm the pool and the statement caches
        timed = _timed_turns(store, user_id, turns)
        return {
            **{name: latency_summary(samples) for name, samples in timed.items()},
            "contended": _contended(store, user_id, writers=4, turns_each=turns // 8),
        }
    finally:
        store.engine.dispose()
