"""The ONNX fp32 embedder against the packaged MiniLM under torch: same word pieces, same vectors.

The graph is exported once for this module into a fresh cache directory (torch.onnx.export, seconds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.embedder import PACKAGED_MINILM, SentenceTransformerEmbedder, _resolve_model_path
from ingest.onnx_embedder import OnnxEmbedder, weights_hash
from interviewer.domain.bank import Bank
from interviewer.grading.evidence import criterion_texts

pytestmark = pytest.mark.slow

LONG = " ".join(["feature stores keep training and serving features consistent"] * 60)  # > 256 pieces
ODD = ["  leading and trailing spaces  ", "Ünïcödé, emoji 🚀 and CAPS", "x", "a\tb\nc"]


@pytest.fixture(scope="module")
def onnx(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    folder = Path(_resolve_model_path(PACKAGED_MINILM))
    return OnnxEmbedder(PACKAGED_MINILM, folder, tmp_path_factory.mktemp("models"))


def _texts(bank: Bank) -> list[str]:
    fixed = [t for r in bank.rubrics.values() for c in r.criteria for t in criterion_texts(c)]
    fixed += [t for q in bank.questions for t in (q.prompt, *q.key_points)]
    return [*fixed, LONG, *ODD]


def test_word_pieces_match_sentence_transformers(
    onnx: OnnxEmbedder, real_embedder: SentenceTransformerEmbedder, bank: Bank
) -> None:
    texts = _texts(bank)
    _, tokenizer = onnx._loaded()
    ours = [e.ids for e in tokenizer.encode_batch([t.strip() for t in texts])]
    theirs = real_embedder._loaded().tokenize(texts)["input_ids"].tolist()
    assert ours == theirs  # padded to the same longest length, truncated at 256
    assert [onnx.count_tokens(t) for t in (LONG, *ODD)] == [
        real_embedder.count_tokens(t) for t in (LONG, *ODD)
    ]


def test_vectors_match_torch(
    onnx: OnnxEmbedder, real_embedder: SentenceTransformerEmbedder, bank: Bank
) -> None:
    texts = [*_texts(bank)[::4], LONG, *ODD]  # every fourth bank text keeps the test under half a minute
    ours, theirs = onnx.embed(texts), real_embedder.embed(texts)
    assert ours.shape == theirs.shape == (len(texts), 384) and ours.dtype == np.float32
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() > 0.9999, texts[int(cosine.argmin())]
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert onnx.embed([]).shape == (0, 384)


def test_the_graph_is_cached_by_the_hash_of_the_weights(onnx: OnnxEmbedder) -> None:
    path = onnx.ensure_exported()
    assert weights_hash(onnx.folder)[:16] in path.name
    before = path.stat().st_mtime_ns
    again = OnnxEmbedder(onnx.name, onnx.folder, onnx.cache_dir)
    assert again.ensure_exported() == path and path.stat().st_mtime_ns == before
    assert again.identity == onnx.identity and again.identity.startswith("onnx-fp32:")
    assert sorted(p.suffix for p in onnx.cache_dir.iterdir()) == [".json", ".onnx"]  # graph, hash memo
