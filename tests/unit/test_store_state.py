"""The store with the engine's real SessionState: JSON round-trip, transcript rows, seen questions."""

from __future__ import annotations

from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.settings import Settings
from interviewer.store import build_stores


def test_real_session_state_round_trips_and_logs_each_turn(settings: Settings) -> None:
    sessions, users = build_stores(settings)
    user = users.get_or_create("local")
    state = SessionState(
        round="ml-depth", level="senior", questions=[QuestionProgress(question_id="q1", prompt="P?")]
    )
    state.add_turn("interviewer", "Explain dropout.", kind="opening", question_index=0)
    sessions.save(user.id, state)
    state.add_turn("candidate", "It zeroes random units.", question_index=0)
    sessions.save(user.id, state)
    assert state.pending_candidate_turn() is not None
    loaded = sessions.load(user.id, state.id)
    assert loaded == state and loaded.pending_candidate_turn() == state.turns[-1]
    rows = sessions.messages(user.id, state.id)
    assert [(m.role, m.content) for m in rows] == [
        ("interviewer", "Explain dropout."),
        ("candidate", "It zeroes random units."),
    ]
    assert sessions.seen_question_ids(user.id) == frozenset({"q1"})
