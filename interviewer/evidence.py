"""The evidence layer (deterministic, no LLM): what in the candidate's own words supports what.

CONTRACT shared by the grader (owner of this module) and the interviewer engine (which uses it for
gap-aimed follow-ups). Keep these names stable; extend with new fields rather than renaming.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ingest.embedder import Embedder
from interviewer.bank import Criterion, Question, Rubric
from interviewer.evidence_text import content_stems, matched_phrases, overlap, split_sentences, stem_line
from interviewer.redflags import FlagInputs, FlagThresholds, detect_flags, injection_spans
from interviewer.rounds import Round
from interviewer.signals import round_signals, signal_strength


@dataclass(frozen=True)
class Span:
    """A verbatim slice of the candidate's text: text == source[start:end]."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class KeyPointMatch:
    index: int
    text: str
    covered: bool
    score: float
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class CriterionEvidence:
    criterion_id: str
    strength: float  # 0..1, how well the text evidences this criterion
    level: int | None  # 1..4 estimate, None = insufficient evidence
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Evidence:
    key_points: tuple[KeyPointMatch, ...]
    criteria: dict[str, CriterionEvidence]
    flags: tuple[
        str, ...
    ] = ()  # e.g. "empty", "too-short", "gibberish", "off-topic", "buzzword-only", "injection"
    signals: dict[str, object] = field(default_factory=dict)  # round-specific structure signals
    sentences: tuple[Span, ...] = ()  # the candidate's sentences, verbatim with offsets
    topicality: float = 1.0  # how closely the answer addresses the question (0..1)

    def uncovered_key_points(self) -> list[KeyPointMatch]:
        return [k for k in self.key_points if not k.covered]

    def uncovered_criteria(self, threshold: float = 0.5) -> list[str]:
        """Criterion ids whose evidence strength is below `threshold`, weakest first."""
        weak = [c for c in self.criteria.values() if c.strength < threshold]
        return [c.criterion_id for c in sorted(weak, key=lambda c: c.strength)]


@dataclass(frozen=True)
class EvidenceThresholds:
    """Calibrated on the tune split of evals/calibration (see evals/grading.py); defaults are those values."""

    lexical_weight: float = 0.35  # weight of key-point word overlap next to embedding similarity
    key_point_covered: float = 0.5  # combined score at which a sentence covers a key point
    keyword_bonus: float = 0.06  # per rubric keyword in a sentence (at most two count)
    span_support: float = 0.4  # combined sentence score at which it evidences a criterion
    sem_floor: float = 0.2  # top-sentence similarity mapped to 0 ...
    sem_ceiling: float = 0.55  # ... and to 1
    support_full: int = 4  # supporting sentences for full support
    keywords_full: int = 4  # distinct rubric keywords for full lexical support
    weights: tuple[float, float, float, float, float] = (
        0.2,
        0.25,
        0.15,
        0.25,
        0.15,
    )  # sem, support, kw, kp, signal
    level_cuts: tuple[float, float, float] = (0.3, 0.5, 0.7)  # strength at which level 2, 3, 4 start
    flags: FlagThresholds = field(default_factory=FlagThresholds)


