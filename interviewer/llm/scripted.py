"""ScriptedChatModel: the deterministic fake ChatModel for tests, fed a queue of replies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from interviewer.errors import ProviderError
from interviewer.ports import ChatMessage


@dataclass(frozen=True)
class FailAfter:
    """A scripted reply that streams `text` and then fails with `error` (a mid-stream failure)."""

    text: str
    error: BaseException


ScriptItem = str | BaseException | FailAfter


class ScriptedChatModel:
    """Replies from a queue: a str is returned (or streamed word by word), an exception is raised.

    Every call's messages are kept in `calls` so tests can assert on prompt content.
    When the queue is empty, `default` is used; with no default a ProviderError is raised.
    """

    def __init__(self, replies: Iterable[ScriptItem] = (), *, default: str | None = None) -> None:
        self.queue: list[ScriptItem] = list(replies)
        self.default = default
        self.calls: list[list[ChatMessage]] = []
        self.max_tokens_seen: list[int | None] = []

    def push(self, *items: ScriptItem) -> None:
        """Add replies to the end of the queue."""
        self.queue.extend(items)

    def _next(self, messages: list[ChatMessage], max_tokens: int | None) -> ScriptItem:
        self.calls.append(list(messages))
        self.max_tokens_seen.append(max_tokens)
        if self.queue:
            return self.queue.pop(0)
        if self.default is not None:
            return self.default
        raise ProviderError("scripted chat model: no reply left in the script")

    def complete(
        self, messages: list[ChatMessage], *, max_tokens: int | None = None, json_schema: dict | None = None
    ) -> str:
        """Return the next scripted reply (a FailAfter raises its error)."""
        item = self._next(messages, max_tokens)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, FailAfter):
            raise item.error
        return item

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        """Yield the next scripted reply in word-sized chunks."""
        item = self._next(messages, max_tokens)
        if isinstance(item, BaseException):
            raise item
        text = item.text if isinstance(item, FailAfter) else item
        yield from re.findall(r"\S+\s*|\s+", text)
        if isinstance(item, FailAfter):
            raise item.error


_PLANNED = re.compile(r'Line: "(.*)"\s*$', re.DOTALL)
_CRITERION = re.compile(r"^- (\S+) \(evidence level (\d|none)\)", re.MULTILINE)


class GoodScriptedModel:
    """A scripted stand-in for a capable instruction-tuned model, to measure the LLM path's ceiling.

    Wording prompts (`brains/prompt.py`): it rewords the planned line the way a good model would: a new
    neutral opening and the planned question kept, or, for a bridge, the same sentences with a new opener.
    Review prompts (`grading/reviewer.py`): it proposes the evidence level for each criterion, one level
    up for the first one, quoting the answer's first sentence.
    `adversarial=True` makes it a bad judge instead: level 4 everywhere, with one invented quote.
    """

    def __init__(self, *, adversarial: bool = False) -> None:
        self.adversarial = adversarial

    def complete(
        self, messages: list[ChatMessage], *, max_tokens: int | None = None, json_schema: dict | None = None
    ) -> str:
        """The scripted reply to the last user message."""
        user = messages[-1].content
        if json_schema is not None:
            return self._review(user)
        return self._reword(user)

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        """The same reply in word-sized chunks."""
        yield from re.findall(r"\S+\s*|\s+", self.complete(messages, max_tokens=max_tokens))

    def _reword(self, user: str) -> str:
        match = _PLANNED.search(user)
        planned = match.group(1).strip() if match else ""
        sentences = re.split(r"(?<=[.!?:])\s+", planned)
        question = next((s for s in reversed(sentences) if s.endswith("?")), "")
        if question:
            return f"Thanks, that helps me follow your approach. {question}"
        # A bridge: the same sentences with a new opening word, never one sentence more.
        first, *rest = [s for s in sentences if s] or [""]
        opener = "Thank you." if len(first.split()) <= 2 else first.replace("Hi,", "Hello,", 1)
        return " ".join([opener, *rest]).strip()

    def _review(self, user: str) -> str:
        answer = user.split("Answer:\n", 1)[-1]
        first = re.split(r"(?<=[.!?])\s+", answer.strip())[0]
        criteria = []
        for i, (cid, level) in enumerate(_CRITERION.findall(user)):
            base = int(level) if level.isdigit() else 2
            if self.adversarial:
                criteria.append({"id": cid, "score": 4, "quotes": [first, "an outstanding answer overall"]})
            else:
                criteria.append({"id": cid, "score": min(4, base + (i == 0)), "quotes": [first]})
        return json.dumps({"criteria": criteria})
