"""SessionStore's write path, on SQLite and PostgreSQL: `create`, and `update` as compare-and-swap
(a lost race is re-applied to the newer state; bounded; nothing half-written), with idempotency keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

import interviewer.store.store as store_module
from interviewer.domain.report import CriterionScore, Feedback, Overall, SessionReport
from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.errors import SessionConflict, SessionNotFound
from interviewer.settings import Settings
from interviewer.store import (
    Change,
    IdempotencyKey,
    KeyTaken,
    Recorded,
    SessionStore,
    UserStore,
    create_db_engine,
    upgrade_to_head,
)
from interviewer.store.migrate import current_revision, head_revision

Stores = tuple[SessionStore, SessionStore, str]


@pytest.fixture
def stores(db_settings: Settings) -> Iterator[Stores]:
    """Two stores on two engines (what two worker processes hold) over one database, and a user."""
    engines = [create_db_engine(db_settings) for _ in range(2)]
    upgrade_to_head(engines[0])
    user = UserStore(engines[0]).get_or_create("alice").id
    yield SessionStore(engines[0], SessionState), SessionStore(engines[1], SessionState), user
    for engine in engines:
        engine.dispose()


def _session(store: SessionStore, user: str) -> SessionState:
    state = SessionState(round="ml-depth", questions=[QuestionProgress(question_id="q1", prompt="P?")])
    state.add_turn("interviewer", "Explain dropout.", kind="opening", question_index=0)
    store.create(user, state)
    return state


def _say(text: str, result: Any = None) -> Callable[[SessionState], Change[Any]]:
    def change(state: SessionState) -> Change[Any]:
        new = state.model_copy(deep=True)
        new.add_turn("candidate", text)
        return Change(new, result)

    return change


def test_migrations_add_the_version_and_the_key_table_and_are_idempotent(db_settings: Settings) -> None:
    engine = create_db_engine(db_settings)
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() == "0004"
    inspector = inspect(engine)
    assert "version" in {c["name"] for c in inspector.get_columns("sessions")}
    assert {"user_id", "key", "request_hash", "status", "response", "created_at"} == {
        c["name"] for c in inspector.get_columns("idempotency_keys")
    }
    engine.dispose()


def test_update_stores_the_change_and_appends_only_new_transcript_rows(stores: Stores) -> None:
    store, _, user = stores
    state = _session(store, user)
    assert store.update(user, state.id, _say("It zeroes random units.", "ok")) == "ok"
    assert store.update(user, state.id, lambda s: Change(None, len(s.turns))) == 2  # None: nothing stored
    loaded = store.load(user, state.id)
    assert [t.text for t in loaded.turns] == ["Explain dropout.", "It zeroes random units."]
    rows = store.messages(user, state.id)
    assert [(m.seq, m.role, m.content) for m in rows] == [
        (0, "interviewer", "Explain dropout."),
        (1, "candidate", "It zeroes random units."),
    ]
    assert store.seen_question_ids(user) == frozenset({"q1"})


def test_another_users_session_cannot_be_read_or_changed(stores: Stores) -> None:
    store, _, alice = stores
    bob = UserStore(store.engine).get_or_create("bob").id
    state = _session(store, alice)
    with pytest.raises(SessionNotFound):
        store.update(bob, state.id, _say("mine now"))
    with pytest.raises(SessionNotFound):
        store.load(bob, state.id)
    assert len(store.load(alice, state.id).turns) == 1


def test_a_write_that_lost_the_race_is_reapplied_to_the_newer_state(stores: Stores) -> None:
    mine, other_worker, user = stores
    state = _session(mine, user)
    calls: list[int] = []

    def interleaved(current: SessionState) -> Change[None]:
        calls.append(len(current.turns))
        if len(calls) == 1:  # another worker stores its answer between this read and this write
            other_worker.update(user, state.id, _say("the other tab's answer"))
        return _say("this tab's answer")(current)

    mine.update(user, state.id, interleaved)
    assert calls == [1, 2]  # applied again, to the state with the other answer in it
    texts = [t.text for t in mine.load(user, state.id).turns]
    assert texts == ["Explain dropout.", "the other tab's answer", "this tab's answer"]
    assert [m.content for m in mine.messages(user, state.id)] == texts


def test_a_write_that_always_loses_gives_up_with_nothing_stored(stores: Stores) -> None:
    mine, other_worker, user = stores
    state = _session(mine, user)

    def always_overtaken(current: SessionState) -> Change[None]:
        other_worker.update(user, state.id, _say(f"other {len(current.turns)}"))
        return _say("never stored")(current)

    with pytest.raises(SessionConflict):
        mine.update(user, state.id, always_overtaken)
    texts = [t.text for t in mine.load(user, state.id).turns]
    assert "never stored" not in texts and len(texts) == 1 + store_module.UPDATE_ATTEMPTS


def test_a_locked_database_is_retried_and_other_errors_roll_back(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _, user = stores
    state = _session(store, user)
    real, failures = store_module.write_derived_rows, ["database is locked"]

    def flaky(*args: Any) -> None:
        if failures:
            raise OperationalError("INSERT INTO messages", {}, Exception(failures.pop(0)))
        real(*args)

    monkeypatch.setattr(store_module, "write_derived_rows", flaky)
    store.update(user, state.id, _say("second try"))
    assert [t.text for t in store.load(user, state.id).turns][-1] == "second try" and failures == []
    failures.append("disk I/O error")
    with pytest.raises(OperationalError, match="disk I/O"):
        store.update(user, state.id, _say("rolled back"))
    assert len(store.load(user, state.id).turns) == 2 and len(store.messages(user, state.id)) == 2


def test_a_key_is_recorded_with_its_change_and_a_racing_request_with_it_gets_key_taken(
    stores: Stores,
) -> None:
    mine, other_worker, user = stores
    state = _session(mine, user)
    key = IdempotencyKey("k1", "hash-of-the-request")

    def keyed(text: str) -> Callable[[SessionState], Change[str]]:
        def change(current: SessionState) -> Change[str]:
            new = _say(text)(current).state
            return Change(new, text, Recorded(200, f'{{"reply": "{text}"}}'))

        return change

    first = keyed("the first request")

    def racing(current: SessionState) -> Change[str]:
        if mine.replay(user, key) is None:  # the same request, sent again, is stored first by a worker
            other_worker.update(user, state.id, first, key=key)
        return keyed("the retry")(current)

    with pytest.raises(KeyTaken):
        mine.update(user, state.id, racing, key=key)
    assert mine.replay(user, key) == Recorded(200, '{"reply": "the first request"}')
    assert [t.text for t in mine.load(user, state.id).turns][1:] == ["the first request"]


def test_progress_holds_the_scores_of_ended_sessions(stores: Stores) -> None:
    store, _, user = stores
    state = _session(store, user)
    criteria = [
        CriterionScore(id="depth", name="Depth", score=3, evidence=[], rubric_ref="r", descriptor="d")
    ]
    report = SessionReport(
        round="ml-depth", criteria=criteria, questions=[], feedback=Feedback(summary="s"),
        overall=Overall(score=3.0, recommendation="Hire", confidence=0.5),
    )  # fmt: skip
    store.update(
        user, state.id, lambda s: Change(s.model_copy(update={"status": "ended", "report": report}), None)
    )
    [point] = store.progress(user)
    assert (
        point.session_id == state.id and point.criteria == {"depth": 3} and point.names == {"depth": "Depth"}
    )
