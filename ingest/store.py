"""The vector-store seam: a small protocol, the Chroma adapter (the only chromadb import) and a fake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ingest.documents import Metadata
from interviewer.errors import ConfigError, ProviderError
from interviewer.settings import Settings

Where = dict[str, str]


@dataclass(frozen=True)
class StoredRecord:
    id: str
    text: str
    metadata: Metadata
    distance: float = 0.0


class VectorStore(Protocol):
    """What ingest and retrieval need from a vector database."""

    name: str

    def upsert(
        self, ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray, metadatas: Sequence[Metadata]
    ) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def get(self, ids: Sequence[str] | None = None, where: Where | None = None) -> list[StoredRecord]: ...

    def query(self, embedding: np.ndarray, k: int, where: Where | None = None) -> list[StoredRecord]: ...

    def vectors(self) -> tuple[list[str], np.ndarray]:
        """Every record's id and stored embedding (rows aligned)."""
        ...

    def ids(self) -> list[str]: ...

    def file_hashes(self) -> dict[str, str]: ...

    def count(self) -> int: ...

    def info(self) -> dict[str, str]: ...

    def set_info(self, info: dict[str, str]) -> None: ...

    def reset(self) -> None: ...


def _where(where: Where | None) -> dict[str, Any] | None:
    """Chroma's filter syntax: one equality is a plain dict, several need an explicit $and."""
    if not where:
        return None
    clauses = [{key: value} for key, value in where.items()]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


_BATCH = 2000


