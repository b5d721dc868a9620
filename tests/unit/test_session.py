"""Session state: plain data with a JSON round-trip, pending-turn detection, command parsing."""

from __future__ import annotations

from interviewer.domain.bank import Bank
from interviewer.domain.report import Feedback, Overall, SessionReport
from interviewer.domain.rounds import Round
from interviewer.domain.session import QuestionProgress, SessionState, parse_command
from tests.support.engine_support import make_interviewer, say, synthetic_bank


def test_parse_command() -> None:
    assert parse_command("/hint") == "hint"
    assert parse_command("  /END \n") == "end"
    assert parse_command("/dance") == "unknown"
    assert parse_command("/ hint") is None
    assert parse_command("I would use /hint style caching") is None
    assert parse_command("/skip this please") is None  # a sentence, not a command
    assert parse_command("the answer") is None


def test_pending_turn_and_answers_exclude_commands() -> None:
    state = SessionState(round="behavioral")
    state.questions.append(QuestionProgress(question_id="q", prompt="Tell me about a time."))
    state.add_turn("interviewer", "Tell me about a time.", kind="opening", question_index=0)
    assert state.pending_candidate_turn() is None
    state.add_turn("candidate", "/hint", kind="command", command="hint", question_index=0)
    assert state.pending_candidate_turn() is not None
    state.add_turn("interviewer", "A hint.", kind="hint", question_index=0)
    state.add_turn("candidate", "My answer.", question_index=0)
    assert state.pending_candidate_turn() is not None and state.pending_candidate_turn().text == "My answer."  # type: ignore[union-attr]
    assert state.answers_for(0) == ["My answer."]
    assert [t.index for t in state.turns] == [0, 1, 2, 3]


def test_full_session_round_trips_through_json(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.BEHAVIORAL))
    state = interviewer.start(Round.BEHAVIORAL, company="Acme", level="senior", seed=5)
    for text in ("At my last job I led a migration.", "/hint", "/repeat", "/skip", "/end"):
        state = say(interviewer, state, text).state
    assert state.report is not None and state.status == "ended"
    restored = SessionState.model_validate_json(state.model_dump_json())
    assert restored == state
    assert restored.report == state.report
    assert [q.status for q in restored.questions] == ["skipped", "done"]


def test_report_survives_json() -> None:
    report = SessionReport(
        round="ml-depth",
        overall=Overall(score=2.5, recommendation="Lean Hire", confidence=0.6),
        criteria=[],
        questions=[],
        feedback=Feedback(summary="ok"),
    )
    state = SessionState(round="ml-depth", status="ended", report=report)
    assert SessionState.model_validate_json(state.model_dump_json()).report == report
