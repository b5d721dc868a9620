"""Training the citation model (which sentence to quote under which criterion) on the evidence labels.

`python -m evals.evidence_fit` retrains the shipped weights (`interviewer/grading/citation_weights.npz`)
on every labelled author and prints the leave-one-author-out figures that chose its threshold.
Deterministic: Newton's method from zero weights, no sampling.

A sentence is a positive for a criterion when it overlaps a quote labelled with that criterion by the
rule the evidence metric uses (`evals.author_metrics.same_evidence`). The threshold is the one that
maximises F1 over sentence-criterion pairs predicted out of fold (each author by a model trained on
the others), so the held-out author never picks its own threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from threadpoolctl import threadpool_limits

from evals.author_fit import Case
from evals.author_metrics import quote_span, same_evidence
from interviewer.domain.rounds import parse_round
from interviewer.grading.citations import PROBE_TEXT, CitationModel
from interviewer.grading.evidence import Span, usable_sentences
from interviewer.grading.grader import Grader
from interviewer.grading.redflags import injection_spans
from interviewer.text import split_sentences

# Fixed before the threshold is chosen: of five (components, ridge) pairs tried during development
# (0/1, 32/3, 64/3, 64/10, 128/10, and the whole embedding at 30), pooled out-of-fold F1 differed by
# under 0.03; 128 components keep training ~10x cheaper than the whole 384-d embedding.
EMBEDDING_COMPONENTS = 128
L2 = 10.0  # ridge on the standardised weights (~140 features, ~1,600 sentences a criterion)
# The threshold maximises F-beta with beta 0.5 (precision counts twice): a quote under the wrong
# criterion is what makes users stop trusting the feedback, and a report shows two quotes at most.
BETA = 0.5
NEWTON_STEPS = 12
THRESHOLDS = np.round(np.arange(0.2, 0.91, 0.01), 2)


@dataclass(frozen=True)
class CitationRows:
    """One answer's sentences under one criterion: features and whether a label cites them for it."""

    author: str
    key: str
    x: np.ndarray
    y: np.ndarray


def citation_rows(grader: Grader, all_cases: Sequence[Case]) -> list[CitationRows]:
    """Features and labels of every labelled answer's sentences, per criterion of its round."""
    out = []
    for case in all_cases:
        answer = case.answer
        if not answer.criteria:  # the house ladders carry no evidence labels
            continue
        round_ = parse_round(answer.round)
        rubric = grader.bank.rubric_for(case.question, round_)
        spans = [Span(t, a, b) for t, a, b in split_sentences(answer.text)]
        sentences = usable_sentences(spans, injection_spans(answer.text))
        if not sentences:
            continue
        reference = grader.reference_questions(round_, case.question, answer.question_text)
        points = [p for q in reference for p in q.key_points]
        vecs = grader.analyzer.vectors([s.text for s in sentences])
        features = grader.analyzer.citation_features(rubric, sentences, vecs, points)
        for criterion in rubric.criteria:
            truth = [quote_span(answer.text, e.quote) for e in answer.evidence if criterion.id in e.criteria]
            y = np.array([any(same_evidence((s.start, s.end), t) for t in truth) for s in sentences])
            key = f"{rubric.id}#{criterion.id}"
            out.append(CitationRows(answer.author, key, features[key], y))
    return out


def train(rows: Sequence[CitationRows], probe: np.ndarray, threshold: float = 0.5) -> CitationModel:
    """Per-criterion ridge logistic regression on the reduced, standardised features."""
    with threadpool_limits(limits=1):  # small matrices: extra BLAS threads only wait on each other
        return _train(rows, probe, threshold)


def _train(rows: Sequence[CitationRows], probe: np.ndarray, threshold: float) -> CitationModel:
    x = np.vstack([r.x for r in rows])
    basis = _principal_directions(np.unique(x[:, : len(probe)], axis=0), EMBEDDING_COMPONENTS)
    reduced = CitationModel({}, basis, np.zeros(1), np.ones(1), threshold, probe).reduce(x)
    mean, scale = reduced.mean(axis=0), reduced.std(axis=0) + 1e-6
    z = (reduced - mean) / scale
    keys = np.concatenate([[r.key] * len(r.y) for r in rows])
    y = np.concatenate([r.y for r in rows]).astype(float)
    weights = {key: _logistic(z[keys == key], y[keys == key]) for key in sorted(set(keys))}
    return CitationModel(weights, basis, mean, scale, threshold, probe)


