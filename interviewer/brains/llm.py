"""The LLM brain: the model rewords the line the engine planned and the offline brain wrote; a validator
decides whether the candidate sees the model's words or the planned line.

Hints, /repeat, /help, unknown commands and the wrap-up stay offline: they must be exact. Every other
move (openings, follow-ups, next questions, and any move added later) is worded from its planned
offline line, so new engine decisions need no code here. A failing endpoint (timeout, HTTP error,
empty output) is retried with exponential backoff; a reply the validator rejects is not retried. Either
way the planned line is said and an event records why (`llm_fallback` or `llm_rejected`). Sentences are
validated as they complete, so a drifting reply is cut early; the line is released once it passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from interviewer.brains.base import Brain, BrainContext, Move
from interviewer.brains.guard import SentenceGuard
from interviewer.brains.prompt import build_messages
from interviewer.brains.validator import LEAK, Plan, TurnValidator
from interviewer.errors import MockInterviewerError, ProviderError
from interviewer.ports import ChatModel, GuideHit, GuideRetriever

OFFLINE_MOVES = frozenset({"hint", "repeat", "help", "unknown_command", "wrap_up"})
BRIDGE_MOVES = frozenset({"opening", "next_question"})  # the question itself follows verbatim
SNIPPET_MOVES = frozenset({"follow_up"})
WORDING_MAX_TOKENS = 80


class UnusableReply(ProviderError):
    """The endpoint answered, but with nothing we can show (empty or cut to nothing)."""


class Rejected(Exception):
    """The validator refused the reply; `reason` is one of `validator.REASONS`."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(reason)
        self.reason, self.text = reason, text


class LLMBrain:
    """ChatModel-backed wording of planned lines, validated, with the planned line as the fallback."""

    name = "llm"

    def __init__(
        self,
        model: ChatModel,
        fallback: Brain,
        retriever: GuideRetriever | None = None,
        *,
        validator: TurnValidator | None = None,
        snippets: int = 0,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        max_tokens: int = WORDING_MAX_TOKENS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.fallback = fallback
        self.retriever = retriever
        self.validator = validator or TurnValidator(None)
        self.snippets = snippets
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_tokens = max_tokens
        self.sleep = sleep

    def author(self, move: Move) -> str:
        """The model words every move but the exact ones (hints, help, repeats, the wrap-up)."""
        return self.fallback.author(move) if move.kind in OFFLINE_MOVES else self.name

    def stream(self, move: Move, ctx: BrainContext) -> Iterator[str]:
        """The validated LLM line for `move`, or the planned offline line (with the reason recorded)."""
        planned_text = "".join(self.fallback.stream(move, ctx)).strip()
        if move.kind in OFFLINE_MOVES:
            yield from _paragraphs(planned_text)
            return
        bridge = move.kind in BRIDGE_MOVES and bool(move.question)
        line = planned_text.replace(move.question or "", "").strip() if bridge else planned_text
        facts = [c.fact for c in move.clarifications if c.fact]
        plan = Plan(line, ctx.secrets(), 0 if bridge else 1, needs_question="?" in line, facts=facts)
        messages = build_messages(
            ctx.state.round, line, answer=move.answer, asks=plan.max_questions > 0,
            snippets=self._snippets(move, ctx),
        )  # fmt: skip
        reason = ""
        for attempt in range(self.max_retries + 1):
            try:
                sentences = self._validated(messages, plan)
            except Rejected as rejected:
                ctx.events.append(("llm_rejected", f"{rejected.reason}: {rejected.text[:200]}"))
                yield from _paragraphs(planned_text)
                return
            except (ProviderError, OSError, ValueError) as exc:
                reason = str(exc)[:300]
                ctx.events.append(("llm_retry", f"attempt {attempt + 1}: {reason}"))
                if attempt < self.max_retries:
                    self.sleep(self.backoff_s * 2**attempt)
                continue
            yield from sentences
            if bridge:
                yield "\n\n" + (move.question or "")
            return
        ctx.events.append(("llm_fallback", reason))
        yield from _paragraphs(planned_text)

    def _validated(self, messages: list, plan: Plan) -> list[str]:
        """The reply's sentences once every one and the whole passed; Rejected at the first failure."""
        guard = SentenceGuard((), max_sentences=8, max_chars=2000)  # role markers cut; leaks: validator
        kept: list[str] = []
        chunks = self.model.stream(messages, max_tokens=self.max_tokens)
        try:
            for chunk in chunks:
                for piece in guard.feed(chunk):
                    self._accept(piece.strip(), kept, plan)
                if guard.stopped:
                    break
            for piece in guard.finish():
                self._accept(piece.strip(), kept, plan)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        reply = " ".join(kept)
        if not reply:
            raise UnusableReply("empty reply")
        reason = self.validator.check_reply(reply, plan)
        if reason is not None:
            raise Rejected(reason, reply)
        return [s if i == 0 else " " + s for i, s in enumerate(kept)]

    def _accept(self, sentence: str, kept: list[str], plan: Plan) -> None:
        reason = self.validator.check_sentence(sentence, kept, plan)
        if reason is not None:
            raise Rejected(reason, " ".join([*kept, sentence]) if reason != LEAK else " ".join(kept))
        kept.append(sentence)

    def _snippets(self, move: Move, ctx: BrainContext) -> Sequence[GuideHit]:
        if self.retriever is None or not self.snippets or move.kind not in SNIPPET_MOVES:
            return []
        query = " ".join(filter(None, [move.target_name, move.probe]))
        try:
            hits = self.retriever.search(query, k=self.snippets, round=ctx.state.round, doc_type="guide")
            return list(hits)[: self.snippets]
        except (MockInterviewerError, OSError, ValueError) as exc:
            ctx.events.append(("retrieval_failed", str(exc)[:200]))
            return []


def _paragraphs(text: str) -> Iterator[str]:
    for i, part in enumerate(text.split("\n\n")):
        yield part if i == 0 else "\n\n" + part
