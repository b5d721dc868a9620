"""The chat-model seam every LLM caller uses (interviewer brain, LLM-mode grader review).

Adapters raise `interviewer.errors.ProviderError` for every failure of the endpoint (timeout, HTTP
error, connection refused, empty or malformed reply), so callers need to know one exception only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One chat message, independent of any vendor library's message type."""

    role: Role
    content: str


class ChatModel(Protocol):
    """A chat-completion model. Both methods raise ProviderError when the endpoint fails."""

    def complete(
        self, messages: list[ChatMessage], *, max_tokens: int | None = None, json_schema: dict | None = None
    ) -> str:
        """The whole reply. With `json_schema`, the reply is constrained to JSON matching it."""
        ...

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        """The reply as text chunks, in order."""
        ...
