"""The fast leave-one-author-out harness never lets an author's own labels into the fit that grades them."""

from __future__ import annotations

import random
from dataclasses import replace

from evals.authored import AuthoredAnswer
from evals.calibration_fit import Measured
from evals.loao_fast import held_out_scores
from interviewer.domain.rounds import Round
from interviewer.grading.scoring import AnswerTraits, CriterionFeatures


def _measured(bank, rng: random.Random) -> list[Measured]:  # type: ignore[no-untyped-def]
    rubric = bank.rubric_for_round(Round.ML_DEPTH)
    out = []
    for i in range(90):
        strength = rng.random()
        features = {
            c.id: CriterionFeatures(strength, rng.random(), strength, (), rng.random(), True)
            for c in rubric.criteria
        }
        answer = AuthoredAnswer(
            id=f"a{i}", author=f"author-{i % 3}", round="ml-depth", question_id=f"q{i % 5}", question_text="",
            free_text=False, kind="genuine", level=1 + min(3, int(strength * 4)), text="",
        )  # fmt: skip
        out.append(Measured(answer, rubric, (), features, AnswerTraits(rng.random(), rng.random()), 4))
    return out


def test_an_authors_own_labels_do_not_change_their_held_out_scores(bank) -> None:  # type: ignore[no-untyped-def]
    measured = _measured(bank, random.Random(3))
    relabelled = [
        replace(m, answer=replace(m.answer, level=5 - m.answer.level)) if m.answer.author == "author-0" else m
        for m in measured
    ]
    before, after = held_out_scores(measured), held_out_scores(relabelled)
    own = [i for i, m in enumerate(measured) if m.answer.author == "author-0"]
    others = [i for i in range(len(measured)) if i not in own]
    assert [before[i] for i in own] == [after[i] for i in own]
    assert [before[i] for i in others] != [after[i] for i in others]  # the relabelling does reach the fits
