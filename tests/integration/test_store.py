"""The session store against SQLite and the real local PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel
from sqlalchemy import inspect

from interviewer.domain.report import CriterionScore, Feedback, Overall, SessionReport
from interviewer.errors import SessionNotFound
from interviewer.settings import Settings
from interviewer.store import SessionStore, UserStore, create_db_engine, hash_key, upgrade_to_head
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
    assert current_revision(engine) == head_revision() == "0002"
    tables = set(inspect(engine).get_table_names())
    assert {
        "users",
        "api_keys",
        "sessions",
        "messages",
        "seen_questions",
        "criterion_scores",
        "rate_limits",
    } <= tables
    engine.dispose()


def test_save_load_round_trip_and_messages_append(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    state = _State(
        id="s1", questions=[_Progress(question_id="q-a")], turns=[_Turn(role="interviewer", text="Hi")]
    )
    sessions.save(alice.id, state)
    state.turns.append(_Turn(role="candidate", text="I led the migration."))
    sessions.save(alice.id, state)
    loaded = sessions.load(alice.id, "s1")
    assert loaded == state
    rows = sessions.messages(alice.id, "s1")
    assert [(m.seq, m.role, m.content) for m in rows] == [
        (0, "interviewer", "Hi"),
        (1, "candidate", "I led the migration."),
    ]
    assert sessions.seen_question_ids(alice.id) == frozenset({"q-a"})


def test_other_users_session_is_not_found_like_a_missing_one(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice, bob = users.get_or_create("alice"), users.get_or_create("bob")
    sessions.save(alice.id, _State(id="s1"))
    with pytest.raises(SessionNotFound) as other:
        sessions.load(bob.id, "s1")
    with pytest.raises(SessionNotFound) as missing:
        sessions.load(bob.id, "nope")
    assert str(other.value).replace("s1", "X") == str(missing.value).replace("nope", "X")
    with pytest.raises(SessionNotFound):
        sessions.save(bob.id, _State(id="s1", status="ended"))  # cannot overwrite alice's session
    assert sessions.load(alice.id, "s1").status == "active"
    assert sessions.list(bob.id) == [] and sessions.seen_question_ids(bob.id) == frozenset()


def test_list_is_newest_first_and_paginated(stores: tuple[SessionStore, UserStore]) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    for i in range(5):
        sessions.save(alice.id, _State(id=f"s{i}"))
    assert [s.id for s in sessions.list(alice.id, limit=2, offset=0)] == ["s4", "s3"]
    assert [s.id for s in sessions.list(alice.id, limit=2, offset=4)] == ["s0"]
    assert sessions.count(alice.id) == 5


def test_progress_records_per_criterion_scores_of_ended_sessions(
    stores: tuple[SessionStore, UserStore],
) -> None:
    sessions, users = stores
    alice = users.get_or_create("alice")
    sessions.save(alice.id, _State(id="s1", status="ended", report=_report({"ownership": 2, "impact": None})))
    sessions.save(alice.id, _State(id="s2", status="ended", report=_report({"ownership": 3, "impact": 4})))
    sessions.save(alice.id, _State(id="s3"))
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
    """Two engines (two workers) saving their own sessions at once on one database; errors seen."""
    import threading

    errors: list[str] = []
    engines = [create_db_engine(settings) for _ in range(2)]
    upgrade_to_head(engines[0])
    owner = UserStore(engines[0]).get_or_create("load").id

    def worker(index: int) -> None:
        store = SessionStore(engines[index], _State)
        state = _State(id=f"w{index}", questions=[_Progress(question_id=f"q{index}")])
        for n in range(saves):
            state.turns.append(_Turn(role="candidate", text=f"turn {n}"))
            try:
                store.save(owner, state)
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


def test_concurrent_saves_from_two_workers_all_land(settings: Settings) -> None:
    assert _hammer(settings, 60) == []
    sessions = SessionStore(create_db_engine(settings), _State)
    owner = UserStore(sessions.engine).get_or_create("load").id
    assert [len(sessions.load(owner, f"w{i}").turns) for i in range(2)] == [60, 60]


def test_a_save_refused_as_locked_is_redone_and_other_errors_are_not(
    stores: tuple[SessionStore, UserStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import interviewer.store.store as store_module

    sessions, users = stores
    owner = users.get_or_create("alice").id
    real_save, failures = sessions._save_once, ["database is locked", "database is locked"]

    def flaky(user_id: str, state: _State) -> None:
        if failures:
            raise OperationalError("UPDATE sessions", {}, Exception(failures.pop(0)))
        real_save(user_id, state)

    monkeypatch.setattr(sessions, "_save_once", flaky)
    sessions.save(owner, _State(id="s1"))
    assert sessions.load(owner, "s1").id == "s1" and failures == []
    failures.extend(["disk I/O error"])
    with pytest.raises(OperationalError, match="disk I/O"):
        sessions.save(owner, _State(id="s2"))
    failures.extend(["database is locked"] * store_module.SAVE_ATTEMPTS)
    with pytest.raises(OperationalError, match="locked"):
        sessions.save(owner, _State(id="s3"))
