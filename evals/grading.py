"""Grader calibration eval: the answer ladders in `evals/calibration/*.yaml`, graded against their labels.

Metrics (per split: tune, holdout, all): pairwise ordering accuracy within each question's ladder, Spearman
rho and quadratic weighted kappa against the labels, exact and adjacent agreement, the share of adversarial
answers at or below "weak", run-to-run stability and p50/p99 grading latency.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from scipy.stats import spearmanr

from interviewer.composition import Components
from interviewer.errors import CorpusError

if TYPE_CHECKING:
    from interviewer.grading.grader import Grader

CALIBRATION_DIR = Path(__file__).with_name("calibration")
ADVERSARIAL = ("bluff", "off_topic", "gibberish", "empty", "injection")
LADDER = ("strong", "solid", "weak", "minimal")
TARGETS = {
    "ordering_accuracy": 0.95,
    "qwk": 0.75,
    "adjacent_agreement": 0.95,
    "adversarial_at_or_below_weak": 1.0,
    "stability": 1.0,
}
P99_TARGET_MS = 200.0


@dataclass(frozen=True)
class CalibrationAnswer:
    round: str
    question_id: str
    split: str  # tune | holdout
    kind: str  # strong, solid, weak, minimal, bluff, off_topic, gibberish, empty, injection
    level: int
    text: str


def load_calibration(folder: Path = CALIBRATION_DIR) -> list[CalibrationAnswer]:
    """Every labeled answer in the calibration files, in file order."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("items", []):
            split = item.get("split")
            if split not in ("tune", "holdout"):
                raise CorpusError(f"{path}: {item.get('question_id')}: split must be tune or holdout")
            for kind, answer in item["answers"].items():
                out.append(
                    CalibrationAnswer(
                        data["round"],
                        item["question_id"],
                        split,
                        kind,
                        int(answer["level"]),
                        answer["text"] or "",
                    )
                )
    return out


def grade_all(
    grader: Grader,
    answers: Sequence[CalibrationAnswer],
    reports: list[Any] | None = None,
    cpu_times: list[float] | None = None,
) -> tuple[list[float], list[float]]:
    """Overall scores and per-answer latencies (ms) for `answers` (the reports appended to `reports`)."""
    from interviewer.domain.rounds import parse_round
    from interviewer.grading.grader import QuestionAttempt

    scores, latencies = [], []
    for a in answers:
        question = grader.bank.question(a.question_id)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = grader.grade_answer(
            parse_round(a.round), QuestionAttempt(question, question.prompt, [a.text])
        )
        latencies.append((time.perf_counter() - started) * 1000)
        if cpu_times is not None:
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        scores.append(report.overall.score)
        if reports is not None:
            reports.append(report)
    return scores, latencies


def to_level(score: float) -> int:
    """The 1-4 level an overall score rounds to (halves round up)."""
    return int(min(4, max(1, np.floor(score + 0.5))))


def ordering_accuracy(answers: Sequence[CalibrationAnswer], scores: Sequence[float]) -> float:
    """Share of within-question pairs with different labels that the scores order right (ties: half)."""
    by_question: dict[str, list[tuple[int, float]]] = {}
    for a, s in zip(answers, scores, strict=True):
        by_question.setdefault(a.question_id, []).append((a.level, s))
    return pair_agreement(by_question.values())[0]


def pair_agreement(groups: Iterable[Sequence[tuple[int, float]]]) -> tuple[float, float]:
    """Within each group of (label, score): (ordering accuracy over pairs with different labels, ties
    counting half; share of pairs of adjacent labels scored exactly equal)."""
    credit = pairs = ties = adjacent = 0.0
    for items in groups:
        for (la, sa), (lb, sb) in combinations(items, 2):
            if la == lb:
                continue
            pairs += 1
            hi, lo = (sa, sb) if la > lb else (sb, sa)
            credit += 1.0 if hi > lo else 0.5 if hi == lo else 0.0
            if abs(la - lb) == 1:
                adjacent += 1
                ties += hi == lo
    return (credit / pairs if pairs else 1.0), (ties / adjacent if adjacent else 0.0)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (scipy; average ranks for ties); NaN when either side is constant.

    A constant side has no ranking to agree with: the figure says NaN rather than a made-up 0.
    """
    if len(set(x)) < 2 or len(set(y)) < 2:  # checked here so scipy's ConstantInputWarning never fires
        return float("nan")
    return float(spearmanr(x, y).statistic)


def confusion(expected: Sequence[int], predicted: Sequence[int], k: int = 4) -> np.ndarray:
    matrix = np.zeros((k, k))
    for e, p in zip(expected, predicted, strict=True):
        matrix[e - 1, p - 1] += 1
    return matrix


def quadratic_weighted_kappa(expected: Sequence[int], predicted: Sequence[int], k: int = 4) -> float:
    """Cohen's kappa with quadratic weights on levels 1..k."""
    observed = confusion(expected, predicted, k)
    n = observed.sum()
    if n == 0:
        return 0.0
    expected_matrix = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    weights = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    denominator = (weights * expected_matrix).sum()
    return float(1.0 - (weights * observed).sum() / denominator) if denominator else 1.0


