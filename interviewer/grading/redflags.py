"""Red flags that cap a grade whatever else the answer contains: empty, too short, gibberish, off-topic,
buzzword-only, attempts to instruct the grader, and (bank questions) none of the key points covered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.domain.flags import (
    BUZZWORD_ONLY,
    EMPTY,
    GIBBERISH,
    INJECTION,
    NO_KEY_POINTS,
    OFF_TOPIC,
    TOO_SHORT,
)
from interviewer.text import hyphenated_words, split_sentences, tokens

# Highest criterion level a flagged answer may reach (1 = the bottom).
FLAG_CAPS: dict[str, int] = {
    EMPTY: 1,
    TOO_SHORT: 1,
    GIBBERISH: 1,
    OFF_TOPIC: 1,
    BUZZWORD_ONLY: 1,
    INJECTION: 1,
    NO_KEY_POINTS: 2,
}


# The one prompt-injection rule set. Text addressed to the grader: the answer is flagged and capped.
_GRADER_INJECTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|your|the)\b"
    r"[^.!?\n]{0,20}\b(instructions?|prompts?|rules?|rubric|guidelines?)",
    r"\bas (the|an|my) (ai |automated |llm )?(grader|evaluator|judge|assessor|scorer|scoring model)\b",
    r"\b(dear|attention|note to (the )?|hey) (grader|evaluator|judge|assessor|ai|model|llm|reviewer)\b",
    r"\b(this|my) answer (deserves|should (get|receive|be (given|scored|rated)))\b",
    r"\b(system prompt|you are now|new instructions|developer mode|jailbreak)\b",
    r"\b(grader|evaluator|scoring (model|system)|the rubric)\b[^.!?\n]{0,30}\b(must|should|will|has to)\b"
    r"[^.!?\n]{0,30}\b(score|rate|grade|give|mark|pass)\b",
]
# A sentence that speaks to whoever grades the answer, and asks (there or in the next sentence) for an
# outcome (a score, a level, full marks), is an instruction to the grader however it is worded. A number
# beside "rate" or "score" alone is not: technical answers are full of learning rates, scores and top-10s.
# (A reviewer or judge is the grader only when addressed: "Reviewer: ...", not "the reviewer's history".)
_EVALUATOR = re.compile(
    r"\b(?:grader|evaluator|assessor|scorer|marker|examiner|interview panel|hiring committee|"
    r"(?:scoring|grading|assessment|evaluation) (?:model|pipeline|system|engine|note|guidance|instructions?)|"
    r"^\W*(?:dear |hey )?(?:reviewer|judge)\s*[:,]|note to (?:the )?(?:reviewer|judge)|"
    r"whoever (?:grades|scores|evaluates|marks|reads|assesses)|"
    r"(?:ai|llm|automated|language model)\b[^.!?\n]{0,25}\b(?:reading|grading|scoring|evaluating|reviewing)|"
    r"if you are an? (?:ai|llm|automated|language model|model))(?!\w)",
    re.IGNORECASE | re.MULTILINE,
)
_OUTCOME = re.compile(
    r"(?<![\w.])(?:[1-5](?:\s*/\s*[45])?|four|five)(?![\w%]|\.\d)|"
    r"\b(?:full marks?|(?:top|maximum|perfect) (?:score|marks?)|highest (?:score|level)|"
    r"strong hire|exemplary|regardless of (?:the )?content)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\b(?:(?:score|grade|rate|mark|label|output|record|assign|award|treat|count)(?:s|d|ed)?|"
    r"level|put|give|given|receive|get|pass|read)\b",
    re.IGNORECASE,
)


def _grader_requests(text: str) -> list[tuple[int, int]]:
    """Sentences addressed to the grader that ask for an outcome, with the next one where it asks."""
    sentences = split_sentences(text)
    spans = []
    for i, (sentence, start, _) in enumerate(sentences):
        if not _EVALUATOR.search(sentence):
            continue
        for asked, _, asked_end in sentences[i : i + 2]:
            if _OUTCOME.search(asked) and _REQUEST.search(asked):
                spans.append((start, asked_end))
                break
    return spans


# Text that asks the interviewer for what stays private until feedback, or to drop its rules: the
# interviewer declines with a notice but nothing is capped (an answer may well speak of its "key points").
_INTERVIEWER_INJECTION_PATTERNS = [
    r"ignore (?:all |any |your |the |previous |prior )*(?:instructions|rules)",
    r"disregard (?:the |your )?(?:rules|instructions)",
    r"(?:model|reference|correct) answer|key points",
]


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_GRADER_INJECTION = _any_of(_GRADER_INJECTION_PATTERNS)
_INTERVIEWER_INJECTION = _any_of(_INTERVIEWER_INJECTION_PATTERNS)

# Hype vocabulary: words that sound like an answer without being one.
_HYPE_TEXT = """leverage leveraging leverages synergy synergies synergistic cutting-edge state-of-the-art
    holistic
    paradigm seamless seamlessly next-generation next-gen world-class best-in-class game-changer game-changing
    disruptive innovative innovation robust robustness scalable scalability end-to-end ai-driven ai-powered
    data-driven cloud-native revolutionary transformative transform empower empowering streamline streamlined
    optimize optimized optimizing optimal ecosystem frictionless agile blockchain quantum hyper-personalized
    future-proof mission-critical enterprise-grade turnkey bleeding-edge visionary impactful actionable
    insights
    intelligent smart advanced powerful sophisticated comprehensive modern unlock unlocking harness harnessing
    supercharge 360 big buzz ecosystem"""
HYPE_TERMS = frozenset(_HYPE_TEXT.split())
_MECHANISM = re.compile(
    r"\b(because|so that|which means|by (computing|using|taking|sampling|splitting|adding|caching|storing|"
    r"training|comparing|measuring)|instead of|rather than|at the cost of|for example|e\.g\.|such as|"
    r"if|when|unless|then|per|divided|times|multiply|formula|compute|computes|equals?)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|ms|s|k|m|b|x|gb|tb|mb|qps|rps|users?|days?|hours?|weeks?)?\b", re.I
)


@dataclass(frozen=True)
class FlagInputs:
    """Measurements the flag rules need, computed once by the analyzer."""

    text: str
    topicality: float  # similarity of the answer to the question (0..1)
    pieces_per_word: float  # word pieces per word; gibberish splits into many
    covered_key_points: int


@dataclass(frozen=True)
class FlagThresholds:
    min_words: int = 20  # fewer distinct words than this cannot evidence any criterion
    off_topic_below: float = 0.25
    gibberish_pieces_per_word: float = 2.2
    gibberish_vowelless_fraction: float = 0.3
    buzzword_min_hype: int = 4
    buzzword_hype_density: float = 0.06
    buzzword_max_concrete: int = 2


def detect_flags(inputs: FlagInputs, limits: FlagThresholds) -> tuple[str, ...]:
    """All red flags raised by `inputs`, in a fixed order; injection is not one of them.

    Injection is found on the answer as written (`injection_spans`), where its lines and sentences
    still end where the candidate ended them: text joined from sentences reads a bulleted answer as one
    long sentence, in which a word like "graders" and a number far apart would look like a request.
    """
    words = tokens(inputs.text)
    if not words:
        return (EMPTY,)
    flags: list[str] = []
    if is_gibberish(words, inputs.pieces_per_word, limits):
        flags.append(GIBBERISH)
    elif len(words) < limits.min_words:
        flags.append(TOO_SHORT)
    if GIBBERISH not in flags and inputs.topicality < limits.off_topic_below:
        flags.append(OFF_TOPIC)
    if is_buzzword_only(inputs.text, words, inputs.covered_key_points, limits):
        flags.append(BUZZWORD_ONLY)
    return tuple(flags)


def injection_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of text that addresses the grader instead of the interviewer."""
    spans = [(m.start(), m.end()) for m in _GRADER_INJECTION.finditer(text)]
    return sorted(spans + _grader_requests(text))


