"""Incremental, all-or-nothing ingest against real embedded Chroma (real MiniLM for user files)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.embedder import HashingEmbedder
from ingest.pipeline import ingest
from ingest.retrieval import build_retriever
from ingest.store import open_store
from interviewer.errors import CorpusError
from interviewer.ports import Embedder
from interviewer.settings import SHIPPED_CORPUS, Settings

pytestmark = pytest.mark.slow  # real Chroma writes of the whole corpus take seconds each


class CountingEmbedder:
    """Wraps an embedder and counts the texts it was asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real text (Helvetica), built with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
    )
    stream = DecodedStreamObject()
    stream.set_data(
        ("BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({x}) Tj T*" for x in lines) + " ET").encode()
    )
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_user_corpus(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "drift.md").write_text(
        "# Drift notes\n\n## Data drift\n\n"
        "Population stability index compares feature histograms week over week.\n\n"
        "## Concept drift\n\nThe relation between inputs and the label moves; retrain on recent windows.\n"
    )
    (root / "serving.txt").write_text(
        "Serving Notes\n"
        "Batch scoring precomputes predictions nightly for every customer and stores them in a table.\n"
    )
    (root / "ranking.html").write_text(
        "<html><body><h1>Ranking</h1><p>Two-stage ranking retrieves candidates, then a heavy ranker reorders "
        "them by predicted engagement.</p></body></html>"
    )
    (root / "calibration.pdf").write_bytes(
        make_pdf(
            ["Calibration", "Platt scaling fits a sigmoid on held-out scores to calibrate probabilities."]
        )
    )


def snapshot(settings: Settings, collection: str) -> dict[str, str]:
    return {r.id: r.text for r in open_store(settings, collection).get()}


def test_user_files_incremental_ingest(settings: Settings, tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    write_user_corpus(root)
    embedder = CountingEmbedder(real_embedder)
    first = ingest(settings, [root], collection="notes", embedder=embedder)
    assert first.files_total == 4 and first.chunks_embedded == first.chunks_total >= 5
    before = snapshot(settings, "notes")
    sources = {r.metadata["source"] for r in open_store(settings, "notes").get()}
    assert sources == {
        str((root / n).resolve()) for n in ("drift.md", "serving.txt", "ranking.html", "calibration.pdf")
    }

    embedder.texts = 0
    again = ingest(settings, [root], collection="notes", embedder=embedder)
    assert embedder.texts == 0 and again.chunks_embedded == 0 and again.files_changed == 0
    assert snapshot(settings, "notes") == before

    (root / "serving.txt").write_text(
        "Serving Notes\nOnline inference answers each request within a 30 ms budget.\n"
    )
    changed = ingest(settings, [root], collection="notes", embedder=embedder)
    after = snapshot(settings, "notes")
    assert changed.files_changed == 1 and embedder.texts == changed.chunks_embedded >= 1
    assert not any("Batch scoring" in text for text in after.values())
    assert any("30 ms budget" in text for text in after.values())
    assert {i for i, t in before.items() if "Serving Notes" not in t} <= set(after)

    embedder.texts = 0
    (root / "ranking.html").unlink()
    removed = ingest(settings, [root], collection="notes", embedder=embedder)
    assert removed.files_deleted == 1 and embedder.texts == 0
    assert not any("heavy ranker" in text for text in snapshot(settings, "notes").values())

    hits = build_retriever(settings, open_store(settings, "notes"), real_embedder).search(
        "platt sigmoid", k=1
    )
    assert "Platt scaling" in hits[0].text and hits[0].metadata["format"] == "txt"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("empty.md", b"   \n\n"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage"),
        ("blank.pdf", None),
    ],
)
def test_bad_file_leaves_collection_unchanged(
    settings: Settings,
    tmp_path: Path,
    real_embedder,
    name: str,
    content: bytes | None,  # type: ignore[no-untyped-def]
) -> None:
    root = tmp_path / "notes"
    write_user_corpus(root)
    embedder = CountingEmbedder(real_embedder)
    ingest(settings, [root], collection="notes", embedder=embedder)
    before = snapshot(settings, "notes")
    (root / "drift.md").write_text("# Drift notes\n\nA pending edit that must not be applied either.\n")
    (root / name).write_bytes(content if content is not None else make_pdf([]))
    embedder.texts = 0
    with pytest.raises(CorpusError, match=name):
        ingest(settings, [root], collection="notes", embedder=embedder)
    assert embedder.texts == 0
    assert snapshot(settings, "notes") == before


