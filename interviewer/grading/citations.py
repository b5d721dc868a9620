"""Which sentences to quote under which criterion: a small supervised model (numpy only at run time).

A sentence is cited under a criterion when a per-criterion logistic model, trained on the evidence labels
of the many-author calibration set (`python -m evals.evidence_fit`), gives it a probability at or above
one threshold chosen by leave-one-author-out. The features are what a labeller reads when deciding:
the sentence itself (its embedding), how close it is to the criterion's rubric texts and how much closer
than to the round's other criteria, the criterion's rubric keywords in it, how close it is to the
question's key points (overall and to those leaning towards the criterion), and its length and numbers.

The weights only mean something for the embedder they were trained with: a probe sentence's stored
vector must match the live embedder's, else the analyzer keeps its similarity rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.domain.bank import Rubric
from interviewer.text import matched_phrases, stem_line, word_count

WEIGHTS_FILE = Path(__file__).with_name("citation_weights.npz")
PROBE_TEXT = "We monitored the model's precision weekly and retrained it when the data drifted."
PROBE_MIN_SIMILARITY = 0.99
_NUMBER = re.compile(r"\d")


def answer_features(
    rubric: Rubric,
    sentences: list[str],
    sent_vecs: np.ndarray,
    crit_vecs: list[np.ndarray],
    kp_vecs: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per criterion key: the (sentences, features) rows of every sentence: its embedding, then 11 more.

    `crit_vecs[i]` embeds `criterion_texts` of the rubric's i-th criterion; `kp_vecs` the key points.
    """
    per_text = np.stack([v @ sent_vecs.T for v in crit_vecs])  # (criteria, texts, sentences)
    best = per_text.max(axis=1)  # (criteria, sentences)
    if len(kp_vecs):
        kp_sims = kp_vecs @ sent_vecs.T  # (key points, sentences)
        leaning = np.stack([np.clip((kp_vecs @ v.T).max(axis=1), 0.0, None) for v in crit_vecs])
        kp_best = kp_sims.max(axis=0)
    else:
        kp_sims, leaning, kp_best = np.zeros((0, len(sentences))), None, np.zeros(len(sentences))
    stemmed = [stem_line(s) for s in sentences]
    size = np.log1p([word_count(s) for s in sentences])
    numbers = np.array([1.0 if _NUMBER.search(s) else 0.0 for s in sentences])
    out = {}
    for i, criterion in enumerate(rubric.criteria):
        others = np.delete(best, i, axis=0)
        margin = best[i] - (others.max(axis=0) if len(others) else 0.0)
        kp_lean = (kp_sims * leaning[i][:, None]).max(axis=0) if leaning is not None else kp_best
        hits = np.array([min(2, len(matched_phrases(criterion.keywords, line))) for line in stemmed])
        hand = np.column_stack(
            [
                best[i],
                *per_text[i],
                margin,
                best[i] - best.mean(axis=0),
                hits,
                kp_best,
                kp_lean,
                size,
                numbers,
            ]
        )
        out[criterion_key(rubric.id, criterion.id)] = np.hstack([sent_vecs, hand]).astype(np.float64)
    return out


@dataclass(frozen=True)
class CitationModel:
    """Per-criterion logistic weights over standardised features, and the threshold to cite at."""

    weights: dict[str, np.ndarray]  # criterion key -> (reduced features + 1,), the bias last
    basis: np.ndarray  # (embedding dim, k): the sentence embedding's principal directions kept
    mean: np.ndarray  # of the reduced features
    scale: np.ndarray
    threshold: float
    probe: np.ndarray  # the training embedder's vector of PROBE_TEXT

    def reduce(self, features: np.ndarray) -> np.ndarray:
        """`answer_features` rows with the embedding projected on `basis`, standardised."""
        dim = self.basis.shape[0]
        reduced = np.hstack([features[:, :dim] @ self.basis, features[:, dim:]])
        return (reduced - self.mean) / self.scale

    def probabilities(self, key: str, features: np.ndarray) -> np.ndarray:
        """Probability that each row's sentence supports the criterion `key`."""
        z = self.reduce(features)
        w = self.weights[key]
        return 1.0 / (1.0 + np.exp(-(z @ w[:-1] + w[-1])))

    def cite(self, features: dict[str, np.ndarray]) -> dict[str, list[int]]:
        """Per criterion key the model knows: the sentences to cite, most probable first."""
        out = {}
        for key, rows in features.items():
            if key in self.weights:
                p = self.probabilities(key, rows)
                out[key] = [int(i) for i in np.argsort(-p, kind="stable") if p[i] >= self.threshold]
        return out

    def matches(self, probe_vector: np.ndarray) -> bool:
        """Whether the live embedder is the one these weights were trained with."""
        if probe_vector.shape != self.probe.shape:
            return False
        return float(probe_vector @ self.probe) >= PROBE_MIN_SIMILARITY

    def save(self, path: Path) -> None:
        keys = sorted(self.weights)
        np.savez_compressed(
            path,
            keys=np.array(keys),
            weights=np.stack([self.weights[k] for k in keys]).astype(np.float32),
            basis=self.basis.astype(np.float32),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            threshold=np.array(self.threshold),
            probe=self.probe.astype(np.float32),
        )


def criterion_key(rubric_id: str, criterion_id: str) -> str:
    """How a criterion is named in the weights file: the rubric reference a report shows."""
    return f"{rubric_id}#{criterion_id}"


def load_citation_model(path: Path = WEIGHTS_FILE) -> CitationModel | None:
    """The shipped citation model, or None when the file is absent."""
    if not path.exists():
        return None
    with np.load(path) as data:
        weights = {str(k): w.astype(np.float64) for k, w in zip(data["keys"], data["weights"], strict=True)}
        return CitationModel(
            weights=weights,
            basis=data["basis"].astype(np.float64),
            mean=data["mean"].astype(np.float64),
            scale=data["scale"].astype(np.float64),
            threshold=float(data["threshold"]),
            probe=data["probe"].astype(np.float32),
        )
