"""Output guard: keep reference key points and model answers out of anything the candidate sees.

A line leaks a secret when it shares a run of six or more words with it, or repeats most of a long
secret's content words. LLM replies are checked sentence by sentence as they stream, and cut at the
first sign of the model writing the candidate's part or echoing the prompt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from interviewer.domain.bank import Question
from interviewer.text import content_stems, split_sentences, stream_sentence_end, words

RUN = 6
COVERAGE = 0.6
_STOP_MARKERS = re.compile(
    r"(?:^|\n|\s)(?:candidate|user|interviewee|assistant|system)\s*:|<\s*/?\s*candidate|<end_of_turn>|"
    r"<start_of_turn>|##\s|PRIVATE",
    re.IGNORECASE,
)


def leaks(line: str, secrets: Sequence[str]) -> bool:
    """Whether `line` reveals any of `secrets` (verbatim run or most of its content words)."""
    line_words = words(line)
    grams = {tuple(line_words[i : i + RUN]) for i in range(len(line_words) - RUN + 1)}
    content = content_stems(line)
    for secret in secrets:
        secret_words = words(secret)
        if any(tuple(secret_words[i : i + RUN]) in grams for i in range(len(secret_words) - RUN + 1)):
            return True
        secret_content = content_stems(secret)
        if len(secret_content) >= 5 and len(secret_content & content) >= COVERAGE * len(secret_content):
            return True
    return False


def split_secret_sentences(text: str) -> list[str]:
    """A model answer as sentences, so each can be checked on its own."""
    return [s for s, _, _ in split_sentences(text) if len(words(s)) >= 4]


def secrets_of(question: Question | None) -> list[str]:
    """What the candidate must not see before feedback: the key points and the model answer's sentences."""
    if question is None:
        return []
    return [*question.key_points, *split_secret_sentences(question.model_answer)]


class SentenceGuard:
    """Feed streamed chunks in; get back only whole sentences that leak nothing.

    Stops (sets `stopped`) at a role marker, at `max_sentences`, or at `max_chars`.
    """

    def __init__(self, secrets: Sequence[str], *, max_sentences: int = 4, max_chars: int = 700) -> None:
        self.secrets = list(secrets)
        self.max_sentences = max_sentences
        self.max_chars = max_chars
        self.buffer = ""
        self.kept: list[str] = []
        self.dropped = 0
        self.stopped = False

    def feed(self, chunk: str) -> Iterator[str]:
        """Sentences completed by `chunk` that are safe to show (with a leading space after the first)."""
        if self.stopped:
            return
        self.buffer += chunk
        marker = _STOP_MARKERS.search(self.buffer)
        if marker:
            self.buffer = self.buffer[: marker.start()]
            self.stopped = True
        while not self.stopped or self.buffer:
            match = stream_sentence_end(self.buffer)
            if not match:
                break
            sentence, self.buffer = self.buffer[: match.start()], self.buffer[match.end() :]
            yield from self._accept(sentence)
        if self.stopped:
            yield from self._accept(self.buffer)
            self.buffer = ""

    def finish(self) -> Iterator[str]:
        """Whatever is left in the buffer, if safe."""
        rest, self.buffer = self.buffer, ""
        yield from self._accept(rest)

    def _accept(self, sentence: str) -> Iterator[str]:
        sentence = " ".join(sentence.split())
        if not sentence or (self.stopped and len(self.kept) >= self.max_sentences):
            return
        if len(self.kept) >= self.max_sentences or sum(len(s) for s in self.kept) >= self.max_chars:
            self.stopped = True
            return
        if leaks(sentence, self.secrets):
            self.dropped += 1
            return
        out = sentence if not self.kept else " " + sentence
        self.kept.append(sentence)
        yield out

    @property
    def text(self) -> str:
        return " ".join(self.kept)
