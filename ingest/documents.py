"""The ingest pipeline's internal data: documents read from files and the chunks made from them."""

from __future__ import annotations

from dataclasses import dataclass, field

Metadata = dict[str, str | int | float]


@dataclass(frozen=True)
class Document:
    """One readable unit of a file: markdown-ish text plus the metadata every chunk of it inherits.

    `prechunked` documents (a bank question, a rubric criterion) become exactly one record each.
    """

    source: str
    title: str
    text: str
    metadata: Metadata = field(default_factory=dict)
    prechunked: bool = False


@dataclass(frozen=True)
class Chunk:
    """What goes into the vector store: stable id, the embedded text, flat metadata."""

    id: str
    text: str
    metadata: Metadata


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest and the hash of its bytes (the unit of incremental work)."""

    path: str
    content_hash: str
