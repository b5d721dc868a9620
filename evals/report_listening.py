"""The listening suite's section of the eval report: each metric overall, on the tuning authors and on
the held-out authors, against its issue 11 target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evals.report_format import fmt

METRICS = (
    ("redundant_follow_up_rate", "redundant follow-ups (aimed at a point covered earlier)", "<= 0.02"),
    ("clarifying_answered_same_turn", "clarifying questions answered in the same turn", ">= 0.95"),
    ("key_points_leaked", "key points leaked in any reply", "0"),
    ("off_question_redirected_within_one_turn", "off-question answers redirected within one turn", ">= 0.90"),
    ("false_redirect_rate", "on-question answers redirected", "<= 0.02"),
    ("concept_acks_committed", "concept acknowledgements naming a committed concept", ">= 0.95"),
    ("wrap_up_concept_acks", "concept acknowledgements at the wrap-up", "0"),
)
COUNTS = ("conversations", "candidate_turns", "follow_ups", "clarifying_questions", "off_question_answers",
          "concept_acks", "wrap_ups_judged")  # fmt: skip


def listening_markdown(result: Mapping[str, Any]) -> str:
    """A table of the listening metrics by split, then the counts behind them."""
    splits = ("overall", "tuning", "held_out")
    held = ", ".join(result.get("held_out_authors", [])) or "none"
    lines = [
        f"Scripted conversations with per-turn labels; held-out authors (never used for tuning): {held}.",
        "",
        "| metric | target | overall | tuning | held out |",
        "|---|---|---|---|---|",
    ]
    for key, label, target in METRICS:
        values = " | ".join(fmt(result.get(s, {}).get(key)) for s in splits)
        lines.append(f"| {label} | {target} | {values} |")
    lines += ["", "| count | overall | tuning | held out |", "|---|---|---|---|"]
    for key in COUNTS:
        lines.append(f"| {key} | " + " | ".join(fmt(result.get(s, {}).get(key)) for s in splits) + " |")
    misses = result.get("misses") or []
    if misses:
        lines += ["", "Misses:", *[f"- {m}" for m in misses[:12]]]
    return "\n".join(lines)
