"""Fitting the grader's per-round calibration on some authors' answers, to grade the others with.

Measurements (embeddings, key-point scores, criterion features) do not depend on the calibration, so
each answer is measured once and every leave-one-author-out fold fits on the stored measurements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from evals.authored import AuthoredAnswer
from evals.calibration_fit import Measured
from evals.grading_tune import fit_round, measure_text
from interviewer.domain.bank import Bank, Question
from interviewer.domain.rounds import parse_round
from interviewer.grading.citations import CitationModel
from interviewer.grading.evidence import EvidenceAnalyzer
from interviewer.grading.grader import Grader
from interviewer.grading.scoring import RoundCalibration


@dataclass(frozen=True)
class Case:
    """An authored answer with what grading it needs: its bank question (None for free text)."""

    answer: AuthoredAnswer
    question: Question | None


def cases(bank: Bank, answers: Iterable[AuthoredAnswer]) -> list[Case]:
    return [Case(a, None if a.free_text else bank.question(a.question_id)) for a in answers]


def measure_cases(grader: Grader, all_cases: Sequence[Case]) -> list[Measured]:
    """Calibration-free measurements of every case (the slow part: it embeds every sentence)."""
    out = []
    for case in all_cases:
        round_ = parse_round(case.answer.round)
        rubric = grader.bank.rubric_for(case.question, round_)
        reference = grader.reference_questions(round_, case.question, case.answer.question_text)
        points = [p for q in reference for p in q.key_points]
        out.append(measure_text(grader.analyzer, rubric, case.answer, points, case.answer.question_text))
    return out


def fit_calibration(measured: Sequence[Measured]) -> dict[str, RoundCalibration]:
    """Per round, the calibration that best fits these answers' overall labels.

    Pass genuine answers only (`AuthoredAnswer.trains`): bluff and injection answers are left to the
    red flags.
    """
    fitted = {}
    for round_name in sorted({m.answer.round for m in measured}):
        fitted[round_name], _ = fit_round([m for m in measured if m.answer.round == round_name])
    return fitted


def grader_with(
    grader: Grader, calibration: dict[str, RoundCalibration], citations: CitationModel | None = None
) -> Grader:
    """A grader like `grader` (same bank, embedding cache, guides) under another calibration and,
    when given, another citation model."""
    thresholds = replace(
        grader.analyzer.thresholds, rounds={**grader.analyzer.thresholds.rounds, **calibration}
    )
    analyzer = EvidenceAnalyzer(grader.analyzer.cache, thresholds, citations or grader.analyzer.citations)
    return Grader(grader.bank, analyzer, grader.guides.retriever, grader.reviewer)


def main() -> None:
    """Print the shipped `ROUND_CALIBRATION`, fitted on all genuine answers but the house holdout."""
    from evals.authored import load_authored
    from interviewer.composition import Components
    from interviewer.settings import SHIPPED_CORPUS, load_settings

    components = Components(load_settings(corpus_dir=SHIPPED_CORPUS))
    grader = components.grader()
    training = [c for c in cases(grader.bank, load_authored(grader.bank)) if c.answer.trains]
    fitted = fit_calibration(measure_cases(grader, training))
    print("ROUND_CALIBRATION: dict[str, RoundCalibration] = {")
    for round_name, cal in fitted.items():
        weights = ", ".join(f"{w:g}" for w in cal.weights)
        cuts = ", ".join(f"{c:g}" for c in cal.level_cuts)
        print(f'    "{round_name}": RoundCalibration({cal.key_point_low:g}, {cal.key_point_high:g}, '
              f"({weights}), ({cuts})),")  # fmt: skip
    print("}")


if __name__ == "__main__":
    main()
