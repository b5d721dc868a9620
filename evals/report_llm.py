"""The `llm` section of the eval report: SmolLM2 next to the scripted good model, the review, the sweep."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evals.report_format import fmt

ROWS = (
    ("interviews", "interviews"),
    ("turns the LLM brain words", "llm_turns"),
    ("LLM-worded share", "llm_worded_share"),
    ("fallen back: by reason", "fallbacks_by_reason"),
    ("key-point leaks", "key_point_leaks"),
    ("repeated main questions", "repeated_questions"),
    ("repeated questions as shown", "repeated_shown_questions"),
    ("turn latency p50 (s)", "turn_latency_p50_s"),
    ("turn latency p99 (s)", "turn_latency_p99_s"),
)
REVIEW = (
    "answers", "acceptance_rate", "ordering_accuracy_before", "ordering_accuracy_after", "qwk_before",
    "qwk_after",
    "bluff_below_solid_before", "bluff_below_solid_after", "injection_at_or_below_weak_before",
    "injection_at_or_below_weak_after", "adversarial_lifted_above_weak", "changes_not_listed", "verdict",
)  # fmt: skip
REVIEWS = (("SmolLM2", "review_smollm2"), ("scripted good judge", "review_scripted_good"),
           ("scripted adversarial judge", "review_scripted_judge"))  # fmt: skip


def _get(result: Mapping[str, Any], section: str, key: str) -> str:
    value = (result.get(section) or {}).get(key)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    return fmt(value)


def llm_markdown(result: Mapping[str, Any]) -> str:
    """Two tables (the LLM path, the review) and the similarity sweep."""
    lines = [
        "| LLM path | SmolLM2-135M-Instruct (llama.cpp, 2 cores) | scripted good model |",
        "|---|---|---|",
    ]
    lines += [
        f"| {label} | {_get(result, 'smollm2', k)} | {_get(result, 'scripted_good', k)} |"
        for label, k in ROWS
    ]
    lines += [
        "",
        "| LLM review | " + " | ".join(name for name, _ in REVIEWS) + " |",
        "|---" * (len(REVIEWS) + 1) + "|",
    ]
    lines += [f"| {k} | " + " | ".join(_get(result, s, k) for _, s in REVIEWS) + " |" for k in REVIEW]
    sweep = result.get("threshold_sweep") or {}
    if sweep.get("rows"):
        in_use = f"On-target similarity threshold in use: {sweep.get('in_use')} (pairs: {sweep.get('pairs')})"
        lines += ["", in_use, "", "| threshold | good rewordings accepted | mismatched plans rejected | "
                  "SmolLM2 on target |", "|---|---|---|---|"]  # fmt: skip
        for r in sweep["rows"]:
            cells = (r["threshold"], r["good_accepted"], r["mismatched_rejected"], r["smollm2_on_target"])
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    judge = result.get("ragas_judge_smollm2") or {}
    if judge:
        lines += ["", f"ragas LLM metrics with SmolLM2 as the judge (report-only): {fmt(dict(judge))}"]
    return "\n".join(lines)