def split_metrics(answers: Sequence[CalibrationAnswer], scores: Sequence[float]) -> dict[str, Any]:
    """All agreement metrics for one subset of answers."""
    expected = [a.level for a in answers]
    predicted = [to_level(s) for s in scores]
    adversarial = [to_level(s) <= 2 for a, s in zip(answers, scores, strict=True) if a.kind in ADVERSARIAL]
    diffs = np.abs(np.array(expected) - np.array(predicted))
    return {
        "n_answers": len(answers),
        "n_questions": len({a.question_id for a in answers}),
        "ordering_accuracy": round(ordering_accuracy(answers, scores), 4),
        "spearman": round(spearman(expected, scores), 4),
        "qwk": round(quadratic_weighted_kappa(expected, predicted), 4),
        "exact_agreement": round(float(np.mean(diffs == 0)), 4),
        "adjacent_agreement": round(float(np.mean(diffs <= 1)), 4),
        "adversarial_at_or_below_weak": round(float(np.mean(adversarial)), 4) if adversarial else 1.0,
        "mean_score_by_kind": {
            kind: round(
                float(np.mean([s for a, s in zip(answers, scores, strict=True) if a.kind == kind])), 3
            )
            for kind in (*LADDER, *ADVERSARIAL)
            if any(a.kind == kind for a in answers)
        },
    }


def run_grading_eval(components: Components, *, quick: bool = False) -> dict[str, Any]:
    """Grade every calibration answer twice (stability), report metrics for tune, holdout and all."""
    grader = components.grader()
    answers = load_calibration()
    if quick:
        keep = _quick_subset(answers)
        answers = [a for a in answers if a.question_id in keep]
    warm_up_grader(grader)
    reports: list[Any] = []
    cpu_times: list[float] = []
    # Latency of the first pass: every answer is new text (its sentences are not in the embedding
    # cache), as for a real candidate. The second pass, on cached text, only checks stability.
    first, latencies = grade_all(grader, answers, reports, cpu_times)
    second, repeat_latencies = grade_all(grader, answers)
    stability = float(np.mean([a == b for a, b in zip(first, second, strict=True)]))
    result: dict[str, Any] = {split: _subset(answers, second, split) for split in ("tune", "holdout")}
    result["all"] = split_metrics(answers, second)
    result.update({k: v for k, v in result["all"].items() if k != "mean_score_by_kind"})
    expected = [a.level for a in answers]
    result["confusion_matrix"] = {
        "labels": ["1", "2", "3", "4"],
        "matrix": confusion(expected, [to_level(s) for s in second]).astype(int).tolist(),
    }
    result["stability"] = round(stability, 4)
    result["flag_rate_by_kind"] = _flag_rates(answers, reports)
    result["evidence_quotes_verbatim"] = _verbatim_rate(answers, reports)
    result["latency_ms"] = {
        "p50": round(float(np.percentile(latencies, 50)), 2),
        "p99": round(float(np.percentile(latencies, 99)), 2),
    }
    result["latency_p99_ms"] = result["latency_ms"]["p99"]
    result["repeated_answer_latency_ms"] = {
        "p50": round(float(np.percentile(repeat_latencies, 50)), 2),
        "p99": round(float(np.percentile(repeat_latencies, 99)), 2),
    }
    # Process CPU time (all threads): close to the latency on an idle machine, whatever shares the cores.
    result["cpu_ms"] = {
        "p50": round(float(np.percentile(cpu_times, 50)), 2),
        "p99": round(float(np.percentile(cpu_times, 99)), 2),
    }
    result["targets"] = {**TARGETS, "latency_p99_ms": P99_TARGET_MS}
    result["passed"] = _passed(result)
    result["quick"] = quick
    return result


