"""The fitting loss, vectorised: every answer of a round scored under a candidate calibration at once.

`RoundBatch.scores(cal)` equals `[grading_tune.overall(m, cal) for m in items]` (checked by a test);
the coordinate descent evaluates thousands of candidates, so the per-answer Python loop was the cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Protocol

import numpy as np

from interviewer.domain.bank import Rubric
from interviewer.grading.grader import tie_broken_level
from interviewer.grading.scoring import AnswerTraits, CriterionFeatures, RoundCalibration, level_scale


class Labelled(Protocol):
    """What fitting reads of a labelled answer."""

    @property
    def text(self) -> str: ...

    @property
    def level(self) -> int: ...

    @property
    def question_id(self) -> str: ...

    @property
    def round(self) -> str: ...


@dataclass(frozen=True)
class Measured:
    answer: Labelled
    rubric: Rubric
    kp_scores: tuple[float, ...]
    features: dict[str, CriterionFeatures]
    traits: AnswerTraits
    cap: int


MISORDER_WEIGHT = 2.0
# Squared error alone is minimised by pulling every score towards the middle (strong answers harsh,
# weak ones lenient); this weight also charges each label level's mean signed error, per answer.
BIAS_WEIGHT = 10.0
# Adjacent labels scored exactly equal say nothing about which answer is better; the misorder term
# charges a tie half a misorder, this charges an adjacent-label tie once more, so that fitting to
# convergence does not buy squared error with ties.
TIE_WEIGHT = 1.0


class RoundBatch:
    """The measurements of one round's answers as padded arrays (answers x criteria x key points)."""

    def __init__(self, items: Sequence[Measured]) -> None:
        rubric = items[0].rubric
        self.weights = np.array([c.weight for c in rubric.criteria])
        n, n_crit = len(items), len(rubric.criteria)
        k = max((len(m.kp_scores) for m in items), default=0) or 1
        # sem, support, keywords, key points, signal, detail, depth
        self.parts = np.full((n, n_crit, 7), np.nan)
        self.has_span = np.zeros((n, n_crit), dtype=bool)
        self.kp_scores = np.full((n, k), np.nan)
        self.kp_weights = np.zeros((n, n_crit, k))
        self.measured = np.array([bool(m.features) for m in items])
        self.cap = np.array([m.cap for m in items], dtype=float)
        self.labels = np.array([m.answer.level for m in items], dtype=float)
        for i, m in enumerate(items):
            self.kp_scores[i, : len(m.kp_scores)] = m.kp_scores
            for j, criterion in enumerate(rubric.criteria):
                f = m.features.get(criterion.id)
                if f is None:
                    continue
                signal = np.nan if f.signal is None else f.signal
                self.parts[i, j] = (f.sem, f.support, f.keywords, np.nan, signal, *_traits(m.traits))
                self.has_span[i, j] = f.has_span
                self.kp_weights[i, j, : len(f.kp_weights)] = f.kp_weights
        self.has_kp = self.kp_weights.sum(axis=2) > 0
        # Median over each criterion's own key points; a criterion without any gets zeros (never used).
        masked = np.where(self.kp_weights > 0, self.kp_weights, np.nan)
        masked[~self.has_kp] = 0.0
        self.kp_leaning = self.kp_weights >= np.nanmedian(masked, axis=2, keepdims=True)
        self.higher, self.lower = _ordered_pairs(items)
        self.adjacent = self.labels[self.higher] - self.labels[self.lower] == 1

    def scores(self, cal: RoundCalibration) -> np.ndarray:
        """Overall score of every answer under `cal` (hints none, red-flag caps applied)."""
        span = max(cal.key_point_high - cal.key_point_low, 1e-6)
        coverage = np.nan_to_num(np.clip((self.kp_scores - cal.key_point_low) / span, 0.0, 1.0))
        weight_sum = np.where(self.has_kp, self.kp_weights.sum(axis=2), 1.0)
        kp = (self.kp_weights * coverage[:, None, :]).sum(axis=2) / weight_sum
        parts = self.parts.copy()
        parts[:, :, 3] = np.where(self.has_kp, kp, np.nan)
        w = np.asarray(cal.weights, dtype=float)
        used = ~np.isnan(parts) & (w > 0)
        total = (used * w).sum(axis=2)
        strength = np.where(used, parts * w, 0.0).sum(axis=2) / np.where(total > 0, total, 1.0)
        covered = (coverage[:, None, :] >= 0.5) & self.kp_leaning & (self.kp_weights > 0)
        evidenced = self.has_span | (self.has_kp & covered.any(axis=2))
        levels = 1 + sum((strength >= cut).astype(int) for cut in cal.level_cuts)
        levels = np.minimum(np.where(evidenced, levels, 1), self.cap[:, None])
        levels = tie_broken_level(levels, level_scale(strength, cal))
        score = (levels * self.weights).sum(axis=1) / (self.weights.sum() or 1.0)
        score = np.round(np.clip(score, 1.0, self.cap), 2)
        return np.where(self.measured, score, 1.0)

    def loss(self, cal: RoundCalibration) -> float:
        """Squared error, a penalty per mis-ordered pair (ties count half), per adjacent-label tie and
        per-level bias."""
        scores = self.scores(cal)
        error = float(((scores - self.labels) ** 2).sum())
        hi, lo = scores[self.higher], scores[self.lower]
        misordered = float((hi < lo).sum() + 0.5 * (hi == lo).sum())
        adjacent_ties = float(((hi == lo) & self.adjacent).sum())
        bias = 0.0
        for level in np.unique(self.labels):
            at_level = self.labels == level
            bias += float(at_level.sum() * (scores[at_level].mean() - level) ** 2)
        return error + MISORDER_WEIGHT * misordered + TIE_WEIGHT * adjacent_ties + BIAS_WEIGHT * bias


def _traits(traits: AnswerTraits) -> tuple[float, float]:
    """The answer-level parts of a criterion's strength, in `RoundCalibration.weights` order."""
    return traits.detail, traits.depth


def _ordered_pairs(items: Sequence[Measured]) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (higher label, lower label) of answers to the same question."""
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(items):
        by_question[m.answer.question_id].append(i)
    higher, lower = [], []
    for members in by_question.values():
        for a, b in combinations(members, 2):
            la, lb = items[a].answer.level, items[b].answer.level
            if la != lb:
                higher.append(a if la > lb else b)
                lower.append(b if la > lb else a)
    return np.array(higher, dtype=int), np.array(lower, dtype=int)
