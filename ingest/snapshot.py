"""A read-only snapshot of a small collection (ids, vectors, texts, metadata, info) written at ingest.

Searching the shipped corpus needs none of Chroma: retrieval is exact in memory (`ExactDense`) and the
BM25 index is on disk. Opening Chroma only to copy its rows out costs a cold process ~2.4 s, most of it
`import chromadb`; the CLI's `grade` and every API worker read this file instead. Ingest is the one
writer of the collection, so it rewrites the snapshot whenever the collection changes (or the snapshot
does not match it); a process reading the snapshot reloads it when the file is replaced.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.bm25 import content_key
from ingest.documents import Metadata
from ingest.exact_dense import EXACT_MAX_RECORDS
from ingest.store import ChromaStore, StoredRecord, VectorStore, Where
from interviewer.errors import CorpusError
from interviewer.settings import Settings

SNAPSHOT_DIR = "snapshots"
SNAPSHOT_VERSION = "snapshot-v1"


@dataclass(frozen=True)
class _Rows:
    ids: list[str]
    vectors: np.ndarray
    records: list[StoredRecord]
    info: dict[str, str]
    key: str
    source: str


def snapshot_path(settings: Settings, collection: str) -> Path:
    """The snapshot file of `collection` under the data dir."""
    return settings.data_dir / SNAPSHOT_DIR / f"{collection}.npz"


def write_snapshot(settings: Settings, store: VectorStore) -> Path | None:
    """Copy `store` into its snapshot file (atomically); None, and no file, when it is too large."""
    path = snapshot_path(settings, store.name)
    if store.count() > EXACT_MAX_RECORDS:
        path.unlink(missing_ok=True)  # large collections are searched in the database, never copied
        return None
    ids, vectors = store.vectors()
    by_id = {r.id: r for r in store.get()}
    keep = [row for row, doc_id in enumerate(ids) if doc_id in by_id]  # the store's own row order
    ids = [ids[row] for row in keep]
    matrix = vectors[keep] if keep else vectors  # as ExactDense.load keeps them
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(
                out,
                version=np.asarray(SNAPSHOT_VERSION),
                key=np.asarray(content_key(ids)),
                source=np.asarray(str(settings.chroma_dir.resolve())),
                ids=np.asarray(ids, dtype=np.str_),
                vectors=np.asarray(matrix, dtype=np.float32),
                texts=np.asarray([by_id[i].text for i in ids], dtype=np.str_),
                metadata=np.asarray(json.dumps([by_id[i].metadata for i in ids])),
                info=np.asarray(json.dumps(store.info(), sort_keys=True)),
            )
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def refresh_snapshot(settings: Settings, store: VectorStore, *, changed: bool) -> None:
    """After an ingest: rewrite the snapshot when the collection changed or the file does not match it.

    Only the embedded Chroma under the data dir has one (what `open_snapshot` stands in for).
    """
    if settings.chroma_url or not isinstance(store, ChromaStore):
        return
    if changed or (store.count() <= EXACT_MAX_RECORDS and not snapshot_matches(settings, store)):
        write_snapshot(settings, store)


def snapshot_matches(settings: Settings, store: VectorStore) -> bool:
    """True when the snapshot file holds exactly `store`'s records and info, copied from this data dir."""
    try:
        rows = _read(snapshot_path(settings, store.name))
    except (OSError, ValueError, KeyError):
        return False
    same_store = rows.source == str(settings.chroma_dir.resolve())  # not a moved data dir's
    return same_store and rows.key == content_key(store.ids()) and rows.info == store.info()


def open_snapshot(settings: Settings, collection: str | None = None) -> SnapshotStore | None:
    """The collection's snapshot as a read-only store; None when there is none for this data dir.

    Only for the embedded Chroma: a Chroma server may be written by other machines' ingests.
    """
    if settings.chroma_url:
        return None
    name = collection or settings.collection
    path = snapshot_path(settings, name)
    try:
        rows = _read(path)
    except (OSError, ValueError, KeyError):
        return None
    if rows.source != str(settings.chroma_dir.resolve()):
        return None
    return SnapshotStore(name, path, rows)


def _read(path: Path) -> _Rows:
    with np.load(path, allow_pickle=False) as data:
        if str(data["version"]) != SNAPSHOT_VERSION:
            raise ValueError(f"{path}: not a {SNAPSHOT_VERSION} snapshot")
        ids = [str(i) for i in data["ids"]]
        texts = [str(t) for t in data["texts"]]
        metadatas: list[Metadata] = json.loads(str(data["metadata"]))
        records = [StoredRecord(i, t, dict(m)) for i, t, m in zip(ids, texts, metadatas, strict=True)]
        info = {str(k): str(v) for k, v in json.loads(str(data["info"])).items()}
        vectors = np.asarray(data["vectors"], dtype=np.float32)
        return _Rows(ids, vectors, records, info, str(data["key"]), str(data["source"]))


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


class SnapshotStore:
    """The `VectorStore` reads over a snapshot file; writes raise. Reloads when ingest replaces the file."""

    def __init__(self, name: str, path: Path, rows: _Rows) -> None:
        self.name = name
        self._path = path
        self._rows = rows
        self._signature = _signature(path)
        self._lock = threading.Lock()

    def _current(self) -> _Rows:
        signature = _signature(self._path)
        if signature is None or signature == self._signature:
            return self._rows  # a removed snapshot keeps the last one read
        with self._lock:
            if signature != self._signature:
                try:
                    self._rows = _read(self._path)
                    self._signature = signature
                except (OSError, ValueError, KeyError):
                    pass  # replaced again while reading: the next call sees the final file
            return self._rows

    def get(self, ids: Sequence[str] | None = None, where: Where | None = None) -> list[StoredRecord]:
        records = self._current().records
        if ids is not None:
            wanted = set(ids)
            records = [r for r in records if r.id in wanted]
        return [r for r in records if _match(r, where)]

    def query(self, embedding: np.ndarray, k: int, where: Where | None = None) -> list[StoredRecord]:
        rows = self._current()
        keep = [row for row, r in enumerate(rows.records) if _match(r, where)]
        if not keep or k <= 0:
            return []
        distances = 1.0 - rows.vectors[keep] @ np.asarray(embedding, dtype=np.float32)
        order = np.argsort(distances, kind="stable")[:k]
        return [
            StoredRecord(r.id, r.text, r.metadata, float(distances[j]))
            for j in order
            for r in (rows.records[keep[j]],)
        ]

    def vectors(self) -> tuple[list[str], np.ndarray]:
        rows = self._current()
        return list(rows.ids), rows.vectors

    def ids(self) -> list[str]:
        return list(self._current().ids)

    def file_hashes(self) -> dict[str, str]:
        metas = [r.metadata for r in self._current().records]
        return {str(m["source"]): str(m.get("file_hash", "")) for m in metas if "source" in m}

    def count(self) -> int:
        return len(self._current().ids)

    def info(self) -> dict[str, str]:
        return dict(self._current().info)

    def upsert(
        self, ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray, metadatas: Sequence[Metadata]
    ) -> None:
        raise self._read_only()

    def delete(self, ids: Sequence[str]) -> None:
        raise self._read_only()

    def set_info(self, info: dict[str, str]) -> None:
        raise self._read_only()

    def reset(self) -> None:
        raise self._read_only()

    def _read_only(self) -> CorpusError:
        return CorpusError(f"collection {self.name!r} is opened from its read-only snapshot {self._path}")


def _match(record: StoredRecord, where: Where | None) -> bool:
    return all(record.metadata.get(field) == value for field, value in (where or {}).items())
