"""The evidence layer (deterministic, no LLM): what in the candidate's own words supports what.

CONTRACT shared by the grader (owner of this module) and the interviewer engine (which uses it for
gap-aimed follow-ups). Keep these names stable; extend with new fields rather than renaming.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.domain.bank import Criterion, Question, Rubric
from interviewer.grading.citation_features import CriterionVectors, answer_features
from interviewer.grading.citations import PROBE_TEXT, CitationModel, criterion_key
from interviewer.grading.depth import reasoning_depth
from interviewer.grading.embedding_cache import CachedEmbedder
from interviewer.grading.redflags import INJECTION, FlagInputs, detect_flags, injection_spans
from interviewer.grading.scoring import (
    AnswerTraits,
    CriterionFeatures,
    EvidenceThresholds,
    criterion_strength,
    has_evidence,
    key_point_coverage,
    level_for,
    level_scale,
)
from interviewer.grading.signals import round_signals, signal_strength
from interviewer.ports import Embedder
from interviewer.text import (
    content_stems,
    matched_phrases,
    overlap,
    split_sentences,
    stem_line,
    tokens,
    word_count,
)


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
    scale: float | None = None  # the strength on the level scale (`scoring.level_scale`)


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


SENTENCE_BATCH = 8  # length-sorted mini-batches of a few sentences pad less than one big batch


class EvidenceAnalyzer:
    """Finds evidence for a question's key points and a rubric's criteria in a candidate's text."""

    def __init__(
        self,
        embedder: Embedder,
        thresholds: EvidenceThresholds | None = None,
        citations: CitationModel | None = None,
    ) -> None:
        self.embedder = embedder
        self.thresholds = thresholds or EvidenceThresholds()
        self.cache = CachedEmbedder(embedder, mini_batch=SENTENCE_BATCH)
        self.citations = citations
        self._citations_fit: bool | None = None  # whether `citations` was trained on this embedder

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
        usable = usable_sentences(sentences, injected)
        if not usable:
            flags = detect_flags(FlagInputs(text, 1.0, 1.0, 0), self.thresholds.flags)
            flags = (INJECTION, *flags) if injected else flags
            return self._empty(rubric, points, flags or ("empty",), sentences)
        sent_vecs = self.vectors([s.text for s in usable])
        kp_scores, kp_spans = self._key_point_scores(points, usable, sent_vecs)
        content = " ".join(s.text for s in usable)  # what counts: no grader instructions, no repeats
        signals = round_signals(rubric.round, content, [s.text for s in usable])
        calibration = self.thresholds.for_round(rubric.round.value)
        coverage = key_point_coverage(kp_scores, calibration)
        kp_matches = [
            KeyPointMatch(i, p, bool(kp_scores[i] >= calibration.key_point_covered), round(kp_scores[i], 4),
                          kp_spans[i] if kp_scores[i] >= calibration.key_point_covered else ())
            for i, p in enumerate(points)
        ]  # fmt: skip
        traits = self.answer_traits(content, [s.text for s in usable])
        criteria = {}
        cited = self.cited_sentences(rubric, usable, sent_vecs, points)
        for c in rubric.criteria:
            features, spans = self.criterion_features(c, usable, sent_vecs, points, signals)
            strength = criterion_strength(features, coverage, traits, calibration)
            if not spans and has_evidence(features, coverage):
                spans = _key_point_spans(features, kp_matches)
            level = level_for(strength, bool(spans), calibration)
            spans = cited.get(c.id, spans)  # what is quoted; the level keeps its own evidence rule
            scale = round(float(level_scale(strength, calibration)), 4)
            criteria[c.id] = CriterionEvidence(c.id, round(strength, 4), level, spans, scale)
        topicality = self._topicality(prompt, points, sent_vecs)
        covered = sum(k.covered for k in kp_matches)
        flags = detect_flags(
            FlagInputs(content, topicality, self._pieces_per_word(content), covered), self.thresholds.flags
        )
        if injected and INJECTION not in flags:
            flags = (INJECTION, *flags)
        return Evidence(tuple(kp_matches), criteria, flags, signals, sentences, topicality)

    def _empty(
        self, rubric: Rubric, points: list[str], flags: tuple[str, ...], sentences: tuple[Span, ...]
    ) -> Evidence:
        kps = tuple(KeyPointMatch(i, p, False, 0.0) for i, p in enumerate(points))
        criteria = {c.id: CriterionEvidence(c.id, 0.0, None) for c in rubric.criteria}
        signals = round_signals(rubric.round, "", [])
        return Evidence(kps, criteria, flags, signals, sentences, 0.0)

    def answer_traits(self, text: str, sentences: Sequence[str]) -> AnswerTraits:
        """The measurements of the whole answer that every criterion's strength shares."""
        detail = min(1.0, word_count(text) / self.thresholds.detail_words)
        return AnswerTraits(detail, reasoning_depth(sentences))

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, cached per text: rubric texts and key points repeat on every answer,
        and during an interview so do the candidate's sentences from earlier turns."""
        return self.cache.embed(texts)

    def cited_sentences(
        self, rubric: Rubric, sentences: list[Span], sent_vecs: np.ndarray, points: list[str]
    ) -> dict[str, tuple[Span, ...]]:
        """Per criterion id: the sentences the citation model quotes for it, most probable first
        (empty when there is no model for this embedder; the similarity rule then quotes)."""
        model = self.citation_model()
        if model is None:
            return {}
        features = self.citation_features(rubric, sentences, sent_vecs, points)
        chosen = model.cite(features)
        keys = {criterion_key(rubric.id, c.id): c.id for c in rubric.criteria}
        return {keys[k]: tuple(sentences[i] for i in rows) for k, rows in chosen.items()}

    def citation_features(
        self, rubric: Rubric, sentences: list[Span], sent_vecs: np.ndarray, points: list[str]
    ) -> dict[str, np.ndarray]:
        """The citation model's features of each sentence, per criterion key."""
        criteria = [CriterionVectors(self.vectors(criterion_texts(c)), self.vectors(list(c.probes)))
                    for c in rubric.criteria]  # fmt: skip
        kp_vecs = self.vectors(points) if points else np.zeros((0, sent_vecs.shape[1]), dtype=np.float32)
        return answer_features(rubric, [s.text for s in sentences], sent_vecs, criteria, kp_vecs)

    def citation_model(self) -> CitationModel | None:
        """The citation model when it was trained on this analyzer's embedder, else None."""
        if self.citations is None:
            return None
        if self._citations_fit is None:
            self._citations_fit = self.citations.matches(self.vectors([PROBE_TEXT])[0])
        return self.citations if self._citations_fit else None

    def _key_point_scores(
        self, points: list[str], sentences: list[Span], sent_vecs: np.ndarray
    ) -> tuple[list[float], list[tuple[Span, ...]]]:
        """Per key point: best combined (embedding + word overlap) sentence score and its best sentences."""
        if not points:
            return [], []
        sims = self.vectors(points) @ sent_vecs.T
        sent_stems = [content_stems(s.text) for s in sentences]
        best, spans = [], []
        for i, point in enumerate(points):
            ref = content_stems(point)
            scores = sims[i] + self.thresholds.lexical_weight * np.array(
                [overlap(ref, st) for st in sent_stems]
            )
            order = np.argsort(-scores, kind="stable")
            best.append(float(scores[order[0]]))
            spans.append(tuple(sentences[j] for j in sorted(order[:2])))
        return best, spans

    def criterion_features(
        self,
        criterion: Criterion,
        sentences: list[Span],
        sent_vecs: np.ndarray,
        points: list[str],
        signals: dict[str, object],
    ) -> tuple[CriterionFeatures, tuple[Span, ...]]:
        """Calibration-free measurements of one criterion, and the sentences that evidence it."""
        t = self.thresholds
        crit_vecs = self.vectors(criterion_texts(criterion))
        sims = (crit_vecs @ sent_vecs.T).max(axis=0)
        keyword_hits = [len(matched_phrases(criterion.keywords, stem_line(s.text))) for s in sentences]
        scores = sims + t.keyword_bonus * np.minimum(np.array(keyword_hits), 2)
        order = np.argsort(-scores, kind="stable")
        supporting = [int(j) for j in order if scores[j] >= t.span_support]
        all_text = stem_line(" ".join(s.text for s in sentences))
        top = float(np.mean(np.sort(sims)[::-1][:3]))
        kp_weights: tuple[float, ...] = ()
        if points:
            raw = (self.vectors(points) @ crit_vecs.T).max(axis=1)
            kp_weights = tuple(float(w) for w in np.clip(raw, 0.0, None) ** 2 + 1e-6)
        features = CriterionFeatures(
            sem=_clip((top - t.sem_floor) / (t.sem_ceiling - t.sem_floor)),
            support=min(1.0, len(supporting) / t.support_full),
            keywords=min(1.0, len(matched_phrases(criterion.keywords, all_text)) / t.keywords_full),
            kp_weights=kp_weights,
            signal=signal_strength(criterion.id, signals),
            has_span=bool(supporting),
        )
        return features, tuple(sentences[j] for j in sorted(supporting[:3]))

    def _topicality(self, prompt: str, points: list[str], sent_vecs: np.ndarray) -> float:
        anchors = [p for p in [prompt, *points] if p]
        if not anchors:
            return 1.0
        best = (self.vectors(anchors) @ sent_vecs.T).max(axis=0)
        return float(np.mean(np.sort(best)[::-1][:3]))

    def _pieces_per_word(self, text: str) -> float:
        words = [w for w in text.split() if w.strip(".,;:!?()\"'").isalpha()][:150]  # under the 256-piece cap
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


def _key_point_spans(features: CriterionFeatures, matches: list[KeyPointMatch]) -> tuple[Span, ...]:
    """Sentences of the covered key points that lean most towards this criterion (at most two)."""
    ranked = sorted(
        (m for m in matches if m.covered and m.spans), key=lambda m: -features.kp_weights[m.index]
    )
    spans = sorted({s for m in ranked[:2] for s in m.spans[:1]}, key=lambda s: s.start)
    return tuple(spans)


def usable_sentences(sentences: Sequence[Span], injected: Sequence[tuple[int, int]]) -> list[Span]:
    """The sentences that count as evidence: none touching a grader instruction, each only once."""
    return _first_occurrences(
        [s for s in sentences if not any(a < s.end and b > s.start for a, b in injected)]
    )


def _first_occurrences(sentences: list[Span]) -> list[Span]:
    """Each distinct sentence once: saying the same thing again on a later turn adds no evidence."""
    seen: set[str] = set()
    out = []
    for span in sentences:
        key = " ".join(tokens(span.text))
        if key and key not in seen:
            seen.add(key)
            out.append(span)
    return out


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


__all__ = ["CriterionEvidence", "Evidence", "EvidenceAnalyzer", "EvidenceThresholds", "KeyPointMatch", "Span"]
