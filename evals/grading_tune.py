"""Fitting the evidence layer's per-round calibration: measurements of labelled answers, the candidate
calibrations of a coordinate descent, and the reference overall score the vectorised loss must equal.

`python -m evals.author_fit` fits the shipped calibration (`interviewer/grading/scoring.py`).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np

from evals.calibration_fit import Labelled, Measured, RoundBatch
from interviewer.domain.bank import Rubric
from interviewer.grading.evidence import EvidenceAnalyzer, Span
from interviewer.grading.grader import flag_cap, weighted_score
from interviewer.grading.scoring import (
    DEFAULT_CALIBRATION,
    AnswerTraits,
    RoundCalibration,
    criterion_strength,
    has_evidence,
    key_point_coverage,
    level_for,
    level_scale,
)
from interviewer.grading.signals import round_signals
from interviewer.text import split_sentences

_WEIGHT_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
_DETAIL = 5  # answer length must not dominate: it is a proxy, not a criterion
_DETAIL_GRID = (0.0, 0.05, 0.1, 0.15, 0.2)
_N_WEIGHTS = len(DEFAULT_CALIBRATION.weights)
# A coordinate descent on a grid ends after finitely many moves (every move lowers the loss); the cap
# only bounds a pathological run.
MAX_MOVES = 200
# Every criterion level stays reachable: equal cuts would make one level impossible (a criterion could
# jump from 2 to 4 and never read Lean Hire).
MIN_CUT_GAP = 0.05
_CUT_GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.9, 0.025))
_KP_GRID = tuple(round(x, 3) for x in np.arange(0.2, 1.2, 0.05))


def measure_text(
    analyzer: EvidenceAnalyzer, rubric: Rubric, answer: Labelled, points: list[str], question_text: str
) -> Measured:
    """Measurements of `answer.text` against `rubric`, the key points `points` and the question asked."""
    flags = analyzer.analyze(answer.text, rubric, key_points=points, question_text=question_text).flags
    cap = flag_cap(flags)
    sentences = [Span(t, a, b) for t, a, b in split_sentences(answer.text)]
    if not sentences:
        return Measured(answer, rubric, (), {}, AnswerTraits(0.0, 0.0), cap)
    vecs = analyzer.embedder.embed([s.text for s in sentences])
    scores, _ = analyzer._key_point_scores(points, sentences, vecs)
    signals = round_signals(rubric.round, answer.text, [s.text for s in sentences])
    features = {
        c.id: analyzer.criterion_features(c, sentences, vecs, points, signals)[0] for c in rubric.criteria
    }
    traits = analyzer.answer_traits(answer.text, [s.text for s in sentences])
    return Measured(answer, rubric, tuple(scores), features, traits, cap)


def overall(m: Measured, cal: RoundCalibration) -> float:
    """The overall score `Grader` would give under calibration `cal` (no hints)."""
    if not m.features:
        return 1.0
    coverage = key_point_coverage(m.kp_scores, cal)
    levels: list[tuple[float, int | None, float | None]] = []
    for c in m.rubric.criteria:
        f = m.features[c.id]
        strength = criterion_strength(f, coverage, m.traits, cal)
        level = level_for(strength, has_evidence(f, coverage), cal)
        levels.append((c.weight, min(level or 1, m.cap), float(level_scale(strength, cal))))
    return weighted_score(levels, hints_used=0, cap=m.cap)


def _candidates(cal: RoundCalibration) -> list[RoundCalibration]:
    out = []
    for i in range(_N_WEIGHTS):
        for w in _WEIGHT_GRID if i != _DETAIL else _DETAIL_GRID:
            weights = list(cal.weights)
            weights[i] = w
            out.append(replace(cal, weights=tuple(weights)))  # type: ignore[arg-type]
    for i in range(3):
        for c in _CUT_GRID:
            cuts = list(cal.level_cuts)
            cuts[i] = c
            if all(b - a >= MIN_CUT_GAP for a, b in pairwise(cuts)):
                out.append(replace(cal, level_cuts=tuple(cuts)))  # type: ignore[arg-type]
    for low in _KP_GRID:
        for width in (0.2, 0.3, 0.4, 0.5):
            out.append(replace(cal, key_point_low=low, key_point_high=round(low + width, 3)))
    return out


def fit_round(items: list[Measured], max_moves: int = MAX_MOVES) -> tuple[RoundCalibration, float]:
    """Steepest coordinate descent over weights, level cuts and key-point bounds: each move takes the
    candidate that lowers the loss most, until none lowers it (a local optimum) or `max_moves`."""
    batch = RoundBatch(items)
    best, best_loss = DEFAULT_CALIBRATION, batch.loss(DEFAULT_CALIBRATION)
    for _ in range(max_moves):
        losses = [(batch.loss(c), c) for c in _candidates(best)]
        value, candidate = min(losses, key=lambda pair: pair[0])
        if value >= best_loss - 1e-9:
            break
        best, best_loss = candidate, value
    return best, best_loss
