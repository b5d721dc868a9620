"""Leave-one-author-out grading calibration on the many-author set.

For each author in turn, the grader's per-round calibration is fitted on every OTHER author's answers
only, and that author's answers are graded with it: the held-out figures say how the grader does on
answers written by a hand it was not tuned on. The shipped calibration is fitted on all authors.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from evals.author_fit import Case, cases, fit_calibration, grader_with, measure_cases
from evals.author_metrics import (
    agreement,
    confusion_table,
    evidence_agreement,
    signed_errors,
    worst_misses,
)
from evals.authored import HOUSE, load_authored
from evals.evidence_fit import CitationFits, citation_rows, probe_vector
from evals.second_pass import second_pass_agreement
from interviewer.composition import Components
from interviewer.domain.report import GradeReport
from interviewer.domain.rounds import parse_round
from interviewer.grading.grader import Grader, QuestionAttempt

TARGETS = {
    "ordering_accuracy": 0.95,
    "qwk": 0.80,
    "exact_agreement": 0.60,
    "adjacent_agreement": 0.95,
    "max_abs_signed_error": 0.25,
    "adjacent_label_ties": 0.05,
    "bluff_below_solid": 1.0,
    "injection_at_or_below_weak": 1.0,
    "evidence_precision": 0.85,
    "evidence_recall": 0.70,
}


def run_author_calibration(components: Components, *, quick: bool = False) -> dict[str, Any]:
    """Per held-out author and pooled: agreement with the labels, evidence precision/recall, misses."""
    started = time.perf_counter()
    bank, grader = components.bank(), components.grader()
    answers = load_authored(bank)
    if quick:
        answers = _quick(answers)
    all_cases = cases(bank, answers)
    measured = measure_cases(grader, all_cases)
    authors = sorted({a.author for a in answers})
    citation_fits = CitationFits(citation_rows(grader, all_cases), probe_vector(grader))
    held: dict[str, GradeReport] = {}  # answer id -> its report from the fold that held its author out
    for author in authors:
        train = [m for c, m in zip(all_cases, measured, strict=True) if _trains(c, author)]
        citations = citation_fits.fit(frozenset({author}))
        fold = grader_with(grader, fit_calibration(train), citations)
        for case in (c for c in all_cases if c.answer.author == author):
            held[case.answer.id] = grade(fold, case)
    result = _summary(answers, [held[a.id] for a in answers], authors)
    result["second_pass"] = second_pass_agreement(answers)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["quick"] = quick
    return result


def _trains(case: Case, held_out: str) -> bool:
    return case.answer.author != held_out and case.answer.trains


def grade(grader: Grader, case: Case) -> GradeReport:
    attempt = QuestionAttempt(case.question, case.answer.question_text, [case.answer.text])
    return grader.grade_answer(parse_round(case.answer.round), attempt)


def _summary(answers: list[Any], reports: list[GradeReport], authors: list[str]) -> dict[str, Any]:
    scores = [r.overall.score for r in reports]

    def subset(keep: Sequence[bool]) -> dict[str, Any]:
        chosen = [i for i, k in enumerate(keep) if k]
        sub_a, sub_r = [answers[i] for i in chosen], [reports[i] for i in chosen]
        out = agreement(sub_a, [scores[i] for i in chosen])
        out.update(evidence_agreement(sub_a, sub_r))
        errors = [abs(v) for v in out["signed_error_by_level"].values() if v is not None]
        out["max_abs_signed_error"] = round(max(errors, default=0.0), 3)
        return out

    new_authors = [a.author != HOUSE for a in answers]
    result: dict[str, Any] = {
        "held_out": subset(new_authors),
        "held_out_with_house": subset([True] * len(answers)),
        "free_text": subset([a.free_text for a in answers]),
        "by_author": {name: subset([a.author == name for a in answers]) for name in authors},
        "by_round": {
            r: subset([a.author != HOUSE and a.round == r for a in answers])
            for r in sorted({a.round for a in answers})
        },
        "confusion_matrix": {
            "labels": ["1", "2", "3", "4"],
            "matrix": confusion_table(
                [a for a, k in zip(answers, new_authors, strict=True) if k],
                [s for s, k in zip(scores, new_authors, strict=True) if k],
            ),
        },
        "signed_error_by_level": signed_errors([a.level for a in answers], scores),
        "worst_misses": worst_misses(answers, scores),
        "targets": TARGETS,
        "n_authors": len(authors),
        "n_answers": len(answers),
        "n_questions": len({a.question_id for a in answers}),
        "n_free_text_questions": len({a.question_id for a in answers if a.free_text}),
    }
    result["passed"] = _passed(result["held_out"])
    return result


def _passed(figures: dict[str, Any]) -> bool:
    upper = {"max_abs_signed_error", "adjacent_label_ties"}
    return all(
        (figures[name] <= bound) if name in upper else (figures[name] >= bound)
        for name, bound in TARGETS.items()
    )


def _quick(answers: list[Any]) -> list[Any]:
    """CI subset: for every author, one full ladder (strong ... injection) per round."""
    ladders = {(a.author, a.round, a.question_id) for a in answers if a.kind in ("bluff", "injection")}
    first: dict[tuple[str, str], str] = {}
    for author, round_, question_id in sorted(ladders):
        first.setdefault((author, round_), question_id)
    return [a for a in answers if first.get((a.author, a.round)) == a.question_id]
