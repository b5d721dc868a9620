"""Depth of reasoning: how much an answer argues rather than asserts, read from its sentences alone.

What lifts an interview answer from correct to convincing is the same in every round: it weighs
alternatives, says why, puts numbers on its claims, names what could go wrong, says how it would check
itself, and states when its advice holds. Each of those moves is recognised by how it is phrased
(connectives and verbs of checking), never by the topic, so the measure carries over to questions the
bank does not know. It is cheap: regular expressions over sentences the grader has already split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.grading.signals import NUMBER_WITH_UNIT

_REASON = re.compile(
    r"\b(because|since (?!\d)|so that|in order to|which means|that means|this means|meaning that|"
    r"therefore|thus|hence|that's why|this is why|which is why|the reason|due to|as a result|"
    r"leads? to|caus(?:es|ed|ing)|results? in|otherwise)\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(instead of|rather than|versus|vs\.?|compared (?:to|with)|whereas|unlike|on the other hand|"
    r"trade-?offs?|at the (?:cost|expense) of|in exchange for|downsides?|upsides?|the catch|"
    r"(?:better|worse|cheaper|simpler|faster|slower|safer|riskier) than|outweighs?|alternatively|"
    r"the alternative)\b",
    re.IGNORECASE,
)
_RISK = re.compile(
    r"\b(risks?|risky|fail(?:s|ed|ure|ures|ing)?|breaks?|broke|edge cases?|corner cases?|pitfalls?|"
    r"worst case|go(?:es)? wrong|went wrong|caveats?|limitations?|blind spots?|mitigat\w*|"
    r"fall ?back|roll ?back|safeguards?|regress(?:es|ed|ing)?|doesn't work|does not work|won't work|"
    r"watch (?:out|for)|careful)\b",
    re.IGNORECASE,
)
_VALIDATION = re.compile(
    r"\b(measur\w*|validat\w*|verif\w*|a/b tests?|experiments?|benchmark\w*|backtest\w*|"
    r"held[- ]out|holdout|sanity[- ]check\w*|ablat\w*|baselines?|compare[ds]? (?:it |them )?"
    r"(?:against|with)|to (?:check|confirm|test) (?:whether|if|that)|checked (?:whether|if|that)|"
    r"how I(?:'d| would) know|success (?:looks like|means))\b",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"\b(unless|it depends|depends on|only (?:if|when)|as long as|provided that|in which case|"
    r"if (?:the|it|we|you|they|there|that|this)\b.{0,80}\b(?:then|I'd|I would|we'd|we would))",
    re.IGNORECASE,
)
MOVES: dict[str, re.Pattern[str]] = {
    "reason": _REASON,
    "comparison": _COMPARISON,
    "quantity": NUMBER_WITH_UNIT,
    "risk": _RISK,
    "validation": _VALIDATION,
    "condition": _CONDITION,
}
# Kinds of move that make an answer fully broad: a short strong answer rarely makes all six.
BROAD_KINDS = 4
# Moves per sentence at which an answer reads as dense with reasoning.
DENSE_MOVES = 1.5


def sentence_moves(sentence: str) -> set[str]:
    """The kinds of reasoning move `sentence` makes."""
    return {kind for kind, pattern in MOVES.items() if pattern.search(sentence)}


def reasoning_depth(sentences: Sequence[str]) -> float:
    """0..1: half how many kinds of reasoning move the answer makes, half how densely its sentences make
    them (so padding a thin answer with more sentences does not deepen it)."""
    if not sentences:
        return 0.0
    moves = [sentence_moves(s) for s in sentences]
    kinds = set().union(*moves)
    breadth = min(1.0, len(kinds) / BROAD_KINDS)
    density = min(1.0, sum(len(m) for m in moves) / len(moves) / DENSE_MOVES)
    return round(0.5 * breadth + 0.5 * density, 4)
