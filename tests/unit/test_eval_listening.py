"""The listening eval's dataset and its judges (issue 11): shape, coverage of the cases, label sanity."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.listening import Tally, _matches_committed, acknowledged_concept, load_conversations
from evals.report_listening import listening_markdown
from interviewer.brains.phrasing import ACK_PLAIN, ACK_WITH_CONCEPT
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round

REQUIRED_CASES = {
    "covers-early", "asks-scale", "dont-know", "short-answer", "rambling", "off-question", "two-questions",
}  # fmt: skip


def test_at_least_forty_conversations_over_every_round_with_a_held_out_author(bank: Bank) -> None:
    loaded = load_conversations()
    assert len(loaded) >= 40
    rounds = {bank.question(c.question_id).round for _, c in loaded}
    assert rounds == set(Round)
    held = {a.author for a, _ in loaded if a.held_out}
    assert held and held != {a.author for a, _ in loaded}
    assert len({c.id for _, c in loaded}) == len(loaded)


def test_every_case_the_issue_names_is_present_for_tuning_and_held_out_authors() -> None:
    for held_out in (False, True):
        cases = {case for a, c in load_conversations() if a.held_out is held_out for case in c.cases}
        assert not REQUIRED_CASES - cases, (held_out, REQUIRED_CASES - cases)


def test_labels_point_at_real_key_points_and_criteria_and_cases_match_labels(bank: Bank) -> None:
    for _, conversation in load_conversations():
        question = bank.question(conversation.question_id)
        criteria = {c.id for c in bank.rubric_for(question).criteria}
        for turn in conversation.turns:
            assert all(0 <= i < len(question.key_points) for i in turn.kp), conversation.id
            assert set(turn.crit) <= criteria, conversation.id
            assert not (turn.off_question and turn.kp), (
                f"{conversation.id}: an off-question turn covers nothing"
            )
        labels = Counter(
            "asks" if t.asks else "off" if t.off_question else "answer" for t in conversation.turns
        )
        if "off-question" in conversation.cases:
            assert labels["off"] >= 1, conversation.id
        if any(c.startswith("asks-") or c == "two-questions" for c in conversation.cases):
            assert labels["asks"] >= 1, conversation.id


@pytest.mark.parametrize("template", ACK_WITH_CONCEPT)
def test_a_concept_acknowledgement_is_read_back_from_every_template(template: str) -> None:
    line = template.format(concept="gradient boosted trees") + "How would you serve it?"
    assert acknowledged_concept(line) == "gradient boosted trees"


def test_plain_transitions_name_no_concept() -> None:
    for plain in ACK_PLAIN:
        assert acknowledged_concept(plain + "How would you serve it?") is None
    assert _matches_committed("AUC", ["pr-auc"]) and not _matches_committed("latency", ["caching"])


def test_rates_and_the_report_section() -> None:
    tally = Tally(follow_ups=50, redundant=1, asks=10, asks_answered=10, on=40, off=2, redirected=2)
    figures = tally.figures()
    assert figures["redundant_follow_up_rate"] == 0.02 and figures["false_redirect_rate"] == 0.0
    assert figures["concept_acks_committed"] == 1.0  # no acknowledgement named a concept: nothing wrong
    markdown = listening_markdown({"overall": figures, "tuning": figures, "held_out": figures,
                                   "held_out_authors": ["dana"]})  # fmt: skip
    assert "| redundant follow-ups (aimed at a point covered earlier) | <= 0.02 | 0.02 |" in markdown
    assert "dana" in markdown


@pytest.mark.slow
def test_the_listening_eval_meets_the_issue_targets(bank: Bank, real_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from evals.listening import run_listening_eval
    from evals.thresholds import evaluate
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    components = Components(load_settings(data_dir=tmp_path / "data"), embedder=real_embedder, bank=bank)
    result = run_listening_eval(components, quick=True)
    assert result["overall"]["conversations"] >= 40 and result["held_out"]["conversations"] >= 10
    outcomes = evaluate("listening", result, quick=True)
    assert outcomes and all(o.passed for o in outcomes), [o.check.describe() for o in outcomes if o.failed]
