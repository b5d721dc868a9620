"""Search over an ingested collection: dense (Chroma), BM25, or both fused on normalised scores."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.bm25 import BM25Index, content_key
from ingest.chunking import INDEX_ONLY_TEXT
from ingest.exact_dense import EXACT_MAX_RECORDS, ExactDense
from ingest.pipeline import bm25_path, ensure_ingested
from ingest.store import StoredRecord, VectorStore, Where
from interviewer.domain.rounds import ROUND_NAMES
from interviewer.errors import CorpusError, InputError
from interviewer.ports import Embedder
from interviewer.settings import Settings

Method = Literal["dense", "bm25", "hybrid"]
Fusion = Literal["score", "rrf"]
DOC_TYPES = ("guide", "question", "rubric")
WIDEN = 8  # unfiltered over-fetch factor before falling back to a filtered vector query
_HIDDEN_METADATA = ("file_hash", INDEX_ONLY_TEXT)  # INDEX_ONLY_TEXT: model answers
_SECTION_FIELDS = ("source", "section", "question_id", "criterion_id")  # one section, question or criterion

__all__ = [
    "DOC_TYPES",
    "Hit",
    "Retriever",
    "build_retriever",
    "demote_repeated_sections",
    "ensure_ingested",
    "reciprocal_rank_fusion",
    "score_fusion",
    "validate_filters",
]


@dataclass(frozen=True)
class Hit:
    """One search result. `score` is the fused score (hybrid), cosine similarity (dense) or BM25."""

    id: str
    text: str
    score: float
    metadata: dict[str, str | int | float]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum over lists of w / (k + rank of d), rank starting at 1."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def score_fusion(
    dense: Sequence[tuple[str, float]], lexical: Sequence[tuple[str, float]], alpha: float = 0.7
) -> list[tuple[str, float]]:
    """alpha * min-max cosine + (1 - alpha) * BM25 / best BM25, over the union of both candidate lists.

    Unlike rank fusion this keeps the margins: a chunk far ahead on cosine is not pulled down because
    BM25 ranks it low. A BM25-only candidate's cosine is unknown but at most the last dense one's, so
    it gets that (the upper bound). Inputs are (id, score) pairs, best first.
    """
    cosine = dict(dense)
    floor = min(cosine.values(), default=0.0)
    ceiling = max(cosine.values(), default=0.0)
    span = ceiling - floor or 1.0
    best_lexical = max((score for _, score in lexical), default=0.0) or 1.0
    bm25 = dict(lexical)
    fused = {
        doc_id: alpha * (cosine.get(doc_id, floor) - floor) / span
        + (1 - alpha) * bm25.get(doc_id, 0.0) / best_lexical
        for doc_id in (*cosine, *bm25)
    }
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def demote_repeated_sections(
    ranked: Sequence[tuple[str, float]], metadata: dict[str, Mapping[str, object]]
) -> list[tuple[str, float]]:
    """Best chunk of each section first, further chunks of a section after them, order kept within each.

    Two chunks of one guide section in the top k repeat one source of advice and push out another.
    """
    seen: set[tuple[object, ...]] = set()
    first: list[tuple[str, float]] = []
    repeats: list[tuple[str, float]] = []
    for doc_id, score in ranked:
        meta = metadata.get(doc_id, {})
        key = tuple(meta.get(field) for field in _SECTION_FIELDS) if meta else (doc_id,)
        (repeats if key in seen else first).append((doc_id, score))
        seen.add(key)
    return first + repeats


class Retriever:
    """Dense + BM25 retrieval with metadata filters over one vector-store collection."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        index_path: Path | None = None,
        fusion: Fusion = "score",
        alpha: float = 0.7,
        rrf_k: int = 60,
        depth: int = 20,
        weights: tuple[float, float] = (1.0, 0.5),
        freshness_s: float = 5.0,
        exact_max: int = EXACT_MAX_RECORDS,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.index_path = index_path
        self.fusion = fusion
        self.alpha = alpha  # dense share of the fused score (fusion="score")
        self.rrf_k = rrf_k  # rrf_k and weights: fusion="rrf" only
        self.depth = depth
        self.weights = weights  # (dense, bm25) in the fusion
        self._freshness_s = freshness_s
        self.exact_max = exact_max  # collections up to this size are searched exactly in memory
        self._exact: ExactDense | None = None
        self._exact_for: BM25Index | None = None  # the snapshot is reloaded whenever the index is
        self._index: BM25Index | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        round: str | None = None,  # the contract's keyword, shadowing the builtin here only
        doc_type: str | None = None,
        method: Method = "hybrid",
        vector: np.ndarray | None = None,  # the query's embedding when the caller already has it
    ) -> list[Hit]:
        """Top-k hits for `query`, optionally only one round and/or one doc type."""
        where = validate_filters(round, doc_type)
        if not query.strip() or k <= 0:
            return []
        depth = max(self.depth, k)
        if method == "dense":
            return [_hit(r, 1.0 - r.distance) for r in self._dense(query, k, where, vector)]
        if method == "bm25":
            ranked = self.bm25_index().top(query, k, self.bm25_index().mask(where))
            return self._hits(ranked, {})
        if method != "hybrid":
            raise InputError(f"unknown retrieval method {method!r}; use dense, bm25 or hybrid")
        dense = self._dense(query, depth, where, vector)
        index = self.bm25_index()
        lexical = index.top(query, depth, index.mask(where))
        if self.fusion == "rrf":
            rankings = [[r.id for r in dense], [doc_id for doc_id, _ in lexical]]
            fused = reciprocal_rank_fusion(rankings, self.rrf_k, self.weights)
        else:
            fused = score_fusion([(r.id, 1.0 - r.distance) for r in dense], lexical, self.alpha)
        window = fused[: 2 * k]  # demotion looks this far, so metadata lookups stay a handful of ids
        known = self._records([doc_id for doc_id, _ in window], {r.id: r for r in dense})
        window = demote_repeated_sections(window, {doc_id: r.metadata for doc_id, r in known.items()})
        return self._hits(window[:k], known)

    def search_many(
        self, queries: Sequence[str], *, k: int = 5, round: str | None = None, doc_type: str | None = None
    ) -> list[list[Hit]]:
        """Hybrid top-k hits for each query; the queries are embedded in one batch."""
        texts = [q for q in queries if q.strip()]
        vectors = dict(zip(texts, self.embedder.embed(texts), strict=True)) if texts else {}
        return [
            self.search(q, k=k, round=round, doc_type=doc_type, vector=vectors.get(q)) if q.strip() else []
            for q in queries
        ]

    def _dense(
        self, query: str, k: int, where: Where | None, vector: np.ndarray | None = None
    ) -> list[StoredRecord]:
        if vector is None:
            vector = self.embedder.embed([query])[0]
        exact = self.exact_dense()
        if exact is not None:
            return exact.top(vector, k, where)
        if not where:
            return self.store.query(vector, k)
        # A filtered HNSW query is slow on large collections (~230 ms at 100k); the top of a wider
        # unfiltered query, filtered here, is the same answer whenever it holds k matches.
        wide = self.store.query(vector, k * WIDEN)
        matches = [r for r in wide if all(r.metadata.get(f) == v for f, v in where.items())]
        if len(matches) >= k or len(wide) < k * WIDEN:
            return matches[:k]
        return self.store.query(vector, k, where)

    def _records(self, ids: Sequence[str], known: dict[str, StoredRecord]) -> dict[str, StoredRecord]:
        exact = self._exact  # record ids are content hashes, so a snapshot's records never go wrong
        if exact is not None:
            known = {**known, **{i: exact.records[i] for i in ids if i not in known and i in exact.records}}
        missing = [doc_id for doc_id in ids if doc_id not in known]
        if missing:
            known = {**known, **{r.id: r for r in self.store.get(ids=missing)}}
        return known

    def _hits(self, ranked: Sequence[tuple[str, float]], known: dict[str, StoredRecord]) -> list[Hit]:
        known = self._records([doc_id for doc_id, _ in ranked], known)
        return [_hit(known[doc_id], score) for doc_id, score in ranked if doc_id in known]

    def exact_dense(self) -> ExactDense | None:
        """The in-memory snapshot for exact dense search, or None when the collection is too large."""
        index = self.bm25_index()
        if len(index.ids) > self.exact_max:
            return None
        with self._lock:
            if self._exact_for is not index:
                self._exact = ExactDense.load(self.store)
                self._exact_for = index
            return self._exact

    def bm25_index(self) -> BM25Index:
        """The collection's BM25 index: loaded from disk when its content key matches, else rebuilt."""
        with self._lock:
            now = time.monotonic()
            if self._index is not None and now - self._checked_at < self._freshness_s:
                return self._index
            self._checked_at = now
            if self._index is not None and self.store.count() == len(self._index.ids):
                return self._index
            self._index = self._load_or_build()
            return self._index

    def _load_or_build(self) -> BM25Index:
        key = content_key(self.store.ids())
        if self.index_path is not None:
            try:
                return BM25Index.load(self.index_path, key)
            except (OSError, ValueError, KeyError):
                pass  # none saved for this content, or a damaged one: rebuilt below
        records = self.store.get()
        index = BM25Index.build(
            [r.id for r in records], [r.text for r in records], [r.metadata for r in records]
        )
        if self.index_path is not None:
            index.save(self.index_path)
        return index


