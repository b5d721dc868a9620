"""Human-human agreement: a second, independent labelling pass over a sample of the authored answers.

The second labeller saw only the question and the answer text (opaque ids, no first-pass labels);
`second_pass_key.yaml` maps the opaque ids back to the answers. The agreement is the ceiling a
grader can be expected to reach against either labeller.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evals.author_metrics import evidence_overlap
from evals.authored import AUTHORS_DIR, AuthoredAnswer, EvidenceLabel
from evals.grading import quadratic_weighted_kappa

SECOND_PASS = AUTHORS_DIR / "second_pass" / "labels.yaml"
SECOND_PASS_KEY = AUTHORS_DIR / "second_pass" / "key.yaml"


def second_pass_agreement(
    answers: Sequence[AuthoredAnswer], labels: Path = SECOND_PASS, key: Path = SECOND_PASS_KEY
) -> dict[str, Any]:
    """Exact/adjacent agreement and QWK of the two passes, overall and per criterion level."""
    if not labels.exists():
        return {"n_answers": 0, "note": "no second pass recorded"}
    by_id = {a.id: a for a in answers}
    source = yaml.safe_load(key.read_text(encoding="utf-8"))
    first, second, crit_first, crit_second = [], [], [], []
    pairs = []
    for item in yaml.safe_load(labels.read_text(encoding="utf-8"))["answers"]:
        answer = by_id.get(source[item["id"]])
        if answer is None:  # not in this run's subset (quick)
            continue
        first.append(answer.level)
        second.append(int(item["level"]))
        for criterion, level in answer.criteria.items():
            crit_first.append(level)
            crit_second.append(int(item["criteria"][criterion]))
        relabelled = tuple(
            EvidenceLabel(e["quote"], tuple(e["criteria"])) for e in item.get("evidence") or ()
        )
        pairs.append((answer, relabelled))
    if not first:
        return {"n_answers": 0}
    return {
        "n_answers": len(first),
        "overall": _levels(first, second),
        "criteria": _levels(crit_first, crit_second),
        "evidence": evidence_overlap(pairs),
    }


def _levels(first: Sequence[int], second: Sequence[int]) -> dict[str, float]:
    diffs = np.abs(np.array(first) - np.array(second))
    return {
        "exact_agreement": round(float(np.mean(diffs == 0)), 4),
        "adjacent_agreement": round(float(np.mean(diffs <= 1)), 4),
        "qwk": round(quadratic_weighted_kappa(list(first), list(second)), 4),
        "mean_signed_difference": round(float(np.mean(np.array(second) - np.array(first))), 3),
    }
