"""Each round's flow with the offline brain, plus the candidate commands and hints."""

from __future__ import annotations

import pytest

from interviewer.brains.guard import leaks, secrets_of
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState
from interviewer.interview.round_flows import flow_for
from tests.support.engine_support import make_interviewer, say, synthetic_bank

NO_FOLLOW_UPS = ("What should we have for lunch?", "Which colour should the slides be?")


def _flow_bank(bank: Bank, round_: Round) -> Bank:
    """Questions whose own follow-ups match no phase, so the flow's phase lines show."""
    return synthetic_bank(bank, round_, follow_ups=NO_FOLLOW_UPS)


def _targets(state: SessionState) -> list[str]:
    return [t.target or "" for t in state.turns if t.kind == "follow_up"]


def test_behavioral_star_probing_targets_each_missing_part(bank: Bank) -> None:
    interviewer = make_interviewer(_flow_bank(bank, Round.BEHAVIORAL), max_follow_ups=4)
    state = interviewer.start(Round.BEHAVIORAL, seed=1)
    # No situation at all: the first probe asks for the scene.
    state = say(interviewer, state, "We fixed it together and we shipped it.").state
    assert _targets(state)[-1] == "phase:situation"
    # Situation given, but only "we": ownership is probed.
    state = say(
        interviewer, state, "At my last company our team had a deadline and we rebuilt the pipeline."
    ).state
    assert _targets(state)[-1] == "phase:ownership"
    ownership = flow_for(Round.BEHAVIORAL).phase("ownership")
    assert any(line in state.turns[-1].text for line in ownership.probes), state.turns[-1].text
    # Ownership now clear, but no measurable result.
    state = say(
        interviewer, state, "I decided to rewrite the job and I led the review; I also paired with QA."
    ).state
    assert _targets(state)[-1] == "phase:result"
    # A number arrives; reflection is still missing.
    state = say(
        interviewer, state, "The result: latency dropped by 40% and incidents fell to 2 a month."
    ).state
    assert _targets(state)[-1] == "phase:reflection"


def test_system_design_steers_to_the_first_uncovered_phase(bank: Bank) -> None:
    sd = Round.ML_SYSTEM_DESIGN
    interviewer = make_interviewer(_flow_bank(bank, sd), max_follow_ups=3)
    state = interviewer.start(sd, seed=2)
    text = "First the requirements: 10k requests per second. The metric is NDCG offline and CTR online."
    state = say(interviewer, state, text).state
    assert _targets(state) == ["phase:data"]
    state = say(
        interviewer, state, "Labels come from click logs; features are user history and embeddings."
    ).state
    assert _targets(state) == ["phase:data", "phase:model"]
    assert state.questions[0].phases_covered[:3] == ["requirements", "metrics", "data"]


def test_case_study_walks_framing_sizing_approach_kpis_rollout(bank: Bank) -> None:
    interviewer = make_interviewer(_flow_bank(bank, Round.CASE_STUDY), max_follow_ups=5)
    state = interviewer.start(Round.CASE_STUDY, seed=3)
    for _ in range(5):
        state = say(interviewer, state, "Hmm, let me think.").state
    assert _targets(state) == [
        "phase:framing",
        "phase:sizing",
        "phase:approach",
        "phase:kpis",
        "phase:rollout",
    ]


def test_ml_depth_goes_one_level_deeper_each_time(bank: Bank) -> None:
    interviewer = make_interviewer(_flow_bank(bank, Round.ML_DEPTH), max_follow_ups=4)
    state = interviewer.start(Round.ML_DEPTH, seed=4)
    state = say(interviewer, state, "It computes a gradient and updates the weights step by step.").state
    assert _targets(state) == ["phase:tradeoffs"]  # mechanism covered: straight to trade-offs
    for _ in range(2):
        state = say(interviewer, state, "Not sure.").state
    assert _targets(state) == ["phase:tradeoffs", "phase:failure", "phase:deeper"]


def test_repeat_gives_the_question_on_the_table(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.ML_SYSTEM_DESIGN))
    state = interviewer.start(Round.ML_SYSTEM_DESIGN, seed=0)
    reply = say(interviewer, state, "/repeat")
    assert reply.kind == "repeat" and state.questions[0].prompt in reply.text
    follow = say(interviewer, reply.state, "We shard the zebra index.")
    again = say(interviewer, follow.state, "/repeat")
    assert follow.state.questions[0].asked_texts[-1] in again.text
    assert again.state.questions[0].follow_ups == 1  # /repeat is not an answer and asks nothing new


