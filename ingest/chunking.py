"""Header-aware chunking under the embedder's word-piece limit, section path prepended to each chunk."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from ingest.documents import Chunk, Document, Metadata

# The model adds [CLS] and [SEP] around the text: those two count against its 256 positions.
SPECIAL_TOKENS = 2
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
# Metadata field with words BM25 indexes beside a record's text but search never shows (e.g. a bank
# question's model answer): retrieval strips it from hits, the chunk id covers it.
INDEX_ONLY_TEXT = "index_only_text"


class Chunker:
    """Splits Documents into Chunks whose full text (prefix included) fits `limit` word pieces."""

    def __init__(
        self,
        count_tokens: Callable[[str], int],
        *,
        chunk_tokens: int = 200,
        overlap_tokens: int = 30,
        model_max_tokens: int = 256,
    ) -> None:
        self.count_tokens = count_tokens
        self.limit = min(chunk_tokens, model_max_tokens - SPECIAL_TOKENS)
        self.overlap = min(overlap_tokens, self.limit // 4)

    def chunk(self, document: Document) -> list[Chunk]:
        """All chunks of one document, with ids stable for unchanged (source, text)."""
        pieces = [self._fit_record(document)] if document.prechunked else list(self._split(document))
        chunks: list[Chunk] = []
        seen: dict[str, int] = {}
        for index, (section, text) in enumerate(pieces):
            metadata: Metadata = {**document.metadata, "section": section, "chunk_index": index}
            base = chunk_id(document.source, text, str(document.metadata.get(INDEX_ONLY_TEXT, "")))
            seen[base] = seen.get(base, 0) + 1
            cid = base if seen[base] == 1 else f"{base}-{seen[base]}"
            chunks.append(Chunk(id=cid, text=text, metadata=metadata))
        return chunks

    def _fit_record(self, document: Document) -> tuple[str, str]:
        section = str(document.metadata.get("section") or "")
        prefix = f"{document.title} > {section}\n" if section else f"{document.title}\n"
        lines = document.text.split("\n")
        while lines:
            text = prefix + "\n".join(lines)
            if self.count_tokens(text) <= self.limit:
                return section, text
            lines.pop()
        return section, self._truncate(prefix + document.text)

    def _split(self, document: Document) -> Iterable[tuple[str, str]]:
        from langchain_text_splitters import MarkdownHeaderTextSplitter

        splitter = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
        for section_doc in splitter.split_text(document.text):
            path = [str(section_doc.metadata[key]) for _, key in _HEADERS if key in section_doc.metadata]
            if path and path[0] == document.title:
                path = path[1:]
            section = " > ".join(path)
            prefix = " > ".join([document.title, *path]) + "\n\n"
            body = section_doc.page_content.strip()
            if not body:
                continue
            for piece in self._split_body(body, self.limit - self.count_tokens(prefix)):
                yield section, self._truncate(prefix + piece)

    def _split_body(self, body: str, budget: int) -> list[str]:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        budget = max(budget, 16)
        if self.count_tokens(body) <= budget:
            return [body]
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=budget,
            chunk_overlap=min(self.overlap, budget // 4),
            length_function=self.count_tokens,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )
        return [piece.strip() for piece in splitter.split_text(body) if piece.strip()]

    def _truncate(self, text: str) -> str:
        """Last resort for a piece the splitter could not bring under the limit: drop words at the end."""
        if self.count_tokens(text) <= self.limit:
            return text
        words = text.split(" ")
        low, high = 1, len(words)
        while low < high:
            mid = (low + high + 1) // 2
            if self.count_tokens(" ".join(words[:mid])) <= self.limit:
                low = mid
            else:
                high = mid - 1
        return " ".join(words[:low])


def chunk_id(source: str, text: str, index_only: str = "") -> str:
    """Content-addressed id: the same text (and index-only text) from the same source, the same id."""
    normalized = re.sub(r"\s+", " ", f"{text}\x00{index_only}" if index_only else text).strip()
    return hashlib.sha256(f"{source}\x00{normalized}".encode()).hexdigest()[:32]


def chunk_documents(chunker: Chunker, documents: Iterable[Document]) -> list[Chunk]:
    """Chunk many documents (one file's worth), keeping ids unique across them."""
    out: list[Chunk] = []
    seen: set[str] = set()
    for document in documents:
        for chunk in chunker.chunk(document):
            cid, n = chunk.id, 1
            while cid in seen:
                n += 1
                cid = f"{chunk.id}-{n}"
            seen.add(cid)
            out.append(chunk if cid == chunk.id else Chunk(id=cid, text=chunk.text, metadata=chunk.metadata))
    return out
