"""Which sentences to quote under which criterion: a small supervised model (numpy only at run time).

Per criterion of a round, a logistic model trained on the evidence labels of the many-author
calibration set (`python -m evals.evidence_fit`) gives each sentence a probability of showing that
criterion; its features are in `citation_features`. A sentence is quoted under a criterion when
- its probability there is at least `threshold`,
- it is among the criterion's `per_criterion` most probable sentences,
- and, when the criterion is not the sentence's most probable one, its probability there is at least
  `second` as well: a sentence quoted under several criteria reads as arbitrary unless each of them is
  as sure as a quote in general.
All three are chosen by leave-one-author-out on the training authors.

The weights only mean something for the embedder they were trained with: a probe sentence's stored
vector must match the live embedder's, else the analyzer keeps its similarity rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS_FILE = Path(__file__).with_name("citation_weights.npz")
PROBE_TEXT = "We monitored the model's precision weekly and retrained it when the data drifted."
PROBE_MIN_SIMILARITY = 0.99


@dataclass(frozen=True)
class CitationRule:
    """When a sentence's probabilities make it a quote (see the module docstring)."""

    threshold: float = 0.5
    second: float = 0.0
    per_criterion: int = 99

    def chosen(self, probs: np.ndarray) -> np.ndarray:
        """(criteria, sentences) probabilities -> the same-shaped boolean: quoted or not."""
        rank = np.argsort(np.argsort(-probs, axis=1, kind="stable"), axis=1, kind="stable")
        keep = (probs >= self.threshold) & (rank < self.per_criterion)
        return keep & (is_most_probable(probs) | (probs >= self.second))


def is_most_probable(probs: np.ndarray) -> np.ndarray:
    """(criteria, sentences): whether the criterion is the sentence's most probable one."""
    return np.arange(len(probs))[:, None] == probs.argmax(axis=0)[None, :]


@dataclass(frozen=True)
class CitationModel:
    """Per-criterion logistic weights over per-criterion standardised features, and the rule to cite by."""

    weights: dict[str, np.ndarray]  # criterion key -> (reduced features + 1,), the bias last
    basis: np.ndarray  # (embedding dim, k): the sentence embedding's principal directions kept
    mean: dict[str, np.ndarray]  # criterion key -> mean of its reduced features
    scale: dict[str, np.ndarray]
    rule: CitationRule
    probe: np.ndarray  # the training embedder's vector of PROBE_TEXT

    def reduce(self, features: np.ndarray) -> np.ndarray:
        """`answer_features` rows with the embedding projected on `basis` (not yet standardised)."""
        dim = self.basis.shape[0]
        return np.hstack([features[:, :dim] @ self.basis, features[:, dim:]])

    def probabilities(self, key: str, features: np.ndarray) -> np.ndarray:
        """Probability that each row's sentence supports the criterion `key`."""
        z = (self.reduce(features) - self.mean[key]) / self.scale[key]
        w = self.weights[key]
        return 1.0 / (1.0 + np.exp(-(z @ w[:-1] + w[-1])))

    def cite(self, features: dict[str, np.ndarray]) -> dict[str, list[int]]:
        """Per criterion key the model knows: the sentences to quote, most probable first."""
        keys = [k for k in features if k in self.weights]
        if not keys:
            return {}
        probs = np.stack([self.probabilities(k, features[k]) for k in keys])
        chosen = self.rule.chosen(probs)
        return {
            k: [int(j) for j in np.argsort(-probs[i], kind="stable") if chosen[i, j]]
            for i, k in enumerate(keys)
        }

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
            mean=np.stack([self.mean[k] for k in keys]).astype(np.float32),
            scale=np.stack([self.scale[k] for k in keys]).astype(np.float32),
            rule=np.array([self.rule.threshold, self.rule.second, self.rule.per_criterion]),
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
        keys = [str(k) for k in data["keys"]]

        def per_key(name: str) -> dict[str, np.ndarray]:
            return {k: row.astype(np.float64) for k, row in zip(keys, data[name], strict=True)}

        threshold, second, per_criterion = (float(v) for v in data["rule"])
        return CitationModel(
            weights=per_key("weights"),
            basis=data["basis"].astype(np.float64),
            mean=per_key("mean"),
            scale=per_key("scale"),
            rule=CitationRule(threshold, second, int(per_criterion)),
            probe=data["probe"].astype(np.float32),
        )