def test_skip_moves_on_and_is_reported_as_skipped(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.ML_DEPTH), questions=1)
    state = interviewer.start(Round.ML_DEPTH, seed=0)
    reply = say(interviewer, state, "/skip")
    assert reply.kind == "next_question" and not reply.ended
    assert [q.status for q in reply.state.questions] == ["skipped", "active"]
    assert reply.state.questions[1].prompt in reply.text
    end = say(interviewer, reply.state, "/end")
    assert end.ended and end.kind == "wrap_up"
    attempts = interviewer.grader.attempts  # type: ignore[union-attr]
    assert [a.skipped for a in attempts] == [True, True]


def test_end_wraps_up_with_a_report_and_blocks_further_turns(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.CASE_STUDY))
    state = interviewer.start(Round.CASE_STUDY)
    state = say(interviewer, state, "I would size it at 2 million users.").state
    reply = say(interviewer, state, "/end")
    assert reply.ended and reply.report is not None and reply.state.report == reply.report
    assert "Overall" in reply.text
    assert reply.state.status == "ended"
    with pytest.raises(Exception, match="ended"):
        interviewer.record_candidate(reply.state, "one more thing")


def test_end_method_is_idempotent(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.CASE_STUDY))
    state = interviewer.start(Round.CASE_STUDY)
    report = interviewer.end(state)
    assert state.status == "ended" and state.report == report
    turns = len(state.turns)
    assert interviewer.end(state) == report and len(state.turns) == turns


def test_help_and_unknown_commands(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.BEHAVIORAL))
    state = interviewer.start(Round.BEHAVIORAL)
    reply = say(interviewer, state, "/help")
    for command in ("/hint", "/repeat", "/skip", "/end", "/help"):
        assert command in reply.text
    unknown = say(interviewer, reply.state, "/dance")
    assert unknown.kind == "unknown_command" and "/hint" in unknown.text
    assert unknown.state.questions[0].follow_ups == 0


def test_hints_get_more_specific_and_are_counted(bank: Bank) -> None:
    interviewer = make_interviewer(synthetic_bank(bank, Round.ML_SYSTEM_DESIGN), questions=1)
    state = interviewer.start(Round.ML_SYSTEM_DESIGN)
    first = say(interviewer, state, "/hint")
    second = say(interviewer, first.state, "/hint")
    keys = second.state.questions[0].hint_keys
    criterion = keys[0].split(":")[0]
    assert keys == [f"{criterion}:0", f"{criterion}:1"]
    hints = bank.rubrics["ml-system-design"].criterion(criterion).hints
    assert hints[0] in first.text and hints[1] in second.text
    assert second.state.questions[0].hints_used == 2
    say(interviewer, second.state, "/end")
    assert interviewer.grader.attempts[0].hints_used == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("round_", list(Round))
def test_hints_never_contain_key_point_text(bank: Bank, round_: Round) -> None:
    interviewer = make_interviewer(bank, questions=1)
    for question in bank.by_round(round_)[:8]:
        state = interviewer.start(round_, topic=question.topic, seed=0)
        asked = bank.question(state.questions[0].question_id or "")
        secrets = secrets_of(asked)
        for _ in range(8):
            reply = say(interviewer, state, "/hint")
            state = reply.state
            assert not leaks(reply.text, secrets), reply.text
            for point in asked.key_points:
                assert point.lower() not in reply.text.lower()
        assert state.questions[0].hints_used <= 8


def test_no_follow_up_line_is_repeated_anywhere_in_a_session(bank: Bank) -> None:
    interviewer = make_interviewer(_flow_bank(bank, Round.BEHAVIORAL), questions=4, max_follow_ups=4)
    state = interviewer.start(Round.BEHAVIORAL, seed=0)
    while state.status == "active":
        state = say(interviewer, state, "We did it together.").state
    asked = [t for q in state.questions for t in q.asked_texts]
    assert len(asked) >= 8
    assert len(asked) == len(set(asked))
