"""Which concept an acknowledgement may name: one the candidate committed to, not one merely mentioned.

"So X is part of your plan" is only fair when the candidate said they would do X. A concept in a
sentence that negates, dismisses or hedges it ("a few hours of latency is fine", "we don't need
embeddings", "maybe a transformer") or that asks about it is not a commitment; then the brain uses a
neutral transition instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from interviewer.brains.phrasing import concepts_in
from interviewer.interview.listening import asks
from interviewer.text import split_sentences

_NOT_COMMITTED = re.compile(
    r"\b(?:not|no|never|don't|do not|doesn't|does not|won't|wouldn't|isn't|aren't|shouldn't|can't|cannot|"
    r"without|instead of|rather than|skip|skipping|avoid|ignore|overkill|unnecessary|fine|okay|ok|"
    r"maybe|perhaps|might|not sure|no idea|unsure|irrelevant|doesn't matter|less important|out of scope|"
    r"neither|nor|forget|drop|dropped|unlike|versus|vs)\b",
    re.IGNORECASE,
)
_COMMITTING = re.compile(
    r"\b(?:i|we|i'd|we'd|i'll|we'll|i'm|we're|my|our|let's|would|will|going to|plan|start|use|train|add|"
    r"build|serve|track|measure|monitor|run|pick|choose|set|keep|watch|compute|store|log|retrain|deploy|"
    r"then|first|next)\b",
    re.IGNORECASE,
)


def committed_concepts(answer: str, terms: Iterable[str] = ()) -> list[str]:
    """Concepts named in sentences that commit to them, in order of appearance (candidate's casing)."""
    extra = tuple(terms)
    found: list[str] = []
    for sentence, _, _ in split_sentences(answer):
        if asks(sentence) or _NOT_COMMITTED.search(sentence) or not _COMMITTING.search(sentence):
            continue
        for concept in concepts_in(sentence, extra):
            if concept.lower() not in {c.lower() for c in found}:
                found.append(concept)
    return found


def concept_to_acknowledge(answer: str, terms: Iterable[str], avoid: str, pick: int) -> str | None:
    """The concept to name (among the first three committed ones not named in `avoid`), or None."""
    avoid_lower = avoid.lower()
    fresh = [c for c in committed_concepts(answer, terms) if c.lower() not in avoid_lower]
    return fresh[pick % min(len(fresh), 3)] if fresh else None
