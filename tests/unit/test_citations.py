"""The citation model: which sentences are quoted under which criterion (fake embedder, shipped rubrics)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evals.evidence_fit import CitationRows, best_threshold, out_of_fold, precision_recall, train
from ingest.embedder import HashingEmbedder
from interviewer.domain.bank import Bank
from interviewer.grading.citations import PROBE_TEXT, CitationModel, criterion_key, load_citation_model
from interviewer.grading.evidence import EvidenceAnalyzer

ANSWER = (
    "We need p99 latency under 50 ms at 20k QPS. "
    "I would train a gradient boosted model on sender reputation features. "
    "Thanks for the question."
)


def _model(
    embedder: HashingEmbedder, bank: Bank, cite: dict[str, bool], probe: np.ndarray | None = None
) -> CitationModel:
    """A model that cites every sentence under the criteria marked True and none under the others."""
    rubric = bank.rubric_for_round("ml-system-design")
    width = embedder.dim + 11
    weights = {
        criterion_key(rubric.id, c.id): np.r_[np.zeros(width), 20.0 if cite.get(c.id) else -20.0]
        for c in rubric.criteria
    }
    vector = embedder.embed([PROBE_TEXT])[0] if probe is None else probe
    basis = np.eye(embedder.dim)  # the whole embedding kept
    return CitationModel(weights, basis, np.zeros(width), np.ones(width), 0.5, vector)


def _analyze(analyzer: EvidenceAnalyzer, bank: Bank) -> dict[str, tuple[str, ...]]:
    question = bank.by_round("ml-system-design")[0]
    evidence = analyzer.analyze(ANSWER, bank.rubric_for(question), question=question)
    for c in evidence.criteria.values():
        for span in c.spans:
            assert ANSWER[span.start : span.end] == span.text
    return {cid: tuple(s.text for s in c.spans) for cid, c in evidence.criteria.items()}


def test_quotes_follow_the_model_criterion_by_criterion(fake_embedder: HashingEmbedder, bank: Bank) -> None:
    analyzer = EvidenceAnalyzer(fake_embedder, citations=_model(fake_embedder, bank, {"serving-scale": True}))
    quoted = _analyze(analyzer, bank)
    assert len(quoted["serving-scale"]) == 3
    assert all(not spans for cid, spans in quoted.items() if cid != "serving-scale")


def test_levels_do_not_depend_on_the_citation_model(fake_embedder: HashingEmbedder, bank: Bank) -> None:
    question = bank.by_round("ml-system-design")[0]
    plain = EvidenceAnalyzer(fake_embedder).analyze(ANSWER, bank.rubric_for(question), question=question)
    model = _model(fake_embedder, bank, {"modeling": True})
    cited = EvidenceAnalyzer(fake_embedder, citations=model).analyze(
        ANSWER, bank.rubric_for(question), question=question
    )
    assert {k: v.level for k, v in plain.criteria.items()} == {k: v.level for k, v in cited.criteria.items()}


def test_a_model_trained_on_another_embedder_is_not_used(fake_embedder: HashingEmbedder, bank: Bank) -> None:
    other = HashingEmbedder().embed(["an unrelated probe sentence"])[0]
    model = _model(fake_embedder, bank, {"serving-scale": True}, probe=other)
    with_model = _analyze(EvidenceAnalyzer(fake_embedder, citations=model), bank)
    assert with_model == _analyze(EvidenceAnalyzer(fake_embedder), bank)


def test_saved_weights_load_back_the_same(tmp_path: Path, fake_embedder: HashingEmbedder, bank: Bank) -> None:
    model = _model(fake_embedder, bank, {"modeling": True})
    model.save(tmp_path / "w.npz")
    loaded = load_citation_model(tmp_path / "w.npz")
    assert loaded is not None and loaded.threshold == model.threshold
    rows = np.random.default_rng(0).normal(size=(4, fake_embedder.dim + 11))
    for key in model.weights:
        assert np.allclose(loaded.probabilities(key, rows), model.probabilities(key, rows))
    assert load_citation_model(tmp_path / "absent.npz") is None


def test_shipped_weights_cover_every_shipped_criterion(bank: Bank) -> None:
    model = load_citation_model()
    assert model is not None
    keys = {criterion_key(r.id, c.id) for r in bank.rubrics.values() for c in r.criteria}
    assert keys <= set(model.weights)
    assert 0.2 <= model.threshold <= 0.9


def _rows(seed: int, author: str) -> CitationRows:
    x = np.random.default_rng(seed).normal(size=(200, 6))
    return CitationRows(author, "r#c", x, x[:, 0] + 0.3 * x[:, 1] > 0.5)


def test_training_learns_a_rule_that_holds_for_unseen_authors() -> None:
    rows = [_rows(seed, f"author-{seed % 3}") for seed in range(6)]
    probs, labels = out_of_fold(rows, np.zeros(3))
    precision, recall = precision_recall(probs >= best_threshold(probs, labels), labels)
    assert precision > 0.85 and recall > 0.85
    noise = [CitationRows(r.author, r.key, r.x[:, 2:], r.y) for r in rows]  # without the deciding columns
    probs, labels = out_of_fold(noise, np.zeros(3))
    assert precision_recall(probs >= 0.5, labels)[0] < 0.6 or (probs >= 0.5).sum() == 0


@pytest.mark.parametrize("threshold", [0.3, 0.7])
def test_trained_model_cites_at_its_threshold(threshold: float) -> None:
    rows = [_rows(seed, "a") for seed in range(2)]
    model = train(rows, np.zeros(3), threshold)
    chosen = model.cite({"r#c": rows[0].x})["r#c"]
    probs = model.probabilities("r#c", rows[0].x)
    assert set(chosen) == {i for i, p in enumerate(probs) if p >= threshold}
    assert list(probs[chosen]) == sorted(probs[chosen], reverse=True)
