"""The grader against its calibration set with the real embedder: issue-4 targets on tune AND holdout."""

from __future__ import annotations

from typing import Any

import pytest

from evals.grading import ADVERSARIAL, LADDER, format_grading_table, load_calibration, run_grading_eval


def test_calibration_set_shape() -> None:
    answers = load_calibration()
    questions = {a.question_id: a for a in answers}
    assert len(questions) >= 24
    for round_name in ("ml-system-design", "behavioral", "case-study", "ml-depth"):
        assert sum(1 for a in questions.values() if a.round == round_name) >= 6
    holdout = {a.question_id for a in answers if a.split == "holdout"}
    assert len(holdout) * 3 >= len(questions)
    for qid in questions:
        kinds = {a.kind: a.level for a in answers if a.question_id == qid}
        assert set(kinds) == set(LADDER) | set(ADVERSARIAL), qid
        assert [kinds[k] for k in LADDER] == [4, 3, 2, 1]
        assert all(kinds[k] == 1 for k in ADVERSARIAL)


def test_calibration_questions_exist_in_the_bank(bank) -> None:  # type: ignore[no-untyped-def]
    for a in load_calibration():
        assert bank.question(a.question_id).round == a.round


@pytest.fixture(scope="module")
def result(real_embedder, bank) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from interviewer.grading.evidence import EvidenceAnalyzer
    from interviewer.grading.grader import Grader
    from interviewer.settings import load_settings

    grader = Grader(bank, EvidenceAnalyzer(real_embedder))
    return run_grading_eval(load_settings(), grader=grader)


@pytest.mark.slow
@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_targets_met_on_each_split(result: dict[str, Any], split: str) -> None:
    metrics = result[split]
    assert metrics["ordering_accuracy"] >= 0.95, format_grading_table(result)
    assert metrics["qwk"] >= 0.75
    assert metrics["adjacent_agreement"] >= 0.95
    assert metrics["adversarial_at_or_below_weak"] == 1.0


@pytest.mark.slow
def test_stable_and_every_quote_verbatim(result: dict[str, Any]) -> None:
    assert result["stability"] == 1.0
    assert result["evidence_quotes_verbatim"] == 1.0


@pytest.mark.slow
def test_adversarial_answers_are_caught_by_flags_not_luck(result: dict[str, Any]) -> None:
    rates = result["flag_rate_by_kind"]
    assert rates["empty"].get("empty") == 1.0
    assert rates["gibberish"].get("gibberish", 0) >= 0.9
    assert rates["injection"].get("injection") == 1.0
    assert rates["off_topic"].get("off-topic", 0) >= 0.8
    assert not rates.get("strong")  # no red flag on any strong answer


def test_quick_eval_result_has_every_key_the_thresholds_read(bank, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from evals.thresholds import checks_for, lookup
    from interviewer.grading.evidence import EvidenceAnalyzer
    from interviewer.grading.grader import Grader
    from interviewer.settings import load_settings

    result = run_grading_eval(
        load_settings(), quick=True, grader=Grader(bank, EvidenceAnalyzer(fake_embedder))
    )
    for check in checks_for("grading"):
        assert isinstance(lookup(result, check.path), int | float), check.path
    assert result["tune"]["n_questions"] == result["holdout"]["n_questions"] == 4
    assert set(result["latency_ms"]) == {"p50", "p99"} and result["cpu_ms"]["p99"] >= 0
    assert "tune" in format_grading_table(result)
