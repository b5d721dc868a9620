"""The calibration section of the report: per-author table and the evidence note."""

from __future__ import annotations

from typing import Any

from evals.report_calibration import AUTHOR_COLUMNS, calibration_markdown


def _figures(precision: float, recall: float) -> dict[str, Any]:
    out: dict[str, Any] = {c: 0.5 for c in AUTHOR_COLUMNS}
    out.update(evidence_precision=precision, evidence_recall=recall, signed_error_by_level={"4": -0.3},
               quotes_per_criterion=0.8, labels_per_criterion=1.2, multi_criterion_quotes=30,
               multi_criterion_all_labelled=0.6)  # fmt: skip
    return out


def _result(second_pass: dict[str, Any]) -> dict[str, Any]:
    return {
        "held_out": _figures(0.61, 0.42),
        "held_out_with_house": _figures(0.61, 0.42),
        "free_text": _figures(0.5, 0.4),
        "by_author": {"terse-senior": _figures(0.73, 0.2), "house": _figures(None, None)},  # type: ignore[arg-type]
        "by_round": {},
        "targets": {"evidence_precision": 0.85, "evidence_recall": 0.7},
        "second_pass": second_pass,
    }


def test_per_author_evidence_figures_and_the_note_against_the_human_ceiling() -> None:
    ceiling = {"n_answers": 156, "overall": {"exact_agreement": 0.9, "adjacent_agreement": 1.0, "qwk": 0.96},
               "criteria": {"exact_agreement": 0.8, "qwk": 0.9},
               "evidence": {"evidence_precision": 0.77, "evidence_recall": 0.89}}  # fmt: skip
    text = calibration_markdown(_result(ceiling))
    row = next(line for line in text.splitlines() if line.startswith("| terse-senior |"))
    assert row.rstrip(" |").endswith("0.73 | 0.2 | 0.8 | 1.2")
    assert "| house |" in text and "n/a | n/a |" in text
    assert "precision 0.61, recall 0.42, against targets 0.85 / 0.7" in text
    assert "0.8 quotes per criterion and answer, where the labels have 1.2" in text
    assert "30 sentences are quoted under several criteria; 0.6 of them" in text
    assert "Two human labellers agree at precision 0.77, recall 0.89" in text


def test_no_ceiling_sentence_without_a_second_pass() -> None:
    text = calibration_markdown(_result({}))
    assert "No second labelling pass recorded." in text
    assert "Two human labellers" not in text
