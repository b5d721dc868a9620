"""The many-author calibration set loads whole, and its metrics count what they name."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.author_metrics import agreement, evidence_agreement, evidence_overlap
from evals.authored import HOUSE, AuthoredAnswer, EvidenceLabel, load_authored
from interviewer.domain.report import CriterionScore, Feedback, GradeReport, Overall


def _answer(author: str, qid: str, level: int, kind: str = "genuine", **kw: object) -> AuthoredAnswer:
    return AuthoredAnswer(
        id=f"{author}-{qid}-{level}-{kind}", author=author, round="ml-depth", question_id=qid,
        question_text="q?", free_text=False, kind=kind, level=level, text=str(kw.get("text", "t")),
        criteria=dict(kw.get("criteria", {})), evidence=tuple(kw.get("evidence", ())),  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_set_has_six_authors_their_ladders_and_the_free_text_questions(bank) -> None:  # type: ignore[no-untyped-def]
    answers = load_authored(bank)
    by_author = Counter(a.author for a in answers)
    assert by_author.pop(HOUSE) == 216 and len(by_author) == 6 and set(by_author.values()) == {108}
    assert len({a.question_id for a in answers if a.free_text}) == 12
    for a in answers:
        if a.author != HOUSE:
            criteria = {c.id for c in bank.rubric_for_round(bank.rubrics[a.round].round).criteria}
            assert set(a.criteria) == criteria, a.id
            assert all(e.quote in a.text for e in a.evidence), a.id
    assert not any(a.trains for a in answers if a.author == HOUSE and a.split == "holdout")


def test_ordering_ties_bias_and_ladder_rules() -> None:
    ladder = [_answer("a", "q1", 4), _answer("a", "q1", 3), _answer("a", "q1", 2), _answer("a", "q1", 1),
              _answer("a", "q1", 1, "bluff"), _answer("a", "q1", 1, "injection")]  # fmt: skip
    good = agreement(ladder, [3.9, 3.1, 2.0, 1.0, 1.0, 1.0])
    assert good["ordering_accuracy"] == 1.0 and good["adjacent_label_ties"] == 0.0
    assert good["bluff_below_solid"] == 1.0 and good["injection_at_or_below_weak"] == 1.0
    assert good["signed_error_by_level"]["4"] == pytest.approx(-0.1)
    bad = agreement(ladder, [2.0, 2.0, 3.0, 1.0, 3.5, 3.2])
    assert bad["ordering_accuracy"] < 0.7 and bad["adjacent_label_ties"] > 0
    assert bad["bluff_below_solid"] == 0.0 and bad["injection_at_or_below_weak"] == 0.0
    # Pairs are compared within one author's question only.
    assert agreement([_answer("a", "q", 4), _answer("b", "q", 1)], [1.0, 4.0])["ordering_accuracy"] == 1.0


def test_evidence_precision_and_recall_count_quotes_under_the_right_criterion() -> None:
    text = "Dropout zeroes units. It rescales at train time. I like pizza."
    labels = (EvidenceLabel("Dropout zeroes units.", ("correctness",)),
              EvidenceLabel("It rescales at train time.", ("mechanism-depth",)))  # fmt: skip
    answer = _answer(
        "a", "md", 3, text=text, criteria={"correctness": 3, "mechanism-depth": 3}, evidence=labels
    )

    def report(cited: dict[str, list[str]]) -> GradeReport:
        criteria = [CriterionScore(id=c, name=c, score=3, evidence=q, rubric_ref=f"r#{c}", descriptor="d")
                    for c, q in cited.items()]  # fmt: skip
        overall = Overall(score=3, recommendation="Lean Hire", confidence=0.5)
        return GradeReport(
            round="ml-depth", question="q?", overall=overall, criteria=criteria, feedback=Feedback(summary="")
        )

    right = report(
        {"correctness": ["Dropout zeroes units."], "mechanism-depth": ["It rescales at train time."]}
    )
    assert evidence_agreement([answer], [right])["evidence_precision"] == 1.0
    assert evidence_agreement([answer], [right])["evidence_recall"] == 1.0
    swapped = report({"correctness": ["It rescales at train time."], "mechanism-depth": ["I like pizza."]})
    assert evidence_agreement([answer], [swapped])["evidence_precision"] == 0.0
    assert evidence_agreement([answer], [swapped])["evidence_recall"] == 0.0
    assert evidence_overlap([(answer, labels[:1])]) == {
        "evidence_precision": 1.0, "evidence_recall": 0.5, "quotes": 1, "labelled_pairs": 2,
        "quotes_per_criterion": 0.5, "labels_per_criterion": 1.0,
        "multi_criterion_quotes": 0, "multi_criterion_all_labelled": 1.0,
    }  # fmt: skip
    both = report({"correctness": ["Dropout zeroes units.", "I like pizza."],
                   "mechanism-depth": ["Dropout zeroes units.", "It rescales at train time."]})  # fmt: skip
    figures = evidence_agreement([answer], [both])
    assert figures["evidence_precision"] == 0.5 and figures["evidence_recall"] == 1.0
    assert figures["quotes_per_criterion"] == 2.0
    # One sentence under two criteria, labelled for only one of them.
    assert figures["multi_criterion_quotes"] == 1 and figures["multi_criterion_all_labelled"] == 0.0
