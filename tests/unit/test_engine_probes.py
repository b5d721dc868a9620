"""Probe lines are never reused within a session; a hint after a follow-up helps with that follow-up."""

from __future__ import annotations

from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.interview.planner import criterion_for_phase
from interviewer.interview.round_flows import flow_for
from tests.support.engine_support import make_interviewer, say, synthetic_bank

NO_FOLLOW_UPS = ("What should we have for lunch?", "Which colour should the slides be?")


def test_a_probe_line_asked_on_one_question_is_not_reused_on_the_next(bank: Bank) -> None:
    # Every synthetic question carries the same three bank follow-ups, each aimed at an uncovered key point:
    # without a session-wide record the second question would ask them all over again.
    sd_bank = synthetic_bank(bank, Round.ML_SYSTEM_DESIGN)
    interviewer = make_interviewer(sd_bank, questions=2, max_follow_ups=3)
    state = interviewer.start(Round.ML_SYSTEM_DESIGN, seed=0)
    while state.status == "active":
        state = say(interviewer, state, "I would build a model and ship it.").state
    first, second = state.questions[0], state.questions[1]
    assert set(first.asked_texts) & set(bank_follow_ups(interviewer.bank)), first.asked_texts
    assert second.asked_texts, "the second question still gets follow-ups"
    assert not set(first.asked_texts) & set(second.asked_texts)
    follow_up_turns = [t.text for t in state.turns if t.kind == "follow_up"]
    for line in first.asked_texts:
        assert sum(line in text for text in follow_up_turns) == 1, line


def bank_follow_ups(bank: Bank) -> set[str]:
    return {line for q in bank.questions for line in q.follow_ups}


def _behavioral_session_on_ownership(bank: Bank):  # type: ignore[no-untyped-def]
    """Two answers without a situation: the first follow-up asks for the scene, the second for ownership."""
    interviewer = make_interviewer(
        synthetic_bank(bank, Round.BEHAVIORAL, follow_ups=NO_FOLLOW_UPS), questions=1, max_follow_ups=4
    )
    state = interviewer.start(Round.BEHAVIORAL, seed=1)
    state = say(interviewer, state, "We fixed it together and we shipped it.").state
    state = say(interviewer, state, "We talked about it and we agreed on a plan.").state
    follow_ups = [t.target for t in state.turns if t.kind == "follow_up"]
    assert follow_ups == ["phase:situation", "phase:ownership"]
    return interviewer, state


def test_hint_after_a_follow_up_is_about_what_it_asked(bank: Bank) -> None:
    interviewer, state = _behavioral_session_on_ownership(bank)
    ownership = flow_for(Round.BEHAVIORAL).phase("ownership")
    first = say(interviewer, state, "/hint")
    # The situation is still the first uncovered phase, but the question on the table is about ownership.
    assert ownership.hint in first.text
    assert first.state.questions[0].hint_keys == ["phase:ownership:0"]
    second = say(interviewer, first.state, "/hint")
    rubric = bank.rubrics["behavioral"]
    criterion = criterion_for_phase(rubric, ownership)
    assert criterion is not None
    assert rubric.criterion(criterion).hints[0] in second.text
    assert second.state.questions[0].hint_keys[-1] == f"{criterion}:0"
    assert second.state.questions[0].hints_used == 2


def test_hint_on_the_main_question_still_targets_the_first_gap(bank: Bank) -> None:
    interviewer = make_interviewer(
        synthetic_bank(bank, Round.BEHAVIORAL, follow_ups=NO_FOLLOW_UPS), questions=1, max_follow_ups=4
    )
    state = interviewer.start(Round.BEHAVIORAL, seed=1)
    reply = say(interviewer, state, "/hint")
    rubric = bank.rubrics["behavioral"]
    situation = criterion_for_phase(rubric, flow_for(Round.BEHAVIORAL).phase("situation"))
    assert reply.state.questions[0].hint_keys == [f"{situation}:0"]
