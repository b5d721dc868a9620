"""Agreement between grader scores and authored labels, and between a grader's quotes and evidence labels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from evals.authored import AuthoredAnswer, EvidenceLabel
from evals.grading import confusion, pair_agreement, quadratic_weighted_kappa, to_level
from interviewer.domain.report import GradeReport

MIN_OVERLAP = 0.5  # share of the shorter piece two quotes must share to be the same evidence


def agreement(answers: Sequence[AuthoredAnswer], scores: Sequence[float]) -> dict[str, Any]:
    """Ordering within (author, question), QWK, exact/adjacent agreement, signed error per label level."""
    expected = [a.level for a in answers]
    predicted = [to_level(s) for s in scores]
    diffs = np.abs(np.array(expected) - np.array(predicted))
    ordering, ties = _pairs(answers, scores)
    return {
        "n_answers": len(answers),
        "ordering_accuracy": round(ordering, 4),
        "adjacent_label_ties": round(ties, 4),
        "qwk": round(quadratic_weighted_kappa(expected, predicted), 4),
        "exact_agreement": round(float(np.mean(diffs == 0)), 4),
        "adjacent_agreement": round(float(np.mean(diffs <= 1)), 4),
        "signed_error_by_level": signed_errors(expected, scores),
        **ladder_rules(answers, scores),
    }


def _pairs(answers: Sequence[AuthoredAnswer], scores: Sequence[float]) -> tuple[float, float]:
    """(ordering accuracy, share of adjacent-label pairs scored equal) within each author's question."""
    groups: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for a, s in zip(answers, scores, strict=True):
        groups[(a.author, a.question_id)].append((a.level, s))
    return pair_agreement(groups.values())


def signed_errors(expected: Sequence[int], scores: Sequence[float]) -> dict[str, float | None]:
    """Mean (score - label) for each label level: positive is lenient, negative harsh."""
    out: dict[str, float | None] = {}
    for level in (1, 2, 3, 4):
        errs = [s - e for e, s in zip(expected, scores, strict=True) if e == level]
        out[str(level)] = round(float(np.mean(errs)), 3) if errs else None
    return out


def ladder_rules(answers: Sequence[AuthoredAnswer], scores: Sequence[float]) -> dict[str, float | int]:
    """Within each author's ladder: bluff below the solid answer, injection at or below the weak one."""
    by_ladder: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for a, s in zip(answers, scores, strict=True):
        rung = a.kind if a.kind != "genuine" else {3: "solid", 2: "weak"}.get(a.level)
        if rung:
            by_ladder[(a.author, a.question_id)][rung] = s
    bluff = [r["bluff"] < r["solid"] for r in by_ladder.values() if {"bluff", "solid"} <= r.keys()]
    injection = [r["injection"] <= r["weak"] for r in by_ladder.values() if {"injection", "weak"} <= r.keys()]
    return {
        "bluff_below_solid": round(float(np.mean(bluff)), 4) if bluff else 1.0,
        "injection_at_or_below_weak": round(float(np.mean(injection)), 4) if injection else 1.0,
        "ladders_checked": max(len(bluff), len(injection)),
    }


def confusion_table(answers: Sequence[AuthoredAnswer], scores: Sequence[float]) -> list[list[int]]:
    """Rows: label level 1-4; columns: the level the grader's score rounds to."""
    return confusion([a.level for a in answers], [to_level(s) for s in scores]).astype(int).tolist()


def evidence_agreement(
    answers: Sequence[AuthoredAnswer], reports: Sequence[GradeReport]
) -> dict[str, float | int | None]:
    """Precision: grader quotes under a criterion that a label gives that criterion.
    Recall: labelled (sentence, criterion) pairs the grader quotes under that criterion."""
    cited = [{c.id: list(c.evidence) for c in r.criteria} for r in reports]
    return _evidence_scores(list(zip(answers, cited, strict=True)))


def evidence_overlap(
    pairs: Sequence[tuple[AuthoredAnswer, Sequence[EvidenceLabel]]],
) -> dict[str, float | int | None]:
    """The same precision and recall for another labeller's evidence labels (second pass vs first)."""
    cited = []
    for answer, labels in pairs:
        by_criterion: dict[str, list[str]] = {c: [] for c in answer.criteria}
        for label in labels:
            for criterion in label.criteria:
                by_criterion.setdefault(criterion, []).append(label.quote)
        cited.append((answer, by_criterion))
    return _evidence_scores(cited)


def _evidence_scores(
    cited: Sequence[tuple[AuthoredAnswer, dict[str, list[str]]]],
) -> dict[str, float | int | None]:
    """Micro precision and recall over (quote, criterion) pairs, how many quotes a criterion gets, and
    how often a sentence quoted under several criteria is labelled for every one of them."""
    quoted = right = labelled = found = pairs = shared = shared_right = 0
    for answer, by_criterion in cited:
        if not answer.criteria:  # the house ladders carry no evidence labels
            continue
        under: dict[tuple[int, int], list[bool]] = defaultdict(list)  # a quote -> labelled, per criterion
        for criterion_id in answer.criteria:
            spans = [quote_span(answer.text, q) for q in by_criterion.get(criterion_id, [])]
            truth = [quote_span(answer.text, e.quote) for e in answer.evidence if criterion_id in e.criteria]
            hits = [any(same_evidence(s, t) for t in truth) for s in spans]
            for span, hit in zip(spans, hits, strict=True):
                under[span].append(hit)
            pairs += 1
            quoted += len(spans)
            right += sum(hits)
            labelled += len(truth)
            found += sum(any(same_evidence(s, t) for s in spans) for t in truth)
        several = [hits for hits in under.values() if len(hits) > 1]
        shared += len(several)
        shared_right += sum(all(hits) for hits in several)
    if not pairs:  # these answers carry no evidence labels (the house ladders)
        return {"evidence_precision": None, "evidence_recall": None, "quotes": 0, "labelled_pairs": 0}
    return {
        "evidence_precision": round(right / quoted, 4) if quoted else 1.0,
        "evidence_recall": round(found / labelled, 4) if labelled else 1.0,
        "quotes": quoted,
        "labelled_pairs": labelled,
        "quotes_per_criterion": round(quoted / pairs, 3),
        "labels_per_criterion": round(labelled / pairs, 3),
        "multi_criterion_quotes": shared,
        "multi_criterion_all_labelled": round(shared_right / shared, 4) if shared else 1.0,
    }


def quote_span(text: str, quote: str) -> tuple[int, int]:
    """Character range of `quote` in `text`, (-1, -1) when it is not there."""
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else (-1, -1)


def same_evidence(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two ranges overlap by at least MIN_OVERLAP of the shorter one."""
    if a[0] < 0 or b[0] < 0:
        return False
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= MIN_OVERLAP * min(a[1] - a[0], b[1] - b[0])


def worst_misses(
    answers: Sequence[AuthoredAnswer], scores: Sequence[float], n: int = 12
) -> list[dict[str, Any]]:
    """The answers whose score is furthest from their label, with their text (shortened)."""
    order = np.argsort([-abs(s - a.level) for a, s in zip(answers, scores, strict=True)], kind="stable")
    out = []
    for i in order[:n]:
        a = answers[int(i)]
        words = a.text.split()
        text = " ".join(words[:90]) + (" …" if len(words) > 90 else "")
        out.append({"id": a.id, "author": a.author, "question": a.question_id, "kind": a.kind,
                    "label": a.level, "score": scores[int(i)], "text": text})  # fmt: skip
    return out
