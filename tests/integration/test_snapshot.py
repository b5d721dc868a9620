"""The snapshot ingest writes: the same records and searches as Chroma, kept in step, no chromadb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.embedder import HashingEmbedder
from ingest.pipeline import ingest
from ingest.retrieval import Retriever, bm25_path
from ingest.snapshot import open_snapshot, snapshot_path
from ingest.store import open_store
from interviewer.errors import CorpusError
from interviewer.settings import Settings

pytestmark = pytest.mark.slow  # real Chroma writes of the whole corpus

QUERIES = [
    ("feature store online offline skew", None, None),
    ("STAR story conflict with a teammate", "behavioral", "guide"),
    ("calibration of predicted probabilities", "ml-depth", None),
    ("market sizing assumptions", "case-study", "guide"),
]


@pytest.fixture
def ingested(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    ingest(settings, embedder=HashingEmbedder())
    return settings


def _searches(retriever: Retriever) -> list[list[tuple[str, float, dict[str, str | int | float]]]]:
    return [
        [(h.id, h.score, h.metadata) for h in retriever.search(q, k=5, round=r, doc_type=t, method=m)]
        for q, r, t in QUERIES
        for m in ("hybrid", "dense", "bm25")
    ]


def test_the_snapshot_holds_the_collection_and_searches_as_it_does(ingested: Settings) -> None:
    chroma = open_store(ingested)
    snapshot = open_snapshot(ingested)
    assert snapshot is not None
    chroma_ids, chroma_vectors = chroma.vectors()
    ids, vectors = snapshot.vectors()
    assert ids == chroma_ids and np.array_equal(vectors, chroma_vectors)
    assert snapshot.get() == chroma.get() and snapshot.info() == chroma.info()
    assert snapshot.file_hashes() == chroma.file_hashes() and snapshot.count() == chroma.count()
    embedder = HashingEmbedder()
    index = bm25_path(ingested, "corpus")
    searches = _searches(Retriever(chroma, embedder, index_path=index))
    assert _searches(Retriever(snapshot, embedder, index_path=index)) == searches
    assert any(searches)
    query = embedder.embed(["drift monitoring"])[0]
    where = {"doc_type": "guide"}
    assert [r.id for r in snapshot.query(query, 5, where)] == [r.id for r in chroma.query(query, 5, where)]
    with pytest.raises(CorpusError, match="read-only"):
        snapshot.delete(ids[:1])


def test_ingest_keeps_the_snapshot_in_step_and_an_open_one_follows(
    ingested: Settings, tmp_path: Path
) -> None:
    snapshot = open_snapshot(ingested)
    assert snapshot is not None
    before = snapshot.count()
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "drift.md").write_text("# Drift\n\nMonitor feature drift and retrain on a cadence.\n")
    added = ingest(ingested, [notes], embedder=HashingEmbedder()).chunks_embedded
    assert added and snapshot.count() == before + added == open_store(ingested).count()
    snapshot_path(ingested, "corpus").unlink()
    assert ingest(ingested, embedder=HashingEmbedder()).chunks_embedded == 0
    assert open_snapshot(ingested) is not None, "an unchanged ingest writes a missing snapshot"


def test_a_snapshot_of_another_store_is_not_opened(ingested: Settings, tmp_path: Path) -> None:
    assert open_snapshot(Settings(data_dir=ingested.data_dir, chroma_url="http://127.0.0.1:1")) is None
    moved = tmp_path / "moved"
    ingested.data_dir.rename(moved)
    assert open_snapshot(Settings(data_dir=moved)) is None, "the snapshot names the Chroma dir it copies"
    assert ingest(Settings(data_dir=moved), embedder=HashingEmbedder()).chunks_embedded == 0
    assert open_snapshot(Settings(data_dir=moved)) is not None, "the next ingest copies it again"


def test_a_grade_process_does_not_import_chromadb(ingested: Settings) -> None:
    script = (
        "import json, sys\n"
        "from interviewer.composition import Components\n"
        "from interviewer.settings import load_settings\n"
        "retriever = Components(load_settings()).retriever()\n"
        "hits = retriever.search('feature store', k=3, doc_type='guide')\n"
        "print(json.dumps({'chromadb': 'chromadb' in sys.modules, 'hits': len(hits)}))\n"
    )
    env = {**os.environ, "MI_DATA_DIR": str(ingested.data_dir), "MI_EMBEDDING_MODEL": "hashing"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"chromadb": False, "hits": 3}
