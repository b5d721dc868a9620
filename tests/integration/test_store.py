"""The session store against SQLite and the real local PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError, OperationalError

import interviewer.store.store as store_module
from interviewer.domain.report import CriterionScore, Feedback, Overall, SessionReport
from interviewer.errors import SessionConflict, SessionNotFound
from interviewer.settings import Settings
from interviewer.store import Change, SessionStore, UserStore, create_db_engine, hash_key, upgrade_to_head
from interviewer.store.migrate import current_revision, head_revision


class _Turn(BaseModel):
    role: str
    text: str


class _Progress(BaseModel):
    question_id: str | None


class _State(BaseModel):
    """The fields of SessionState the store relies on (the real one is tested in test_store_state.py)."""

    id: str
    round: str = "behavioral"
    status: str = "active"
    questions: list[_Progress] = []
    turns: list[_Turn] = []
    report: SessionReport | None = None


def _report(scores: dict[str, int | None]) -> SessionReport:
    criteria = [
        CriterionScore(
            id=cid, name=cid.title(), score=s, evidence=[], rubric_ref=f"behavioral#{cid}", descriptor="d"
        )
        for cid, s in scores.items()
    ]
    overall = Overall(score=2.5, recommendation="Lean Hire", confidence=0.5)
    return SessionReport(
        round="behavioral", overall=overall, criteria=criteria, questions=[], feedback=Feedback(summary="s")
    )


def _append(role: str, text: str) -> Callable[[_State], Change[None]]:
    """An `update` function adding one turn to a copy of the stored state."""

    def change(state: _State) -> Change[None]:
        new = state.model_copy(deep=True)
        new.turns.append(_Turn(role=role, text=text))
        return Change(new, None)

    return change


def _end(report: SessionReport) -> Callable[[_State], Change[None]]:
    return lambda state: Change(state.model_copy(update={"status": "ended", "report": report}), None)


@pytest.fixture
def stores(db_settings: Settings) -> Iterator[tuple[SessionStore, UserStore]]:
    engine = create_db_engine(db_settings)
    upgrade_to_head(engine)
    yield SessionStore(engine, _State), UserStore(engine)
    engine.dispose()


def test_migrations_create_every_table_and_are_idempotent(db_settings: Settings) -> None:
    engine = create_db_engine(db_settings)
    assert current_revision(engine) is None
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() == "0004"
    tables = set(inspect(engine).get_table_names())
    assert {
        "users",
        "api_keys",
        "sessions",
        "messages",
        "seen_questions",
        "criterion_scores",
        "rate_limits",
        "idempotency_keys",
    } <= tables
    engine.dispose()


def test_create_update_load_round_trip_and_messages_append(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    state = _State(
        id="s1", questions=[_Progress(question_id="q-a")], turns=[_Turn(role="interviewer", text="Hi")]
    )
    sessions.create(alice.id, state)
    assert sessions.load(alice.id, "s1") == state
    sessions.update(alice.id, "s1", _append("candidate", "I led the migration."))
    answer = _Turn(role="candidate", text="I led the migration.")
    loaded = sessions.load(alice.id, "s1")
    assert loaded == state.model_copy(update={"turns": [*state.turns, answer]})
    rows = sessions.messages(alice.id, "s1")
    assert [(m.seq, m.role, m.content) for m in rows] == [
        (0, "interviewer", "Hi"),
        (1, "candidate", "I led the migration."),
    ]
    assert sessions.seen_question_ids(alice.id) == frozenset({"q-a"})


def test_other_users_session_is_not_found_like_a_missing_one(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice, bob = users.get_or_create("alice"), users.get_or_create("bob")
    sessions.create(alice.id, _State(id="s1"))
    with pytest.raises(SessionNotFound) as other:
        sessions.load(bob.id, "s1")
    with pytest.raises(SessionNotFound) as missing:
        sessions.load(bob.id, "nope")
    assert str(other.value).replace("s1", "X") == str(missing.value).replace("nope", "X")
    # Bob can neither change alice's session (his function never even sees her state) nor replace it.
    seen: list[_State] = []

    def take_over(state: _State) -> Change[None]:
        seen.append(state)
        return _end(_report({"ownership": 1}))(state)

    with pytest.raises(SessionNotFound) as changed:
        sessions.update(bob.id, "s1", take_over)
    assert seen == [] and str(changed.value) == str(other.value)
    with pytest.raises(IntegrityError):
        sessions.create(bob.id, _State(id="s1", status="ended"))
    assert sessions.load(alice.id, "s1") == _State(id="s1")
    assert sessions.progress(alice.id) == [] and sessions.progress(bob.id) == []
    assert sessions.list(bob.id) == [] and sessions.seen_question_ids(bob.id) == frozenset()


def test_list_is_newest_first_and_paginated(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    for i in range(5):
        sessions.create(alice.id, _State(id=f"s{i}"))
    assert [s.id for s in sessions.list(alice.id, limit=2, offset=0)] == ["s4", "s3"]
    assert [s.id for s in sessions.list(alice.id, limit=2, offset=4)] == ["s0"]
    assert sessions.count(alice.id) == 5


def test_progress_records_per_criterion_scores_of_ended_sessions(
    stores: tuple[SessionStore, UserStore],
) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    for sid in ("s1", "s2", "s3"):
        sessions.create(alice.id, _State(id=sid))
    assert sessions.progress(alice.id) == []  # nothing has ended yet
    sessions.update(alice.id, "s1", _end(_report({"ownership": 2, "impact": None})))
    sessions.update(alice.id, "s2", _end(_report({"ownership": 3, "impact": 4})))
    sessions.update(alice.id, "s3", _append("candidate", "still going"))
    points = sessions.progress(alice.id)
    assert [p.session_id for p in points] == ["s1", "s2"]
    assert points[0].criteria == {"ownership": 2, "impact": None}
    assert points[1].criteria == {"ownership": 3, "impact": 4}
    assert points[1].names["ownership"] == "Ownership"
    assert sessions.progress(alice.id, round="case-study") == []


def test_api_keys_are_stored_hashed_and_authenticate(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    user, key = users.add_user_with_key("carol")
    assert users.authenticate(key) == user
    assert users.authenticate(key + "x") is None
    with sessions.engine.connect() as connection:
        stored = [row[0] for row in connection.exec_driver_sql("SELECT key_hash FROM api_keys")]
    assert stored == [hash_key(key)] and key not in stored
    _, second = users.add_user_with_key("carol")
    assert second != key and users.authenticate(second) == user


def _hammer(settings: Settings, saves: int) -> list[str]:
    """Two engines (two workers) each creating a session and updating it at once on one database."""
    import threading

    errors: list[str] = []
    engines = [create_db_engine(settings) for _ in range(2)]
    upgrade_to_head(engines[0])
    owner = UserStore(engines[0]).get_or_create("load").id

    def worker(index: int) -> None:
        store = SessionStore(engines[index], _State)
        try:
            store.create(owner, _State(id=f"w{index}", questions=[_Progress(question_id=f"q{index}")]))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(str(exc)[:120])
            return
        for n in range(saves):
            try:
                store.update(owner, f"w{index}", _append("candidate", f"turn {n}"))
            except Exception as exc:  # noqa: BLE001 - collected and asserted on
                errors.append(str(exc)[:120])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for engine in engines:
        engine.dispose()
    return errors


def test_concurrent_writes_from_two_workers_all_land(settings: Settings) -> None:
    assert _hammer(settings, 60) == []
    sessions = SessionStore(create_db_engine(settings), _State)
    owner = UserStore(sessions.engine).get_or_create("load").id
    expected = [f"turn {n}" for n in range(60)]
    for i in range(2):
        assert [t.text for t in sessions.load(owner, f"w{i}").turns] == expected
        assert [m.content for m in sessions.messages(owner, f"w{i}")] == expected
    assert sessions.seen_question_ids(owner) == frozenset({"q0", "q1"})
    sessions.engine.dispose()


def test_a_write_refused_as_locked_is_redone_and_other_errors_are_not(
    stores: tuple[SessionStore, UserStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure comes inside the write's transaction, after the session row is flushed: a redone
    `create` must find that row rolled back, and an abandoned one must leave nothing stored."""
    sessions, users = stores
    owner = users.get_or_create("alice").id
    real, failures = store_module.write_derived_rows, ["database is locked", "database is locked"]
    calls: list[str] = []

    def flaky(*args: Any) -> None:
        calls.append(args[2].id)
        if failures:
            raise OperationalError("INSERT INTO messages", {}, Exception(failures.pop(0)))
        real(*args)

    monkeypatch.setattr(store_module, "write_derived_rows", flaky)
    monkeypatch.setattr(store_module, "_pause", lambda attempt: None)
    opening = [_Turn(role="interviewer", text="Hi")]
    sessions.create(owner, _State(id="s1", turns=opening))
    assert sessions.load(owner, "s1").turns == opening and failures == [] and calls == ["s1"] * 3
    assert [m.content for m in sessions.messages(owner, "s1")] == ["Hi"]

    calls.clear()
    failures.append("disk I/O error")
    with pytest.raises(OperationalError, match="disk I/O"):
        sessions.create(owner, _State(id="s2"))
    assert calls == ["s2"]  # not redone
    with pytest.raises(SessionNotFound):
        sessions.load(owner, "s2")

    calls.clear()
    failures.extend(["database is locked"] * store_module.UPDATE_ATTEMPTS)
    with pytest.raises(OperationalError, match="locked"):
        sessions.create(owner, _State(id="s3"))
    assert failures == [] and len(calls) == store_module.UPDATE_ATTEMPTS  # bounded
    assert [s.id for s in sessions.list(owner)] == ["s1"]

    # An update refused as locked is re-applied like a lost race, and given up on after as many tries.
    calls.clear()
    failures.append("disk I/O error")
    with pytest.raises(OperationalError, match="disk I/O"):
        sessions.update(owner, "s1", _append("candidate", "rolled back"))
    assert calls == ["s1"]
    failures.extend(["database is locked"] * store_module.UPDATE_ATTEMPTS)
    with pytest.raises(SessionConflict):
        sessions.update(owner, "s1", _append("candidate", "never stored"))
    assert failures == [] and len(calls) == 1 + store_module.UPDATE_ATTEMPTS
    failures.append("database is locked")
    sessions.update(owner, "s1", _append("candidate", "second try"))
    assert failures == [] and [t.text for t in sessions.load(owner, "s1").turns] == ["Hi", "second try"]
    assert [m.content for m in sessions.messages(owner, "s1")] == ["Hi", "second try"]
