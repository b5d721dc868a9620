"""The store with the engine's real SessionState: JSON round-trip, transcript rows, seen questions."""

from __future__ import annotations

from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.settings import Settings
from interviewer.store import Change, build_stores


def test_real_session_state_round_trips_and_logs_each_turn(settings: Settings) -> None:
    sessions, users = build_stores(settings)
    user = users.get_or_create("local")
    state = SessionState(
        round="ml-depth", level="senior", questions=[QuestionProgress(question_id="q1", prompt="P?")]
    )
    state.add_turn("interviewer", "Explain dropout.", kind="opening", question_index=0)
    sessions.create(user.id, state)
    assert sessions.load(user.id, state.id) == state

    def answer(stored: SessionState) -> Change[SessionState]:
        new = stored.model_copy(deep=True)
        new.add_turn("candidate", "It zeroes random units.", question_index=0)
        return Change(new, new)

    answered = sessions.update(user.id, state.id, answer)
    assert answered.pending_candidate_turn() is not None
    loaded = sessions.load(user.id, state.id)
    assert loaded == answered and loaded.pending_candidate_turn() == answered.turns[-1]
    rows = sessions.messages(user.id, state.id)
    assert [(m.role, m.content) for m in rows] == [
        ("interviewer", "Explain dropout."),
        ("candidate", "It zeroes random units."),
    ]
    assert sessions.seen_question_ids(user.id) == frozenset({"q1"})
