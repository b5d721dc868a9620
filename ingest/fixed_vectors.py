"""The bank's fixed texts (rubric criteria, key points, prompts) embedded once and kept in a file beside
the collection, so that a process loads ~2,000 vectors in milliseconds instead of embedding them again.

The file name is a hash of the embedder's identity (backend and weights) and of the texts themselves:
another model, another backend or an edited rubric is a different file, never a stale one.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.embedder import embedder_identity
from interviewer.ports import Embedder
from interviewer.settings import Settings

DIRECTORY = "fixed-vectors"


def fixed_vectors_path(settings: Settings, embedder: Embedder, texts: Sequence[str]) -> Path:
    """`<data_dir>/fixed-vectors/<collection>-<hash of identity and texts>.npy`."""
    digest = hashlib.sha256(embedder_identity(embedder).encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return settings.data_dir / DIRECTORY / f"{settings.collection}-{digest.hexdigest()[:20]}.npy"


def load_or_embed(settings: Settings, embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, bool]:
    """The texts' vectors from their file, or embedded now and written (atomically) for the next process.

    Returns the vectors and whether they came from the file.
    """
    path = fixed_vectors_path(settings, embedder, texts)
    if path.exists():
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            vectors = None  # a torn or foreign file: embed again and replace it
        if vectors is not None and vectors.shape[0] == len(texts):
            return vectors.astype(np.float32, copy=False), True
    vectors = embedder.embed(list(texts)) if texts else np.zeros((0, 0), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
        np.save(partial, vectors, allow_pickle=False)
        os.replace(partial, path)
    except OSError:  # a read-only data dir: this process keeps its vectors, the next embeds them again
        logging.getLogger(__name__).warning("cannot write %s", path, exc_info=True)
    return vectors, False
