"""What the citation model reads about each sentence of an answer, per criterion of the round's rubric.

A labeller quotes a sentence under a criterion when it shows THAT criterion rather than the round's
topic in general, so beside how close a sentence is to the criterion's rubric texts and probes, the
features say how much closer it is than to the other criteria, where it stands among the answer's
sentences for this criterion, what its neighbours and its section heading are about ("Serving:" over
a list of bullets), and where it sits in the answer (a story's setup comes first, its lesson last).

Only vectors already at hand: the answer's sentence embeddings (computed once per answer) and the
rubric's and key points' vectors (fixed texts, embedded at start-up). Numpy only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from interviewer.domain.bank import Rubric
from interviewer.text import matched_phrases, stem_line, word_count

_NUMBER = re.compile(r"\d")
# Named things: a capitalised word inside a sentence, or a token mixing letters with digits or
# hyphens ("LightGBM", "p99", "k-means"): what separates a specific sentence from a generic one.
_NAMED = re.compile(r"(?<=[a-z,;:] )[A-Z][A-Za-z]+|\b[A-Za-z]+[-\d][\w-]*")
HEADING_MAX_WORDS = 4  # "Serving:", "Trade-offs and risks:" — a label over the lines that follow
MAX_CRITERIA = 6  # the widest rubric; narrower ones pad the per-criterion profile with zeros
HAND_FEATURES = 35 + MAX_CRITERIA  # 3 rubric texts, 32 more, the profile


@dataclass(frozen=True)
class CriterionVectors:
    """A criterion's fixed vectors: its rubric texts (description, top descriptors) and its probes."""

    texts: np.ndarray  # (texts, dim)
    probes: np.ndarray  # (probes, dim)


def answer_features(
    rubric: Rubric,
    sentences: list[str],
    sent_vecs: np.ndarray,
    criteria: list[CriterionVectors],
    kp_vecs: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per criterion key: (sentences, embedding dim + HAND_FEATURES) rows, the embedding first."""
    desc = np.stack([c.texts @ sent_vecs.T for c in criteria])  # (criteria, texts, sentences)
    rubric_sim = desc.max(axis=1)
    probe_sim = np.stack([(c.probes @ sent_vecs.T).max(axis=0) for c in criteria])
    combined = rubric_sim + probe_sim
    hits = np.array([[min(2, len(matched_phrases(c.keywords, s))) for s in map(stem_line, sentences)]
                     for c in rubric.criteria], dtype=float)  # fmt: skip
    kp_best, kp_lean = _key_point_features(sent_vecs, [c.texts for c in criteria], kp_vecs)
    layout = _layout(sentences)
    heading = heading_of(sentences)
    out = {}
    for i, criterion in enumerate(rubric.criteria):
        columns = [
            *desc[i],
            rubric_sim[i],
            probe_sim[i],
            *_relative(rubric_sim, i),
            *_relative(probe_sim, i),
            *_relative(combined, i),
            *_within_answer(combined[i]),
            *_context(combined[i], heading),
            *_context(_margin(combined, i), heading),
            hits[i],
            np.delete(hits, i, axis=0).max(axis=0) if len(hits) > 1 else np.zeros(len(sentences)),
            kp_best,
            kp_lean[i],
            *layout,
            *_profile(combined),
        ]
        key = f"{rubric.id}#{criterion.id}"
        out[key] = np.hstack([sent_vecs, np.column_stack(columns)]).astype(np.float64)
    return out


def _margin(scores: np.ndarray, i: int) -> np.ndarray:
    """How much more a sentence is about criterion i than about the closest other criterion."""
    others = np.delete(scores, i, axis=0)
    return scores[i] - (others.max(axis=0) if len(others) else 0.0)


def _relative(scores: np.ndarray, i: int) -> list[np.ndarray]:
    """Criterion i's score against the other criteria's for the same sentence: margin, z-score, top."""
    z = (scores[i] - scores.mean(axis=0)) / (scores.std(axis=0) + 1e-6)
    return [_margin(scores, i), z, (scores.argmax(axis=0) == i).astype(float)]


def _within_answer(scores: np.ndarray) -> list[np.ndarray]:
    """A sentence against the answer's other sentences for one criterion: gap to the best, rank."""
    rank = np.empty(len(scores))
    rank[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    return [scores - scores.max(), 1.0 / (1.0 + rank), np.full(len(scores), scores.max())]


def _context(scores: np.ndarray, heading: np.ndarray) -> list[np.ndarray]:
    """The previous and next sentences' scores (a sentence's own at the edges), and its heading's."""
    previous = np.r_[scores[:1], scores[:-1]]
    following = np.r_[scores[1:], scores[-1:]]
    under = np.where(heading >= 0, scores[np.clip(heading, 0, None)], 0.0)
    return [previous, following, under]


def heading_of(sentences: list[str]) -> np.ndarray:
    """Index of the nearest heading line above each sentence (-1 when none)."""
    out = np.full(len(sentences), -1)
    current = -1
    for j, text in enumerate(sentences):
        out[j] = current
        if _is_heading(text):
            current = j
    return out


def _is_heading(text: str) -> bool:
    return text.rstrip().endswith(":") and word_count(text) <= HEADING_MAX_WORDS


def _layout(sentences: list[str]) -> list[np.ndarray]:
    """Position in the answer, first/last, whether it is a heading, length, numbers, named things,
    answer size."""
    n = len(sentences)
    position = np.arange(n) / max(n - 1, 1)
    return [
        position,
        (np.arange(n) == 0).astype(float),
        (np.arange(n) == n - 1).astype(float),
        np.array([1.0 if _is_heading(s) else 0.0 for s in sentences]),
        np.log1p([word_count(s) for s in sentences]),
        np.array([1.0 if _NUMBER.search(s) else 0.0 for s in sentences]),
        np.log1p([len(_NAMED.findall(s)) for s in sentences]),
        np.full(n, np.log1p(n)),
    ]


def _key_point_features(
    sent_vecs: np.ndarray, criterion_texts: list[np.ndarray], kp_vecs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How close each sentence is to the question's key points: the best, and per criterion the best
    weighted by how much each key point leans towards that criterion."""
    n = len(sent_vecs)
    if not len(kp_vecs):
        return np.zeros(n), np.zeros((len(criterion_texts), n))
    kp_sims = kp_vecs @ sent_vecs.T  # (key points, sentences)
    leaning = np.stack([np.clip((kp_vecs @ t.T).max(axis=1), 0.0, None) for t in criterion_texts])
    return kp_sims.max(axis=0), np.stack([(kp_sims * lean[:, None]).max(axis=0) for lean in leaning])


def _profile(scores: np.ndarray) -> list[np.ndarray]:
    """Every criterion's score of the sentence in rubric order (zero-padded to MAX_CRITERIA), so
    that a criterion's weights can learn which neighbours it is confused with."""
    padded = np.zeros((MAX_CRITERIA, scores.shape[1]))
    padded[: len(scores)] = scores[:MAX_CRITERIA]
    return list(padded)
