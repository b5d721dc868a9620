"""Leave-one-author-out in seconds: measure every answer once, then refit the calibration per fold.

The full `mock-interviewer eval calibration` grades every held-out answer through the grader (~5 min);
the overall score depends on the calibration only through the stored measurements, so scoring them
with `RoundBatch.scores` under each fold's fit gives nearly the same figures (it measures every
sentence, the grader only those not touching an injection; no hints). For trying a fitting change:

    python -m evals.loao_fast --cache /tmp/loao-measured.pkl   # measures once, then reuses the file

Answer-level traits (length, depth of reasoning) are recomputed from the text on every run, so a change
to them needs no re-measurement; a change to the embedding-based features needs `--refresh`.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.author_fit import cases, fit_calibration, measure_cases
from evals.author_metrics import agreement
from evals.authored import HOUSE, AuthoredAnswer, load_authored
from evals.calibration_fit import Measured, RoundBatch
from interviewer.grading.evidence import EvidenceAnalyzer
from interviewer.text import split_sentences

FIGURES = ("ordering_accuracy", "qwk", "exact_agreement", "adjacent_agreement", "adjacent_label_ties",
           "bluff_below_solid", "injection_at_or_below_weak")  # fmt: skip


def held_out_scores(measured: Sequence[Measured]) -> list[float]:
    """Every answer's overall score under the calibration fitted without its author."""
    scores: dict[int, float] = {}
    authors = sorted({_author(m) for m in measured})
    for author in authors:
        fitted = fit_calibration([m for m in measured if _author(m) != author and _trains(m)])
        for round_name, cal in fitted.items():
            index = [
                i for i, m in enumerate(measured) if (_author(m), m.answer.round) == (author, round_name)
            ]
            if index:
                batch = RoundBatch([measured[i] for i in index])
                scores.update(zip(index, (float(s) for s in batch.scores(cal)), strict=True))
    return [scores[i] for i in range(len(measured))]


def held_out_figures(measured: Sequence[Measured]) -> dict[str, Any]:
    """The eval's held-out figures (house ladders excluded, as in `eval calibration`)."""
    scores = held_out_scores(measured)
    keep = [i for i, m in enumerate(measured) if _author(m) != HOUSE]
    return agreement([_answer(measured[i]) for i in keep], [scores[i] for i in keep])


def with_fresh_traits(analyzer: EvidenceAnalyzer, measured: Sequence[Measured]) -> list[Measured]:
    """The measurements with their answer-level traits recomputed by the current code."""
    out = []
    for m in measured:
        sentences = [t for t, _, _ in split_sentences(m.answer.text)]
        out.append(replace(m, traits=analyzer.answer_traits(m.answer.text, sentences)) if sentences else m)
    return out


def format_figures(figures: dict[str, Any]) -> str:
    signed = " / ".join(f"{v:+.2f}" for v in figures["signed_error_by_level"].values())
    return " · ".join(f"{name} {figures[name]:.3f}" for name in FIGURES) + f" · signed error {signed}"


def _answer(m: Measured) -> AuthoredAnswer:
    assert isinstance(m.answer, AuthoredAnswer)
    return m.answer


def _author(m: Measured) -> str:
    return _answer(m).author


def _trains(m: Measured) -> bool:
    return _answer(m).trains


def main(argv: Sequence[str] | None = None) -> None:
    """Print the held-out figures of the current fitting code."""
    from interviewer.composition import Components
    from interviewer.settings import SHIPPED_CORPUS, load_settings

    parser = argparse.ArgumentParser(prog="python -m evals.loao_fast", description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="pickle of the measurements, written when missing")
    parser.add_argument("--refresh", action="store_true", help="measure again even when --cache exists")
    args = parser.parse_args(argv)
    grader = Components(load_settings(corpus_dir=SHIPPED_CORPUS)).grader()
    if args.cache and args.cache.exists() and not args.refresh:
        measured = pickle.loads(args.cache.read_bytes())
    else:
        measured = measure_cases(grader, cases(grader.bank, load_authored(grader.bank)))
        if args.cache:
            args.cache.write_bytes(pickle.dumps(measured))
    print(format_figures(held_out_figures(with_fresh_traits(grader.analyzer, measured))))


if __name__ == "__main__":
    main()