def is_injection(text: str) -> bool:
    """Whether text tries to instruct the grader or the interviewer (who then declines with a notice)."""
    return _INTERVIEWER_INJECTION.search(text) is not None or bool(injection_spans(text))


def is_gibberish(words: list[str], pieces_per_word: float, limits: FlagThresholds) -> bool:
    """Keyboard mash and random strings: words the tokenizer shreds, or words with no vowels."""
    alpha = [w for w in words if w.isalpha() and len(w) > 2]
    if not alpha:
        return not any(w.isdigit() for w in words) or len(words) > 3
    vowelless = sum(1 for w in alpha if not re.search(r"[aeiouy]", w)) / len(alpha)
    return (
        pieces_per_word >= limits.gibberish_pieces_per_word
        or vowelless >= limits.gibberish_vowelless_fraction
    )


def concreteness(text: str) -> int:
    """Count of concrete anchors: numbers and mechanism/choice connectives."""
    return len(_NUMBER.findall(text)) + len(_MECHANISM.findall(text))


def hype_count(words: list[str], text: str) -> int:
    hyphenated = hyphenated_words(text)
    return sum(1 for w in words if w in HYPE_TERMS) + sum(1 for h in hyphenated if h in HYPE_TERMS)


def is_buzzword_only(text: str, words: list[str], covered_key_points: int, limits: FlagThresholds) -> bool:
    """Many hype terms, few concrete anchors, and next to no key point actually covered."""
    hype = hype_count(words, text)
    if hype < limits.buzzword_min_hype or hype / max(len(words), 1) < limits.buzzword_hype_density:
        return False
    anchors_per_100 = 100 * concreteness(text) / max(len(words), 1)
    return anchors_per_100 <= limits.buzzword_max_concrete * 2 or covered_key_points <= 1
