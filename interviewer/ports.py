"""The core's ports: the small interfaces it needs from the outside world, implemented by adapters.

Adapters live outside the core (`ingest/` for embeddings, vector store and retrieval; `interviewer/llm/` for
chat models; `interviewer/store/` for persistence), each with a fake beside it. LLM adapters raise
`interviewer.errors.ProviderError` for every failure of the endpoint (timeout, HTTP error, connection
refused, empty or malformed reply), so callers need to know one exception only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str

    @property
    def dim(self) -> int: ...

    @property
    def max_tokens(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class GuideHit(Protocol):
    """One retrieved chunk: its id, text and metadata (title, section, round, doc_type...)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def metadata(self) -> Mapping[str, str | int | float]: ...


class GuideRetriever(Protocol):
    """Search over the ingested guides, question bank and rubrics."""

    def search(
        self, query: str, *, k: int = 5, round: str | None = None, doc_type: str | None = None
    ) -> Sequence[GuideHit]: ...

    def search_many(
        self, queries: Sequence[str], *, k: int = 5, round: str | None = None, doc_type: str | None = None
    ) -> Sequence[Sequence[GuideHit]]:
        """`search` for each query (one embedding batch for all of them)."""
        ...


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


@dataclass(frozen=True)
class CodeTest:
    """One call of the entry point: `setup` (Python) builds names, `args` is a tuple expression."""

    name: str
    args: str
    setup: str = ""
    time_limit_s: float | None = None
    summary: str = ""  # an expression of `result` returned instead of the result (big outputs)


@dataclass(frozen=True)
class CodeJob:
    """Untrusted code and the calls to make on it. Expected values never enter the sandbox."""

    code: str
    entry: str
    tests: tuple[CodeTest, ...]


@dataclass(frozen=True)
class CallOutcome:
    """What one call returned (as JSON-able data) or raised, and how long it took."""

    name: str
    value: object = None
    error: str | None = None
    seconds: float = 0.0


Verdict = Literal["ok", "error", "timeout", "memory", "output", "crash"]


@dataclass(frozen=True)
class CodeRun:
    """A sandboxed run: each call's outcome, truncated output, resources used and a verdict for the run."""

    verdict: Verdict
    outcomes: tuple[CallOutcome, ...]
    stdout: str = ""
    stderr: str = ""
    message: str | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    max_rss_kb: int = 0


class CodeRunner(Protocol):
    """Runs candidate code in isolation; never raises for anything the code does."""

    name: str

    def run(self, job: CodeJob) -> CodeRun: ...


@dataclass(frozen=True)
class LintFinding:
    """One static-check finding on candidate code."""

    line: int
    code: str
    message: str


class CodeLinter(Protocol):
    """Static checks on candidate code (never runs it); an empty tuple when the checker is unavailable."""

    def lint(self, code: str) -> tuple[LintFinding, ...]: ...
