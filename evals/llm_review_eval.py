"""The bounded LLM review on the many-author calibration set: does it keep the grade's mechanics, and
does it help or hurt?

Each answer is graded by the evidence layer, then reviewed (`grading/reviewer.py`) by the given model.
Figures: acceptance rate of the proposed changes, ordering accuracy and the ladder rules (bluff below
solid, injection at or below weak) before and after, adversarial answers above weak after review (must
be 0), and whether every changed criterion has its adjustment listed in the report.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from evals.author_calibration import grade
from evals.author_fit import Case, cases
from evals.author_metrics import agreement, ladder_rules
from evals.authored import load_authored
from interviewer.composition import Components
from interviewer.domain.rounds import parse_round
from interviewer.grading.grader import Grader
from interviewer.grading.reviewer import ABOVE_WEAK, LLMReviewer
from interviewer.ports import ChatModel

ADVERSARIAL = ("bluff", "injection")
REJECTED_MARKS = ("LLM score", "dropped quote", "rejected:", "unavailable")


def ladder_subset(all_cases: list[Case], ladders: int | None) -> list[Case]:
    """`ladders` whole ladders (one author's answers to one question) holding an adversarial answer."""
    by_ladder: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in all_cases:
        by_ladder[(case.answer.author, case.answer.question_id)].append(case)
    chosen = [
        group for _, group in sorted(by_ladder.items()) if any(c.answer.kind in ADVERSARIAL for c in group)
    ]
    if ladders is not None:
        step = max(1, len(chosen) // ladders)
        chosen = chosen[::step][:ladders]
    return [c for group in chosen for c in group]


def run_review_eval(components: Components, model: ChatModel, *, ladders: int | None) -> dict[str, Any]:
    """Review figures on `ladders` whole ladders of the calibration set (all of them when None)."""
    started = time.perf_counter()
    bank = components.bank()
    grader = Grader(bank, components.analyzer())
    reviewer = LLMReviewer(model)
    chosen = ladder_subset(cases(bank, load_authored(bank)), ladders)
    answers = [c.answer for c in chosen]
    before, after, accepted, rejected, unlisted, lifted = [], [], 0, 0, 0, 0
    for case in chosen:
        base = grade(grader, case)
        rubric = bank.rubric_for(case.question, parse_round(case.answer.round))
        reviewed = reviewer.review(base, rubric, case.answer.text)
        notes = reviewed.feedback.adjustments[len(base.feedback.adjustments) :]
        accepted += sum(": accepted level" in n for n in notes)
        rejected += sum(any(m in n for m in REJECTED_MARKS) for n in notes)
        changed = [c.id for c, b in zip(reviewed.criteria, base.criteria, strict=True) if c.score != b.score]
        unlisted += sum(not any(n.startswith(f"{cid}:") for n in notes) for cid in changed)
        adversarial = case.answer.kind in ADVERSARIAL
        lifted += adversarial and base.overall.score < ABOVE_WEAK <= reviewed.overall.score
        before.append(base.overall.score)
        after.append(reviewed.overall.score)
    proposals = accepted + rejected
    agree_before, agree_after = agreement(answers, before), agreement(answers, after)
    rules_before, rules_after = ladder_rules(answers, before), ladder_rules(answers, after)
    adversarial_after = [s for a, s in zip(answers, after, strict=True) if a.kind in ADVERSARIAL]
    ordering_kept = agree_after["ordering_accuracy"] >= agree_before["ordering_accuracy"]
    rules_kept = all(
        rules_after[k] >= rules_before[k] for k in ("bluff_below_solid", "injection_at_or_below_weak")
    )
    return {
        "answers": len(chosen),
        "adjustments_accepted": accepted,
        "adjustments_rejected": rejected,
        "acceptance_rate": round(accepted / proposals, 4) if proposals else None,
        "ordering_accuracy_before": agree_before["ordering_accuracy"],
        "ordering_accuracy_after": agree_after["ordering_accuracy"],
        "qwk_before": agree_before["qwk"],
        "qwk_after": agree_after["qwk"],
        "bluff_below_solid_before": rules_before["bluff_below_solid"],
        "bluff_below_solid_after": rules_after["bluff_below_solid"],
        "injection_at_or_below_weak_before": rules_before["injection_at_or_below_weak"],
        "injection_at_or_below_weak_after": rules_after["injection_at_or_below_weak"],
        "adversarial_lifted_above_weak": int(lifted),
        "adversarial_above_weak_after": sum(s >= ABOVE_WEAK for s in adversarial_after),
        "changes_not_listed": unlisted,
        "mechanics_hold": 1 if lifted == 0 and unlisted == 0 else 0,  # a figure the thresholds can check
        "verdict": review_verdict(accepted, ordering_kept=ordering_kept, rules_kept=rules_kept),
        "seconds": round(time.perf_counter() - started, 1),
    }


def review_verdict(accepted: int, *, ordering_kept: bool, rules_kept: bool) -> str:
    """What the figures say about turning review on for this model."""
    if not (ordering_kept and rules_kept):
        return "worse: keep review off for this model"
    if accepted == 0:
        return "no effect: the model proposed no change the reviewer accepted"
    return "keep review on"
