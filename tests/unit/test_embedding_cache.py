"""The embedding cache: same vectors as the wrapped embedder, each text embedded once, bounded size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.embedder import HashingEmbedder
from interviewer.grading.embedding_cache import CachedEmbedder


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, recording every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed(texts)


def test_vectors_match_the_inner_embedder_in_input_order() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, mini_batch=2)
    texts = ["a much longer sentence about feature stores", "short", "medium length text", "short"]
    np.testing.assert_allclose(cached.embed(texts), HashingEmbedder().embed(texts), atol=1e-6)


def test_each_text_is_embedded_once() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner)
    earlier = ["first turn sentence", "second sentence"]
    cached.embed(earlier)
    cached.embed([*earlier, "a new sentence on the next turn"])
    assert sorted(inner.seen) == sorted([*earlier, "a new sentence on the next turn"])


def test_least_recently_used_texts_leave_first() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, capacity=2)
    cached.embed(["one", "two"])
    cached.embed(["one"])  # "one" is now the most recently used
    cached.embed(["three"])  # evicts "two"
    assert len(cached) == 2
    inner.seen.clear()
    cached.embed(["one", "two", "three"])
    assert inner.seen == ["two"]


def test_empty_input_gives_an_empty_matrix_of_the_right_width() -> None:
    assert CachedEmbedder(HashingEmbedder(dim=16)).embed([]).shape == (0, 16)


def test_pinned_vectors_are_used_and_never_evicted() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, capacity=1)
    fixed = ["a rubric criterion", "a key point"]
    pinned = HashingEmbedder().embed(fixed)
    cached.pin(fixed, pinned)
    cached.embed(["answer one", "answer two"])  # fills and overflows the LRU
    inner.seen.clear()
    out = cached.embed(["a key point", "a rubric criterion"])
    assert inner.seen == []
    np.testing.assert_array_equal(out, pinned[::-1])
    assert "a key point" in cached


def test_pin_refuses_mismatched_lengths() -> None:
    cached = CachedEmbedder(CountingEmbedder())
    try:
        cached.pin(["one", "two"], np.zeros((1, 384), dtype=np.float32))
    except ValueError as exc:
        assert "2 texts but 1 vectors" in str(exc)
    else:
        raise AssertionError("pin accepted two texts with one vector")
