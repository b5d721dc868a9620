"""The grader's calibration set: its shape, and the quick eval's result with the hashing embedder."""

from __future__ import annotations

from evals.grading import ADVERSARIAL, LADDER, format_grading_table, load_calibration, run_grading_eval
from interviewer.composition import Components
from interviewer.settings import Settings


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


def test_quick_eval_result_has_every_key_the_thresholds_read(settings: Settings, bank, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from evals.thresholds import checks_for, lookup

    result = run_grading_eval(Components(settings, embedder=fake_embedder, bank=bank), quick=True)
    for check in checks_for("grading"):
        assert isinstance(lookup(result, check.path), int | float), check.path
    assert result["tune"]["n_questions"] == result["holdout"]["n_questions"] == 4
    assert set(result["latency_ms"]) == {"p50", "p99"} and result["cpu_ms"]["p99"] >= 0
    assert "tune" in format_grading_table(result)
