"""Ingest and search through a real `chroma run` server on 127.0.0.1 selected by MI_CHROMA_URL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.embedder import HashingEmbedder
from ingest.pipeline import ingest
from ingest.retrieval import build_retriever
from ingest.store import open_store
from interviewer.composition import Components
from interviewer.errors import ProviderError
from interviewer.settings import load_settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    process = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_ingest_and_search_via_server(
    chroma_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    real_embedder,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("MI_CHROMA_URL", chroma_url)
    settings = load_settings(data_dir=tmp_path / "data")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "serving.md").write_text(
        "# Serving\n\n## Latency\n\n"
        "Keep p99 under the budget by caching embeddings and batching requests.\n\n"
        "## Canary\n\n"
        "Send one percent of traffic to the new model and compare error rates before a full rollout.\n"
    )
    report = ingest(settings, [notes], collection="server-notes", embedder=real_embedder)
    assert report.chunks_total == 2
    assert not (tmp_path / "data" / "chroma").exists(), "the server, not the embedded store, holds the data"
    again = ingest(settings, [notes], collection="server-notes", embedder=real_embedder)
    assert again.chunks_embedded == 0
    hits = build_retriever(settings, open_store(settings, "server-notes"), real_embedder).search(
        "gradual rollout to a slice of users", k=1
    )
    assert hits[0].metadata["section"] == "Canary"


def test_unreachable_server_is_a_provider_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MI_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    settings = load_settings(data_dir=tmp_path / "data")
    with pytest.raises(ProviderError, match="cannot open Chroma"):
        Components(settings, embedder=HashingEmbedder()).retriever()
