"""The bank's fixed vectors: embedded once into a file keyed by the embedder and the texts, then loaded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.embedder import HashingEmbedder
from ingest.fixed_vectors import fixed_vectors_path, load_or_embed
from interviewer.composition import Components
from interviewer.settings import Settings

TEXTS = ["Communication: explains trade-offs", "uses a holdout set", "Design a feed ranker."]


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting the texts it embeds, under a chosen identity."""

    def __init__(self, identity: str = "hashing-384") -> None:
        super().__init__()
        self._identity = identity
        self.embedded = 0

    @property
    def identity(self) -> str:
        return self._identity

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


def test_second_load_reads_the_file_instead_of_embedding(settings: Settings) -> None:
    first = CountingEmbedder()
    vectors, loaded = load_or_embed(settings, first, TEXTS)
    assert not loaded and first.embedded == len(TEXTS)
    second = CountingEmbedder()
    again, loaded = load_or_embed(settings, second, TEXTS)
    assert loaded and second.embedded == 0
    np.testing.assert_array_equal(again, vectors)


def test_another_backend_or_edited_texts_is_another_file(settings: Settings) -> None:
    base = fixed_vectors_path(settings, CountingEmbedder(), TEXTS)
    assert fixed_vectors_path(settings, CountingEmbedder("onnx-fp32:x"), TEXTS) != base
    assert (
        fixed_vectors_path(settings, CountingEmbedder(), [*TEXTS[:2], "Design a news feed ranker."]) != base
    )
    assert base.parent.parent == settings.data_dir


def test_a_torn_file_is_embedded_again_and_replaced(settings: Settings) -> None:
    path = fixed_vectors_path(settings, CountingEmbedder(), TEXTS)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    embedder = CountingEmbedder()
    vectors, loaded = load_or_embed(settings, embedder, TEXTS)
    assert not loaded and embedder.embedded == len(TEXTS)
    np.testing.assert_array_equal(np.load(path), vectors)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left


def test_a_second_process_grades_without_embedding_the_bank(settings: Settings, bank) -> None:  # type: ignore[no-untyped-def]
    first = CountingEmbedder()
    components = Components(settings, embedder=first, bank=bank)
    fixed = components.fixed_texts()
    assert first.embedded == len(fixed) > len(components.grader().fixed_texts())  # the flows' probes too
    second = CountingEmbedder()
    grader = Components(settings, embedder=second, bank=bank).grader()
    assert grader.prepare() == len(grader.fixed_texts())
    assert second.embedded == 0
    assert Path(fixed_vectors_path(settings, second, fixed)).exists()


def test_a_read_only_data_dir_still_gives_the_vectors(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "fixed-vectors").write_text("a file where the folder should be")
    vectors, loaded = load_or_embed(settings, CountingEmbedder(), TEXTS)
    assert not loaded and vectors.shape == (len(TEXTS), 384)