class EvidenceAnalyzer:
    """Finds evidence for a question's key points and a rubric's criteria in a candidate's text."""

    def __init__(self, embedder: Embedder, thresholds: EvidenceThresholds | None = None) -> None:
        self.embedder = embedder
        self.thresholds = thresholds or EvidenceThresholds()
        self._cache: dict[str, np.ndarray] = {}

    def analyze(
        self,
        text: str,
        rubric: Rubric,
        question: Question | None = None,
        key_points: Sequence[str] | None = None,
        question_text: str | None = None,
    ) -> Evidence:
        """Evidence for `text` (one answer or all of a candidate's turns on one question)."""
        points = list(key_points) if key_points is not None else list(question.key_points if question else [])
        prompt = question_text or (question.prompt if question else "")
        sentences = tuple(Span(t, a, b) for t, a, b in split_sentences(text))
        injected = injection_spans(text)
        usable = [s for s in sentences if not any(a < s.end and b > s.start for a, b in injected)]
        if not usable:
            flags = detect_flags(FlagInputs(text, 1.0, 1.0, 0), self.thresholds.flags)
            return self._empty(rubric, points, flags or ("empty",), sentences)
        sent_vecs = self.embedder.embed([s.text for s in usable])
        kp_matches = self._key_points(points, usable, sent_vecs)
        signals = round_signals(rubric.round, text, [s.text for s in usable])
        criteria = {
            c.id: self._criterion(c, usable, sent_vecs, kp_matches, points, signals) for c in rubric.criteria
        }
        topicality = self._topicality(prompt, points, sent_vecs)
        inputs = FlagInputs(text, topicality, self._pieces_per_word(text), sum(k.covered for k in kp_matches))
        flags = detect_flags(inputs, self.thresholds.flags)
        return Evidence(tuple(kp_matches), criteria, flags, signals, sentences, topicality)

    def _empty(
        self, rubric: Rubric, points: list[str], flags: tuple[str, ...], sentences: tuple[Span, ...]
    ) -> Evidence:
        kps = tuple(KeyPointMatch(i, p, False, 0.0) for i, p in enumerate(points))
        criteria = {c.id: CriterionEvidence(c.id, 0.0, None) for c in rubric.criteria}
        signals = round_signals(rubric.round, "", [])
        return Evidence(kps, criteria, flags, signals, sentences, 0.0)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, cached per text (key points, criteria and prompts repeat)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            if len(self._cache) > 8192:
                self._cache.clear()
            for t, v in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[t] = v
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def _key_points(
        self, points: list[str], sentences: list[Span], sent_vecs: np.ndarray
    ) -> list[KeyPointMatch]:
        if not points:
            return []
        sims = self.vectors(points) @ sent_vecs.T
        sent_stems = [content_stems(s.text) for s in sentences]
        out = []
        for i, point in enumerate(points):
            ref = content_stems(point)
            scores = sims[i] + self.thresholds.lexical_weight * np.array(
                [overlap(ref, st) for st in sent_stems]
            )
            order = np.argsort(-scores, kind="stable")
            best = float(scores[order[0]])
            covered = best >= self.thresholds.key_point_covered
            spans = tuple(sentences[j] for j in order[:2] if scores[j] >= self.thresholds.key_point_covered)
            out.append(KeyPointMatch(i, point, covered, round(best, 4), spans))
        return out

    def _criterion(
        self,
        criterion: Criterion,
        sentences: list[Span],
        sent_vecs: np.ndarray,
        kp_matches: list[KeyPointMatch],
        points: list[str],
        signals: dict[str, object],
    ) -> CriterionEvidence:
        t = self.thresholds
        sims = (self.vectors(criterion_texts(criterion)) @ sent_vecs.T).max(axis=0)
        keyword_hits = [len(matched_phrases(criterion.keywords, stem_line(s.text))) for s in sentences]
        scores = sims + t.keyword_bonus * np.minimum(np.array(keyword_hits), 2)
        order = np.argsort(-scores, kind="stable")
        supporting = [int(j) for j in order if scores[j] >= t.span_support]
        distinct_keywords = len(
            matched_phrases(criterion.keywords, stem_line(" ".join(s.text for s in sentences)))
        )
        top = float(np.mean(np.sort(sims)[::-1][:3]))
        parts = [
            _clip((top - t.sem_floor) / (t.sem_ceiling - t.sem_floor)),
            min(1.0, len(supporting) / t.support_full),
            min(1.0, distinct_keywords / t.keywords_full),
            self._kp_coverage(criterion, kp_matches, points),
            signal_strength(criterion.id, signals),
        ]
        used = [(w, p) for w, p in zip(t.weights, parts, strict=True) if p is not None]
        strength = sum(w * p for w, p in used) / sum(w for w, _ in used)
        spans = tuple(sentences[j] for j in sorted(supporting[:3]))
        level = None if not spans else 1 + sum(strength >= cut for cut in t.level_cuts)
        return CriterionEvidence(criterion.id, round(strength, 4), level, spans)

    def _kp_coverage(
        self, criterion: Criterion, kp_matches: list[KeyPointMatch], points: list[str]
    ) -> float | None:
        if not points:
            return None
        weights = (self.vectors(points) @ self.vectors(criterion_texts(criterion)).T).max(axis=1)
        weights = np.clip(weights, 0.0, None) + 1e-6
        covered = np.array([1.0 if k.covered else 0.0 for k in kp_matches])
        return float((weights * covered).sum() / weights.sum())

    def _topicality(self, prompt: str, points: list[str], sent_vecs: np.ndarray) -> float:
        anchors = [p for p in [prompt, *points] if p]
        if not anchors:
            return 1.0
        best = (self.vectors(anchors) @ sent_vecs.T).max(axis=0)
        return float(np.mean(np.sort(best)[::-1][:3]))

    def _pieces_per_word(self, text: str) -> float:
        words = [w for w in text.split() if w.strip(".,;:!?()\"'").isalpha()]
        if not words:
            return 1.0
        return self.embedder.count_tokens(" ".join(words)) / len(words)


def criterion_texts(criterion: Criterion) -> list[str]:
    """The texts a criterion is recognised by: its description and its top two level descriptors."""
    return [
        f"{criterion.name}: {criterion.description}",
        criterion.descriptor(3).descriptor,
        criterion.descriptor(4).descriptor,
    ]


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


__all__ = [
    "CriterionEvidence",
    "Evidence",
    "EvidenceAnalyzer",
    "EvidenceThresholds",
    "KeyPointMatch",
    "Round",
    "Span",
]
