"""Incremental, all-or-nothing ingest: validate and embed every changed file first, then write."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ingest.chunking import Chunker, chunk_documents
from ingest.documents import Chunk
from ingest.sources import SourceSet, path_sources, shipped_sources
from ingest.store import VectorStore, open_store
from interviewer.ports import Embedder
from interviewer.settings import Settings

ProgressCallback = Callable[[int, int], None]
INDEX_DIR = "bm25"
EMPTY_FILES_KEY = "empty_files"  # collection info: {source: hash} of files that gave no chunks
# The loader refuses a file without words; one that loads but gives no chunk has headings only.
NO_CHUNKS_REASON = "only headings, with no text under them"


@dataclass(frozen=True)
class EmptyFile:
    """A file that yielded no chunks, and why; its hash is recorded so it is not re-read."""

    source: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did; `chunks_embedded == 0` means no embedding work was needed."""

    collection: str
    files_total: int
    files_changed: int
    files_deleted: int
    chunks_total: int
    chunks_embedded: int
    chunks_deleted: int
    seconds: float
    empty_files: tuple[EmptyFile, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Plan:
    changed: list[str]
    deleted: list[str]
    stale_ids: list[str]
    chunks: list[Chunk]
    empty: dict[str, str]  # the collection's files with no chunks after this ingest: source -> hash
    new_empty: list[EmptyFile]


def ingest(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    collection: str | None = None,
    rebuild: bool = False,
    embedder: Embedder,
    store: VectorStore | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring a collection in line with the shipped corpus (no paths) or the given files and folders."""
    started = time.perf_counter()
    sources = path_sources(paths) if paths else shipped_sources(settings.corpus_dir)
    store = store or open_store(settings, collection)
    model_name = embedder.name
    info = store.info()
    model_changed = store.count() > 0 and info.get("embedder") not in (None, model_name)
    plan = _plan(settings, sources, store, embedder, rebuild=rebuild or model_changed)
    vectors = _embed(embedder, plan.chunks, settings.embedding_batch_size, progress) if plan.chunks else None
    _write(store, plan, vectors, reset=model_changed)
    recorded = info.get(EMPTY_FILES_KEY)
    if plan.chunks or plan.stale_ids or info.get("embedder") != model_name or plan.empty != _empty(recorded):
        store.set_info({"embedder": model_name, EMPTY_FILES_KEY: json.dumps(plan.empty, sort_keys=True)})
    if plan.chunks or plan.stale_ids:
        refresh_bm25(settings, store)
    from ingest.snapshot import refresh_snapshot  # bm25s and scipy: not at every CLI command's start

    # What searching processes open instead of Chroma.
    refresh_snapshot(settings, store, changed=bool(plan.chunks or plan.stale_ids or model_changed))
    return IngestReport(
        collection=store.name,
        files_total=len(sources.files),
        files_changed=len(plan.changed),
        files_deleted=len(plan.deleted),
        chunks_total=store.count(),
        chunks_embedded=len(plan.chunks),
        chunks_deleted=len(plan.stale_ids),
        seconds=round(time.perf_counter() - started, 3),
        empty_files=tuple(plan.new_empty),
    )


def _empty(recorded: str | None) -> dict[str, str]:
    loaded = json.loads(recorded) if recorded else {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _plan(
    settings: Settings,
    sources: SourceSet,
    store: VectorStore,
    embedder: Embedder,
    *,
    rebuild: bool,
) -> _Plan:
    empty = {} if rebuild else _empty(store.info().get(EMPTY_FILES_KEY))
    stored = {**empty, **store.file_hashes()}
    changed = [key for key, digest in sources.hashes.items() if rebuild or stored.get(key) != digest]
    deleted = [source for source in stored if source not in sources.files and sources.owns(source)]
    chunks: list[Chunk] = []
    new_empty: list[EmptyFile] = []
    if changed:
        documents = sources.loader(changed)  # raises CorpusError naming the first bad file
        model = embedder
        chunker = Chunker(
            model.count_tokens,
            chunk_tokens=settings.chunk_tokens,
            overlap_tokens=settings.chunk_overlap_tokens,
            model_max_tokens=model.max_tokens,
        )
        for key in changed:
            pieces = chunk_documents(chunker, documents[key])
            if not pieces:
                new_empty.append(EmptyFile(key, NO_CHUNKS_REASON))
            for chunk in pieces:
                chunk.metadata["file_hash"] = sources.hashes[key]
                chunks.append(chunk)
    new_ids = {chunk.id for chunk in chunks}
    touched = set(changed) | set(deleted)
    if rebuild:  # only this ingest's own sources: `--rebuild notes/` must not drop the shipped corpus
        owned = (r for r in store.get() if sources.owns(str(r.metadata.get("source", ""))))
        stale = [r.id for r in owned if r.id not in new_ids]
    else:
        stale = [
            r.id
            for s in touched
            if s in stored
            for r in store.get(where={"source": s})
            if r.id not in new_ids
        ]
    touched_empty = {k: v for k, v in empty.items() if k not in touched}
    touched_empty.update({e.source: sources.hashes[e.source] for e in new_empty})
    return _Plan(changed, deleted, stale, chunks, touched_empty, new_empty)


def _embed(
    embedder: Embedder, chunks: list[Chunk], batch: int, progress: ProgressCallback | None
) -> np.ndarray:
    model = embedder
    # Batches of similar length pad less (the model pads each batch to its longest text).
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].text))
    vectors = np.zeros((len(chunks), model.dim), dtype=np.float32)
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        vectors[rows] = model.embed([chunks[i].text for i in rows])
        if progress is not None:
            progress(min(start + batch, len(chunks)), len(chunks))
    return vectors


def _write(store: VectorStore, plan: _Plan, vectors: np.ndarray | None, *, reset: bool) -> None:
    if reset:
        store.reset()
    if plan.chunks and vectors is not None:
        store.upsert(
            [c.id for c in plan.chunks],
            [c.text for c in plan.chunks],
            vectors,
            [c.metadata for c in plan.chunks],
        )
    if plan.stale_ids and not reset:
        store.delete(plan.stale_ids)


def bm25_path(settings: Settings, collection: str) -> Path:
    """The folder of the collection's BM25 index (one subfolder per content key)."""
    return settings.data_dir / INDEX_DIR / collection


def refresh_bm25(settings: Settings, store: VectorStore) -> None:
    """Rebuild and persist the collection's BM25 index (keyed by its content)."""
    from ingest.bm25 import BM25Index

    records = store.get()
    index = BM25Index.build([r.id for r in records], [r.text for r in records], [r.metadata for r in records])
    index.save(bm25_path(settings, store.name))


def ensure_ingested(settings: Settings, embedder: Embedder, store: VectorStore) -> None:
    """Incremental ingest of the shipped corpus into `store`; cheap when unchanged."""
    ingest(settings, embedder=embedder, store=store)
