"""Red-flag ids and what each tells the candidate (detected in `grading.redflags`, read in reports)."""

from __future__ import annotations

EMPTY = "empty"
TOO_SHORT = "too-short"
GIBBERISH = "gibberish"
OFF_TOPIC = "off-topic"
BUZZWORD_ONLY = "buzzword-only"
INJECTION = "injection"
NO_KEY_POINTS = "no-key-points"
HARD_CODED = "hard-coded"

FLAG_MESSAGES: dict[str, str] = {
    EMPTY: "The answer is empty.",
    TOO_SHORT: "The answer is too short to show any of what the rubric looks for.",
    GIBBERISH: "The answer does not read as language; it cannot be graded.",
    OFF_TOPIC: "The answer does not address the question asked.",
    BUZZWORD_ONLY: "The answer strings jargon together without a concrete mechanism, number or choice.",
    INJECTION: "The answer tries to instruct the grader; that text was ignored and the score capped.",
    NO_KEY_POINTS: "The answer covers none of the question's key points, so no criterion can reach "
    "Lean Hire: it may answer a more general or a different question.",
    HARD_CODED: "The code is fitted to the visible examples, so the score is capped at weak.",
}
