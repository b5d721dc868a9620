"""ScriptedChatModel: the deterministic fake ChatModel for tests, fed a queue of replies."""

from __future__ import annotations

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
