"""Adapter: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server) via langchain-openai.

The only module that imports langchain-openai. `max_tokens` travels in `extra_body` because
`ChatOpenAI(max_tokens=...)` is sent as `max_completion_tokens`, which llama.cpp servers ignore.
Retries are the caller's business (the LLM brain retries with backoff, then falls back offline), so
the client's own retries are off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from interviewer.errors import ConfigError, ProviderError
from interviewer.ports import ChatMessage


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


class OpenAICompatChatModel:
    """ChatModel over an OpenAI-compatible `/v1/chat/completions` endpoint."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "not-needed",
        timeout_s: float = 30.0,
        max_tokens: int = 512,
        temperature: float = 0.3,
        seed: int | None = None,
    ) -> None:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise ConfigError(
                "the llm brain needs langchain-openai: pip install langchain-openai==1.7.3"
            ) from None
        self.base_url = base_url
        self.model = model
        self.max_tokens = max_tokens
        self._llm = ChatOpenAI(
            base_url=base_url,
            api_key=api_key,  # type: ignore[arg-type]
            model=model,
            timeout=timeout_s,
            max_retries=0,
            temperature=temperature,
            seed=seed,
        )

    def _convert(self, messages: list[ChatMessage]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        return [kinds[m.role](content=m.content) for m in messages]

    def _extra_body(self, max_tokens: int | None, json_schema: dict | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"max_tokens": max_tokens or self.max_tokens}
        if json_schema is not None:
            # llama.cpp honours json_object+schema; OpenAI's json_schema type gets HTTP 500 there.
            body["response_format"] = {"type": "json_object", "schema": json_schema}
        return body

    def complete(
        self, messages: list[ChatMessage], *, max_tokens: int | None = None, json_schema: dict | None = None
    ) -> str:
        """The whole reply; ProviderError on any endpoint failure or an empty reply."""
        try:
            result = self._llm.invoke(
                self._convert(messages), extra_body=self._extra_body(max_tokens, json_schema)
            )
        except Exception as exc:  # every endpoint failure becomes one domain error
            raise ProviderError(f"LLM endpoint {self.base_url} failed: {_describe(exc)}") from exc
        text = result.content if isinstance(result.content, str) else ""
        if not text.strip():
            raise ProviderError(f"LLM endpoint {self.base_url} returned an empty reply")
        return text

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        """The reply as text chunks; ProviderError on any endpoint failure (also mid-stream)."""
        produced = False
        try:
            for chunk in self._llm.stream(self._convert(messages), extra_body=self._extra_body(max_tokens)):
                content = chunk.content
                if isinstance(content, str) and content:
                    produced = True
                    yield content
        except Exception as exc:  # every endpoint failure becomes one domain error
            raise ProviderError(f"LLM endpoint {self.base_url} failed: {_describe(exc)}") from exc
        if not produced:
            raise ProviderError(f"LLM endpoint {self.base_url} returned an empty reply")
