"""The report's `calibration` section: per-author table, confusion matrix, signed error, worst misses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evals.report_format import fmt

AUTHOR_COLUMNS = (
    "n_answers", "ordering_accuracy", "qwk", "exact_agreement", "adjacent_agreement",
    "max_abs_signed_error", "adjacent_label_ties", "bluff_below_solid", "injection_at_or_below_weak",
    "evidence_precision", "evidence_recall", "quotes_per_criterion", "labels_per_criterion",
)  # fmt: skip


def calibration_markdown(result: Mapping[str, Any]) -> str:
    """Markdown tables for the leave-one-author-out figures (the flat figure table follows them)."""
    header = "| held out | " + " | ".join(c.replace("_", " ") for c in AUTHOR_COLUMNS) + " |"
    lines = [
        "Each author's answers graded with a calibration fitted on the OTHER authors only.",
        "",
        header,
        "|" + "---|" * (len(AUTHOR_COLUMNS) + 1),
    ]
    rows = [("**all new authors**", result["held_out"]), ("all, with house", result["held_out_with_house"]),
            ("free-text questions", result["free_text"])]  # fmt: skip
    rows += [(name, figures) for name, figures in result["by_author"].items()]
    rows += [(f"round {name}", figures) for name, figures in result["by_round"].items()]
    for name, figures in rows:
        cells = ("n/a" if figures.get(c) is None else fmt(figures[c]) for c in AUTHOR_COLUMNS)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "![held-out confusion matrix](calibration_confusion.png)"]
    lines += ["", "Targets: " + ", ".join(f"{k} {fmt(v)}" for k, v in result["targets"].items()), ""]
    lines += _second_pass(result.get("second_pass", {}))
    lines += ["", *_evidence_note(result)]
    errors = result["held_out"]["signed_error_by_level"].items()
    lines += ["", "Signed error (score − label) by label level, held-out authors: "
              + ", ".join(f"{k}: {fmt(v)}" for k, v in errors)]  # fmt: skip
    lines += ["", "### Worst misses", "", "| answer | kind | label | score | text |", "|---|---|---|---|---|"]
    for miss in result.get("worst_misses", []):
        text = miss["text"].replace("|", "/").replace("\n", " ")
        lines.append(f"| {miss['id']} ({miss['question']}) | {miss['kind']} | {miss['label']} | "
                     f"{fmt(miss['score'])} | {text} |")  # fmt: skip
    return "\n".join(lines)


def _second_pass(second: Mapping[str, Any]) -> list[str]:
    if not second.get("n_answers"):
        return ["No second labelling pass recorded."]
    overall, criteria, evidence = second["overall"], second["criteria"], second["evidence"]
    return [
        f"Human-human ceiling (a second, blind labelling pass of {second['n_answers']} answers): overall "
        f"exact {fmt(overall['exact_agreement'])}, adjacent {fmt(overall['adjacent_agreement'])}, "
        f"QWK {fmt(overall['qwk'])}; per criterion exact {fmt(criteria['exact_agreement'])}, "
        f"QWK {fmt(criteria['qwk'])}; evidence precision {fmt(evidence['evidence_precision'])}, "
        f"recall {fmt(evidence['evidence_recall'])} (second pass against the first)."
    ]


def _evidence_note(result: Mapping[str, Any]) -> list[str]:
    """How the quoted evidence was chosen and how far it is from the targets and the human ceiling."""
    held = result["held_out"]
    ceiling = result.get("second_pass", {}).get("evidence", {})
    text = (
        "Evidence (the sentences quoted under each criterion) comes from a per-criterion citation model "
        "(`python -m evals.evidence_fit`); for each held-out author it is trained, and its threshold "
        "chosen, on the other authors only. Held-out evidence precision "
        f"{fmt(held['evidence_precision'])}, recall {fmt(held['evidence_recall'])}, against targets "
        f"{fmt(result['targets']['evidence_precision'])} / {fmt(result['targets']['evidence_recall'])}; "
        f"{fmt(held['quotes_per_criterion'])} quotes per criterion and answer, where the labels have "
        f"{fmt(held['labels_per_criterion'])}. {held['multi_criterion_quotes']} sentences are quoted under "
        f"several criteria; {fmt(held['multi_criterion_all_labelled'])} of them are labelled for each one."
    )
    if ceiling.get("evidence_precision") is not None:
        text += (
            f" Two human labellers agree at precision {fmt(ceiling['evidence_precision'])}, recall "
            f"{fmt(ceiling['evidence_recall'])}: the precision target is above what people reach, and the "
            "deterministic layer stays well below both; the threshold favours precision (F0.5), since a "
            "quote under the wrong criterion costs more trust than a missing one, and a sentence goes under "
            "a second criterion only when the model is as sure of it there as of a quote in general."
        )
    return [text]
