"""Natural, varied interviewer lines for the offline brain (templates picked by a seeded RNG).

Acknowledgements reflect what the candidate said (a concept they named) without judging it: no
"great answer", no score. All templates are our own words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

from interviewer.text import STOPWORDS

ROUND_LABELS = {
    "ml-system-design": "ML system design",
    "behavioral": "behavioral",
    "case-study": "case study",
    "ml-depth": "ML depth",
}
ROUND_ARTICLES = {"ml-system-design": "an", "behavioral": "a", "case-study": "a", "ml-depth": "an"}

OPENINGS = (
    "Hi, thanks for joining. This is the {round} round{company}; we have {count} to get through. "
    "Type /help any time to see the commands.\n\nLet's start. {question}",
    "Hello! I'll be your interviewer for the {round} round{company}. We'll cover {count}, with a few "
    "follow-ups along the way (/help lists the commands).\n\n{question}",
    "Welcome. Today is {article} {round} round{company}: {count}, and I'll dig into your answers as we go. "
    "Commands are listed under /help.\n\nHere is the first one. {question}",
)
NEXT_QUESTION = (
    "{ack}Let's move on to the next question. {question}",
    "{ack}I'd like to switch topics now. {question}",
    "{ack}Good place to pause that one. Next question: {question}",
    "{ack}Let's turn to something different. {question}",
)
FOLLOW_UP = (
    "{ack}{probe}",
    "{ack}Let me dig into one thing. {probe}",
    "{ack}I'd like to go a bit deeper. {probe}",
    "{ack}Building on that: {probe}",
    "{ack}A follow-up: {probe}",
)
ACK_WITH_CONCEPT = (
    "You mentioned {concept}. ",
    "So {concept} is part of your plan. ",
    "Noted on {concept}. ",
    "Thanks. You brought up {concept}. ",
    "OK, you're thinking about {concept}. ",
)
ACK_PLAIN = ("Thanks. ", "OK. ", "Got it. ", "Understood. ", "Noted. ")
WRAP_UP = (
    "{ack}That's all the time we have. Thank you for working through this with me.",
    "{ack}Let's stop there; that was the last question. Thanks for your time.",
    "{ack}We're at time, so let's wrap up here. Thanks for talking it through.",
)
WRAP_UP_EARLY = (
    "{ack}Sure, let's stop here. Thanks for your time today.",
    "{ack}Of course, we can end here. Thank you for working through it with me.",
    "{ack}No problem, let's wrap up now. Thanks for talking it through.",
)
FACT_LABELS = {
    "scale": "scale",
    "latency": "latency",
    "data": "the data",
    "team": "the team",
    "constraints": "constraints",
    "out_of_scope": "scope",
    "context": "that",
}
FACT_ANSWER = (
    "On {label}: {fact_lower} ",
    "For {label}, {fact_lower} ",
)
YOUR_CALL = (
    "On {label}: that's your call. State your assumption and go with it. ",
    "I'll leave {label} to you: state your assumption and carry on. ",
)
CLARIFY_HANDBACK = (
    "Go ahead when you're ready.",
    "Over to you.",
    "With that, how would you approach it?",
)
REDIRECT = (
    "I think that answer is about a different problem from the one I asked, so let me bring us back. "
    "The question is: {question}",
    "Let me stop you there: that sounds like a neighbouring problem rather than this one. "
    "Back to the question: {question}",
)
PHASE_NUDGE = (
    "We've spent a while on this part; let's talk about {phase}. ",
    "In the interest of time, let's move on to {phase}. ",
)
WRAP_UP_TIME = (
    "{ack}We've reached the time box for this session, so let's stop here. Thanks for your time.",
    "{ack}That's our time. Thanks for working through it with me.",
)
HINT = (
    "Here's a nudge: {hint}",
    "A hint, then: {hint}",
    "One direction to consider: {hint}",
)
HINT_EXHAUSTED = (
    "I've given you all the nudges I have for this one. Take your best shot, or /skip to move on.",
    "That's as far as I can hint on this question. Give it a go, or type /skip.",
)
REPEAT = (
    "Sure, here it is again: {question}",
    "Of course. The question was: {question}",
    "No problem. {question}",
)
REPEAT_FOLLOW_UP = (
    "Sure. My last question was: {probe}",
    "Of course, I asked: {probe}",
)
SKIP_ACK = ("No problem, let's skip that one. ", "OK, we'll leave that question. ", "Fine, moving on. ")
UNKNOWN_COMMAND = "I don't know that command. "
INJECTION_NOTE = (
    "I'll keep the reference answer for the feedback at the end; let's stay with the question. ",
    "I can't share the model answer during the interview, but let's keep going. ",
)
HELP = (
    "Commands: /hint for a nudge (hints are noted in your feedback), /repeat to hear the current "
    "question again, /skip to move to the next question, /end to finish and get your feedback, "
    "/help for this list. Anything else you type is your answer."
)

# Concepts an acknowledgement can name; matched case-insensitively, echoed in the candidate's own casing.
ML_TERMS = (
    "precision",
    "recall",
    "f1",
    "auc",
    "ndcg",
    "a/b test",
    "click-through rate",
    "ctr",
    "feature store",
    "embeddings?",
    "two-tower",
    "gradient boost(?:ed|ing)(?: trees)?",
    "xgboost",
    "logistic regression",
    "cold start",
    "latency",
    "drift",
    "calibration",
    "class imbalance",
    "negative sampling",
    "cross-validation",
    "regularization",
    "dropout",
    "batch norm(?:alization)?",
    "attention",
    "transformers?",
    "caching",
    "retraining",
    "monitoring",
    "canary",
    "shadow mode",
    "baseline",
    "label noise",
    "data leakage",
    "stakeholders?",
    "deadline",
    "roi",
    "kpis?",
    "guardrails?",
    "holdout",
    "learning rate",
    "overfitting",
    "bias",
    "variance",
    "sharding",
    "approximate nearest neighbou?r",
    "ann index",
    "quantization",
    "distillation",
    "fine-tuning",
    "backpropagation",
    "gradient descent",
    "loss function",
    "cross-entropy",
    "softmax",
    "p99",
    "qps",
    "throughput",
    "batch inference",
    "real-time",
    "feedback loop",
    "retention",
    "conversion",
    "revenue",
    "churn",
    "pilot",
    "rollout",
    "experiment",
    "sample size",
    "confidence interval",
)


def pick(rng: random.Random, options: Sequence[str]) -> str:
    """One option, chosen by the session's seeded RNG."""
    return options[rng.randrange(len(options))]