def _principal_directions(embeddings: np.ndarray, k: int) -> np.ndarray:
    """(dim, k): the top-k eigenvectors of the embeddings' covariance, sign fixed for reproducibility."""
    centred = embeddings - embeddings.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, np.argsort(-values, kind="stable")[:k]]
    return top * np.where(top[np.abs(top).argmax(axis=0), np.arange(top.shape[1])] < 0, -1.0, 1.0)


def _logistic(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights (bias last) minimising log loss + L2/2 |w|^2 (bias free), by Newton's method."""
    a = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(a.shape[1])
    ridge = np.full(a.shape[1], L2)
    ridge[-1] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + ridge * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return w


class CitationFits:
    """Citation models trained without some authors, each trained once: in the leave-one-author-out
    eval, the model without {a, b} serves both a's inner fold for b and b's for a."""

    def __init__(self, rows: Sequence[CitationRows], probe: np.ndarray) -> None:
        self.rows = list(rows)
        self.probe = probe
        self.authors = sorted({r.author for r in self.rows})
        self._models: dict[frozenset[str], CitationModel] = {}

    def without(self, excluded: frozenset[str], threshold: float = 0.5) -> CitationModel:
        """The model trained on every author but `excluded`, citing at `threshold`."""
        if excluded not in self._models:
            self._models[excluded] = train([r for r in self.rows if r.author not in excluded], self.probe)
        return replace(self._models[excluded], threshold=threshold)

    def out_of_fold(self, excluded: frozenset[str] = frozenset()) -> tuple[np.ndarray, np.ndarray]:
        """(probability, label) of every sentence-criterion pair of the authors not `excluded`, each
        predicted by a model that saw neither its author nor the excluded ones."""
        probs, labels = [], []
        for author in (a for a in self.authors if a not in excluded):
            model = self.without(excluded | {author})
            for r in (r for r in self.rows if r.author == author):
                probs.append(model.probabilities(r.key, r.x))
                labels.append(r.y)
        return np.concatenate(probs), np.concatenate(labels)

    def fit(self, excluded: frozenset[str] = frozenset()) -> CitationModel:
        """Trained on every author but `excluded`, threshold chosen on their leave-one-author-out
        predictions (the excluded authors take no part in either)."""
        return self.without(excluded, best_threshold(*self.out_of_fold(excluded)))


def out_of_fold(rows: Sequence[CitationRows], probe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probability, label) of every pair, each predicted by a model that never saw its author."""
    return CitationFits(rows, probe).out_of_fold()


def best_threshold(probs: np.ndarray, labels: np.ndarray) -> float:
    """The probability threshold with the highest F-beta over these pairs (the lowest one on a tie)."""
    scores = [_f_beta(probs >= t, labels) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmax(scores))])


def precision_recall(chosen: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    hits = float((chosen & labels).sum())
    return hits / max(int(chosen.sum()), 1), hits / max(int(labels.sum()), 1)


def _f_beta(chosen: np.ndarray, labels: np.ndarray) -> float:
    p, r = precision_recall(chosen, labels)
    return (1 + BETA**2) * p * r / (BETA**2 * p + r) if p + r else 0.0


def probe_vector(grader: Grader) -> np.ndarray:
    return grader.analyzer.vectors([PROBE_TEXT])[0]


def main() -> None:
    """Retrain the shipped citation weights on every labelled author and report the LOAO figures."""
    from evals.author_fit import cases
    from evals.authored import load_authored
    from interviewer.composition import Components
    from interviewer.grading.citations import WEIGHTS_FILE
    from interviewer.settings import SHIPPED_CORPUS, load_settings

    grader = Components(load_settings(corpus_dir=SHIPPED_CORPUS)).grader()
    rows = citation_rows(grader, cases(grader.bank, load_authored(grader.bank, house=False)))
    fits = CitationFits(rows, probe_vector(grader))
    probs, labels = fits.out_of_fold()
    threshold = best_threshold(probs, labels)
    p, r = precision_recall(probs >= threshold, labels)
    print(f"{len(labels)} sentence-criterion pairs, {int(labels.sum())} labelled")
    print(f"leave-one-author-out: threshold {threshold:.2f}, pair precision {p:.3f}, recall {r:.3f}")
    fits.without(frozenset(), threshold).save(WEIGHTS_FILE)
    print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
