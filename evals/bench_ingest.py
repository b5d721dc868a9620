"""Ingest throughput: the whole pipeline vs the raw model's encode() on the same chunks; re-ingest speed."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from evals.bench_stats import spread, target
from interviewer.settings import Settings


def _raw_encode(embedder: Any, texts: list[str], batch_size: int) -> float:
    """Seconds for the model alone on `texts` (sentence-transformers encode when available)."""
    model = getattr(embedder, "_model", None)
    started = time.perf_counter()
    if model is not None and hasattr(model, "encode"):
        model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    else:
        embedder.embed(texts)
    return time.perf_counter() - started


def bench_ingest(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """Pipeline chunks/s vs raw encode chunks/s on the same chunks (same batch size), and re-ingest."""
    from ingest.pipeline import ingest
    from ingest.store import open_store
    from interviewer.composition import Components

    embedder = Components(settings).embedder()
    embedder.embed(["warm up the model before timing anything"])
    runs = 1 if quick else 3
    pipeline_rates, raw_rates, reingest_s, first_s = [], [], [], []
    chunks = 0
    with tempfile.TemporaryDirectory(prefix="mi-bench-ingest-") as tmp:
        for run in range(runs):
            fresh = settings.model_copy(update={"data_dir": Path(tmp) / f"run{run}"})
            report = ingest(fresh, embedder=embedder, store=open_store(fresh))
            chunks = report.chunks_embedded
            first_s.append(report.seconds)
            pipeline_rates.append(chunks / report.seconds)
            texts = [r.text for r in open_store(fresh).get()]
            raw_rates.append(len(texts) / _raw_encode(embedder, texts, settings.embedding_batch_size))
            again = ingest(fresh, embedder=embedder, store=open_store(fresh))
            assert again.chunks_embedded == 0, "re-ingest of an unchanged corpus embedded chunks"
            reingest_s.append(again.seconds)
    pipeline = spread(pipeline_rates, 2)
    raw = spread(raw_rates, 2)
    ratio = round(float(pipeline["median"]) / float(raw["median"]), 3)
    speedup = round(float(spread(first_s)["median"]) / max(float(spread(reingest_s, 4)["median"]), 1e-6), 1)
    return {
        "chunks": chunks,
        "batch_size": settings.embedding_batch_size,
        "pipeline_chunks_per_s": pipeline,
        "raw_encode_chunks_per_s": raw,
        "pipeline_vs_raw_ratio": ratio,
        "first_ingest_s": spread(first_s),
        "reingest_unchanged_s": spread(reingest_s, 4),
        "reingest_speedup": speedup,
        "targets": [
            target("ingest pipeline / raw encode", ratio, ">=", 0.85),
            target("re-ingest unchanged speedup (x)", speedup, ">=", 50),
        ],
    }
