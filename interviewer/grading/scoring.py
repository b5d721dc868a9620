"""How raw evidence features become a criterion strength and level: the calibrated part of the evidence layer.

The numbers in `ROUND_CALIBRATION` were fitted (`python -m evals.author_fit`) on the genuine answers of
every author in `evals/calibration/authors/` plus the `tune` split of the house ladders; the house
`holdout` split and the leave-one-author-out eval check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.grading.redflags import FlagThresholds


@dataclass(frozen=True)
class RoundCalibration:
    key_point_low: float  # combined key-point score that counts as no coverage ...
    key_point_high: float  # ... and as full coverage (linear in between; covered at the midpoint)
    weights: tuple[
        float, float, float, float, float, float, float
    ]  # sem, support, keywords, key points, signal, detail, depth of reasoning
    level_cuts: tuple[float, float, float]  # strength at which levels 2, 3 and 4 start

    @property
    def key_point_covered(self) -> float:
        return (self.key_point_low + self.key_point_high) / 2


# Depth of reasoning weighs nothing until a fit gives it weight (rounds without a fitted calibration).
DEFAULT_CALIBRATION = RoundCalibration(0.45, 0.85, (0.15, 0.15, 0.1, 0.3, 0.15, 0.15, 0.0), (0.2, 0.4, 0.6))
ROUND_CALIBRATION: dict[str, RoundCalibration] = {
    "behavioral": RoundCalibration(0.25, 0.45, (0, 0, 0, 0.05, 0.3, 0.15, 0.4), (0.2, 0.4, 0.525)),
    "case-study": RoundCalibration(0.6, 1, (0, 0.15, 0.15, 0.3, 0.4, 0.15, 0), (0.225, 0.425, 0.6)),
    "ml-depth": RoundCalibration(0.4, 0.7, (0, 0, 0.15, 0.4, 0.15, 0.05, 0), (0.15, 0.375, 0.6)),
    "ml-system-design": RoundCalibration(
        0.45, 0.85, (0.2, 0.2, 0.4, 0.3, 0.15, 0.15, 0.15), (0.275, 0.525, 0.6)
    ),
}


@dataclass(frozen=True)
class EvidenceThresholds:
    """Fixed knobs of the evidence layer plus the per-round calibration."""

    lexical_weight: float = 0.35  # weight of key-point word overlap next to embedding similarity
    keyword_bonus: float = 0.06  # per rubric keyword in a sentence (at most two count)
    span_support: float = 0.3  # combined sentence score at which it evidences a criterion
    sem_floor: float = 0.15  # mean top-3 similarity mapped to 0 ...
    sem_ceiling: float = 0.5  # ... and to 1
    support_full: int = 4  # supporting sentences for full support
    keywords_full: int = 4  # distinct rubric keywords for full lexical support
    detail_words: int = 220  # answer length (words) that counts as fully detailed
    rounds: dict[str, RoundCalibration] = field(default_factory=lambda: dict(ROUND_CALIBRATION))
    flags: FlagThresholds = field(default_factory=FlagThresholds)

    def for_round(self, round_name: str) -> RoundCalibration:
        return self.rounds.get(round_name, DEFAULT_CALIBRATION)


@dataclass(frozen=True)
class CriterionFeatures:
    """Calibration-independent measurements of one criterion in one answer (all 0..1 except weights)."""

    sem: float
    support: float
    keywords: float
    kp_weights: tuple[float, ...]  # how much each key point belongs to this criterion
    signal: float | None
    has_span: bool


def key_point_coverage(scores: Sequence[float], calibration: RoundCalibration) -> np.ndarray:
    """Soft coverage (0..1) of each key point from its best combined score."""
    span = max(calibration.key_point_high - calibration.key_point_low, 1e-6)
    return np.clip((np.asarray(scores, dtype=float) - calibration.key_point_low) / span, 0.0, 1.0)


@dataclass(frozen=True)
class AnswerTraits:
    """Measurements of the whole answer that every criterion shares (0..1)."""

    detail: float  # length, saturating at `EvidenceThresholds.detail_words`
    depth: float  # depth of reasoning (`grading/depth.py`)


def criterion_strength(
    features: CriterionFeatures, coverage: np.ndarray, answer: AnswerTraits, calibration: RoundCalibration
) -> float:
    """Weighted mean of the criterion's features (a missing signal or key-point list drops out)."""
    kp: float | None = None
    if len(coverage) and features.kp_weights:
        weights = np.asarray(features.kp_weights)
        kp = float((weights * coverage).sum() / weights.sum())
    parts = (
        *(features.sem, features.support, features.keywords, kp, features.signal),
        *(answer.detail, answer.depth),
    )
    used = [(w, p) for w, p in zip(calibration.weights, parts, strict=True) if p is not None and w > 0]
    total = sum(w for w, _ in used)
    return sum(w * p for w, p in used) / total if total else 0.0


def has_evidence(features: CriterionFeatures, coverage: np.ndarray) -> bool:
    """A criterion has evidence when a sentence matches it or a key point leaning its way is covered."""
    if features.has_span:
        return True
    if not len(coverage) or not features.kp_weights:
        return False
    weights = np.asarray(features.kp_weights)
    return bool(((coverage >= 0.5) & (weights >= np.median(weights))).any())


def level_for(strength: float, has_span: bool, calibration: RoundCalibration) -> int | None:
    """1..4 from the strength; None (insufficient evidence) when no sentence supports the criterion."""
    if not has_span:
        return None
    return 1 + sum(strength >= cut for cut in calibration.level_cuts)


def level_scale(strength: float | np.ndarray, calibration: RoundCalibration) -> np.ndarray:
    """The strength on the level scale: each level's band of strengths (from its cut to the next; 0 and 1
    at the ends) mapped linearly onto [level - 0.5, level + 0.5], so that `level_for` is its rounding.
    Elementwise over an array of strengths."""
    cuts = np.asarray(calibration.level_cuts, dtype=float)
    edges = np.concatenate(([0.0], cuts, [1.0]))
    strength = np.asarray(strength, dtype=float)
    level = 1 + (strength[..., None] >= cuts).sum(axis=-1)
    low, high = edges[level - 1], edges[level]
    position = np.clip((strength - low) / np.maximum(high - low, 1e-9), 0.0, 1.0)
    return level - 0.5 + position
