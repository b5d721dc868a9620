"""The LLM seam: a tiny ChatModel protocol, the OpenAI-compatible adapter and a scripted fake."""

from interviewer.llm.base import ChatMessage, ChatModel

__all__ = ["ChatMessage", "ChatModel"]
