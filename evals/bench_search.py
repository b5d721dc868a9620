"""Search latency (hybrid, incl. query embedding) on the shipped corpus and a synthetic collection,
and recall@10 of the vector store's HNSW index against exact search on the same real embeddings.

The synthetic texts splice halves of real corpus sentences (plus a serial word), so they look like
corpus text to the model; their vectors are cached under `data_dir/bench` (embedding 100k takes minutes).
"""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path
from typing import Any

import numpy as np

from evals.bench_stats import latency_summary, target, time_calls
from interviewer.settings import Settings

FULL_SIZE = 100_000
QUICK_SIZE = 3_000
ROUNDS = ("ml-system-design", "behavioral", "case-study", "ml-depth", "general")


def corpus_sentences(settings: Settings) -> list[str]:
    """Sentences from the question bank (prompts, follow-ups, key points, model answers)."""
    from interviewer.domain.bank import load_bank

    bank = load_bank(settings.corpus_dir)
    texts = [t for q in bank.questions for t in (q.prompt, *q.follow_ups, *q.key_points, q.model_answer)]
    parts = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    return [s for s in parts if len(s.split()) >= 6]


def synthetic_texts(settings: Settings, n: int, seed: int = 7) -> list[str]:
    """`n` distinct short texts: first half of one real sentence + second half of another + a serial."""
    sentences = corpus_sentences(settings)
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b = rng.choice(sentences).split(), rng.choice(sentences).split()
        out.append(" ".join(a[: len(a) // 2] + b[len(b) // 2 :][:10]) + f" (note {i})")
    return out


def cached_vectors(settings: Settings, texts: list[str], embedder: Any) -> np.ndarray:
    """Embeddings of `texts`, cached on disk by model name and count."""
    cache_dir = settings.data_dir / "bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"synthetic-{len(texts)}-{embedder.name.replace('/', '_')}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dim):
            return vectors
    parts = [embedder.embed(texts[i : i + 1024]) for i in range(0, len(texts), 1024)]
    vectors = np.concatenate(parts).astype(np.float32)
    np.save(path, vectors)
    return vectors


def synthetic_store(
    settings: Settings, texts: list[str], vectors: np.ndarray, embedder: Any
) -> tuple[Any, Any]:
    """(bench settings, store) holding the synthetic collection; filled once, reused after."""
    from ingest.pipeline import refresh_bm25
    from ingest.store import open_store

    bench_settings = settings.model_copy(update={"data_dir": settings.data_dir / "bench" / "store"})
    name = f"synthetic-{len(texts)}"
    store = open_store(bench_settings, name)
    if store.count() != len(texts):
        store.reset()
        ids = [f"syn-{i}" for i in range(len(texts))]
        metas: list[dict[str, str | int | float]] = [
            {"doc_type": "guide", "round": ROUNDS[i % len(ROUNDS)], "source": "synthetic"}
            for i in range(len(texts))
        ]
        store.upsert(ids, texts, vectors, metas)
        store.set_info({"embedder": embedder.name})
        refresh_bm25(bench_settings, store)
    return bench_settings, store


def hnsw_recall(store: Any, vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> dict[str, Any]:
    """Mean overlap of the store's top-k with exact cosine top-k, and the exact search's latency."""
    import time

    recalls, exact_ms = [], []
    for q in queries:
        started = time.perf_counter()
        exact = np.argpartition(-(vectors @ q), k)[:k]
        exact_ms.append((time.perf_counter() - started) * 1000)
        approx = {int(r.id.split("-")[1]) for r in store.query(q, k)}
        recalls.append(len(approx & {int(i) for i in exact}) / k)
    return {
        "k": k,
        "queries": len(queries),
        "recall": round(float(np.mean(recalls)), 4),
        "min_recall": round(float(np.min(recalls)), 2),
        "exact_numpy_search": latency_summary(exact_ms),
    }


def _query_texts(settings: Settings, count: int) -> list[str]:
    from evals.retrieval import load_retrieval_set

    base = [q.query for q in load_retrieval_set().queries]
    return list(itertools.islice(itertools.cycle(base), count))


def _latencies(retriever: Any, embedder: Any, queries: list[str]) -> dict[str, Any]:
    retriever.search(queries[0], k=5)  # load the BM25 index and warm caches before timing
    return {
        "hybrid": latency_summary(time_calls(lambda q: retriever.search(q, k=5), queries)),
        "hybrid_round_filter": latency_summary(
            time_calls(lambda q: retriever.search(q, k=5, round="ml-depth"), queries)
        ),
        "dense_only": latency_summary(
            time_calls(lambda q: retriever.search(q, k=5, method="dense"), queries)
        ),
        "bm25_only": latency_summary(time_calls(lambda q: retriever.search(q, k=5, method="bm25"), queries)),
        "query_embedding_only": latency_summary(time_calls(lambda q: embedder.embed([q]), queries)),
    }


def bench_search(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """Latency on the shipped corpus and on the synthetic collection, plus HNSW recall@10 there."""
    from ingest.pipeline import ensure_ingested
    from ingest.retrieval import build_retriever
    from interviewer.composition import Components

    components = Components(settings)
    embedder = components.embedder()
    queries = _query_texts(settings, 60 if quick else 300)
    ensure_ingested(settings, embedder, components.vector_store())
    shipped = _latencies(components.retriever(), embedder, queries)
    size = QUICK_SIZE if quick else FULL_SIZE
    texts = synthetic_texts(settings, size)
    vectors = cached_vectors(settings, texts, embedder)
    bench_settings, store = synthetic_store(settings, texts, vectors, embedder)
    synthetic = _latencies(build_retriever(bench_settings, store, embedder), embedder, queries)
    query_vectors = embedder.embed(corpus_sentences(settings)[: 50 if quick else 200])
    recall = hnsw_recall(store, vectors, query_vectors)
    p99 = synthetic["hybrid"].get("p99_ms")
    return {
        "shipped_corpus": {"chunks": components.vector_store().count(), **shipped},
        "synthetic": {"chunks": size, "vectors_cached_in": str(Path(bench_settings.data_dir)), **synthetic},
        "hnsw_vs_exact": recall,
        "targets": [
            target(f"hybrid search p99 ms at {size} chunks", p99, "<", 50),
            target(f"HNSW recall@10 vs exact at {size}", recall["recall"], ">=", 0.95),
        ],
    }
