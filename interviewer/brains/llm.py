"""The LLM brain: words openings, transitions and follow-ups with a chat model, guarded and retried.

Hints, /repeat, /help and the wrap-up stay with the offline brain: they must be exact (the question
verbatim, hints from the rubric) and safe. A failing endpoint (timeout, HTTP error, empty or unusable
output) is retried with exponential backoff; after the last try the offline brain answers the turn
and an `llm_fallback` event is reported. Replies stream sentence by sentence through the leak guard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from interviewer.brains.base import Brain, BrainContext, Move
from interviewer.brains.guard import SentenceGuard
from interviewer.brains.prompt import build_messages
from interviewer.errors import MockInterviewerError, ProviderError
from interviewer.ports import ChatModel, GuideHit, GuideRetriever

LLM_MOVES = frozenset({"opening", "next_question", "follow_up"})
MIN_WORDS = 3


def shown(guard: SentenceGuard) -> bool:
    """Whether `_guarded` has released any text (it holds sentences back until MIN_WORDS words)."""
    return len(guard.text.split()) >= MIN_WORDS


class UnusableReply(ProviderError):
    """The endpoint answered, but with nothing we can show (empty, too short, all of it leaking)."""


class LLMBrain:
    """ChatModel-backed wording with an offline fallback for every turn."""

    name = "llm"

    def __init__(
        self,
        model: ChatModel,
        fallback: Brain,
        retriever: GuideRetriever | None = None,
        *,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        max_tokens: int = 256,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.fallback = fallback
        self.retriever = retriever
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_tokens = max_tokens
        self.sleep = sleep

    def author(self, move: Move) -> str:
        """The model words the asking moves; hints, help, repeats and the wrap-up stay offline."""
        return self.name if move.kind in LLM_MOVES else self.fallback.author(move)

    def stream(self, move: Move, ctx: BrainContext) -> Iterator[str]:
        """Stream the LLM's line for `move`, or the offline brain's after retries run out."""
        if move.kind not in LLM_MOVES:
            yield from self.fallback.stream(move, ctx)
            return
        messages = build_messages(move, ctx, self._chunks(move, ctx))
        reason = ""
        for attempt in range(self.max_retries + 1):
            guard = SentenceGuard(ctx.secrets())
            try:
                yield from self._guarded(messages, guard)
            except (ProviderError, OSError, ValueError) as exc:
                reason = str(exc)[:300]
                if shown(guard):  # part of the line is already on the candidate's screen: finish offline
                    ctx.events.append(("llm_stream_broken", reason))
                    yield "\n\n"
                    yield from self.fallback.stream(move, ctx)
                    return
                ctx.events.append(("llm_retry", f"attempt {attempt + 1}: {reason}"))
                if attempt < self.max_retries:
                    self.sleep(self.backoff_s * 2**attempt)
                continue
            if guard.dropped:
                ctx.events.append(("llm_output_guarded", f"{guard.dropped} sentence(s) removed"))
            if move.kind in ("opening", "next_question") and move.question:
                yield "\n\n" + move.question
            return
        ctx.events.append(("llm_fallback", reason))
        yield from self.fallback.stream(move, ctx)

    def _guarded(self, messages: list, guard: SentenceGuard) -> Iterator[str]:
        """Guarded sentences; held back until the reply has MIN_WORDS words, so a reply that turns
        out unusable never reaches the screen."""
        held: list[str] = []
        chunks = self.model.stream(messages, max_tokens=self.max_tokens)
        try:
            for chunk in chunks:
                for sentence in guard.feed(chunk):
                    held.append(sentence)
                    if len(guard.text.split()) >= MIN_WORDS:
                        yield "".join(held)
                        held = []
                if guard.stopped:
                    break
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        held.extend(guard.finish())
        words = len(guard.text.split())
        if words < MIN_WORDS:
            raise UnusableReply(
                f"unusable reply ({guard.dropped} sentence(s) withheld, {words} word(s) left)"
            )
        if held:
            yield "".join(held)

    def _chunks(self, move: Move, ctx: BrainContext) -> Sequence[GuideHit]:
        if self.retriever is None:
            return []
        query = " ".join(filter(None, [move.question, move.target_name, move.probe]))
        try:
            return list(self.retriever.search(query, k=3, round=ctx.state.round, doc_type="guide"))
        except (MockInterviewerError, OSError, ValueError) as exc:
            ctx.events.append(("retrieval_failed", str(exc)[:200]))
            return []
