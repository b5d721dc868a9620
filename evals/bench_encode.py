"""Sentence encoding, the cost of almost every turn: torch vs the exported ONNX graph (fp32), and what a
dynamically quantised int8 graph would give, all in the same process and run.

Latency is per 8-sentence batch of calibration answer sentences (a long answer), one thread. Agreement is
the cosine between each backend's vector and torch's, over the shipped corpus's chunks, the bank's fixed
texts and the answer sentences.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from evals.bench_stats import latency_summary, target, time_calls
from interviewer.settings import Settings

BATCH = 8
EXACT_COSINE = 0.9999  # fp32 ONNX must give torch's vectors to float rounding
INT8_SHIP_COSINE = 0.99  # below this a quantised graph moves calibrated levels: reported, never shipped


def answer_batches(limit: int | None = None) -> list[list[str]]:
    """Calibration answer sentences, in batches of BATCH (the evidence layer's mini-batch size)."""
    from evals.grading import load_calibration
    from interviewer.text import split_sentences

    sentences = [t for a in load_calibration() for t, _, _ in split_sentences(a.text)]
    batches = [sentences[i : i + BATCH] for i in range(0, len(sentences) - BATCH + 1, BATCH)]
    return batches[:limit] if limit else batches


def agreement_texts(settings: Settings) -> list[str]:
    """The shipped corpus's chunks (ingested if needed), the bank's fixed texts, the answer sentences."""
    from ingest.pipeline import ensure_ingested
    from interviewer.composition import Components

    components = Components(settings)
    ensure_ingested(settings, components.embedder(), components.vector_store())
    chunks = [r.text for r in components.vector_store().get()]
    fixed = components.fixed_texts()
    return chunks + fixed + [s for b in answer_batches() for s in b]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two matrices of (normalised or not) vectors."""
    num = (a * b).sum(axis=1)
    return np.asarray(num / np.clip(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12, None))


def bench_encode(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """Per-batch latency for torch, ONNX fp32 and ONNX int8; cosine of each to torch over the corpus."""
    from ingest.embedder import build_embedder
    from ingest.onnx_embedder import OnnxEmbedder, quantize_int8

    onnx = build_embedder(settings.model_copy(update={"embedding_backend": "onnx"}))
    torch = build_embedder(settings.model_copy(update={"embedding_backend": "torch"}))
    assert isinstance(onnx, OnnxEmbedder)
    batches = answer_batches(20 if quick else 100)
    texts = agreement_texts(settings)
    if quick:
        texts = texts[::10]
    out: dict[str, Any] = {"batch_size": BATCH, "batches": len(batches), "agreement_texts": len(texts)}
    reference = torch.embed(texts)
    with tempfile.TemporaryDirectory(prefix="mi-int8-") as tmp:
        int8 = OnnxEmbedder(onnx.name, onnx.folder, Path(tmp), onnx.batch_size, onnx.threads)
        quantize_int8(onnx.ensure_exported(), int8.graph_path())
        for name, embedder in (("torch_fp32", torch), ("onnx_fp32", onnx), ("onnx_int8", int8)):
            embedder.embed(batches[0])  # first inference: allocations, lazy init
            timing = latency_summary(time_calls(embedder.embed, batches))
            agreement = cosines(embedder.embed(texts), reference)
            out[name] = {
                "batch_latency": timing,
                "sentences_per_s": round(BATCH * 1000 / float(timing["p50_ms"]), 1),
                "cosine_to_torch": {
                    "min": round(float(agreement.min()), 6),
                    "p01": round(float(np.percentile(agreement, 1)), 6),
                    "mean": round(float(agreement.mean()), 6),
                },
            }
    speedup = out["torch_fp32"]["batch_latency"]["p50_ms"] / out["onnx_fp32"]["batch_latency"]["p50_ms"]
    out["onnx_fp32_speedup"] = round(speedup, 2)
    out["targets"] = [
        target(
            "ONNX fp32 min cosine to torch", out["onnx_fp32"]["cosine_to_torch"]["min"], ">=", EXACT_COSINE
        ),
        target(
            "ONNX int8 min cosine to torch (ship only if met)",
            out["onnx_int8"]["cosine_to_torch"]["min"],
            ">=",
            INT8_SHIP_COSINE,
            why="int8 is not shipped: calibrated levels would move",
        ),
    ]
    return out