class ChromaStore:
    """Chroma collection with cosine distance; embeddings always passed in (no default model)."""

    def __init__(self, client: Any, name: str) -> None:
        self.name = name
        self._client = client
        self._collection = self._open()

    def _open(self) -> Any:
        return self._client.get_or_create_collection(
            name=self.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 128}},
        )

    def reset(self) -> None:
        """Drop and recreate the collection (embedding model changed, or --rebuild)."""
        self._client.delete_collection(self.name)
        self._collection = self._open()

    def upsert(
        self, ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray, metadatas: Sequence[Metadata]
    ) -> None:
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self._collection.upsert(
                ids=list(ids[start:end]),
                documents=list(texts[start:end]),
                embeddings=np.asarray(embeddings[start:end], dtype=np.float32),
                metadatas=[dict(m) for m in metadatas[start:end]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self._collection.delete(ids=list(ids[start : start + _BATCH]))

    def get(self, ids: Sequence[str] | None = None, where: Where | None = None) -> list[StoredRecord]:
        if ids is not None and not ids:
            return []
        include = ["documents", "metadatas"]
        return [
            StoredRecord(i, d or "", dict(m or {}))
            for page in self._pages(include, ids, where)
            for i, d, m in zip(page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True)
        ]

    def _pages(self, include: list[str], ids: Sequence[str] | None = None, where: Where | None = None) -> Any:
        """Chroma `get` in pages: one unbounded call fails on large collections (SQL variable limit)."""
        if ids is not None:
            for start in range(0, len(ids), _BATCH):
                yield self._collection.get(
                    ids=list(ids[start : start + _BATCH]), where=_where(where), include=include
                )
            return
        offset = 0
        while True:
            page = self._collection.get(where=_where(where), include=include, limit=_BATCH, offset=offset)
            yield page
            if len(page["ids"]) < _BATCH:
                return
            offset += _BATCH

    def vectors(self) -> tuple[list[str], np.ndarray]:
        ids: list[str] = []
        rows: list[np.ndarray] = []
        for page in self._pages(["embeddings"]):
            ids += page["ids"]
            if len(page["ids"]):
                rows.append(np.asarray(page["embeddings"], dtype=np.float32))
        return ids, (np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32))

    def query(self, embedding: np.ndarray, k: int, where: Where | None = None) -> list[StoredRecord]:
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            where=_where(where),
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        docs = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        rows = zip(ids, docs, metas, dists, strict=True)
        return [StoredRecord(i, d or "", dict(m or {}), float(x)) for i, d, m, x in rows]

    def ids(self) -> list[str]:
        return [doc_id for page in self._pages([]) for doc_id in page["ids"]]

    def file_hashes(self) -> dict[str, str]:
        metas = [m for page in self._pages(["metadatas"]) for m in page["metadatas"] or []]
        return {str(m["source"]): str(m.get("file_hash", "")) for m in metas if m and "source" in m}

    def count(self) -> int:
        return int(self._collection.count())

    def info(self) -> dict[str, str]:
        meta = self._collection.metadata or {}
        return {str(k): str(v) for k, v in meta.items() if not str(k).startswith("hnsw:")}

    def set_info(self, info: dict[str, str]) -> None:
        self._collection.modify(metadata={**self.info(), **info})


class InMemoryStore:
    """Deterministic fake with exact cosine search, for tests of the logic around the store."""

    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self._rows: dict[str, tuple[str, np.ndarray, Metadata]] = {}
        self._info: dict[str, str] = {}
        self.writes = 0

    def upsert(
        self, ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray, metadatas: Sequence[Metadata]
    ) -> None:
        self.writes += 1
        for i, t, e, m in zip(ids, texts, embeddings, metadatas, strict=True):
            self._rows[i] = (t, np.asarray(e, dtype=np.float32), dict(m))

    def delete(self, ids: Sequence[str]) -> None:
        self.writes += 1
        for i in ids:
            self._rows.pop(i, None)

    def get(self, ids: Sequence[str] | None = None, where: Where | None = None) -> list[StoredRecord]:
        keys = list(self._rows) if ids is None else [i for i in ids if i in self._rows]
        return [
            StoredRecord(i, self._rows[i][0], dict(self._rows[i][2])) for i in keys if self._match(i, where)
        ]

    def vectors(self) -> tuple[list[str], np.ndarray]:
        ids = list(self._rows)
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        return ids, np.stack([self._rows[i][1] for i in ids])

    def query(self, embedding: np.ndarray, k: int, where: Where | None = None) -> list[StoredRecord]:
        keys = [i for i in self._rows if self._match(i, where)]
        if not keys or k <= 0:
            return []
        matrix = np.stack([self._rows[i][1] for i in keys])
        distances = 1.0 - matrix @ np.asarray(embedding, dtype=np.float32)
        order = np.argsort(distances, kind="stable")[:k]
        return [
            StoredRecord(keys[j], self._rows[keys[j]][0], dict(self._rows[keys[j]][2]), float(distances[j]))
            for j in order
        ]

    def _match(self, key: str, where: Where | None) -> bool:
        meta = self._rows[key][2]
        return all(meta.get(field) == value for field, value in (where or {}).items())

    def ids(self) -> list[str]:
        return list(self._rows)

    def file_hashes(self) -> dict[str, str]:
        return {
            str(m["source"]): str(m.get("file_hash", "")) for _, _, m in self._rows.values() if "source" in m
        }

    def count(self) -> int:
        return len(self._rows)

    def info(self) -> dict[str, str]:
        return dict(self._info)

    def set_info(self, info: dict[str, str]) -> None:
        self._info.update(info)

    def reset(self) -> None:
        self._rows.clear()
        self._info.clear()


def open_store(settings: Settings, collection: str | None = None) -> VectorStore:
    """The configured store: a Chroma server when MI_CHROMA_URL is set, else embedded under data_dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    name = collection or settings.collection
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(settings.chroma_url)
            if not url.hostname:
                raise ConfigError(f"MI_CHROMA_URL: expected http://host:port, got {settings.chroma_url!r}")
            client = chromadb.HttpClient(
                host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings
            )
        else:
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
        return ChromaStore(client, name)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - any client failure becomes one readable provider error
        where = settings.chroma_url or settings.chroma_dir
        raise ProviderError(f"cannot open Chroma collection {name!r} at {where}: {exc}") from None