def validate_filters(round_name: str | None, doc_type: str | None) -> Where | None:
    """The store filter for a round and/or doc type; InputError listing the valid values if unknown."""
    where: Where = {}
    if round_name is not None:
        name = round_name.strip().lower()
        if name not in (*ROUND_NAMES, "general"):
            raise InputError(f"unknown round {round_name!r}; valid rounds: {', '.join(ROUND_NAMES)}, general")
        where["round"] = name
    if doc_type is not None:
        if doc_type not in DOC_TYPES:
            raise InputError(f"unknown type {doc_type!r}; valid types: {', '.join(DOC_TYPES)}")
        where["doc_type"] = doc_type
    return where or None


def _hit(record: StoredRecord, score: float) -> Hit:
    metadata = {k: v for k, v in record.metadata.items() if k not in _HIDDEN_METADATA}
    return Hit(id=record.id, text=record.text, score=round(float(score), 6), metadata=metadata)


def build_retriever(settings: Settings, store: VectorStore, embedder: Embedder) -> Retriever:
    """Search over `store`; CorpusError if it has not been ingested (or was embedded by another model)."""
    if store.count() == 0:
        raise CorpusError(
            f"collection {store.name!r} is empty: run `mock-interviewer ingest` first "
            f"(MI_DATA_DIR={settings.data_dir})"
        )
    stored_model = store.info().get("embedder")
    if stored_model and stored_model != embedder.name:
        raise CorpusError(
            f"collection {store.name!r} was embedded with {stored_model!r}, not {embedder.name!r}: "
            "run `mock-interviewer ingest --rebuild`"
        )
    return Retriever(store, embedder, index_path=bm25_path(settings, store.name))