def count_phrase(count: int) -> str:
    return "one main question" if count == 1 else f"{count} main questions"


def concepts_in(text: str, extra_terms: Iterable[str] = ()) -> list[str]:
    """Concepts the candidate named, in the order they appear, in the candidate's own casing."""
    extra = sorted({re.escape(t) for t in extra_terms if _usable_term(t)}, key=lambda t: (-len(t), t))
    terms = [*extra, *ML_TERMS]
    pattern = re.compile(r"\b(?:" + "|".join(terms) + r")\b", re.IGNORECASE)
    found: list[str] = []
    for match in pattern.finditer(text):
        concept = match.group(0)
        if concept.lower() not in {c.lower() for c in found}:
            found.append(concept)
    return found


# A keyword starting with one of these is a clause, not a concept ("so that", "after launch").
_LEADING_STOP = STOPWORDS | {"after", "before", "less", "every", "per", "instead", "rather"}
_TRAILING_STOP = STOPWORDS | {"than", "of", "to"}
_GENERIC_TEXT = """problem model team launch project goal data result results impact users user customers risk
    priority context situation decision decided approach metric metrics cost revenue time plan"""
_GENERIC = frozenset(_GENERIC_TEXT.split())


def _usable_term(term: str) -> bool:
    """Rubric keywords that read well as "You mentioned X": technical noun phrases, not fillers."""
    words = term.lower().split()
    if not words or len(term) < 3 or words[0] in _LEADING_STOP or term.lower() in _GENERIC:
        return False
    if words[-1] in _TRAILING_STOP:
        return False
    if words[0].endswith(("ed", "ing", "ify", "ize")) and len(words) > 1:
        return False
    return len(words) > 1 or term.isupper() or any(ch.isdigit() or ch == "-" for ch in term)


def _as_mentioned(concept: str) -> str:
    """The candidate's words, with a sentence-initial capital dropped ("After launch" -> "after launch")."""
    first = concept.split()[0]
    if first[:1].isupper() and first[1:].islower():
        return concept[0].lower() + concept[1:]
    return concept


def clarification_answer(rng: random.Random, topic: str, fact: str | None) -> str:
    """The interviewer's answer to one clarifying question: the fact, or "your call"."""
    label = FACT_LABELS.get(topic, "that")
    if fact is None:
        return pick(rng, YOUR_CALL).format(label=label)
    template = pick(rng, FACT_ANSWER)
    return template.format(label=label, fact=fact, fact_lower=fact[0].lower() + fact[1:])


def acknowledge_concept(rng: random.Random, concept: str | None) -> str:
    """An acknowledgement naming a concept the candidate committed to, or a neutral transition."""
    if concept is None:
        return pick(rng, ACK_PLAIN)
    return pick(rng, ACK_WITH_CONCEPT).format(concept=_as_mentioned(concept))
