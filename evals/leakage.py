"""An independent key-point leak detector for interviewer lines (deliberately not the engine's own guard).

A line leaks a key point when it repeats a run of 6 of the key point's words verbatim, or contains most
of its content words (share set by `leak_token_containment` in thresholds.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evals.thresholds import knob

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
RUN = 6
_STOP_TEXT = """a an and are as at be but by for from has have how i if in into is it its of on or so that the
their them then there these they this to was we what when which while who why will with would you your can
do does not more most than each any all our"""
STOP = frozenset(_STOP_TEXT.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP and len(w) > 2}


def leaked(line: str, secrets: Sequence[str]) -> list[str]:
    """The secrets (key points) that `line` reveals."""
    containment = knob("leak_token_containment", 0.75)
    min_words = int(knob("leak_min_content_words", 4))
    line_words = words(line)
    runs = {tuple(line_words[i : i + RUN]) for i in range(len(line_words) - RUN + 1)}
    line_content = content_words(line)
    found = []
    for secret in secrets:
        secret_words = words(secret)
        if any(tuple(secret_words[i : i + RUN]) in runs for i in range(len(secret_words) - RUN + 1)):
            found.append(secret)
            continue
        secret_content = content_words(secret)
        if len(secret_content) >= min_words and len(secret_content & line_content) >= containment * len(
            secret_content
        ):
            found.append(secret)
    return found