def shipped_copy(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    return corpus


def test_invalid_yaml_names_the_file_and_changes_nothing(tmp_path: Path) -> None:
    corpus = shipped_copy(tmp_path)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus)
    embedder = CountingEmbedder(HashingEmbedder())
    report = ingest(settings, embedder=embedder)
    assert report.chunks_total > 100
    before = snapshot(settings, "corpus")
    target = sorted((corpus / "questions").glob("*.yaml"))[0]
    target.write_text(target.read_text() + "\n  - id: [unclosed\n")
    embedder.texts = 0
    with pytest.raises(CorpusError, match=target.name):
        ingest(settings, embedder=embedder)
    assert embedder.texts == 0 and snapshot(settings, "corpus") == before


def test_shipped_corpus_records_and_ids_are_stable(tmp_path: Path, bank) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data")
    embedder = CountingEmbedder(HashingEmbedder())
    ingest(settings, embedder=embedder)
    records = open_store(settings, "corpus").get()
    questions = {r.metadata["question_id"] for r in records if r.metadata["doc_type"] == "question"}
    criteria = {
        (r.metadata["rubric_id"], r.metadata["criterion_id"])
        for r in records
        if r.metadata["doc_type"] == "rubric"
    }
    assert questions == {q.id for q in bank.questions}
    assert criteria == {(rid, c.id) for rid, rubric in bank.rubrics.items() for c in rubric.criteria}
    assert all(r.metadata["round"] != "general" for r in records if r.metadata["doc_type"] != "guide")
    assert {r.metadata["doc_type"] for r in records} == {"guide", "question", "rubric"}

    other = Settings(data_dir=tmp_path / "other")
    ingest(other, embedder=HashingEmbedder())
    assert set(snapshot(other, "corpus")) == {r.id for r in records}, "ids depend only on content"

    rebuilt = ingest(settings, rebuild=True, embedder=embedder)
    assert rebuilt.chunks_embedded == len(records) and rebuilt.chunks_total == len(records)


def test_new_question_record_format_rebuilds_only_question_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bank
) -> None:  # type: ignore[no-untyped-def]
    from ingest import sources

    settings = Settings(data_dir=tmp_path / "data")
    first = ingest(settings, embedder=HashingEmbedder())
    assert ingest(settings, embedder=HashingEmbedder()).files_changed == 0
    monkeypatch.setattr(sources, "QUESTION_RECORD_FORMAT", "next-format")
    again = ingest(settings, embedder=HashingEmbedder())
    question_files = len(list((SHIPPED_CORPUS / "questions").glob("*.yaml")))
    assert again.files_changed == question_files and again.chunks_embedded == len(bank.questions)
    assert again.chunks_total == first.chunks_total
    hashes = open_store(settings, "corpus").file_hashes()
    assert all(h.endswith("+next-format") == s.startswith("questions/") for s, h in hashes.items())


def test_new_embedding_model_replaces_the_collection(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=shipped_copy(tmp_path))
    first = ingest(settings, embedder=HashingEmbedder(384))
    second = ingest(settings, embedder=HashingEmbedder(64))
    assert second.chunks_embedded == first.chunks_total == second.chunks_total
    assert open_store(settings, "corpus").info()["embedder"] == "hashing-64"
    with pytest.raises(CorpusError, match="--rebuild"):
        build_retriever(settings, open_store(settings), HashingEmbedder(384))


def test_search_before_ingest_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(CorpusError, match="mock-interviewer ingest"):
        build_retriever(settings, open_store(settings, "never-ingested"), HashingEmbedder())


def test_user_files_and_shipped_corpus_share_a_collection_safely(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=shipped_copy(tmp_path))
    notes = tmp_path / "notes"
    write_user_corpus(notes)
    embedder = HashingEmbedder()
    shipped = ingest(settings, embedder=embedder).chunks_total
    mine = ingest(settings, [notes], embedder=embedder).chunks_embedded
    assert ingest(settings, embedder=embedder).chunks_total == shipped + mine, (
        "shipped ingest keeps user files"
    )
    rebuilt = ingest(settings, [notes], rebuild=True, embedder=embedder)
    assert rebuilt.chunks_embedded == mine and rebuilt.chunks_total == shipped + mine
    (notes / "drift.md").unlink()
    assert ingest(settings, [notes], embedder=embedder).chunks_total < shipped + mine