def warm_up_grader(grader: Grader) -> None:
    """What a server does once at start-up: load the model, run a first inference, embed the bank."""
    from interviewer.domain.rounds import Round
    from interviewer.grading.grader import QuestionAttempt

    grader.prepare()
    warm_up = QuestionAttempt(None, "Tell me about a project.", ["A warm-up answer."])
    grader.grade_answer(Round.BEHAVIORAL, warm_up)


def _flag_rates(answers: Sequence[CalibrationAnswer], reports: Sequence[Any]) -> dict[str, dict[str, float]]:
    """Per answer kind, the share of answers raising each red flag."""
    out: dict[str, dict[str, float]] = {}
    for kind in (*LADDER, *ADVERSARIAL):
        flagged = [r.flags for a, r in zip(answers, reports, strict=True) if a.kind == kind]
        names = sorted({f for flags in flagged for f in flags})
        if flagged:
            out[kind] = {f: round(sum(f in flags for flags in flagged) / len(flagged), 3) for f in names}
    return out


def _verbatim_rate(answers: Sequence[CalibrationAnswer], reports: Sequence[Any]) -> float:
    """Share of evidence quotes (criteria and feedback) that are verbatim substrings of the answer."""
    total = good = 0
    for a, r in zip(answers, reports, strict=True):
        quotes = [e for c in r.criteria for e in c.evidence]
        quotes += [e for item in (*r.feedback.strengths, *r.feedback.gaps) for e in item.evidence]
        total += len(quotes)
        good += sum(q in a.text for q in quotes)
    return round(good / total, 4) if total else 1.0


def _subset(answers: Sequence[CalibrationAnswer], scores: Sequence[float], split: str) -> dict[str, Any]:
    pairs = [(a, s) for a, s in zip(answers, scores, strict=True) if a.split == split]
    if not pairs:
        return {"n_answers": 0}
    return split_metrics([a for a, _ in pairs], [s for _, s in pairs])


def _quick_subset(answers: Sequence[CalibrationAnswer]) -> set[str]:
    """One question per round from each split."""
    keep: dict[tuple[str, str], str] = {}
    for a in answers:
        keep.setdefault((a.round, a.split), a.question_id)
    return set(keep.values())


def _passed(result: dict[str, Any]) -> bool:
    metrics_ok = all(float(result[name]) >= bound for name, bound in TARGETS.items())
    return metrics_ok and float(result["latency_p99_ms"]) < P99_TARGET_MS


def format_grading_table(result: dict[str, Any]) -> str:
    """A plain-text table: one column per split, one row per metric, with the targets."""
    rows = [
        "ordering_accuracy", "spearman", "qwk", "exact_agreement", "adjacent_agreement",
        "adversarial_at_or_below_weak", "n_questions", "n_answers",
    ]  # fmt: skip
    targets = result.get("targets", {})
    lines = [f"{'metric':<30}{'tune':>9}{'holdout':>9}{'all':>9}{'target':>9}"]
    for row in rows:
        cells = [result.get(split, {}).get(row, "") for split in ("tune", "holdout", "all")]
        target = targets.get(row, "")
        lines.append(f"{row:<30}" + "".join(f"{_fmt(c):>9}" for c in cells) + f"{_fmt(target):>9}")
    latency = result.get("latency_ms", {})
    lines.append(f"{'stability (identical reruns)':<30}{_fmt(result.get('stability', '')):>27}{'1':>9}")
    lines.append(
        f"{'latency p50 / p99 (ms)':<30}{latency.get('p50', '')!s:>18} /{latency.get('p99', '')!s:>7}"
    )
    cpu = result.get("cpu_ms", {})
    lines.append(f"{'process CPU p50 / p99 (ms)':<30}{cpu.get('p50', '')!s:>18} /{cpu.get('p99', '')!s:>7}")
    lines.append(f"passed: {result.get('passed')}")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
