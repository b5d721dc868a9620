"""The citation model: which sentences are quoted under which criterion (fake embedder, shipped rubrics)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from evals.evidence_fit import (
    AnswerPredictions,
    CitationRows,
    best_rule,
    out_of_fold,
    precision_recall,
    second_criterion_precision,
    train,
)
from ingest.embedder import HashingEmbedder
from interviewer.domain.bank import Bank
from interviewer.grading.citation_features import HAND_FEATURES, heading_of
from interviewer.grading.citations import (
    PROBE_TEXT,
    CitationModel,
    CitationRule,
    criterion_key,
    load_citation_model,
)
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
    width = embedder.dim + HAND_FEATURES
    keys = {c.id: criterion_key(rubric.id, c.id) for c in rubric.criteria}
    weights = {key: np.r_[np.zeros(width), 20.0 if cite.get(cid) else -20.0] for cid, key in keys.items()}
    vector = embedder.embed([PROBE_TEXT])[0] if probe is None else probe
    basis = np.eye(embedder.dim)  # the whole embedding kept
    zeros, ones = {k: np.zeros(width) for k in weights}, {k: np.ones(width) for k in weights}
    return CitationModel(weights, basis, zeros, ones, CitationRule(0.5, 0.0, 99), vector)


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
    assert loaded is not None and loaded.rule == model.rule
    rows = np.random.default_rng(0).normal(size=(4, fake_embedder.dim + HAND_FEATURES))
    for key in model.weights:
        assert np.allclose(loaded.probabilities(key, rows), model.probabilities(key, rows))
    assert load_citation_model(tmp_path / "absent.npz") is None


def test_shipped_weights_cover_every_shipped_criterion(bank: Bank) -> None:
    model = load_citation_model()
    assert model is not None
    keys = {criterion_key(r.id, c.id) for r in bank.rubrics.values() for c in r.criteria}
    assert keys <= set(model.weights)
    assert 0.1 <= model.rule.threshold <= 0.9 and model.rule.per_criterion >= 1


def _rows(seed: int, author: str) -> CitationRows:
    x = np.random.default_rng(seed).normal(size=(60, 6))
    return CitationRows(author, f"{author}-{seed}", "r#c", x, x[:, 0] + 0.3 * x[:, 1] > 0.5)


def test_training_learns_a_rule_that_holds_for_unseen_authors() -> None:
    rows = [_rows(seed, f"author-{seed % 3}") for seed in range(18)]
    predictions = out_of_fold(rows, np.zeros(3))
    precision, recall = precision_recall(predictions, best_rule(predictions))
    assert precision > 0.85 and recall > 0.85
    # Without the deciding columns:
    noise = [CitationRows(r.author, r.answer, r.key, r.x[:, 2:], r.y) for r in rows]
    predictions = out_of_fold(noise, np.zeros(3))
    chosen = precision_recall(predictions, CitationRule(0.5))
    assert chosen[0] < 0.6 or chosen[1] == 0.0


@pytest.mark.parametrize("threshold", [0.3, 0.7])
def test_trained_model_cites_at_its_threshold(threshold: float) -> None:
    rows = [_rows(seed, "a") for seed in range(6)]
    model = train(rows, np.zeros(3), CitationRule(threshold))
    chosen = model.cite({"r#c": rows[0].x})["r#c"]
    probs = model.probabilities("r#c", rows[0].x)
    assert set(chosen) == {i for i, p in enumerate(probs) if p >= threshold}
    assert list(probs[chosen]) == sorted(probs[chosen], reverse=True)


def test_a_second_criterion_needs_the_second_threshold() -> None:
    probs = np.array(
        [
            [0.9, 0.6, 0.8, 0.2],  # criterion a
            [0.85, 0.1, 0.55, 0.7],  # criterion b
        ]
    )
    absolute = CitationRule(threshold=0.5).chosen(probs)
    assert absolute.tolist() == [[True, True, True, False], [True, False, True, True]]
    # Sentence 0 is sure under both: quoted under both. Sentence 2 is only fairly likely under b.
    strict = CitationRule(threshold=0.5, second=0.8).chosen(probs)
    assert strict.tolist() == [[True, True, True, False], [True, False, False, True]]
    capped = CitationRule(threshold=0.5, per_criterion=1).chosen(probs)
    assert capped.tolist() == [[True, False, False, False], [True, False, False, False]]


def test_the_second_threshold_is_chosen_so_second_criteria_are_as_precise_as_quotes_overall() -> None:
    rng = np.random.default_rng(0)
    first = rng.uniform(0.6, 1.0, size=200)
    predictions = [
        AnswerPredictions(
            probs=np.array([first, first - rng.uniform(0.0, 0.4, size=200)]),
            labels=np.array([np.ones(200, bool), rng.uniform(size=200) < 0.3]),  # b is rarely right
        )
    ]
    rule = best_rule(predictions)
    overall, _ = precision_recall(predictions, rule)
    assert second_criterion_precision(predictions, rule) >= overall or rule.second == 1.0
    assert second_criterion_precision(predictions, replace(rule, second=rule.threshold)) < overall


def test_a_bullet_reads_the_heading_it_sits_under() -> None:
    lines = ["Intro.", "Serving:", "- Redis lookups", "- batch nightly", "Monitoring:", "- drift"]
    assert heading_of(lines).tolist() == [-1, -1, 1, 1, 1, 4]


def test_features_have_the_declared_width(fake_embedder: HashingEmbedder, bank: Bank) -> None:
    question = bank.by_round("ml-system-design")[0]
    analyzer = EvidenceAnalyzer(fake_embedder)
    rubric = bank.rubric_for(question)
    evidence = analyzer.analyze(ANSWER, rubric, question=question)
    vecs = analyzer.vectors([s.text for s in evidence.sentences])
    features = analyzer.citation_features(rubric, list(evidence.sentences), vecs, list(question.key_points))
    assert {k: v.shape for k, v in features.items()} == {
        criterion_key(rubric.id, c.id): (3, fake_embedder.dim + HAND_FEATURES) for c in rubric.criteria
    }
    assert all(np.isfinite(v).all() for v in features.values())
