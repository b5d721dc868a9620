"""The vectorised fitting loss scores every answer exactly as the per-answer reference does."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pytest

from evals.calibration_fit import BIAS_WEIGHT, MISORDER_WEIGHT, TIE_WEIGHT, Measured, RoundBatch
from evals.grading_tune import _candidates, fit_round, overall
from interviewer.domain.rounds import Round
from interviewer.grading.scoring import DEFAULT_CALIBRATION, AnswerTraits, CriterionFeatures


@dataclass(frozen=True)
class _Answer:
    text: str
    level: int
    question_id: str
    round: str


def _measured(bank, rng: random.Random, n: int = 40) -> list[Measured]:  # type: ignore[no-untyped-def]
    rubric = bank.rubric_for_round(Round.ML_DEPTH)
    out = []
    for i in range(n):
        kps = tuple(rng.random() for _ in range(rng.choice([0, 3, 5])))
        features = {
            c.id: CriterionFeatures(
                sem=rng.random(),
                support=rng.random(),
                keywords=rng.random(),
                kp_weights=tuple(rng.random() + 1e-6 for _ in kps),
                signal=None if rng.random() < 0.3 else rng.random(),
                has_span=rng.random() < 0.7,
            )
            for c in rubric.criteria
        }
        answer = _Answer("x", rng.randint(1, 4), f"q{i % 6}", "ml-depth")
        empty = rng.random() < 0.1
        traits = AnswerTraits(detail=rng.random(), depth=rng.random())
        out.append(Measured(answer, rubric, kps, {} if empty else features, traits, rng.choice([1, 2, 4, 4])))
    return out


def test_batch_scores_equal_the_reference_for_every_candidate(bank) -> None:  # type: ignore[no-untyped-def]
    items = _measured(bank, random.Random(7))
    batch = RoundBatch(items)
    for cal in [DEFAULT_CALIBRATION, *_candidates(DEFAULT_CALIBRATION)[::5]]:
        np.testing.assert_allclose(batch.scores(cal), [overall(m, cal) for m in items])


def test_fitting_lowers_the_loss_and_keeps_every_level_reachable(bank) -> None:  # type: ignore[no-untyped-def]
    items = _measured(bank, random.Random(11))
    fitted, loss = fit_round(items)
    assert loss <= RoundBatch(items).loss(DEFAULT_CALIBRATION)
    cuts = fitted.level_cuts
    assert all(b - a >= 0.05 - 1e-9 for a, b in pairwise(cuts))
    assert loss == pytest.approx(RoundBatch(items).loss(fitted))


def test_the_fit_ends_at_a_local_optimum(bank) -> None:  # type: ignore[no-untyped-def]
    items = _measured(bank, random.Random(13), n=60)
    batch = RoundBatch(items)
    fitted, loss = fit_round(items)
    lower = [c for c in _candidates(fitted) if batch.loss(c) < loss - 1e-9]
    assert not lower, f"{len(lower)} single moves still lower the loss {loss:.3f}"


def test_a_tie_is_charged_extra_only_between_adjacent_labels(bank) -> None:  # type: ignore[no-untyped-def]
    rubric = bank.rubric_for_round(Round.ML_DEPTH)

    def loss(labels: tuple[int, int]) -> float:
        # two unmeasured answers both score 1.0: a tie, whatever their labels
        answers = [_Answer("", level, "q", "ml-depth") for level in labels]
        items = [Measured(a, rubric, (), {}, AnswerTraits(0.0, 0.0), 4) for a in answers]
        return RoundBatch(items).loss(DEFAULT_CALIBRATION)

    # squared error + half a misorder + bias of the upper label's level (+ the tie, when adjacent)
    assert loss((1, 2)) == pytest.approx(1 + 0.5 * MISORDER_WEIGHT + BIAS_WEIGHT * 1 + TIE_WEIGHT)
    assert loss((1, 3)) == pytest.approx(4 + 0.5 * MISORDER_WEIGHT + BIAS_WEIGHT * 4)
