"""`mock-interviewer users add` and `serve`'s refusal to go off loopback without keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.settings import load_settings
from interviewer.store import build_stores

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent / "mock-interviewer"


def _run(args: list[str], data_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MI_")}
    env.update(MI_DATA_DIR=str(data_dir), **extra)
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120)


def test_users_add_json_prints_a_working_key_stored_hashed(tmp_path: Path) -> None:
    result = _run(["users", "add", "dana", "--json"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"user", "api_key"} and body["user"] == "dana"
    _, users = build_stores(load_settings(data_dir=tmp_path / "data"))
    user = users.authenticate(body["api_key"])
    assert user is not None and user.name == "dana"
    again = json.loads(_run(["users", "add", "dana", "--json"], tmp_path / "data").stdout)
    assert again["api_key"] != body["api_key"] and users.authenticate(again["api_key"]) == user
    database = (tmp_path / "data" / "sessions.sqlite3").read_bytes()
    assert body["api_key"].encode() not in database


def test_serve_refuses_a_non_loopback_host_without_keys(tmp_path: Path) -> None:
    result = _run(["serve", "--host", "0.0.0.0", "--port", "9"], tmp_path / "data")
    assert result.returncode == 2
    assert "MI_REQUIRE_API_KEYS" in result.stderr and "0.0.0.0" in result.stderr


def test_serve_open_local_prints_a_url_whose_key_works(tmp_path: Path) -> None:
    import signal

    import httpx

    from api.http_wait import free_port, wait_for_http

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MI_")}
    # The hashing embedder keeps the corpus ingest quick; the flow is what is under test.
    env.update(MI_DATA_DIR=str(tmp_path / "data"), MI_EMBEDDING_MODEL="hashing", MI_REQUIRE_API_KEYS="true")
    process = subprocess.Popen(
        [str(BIN), "serve", "--open-local", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "#key=" in line:
                break
        url = next((word for line in lines for word in line.split() if "#key=" in word), None)
        assert url is not None and url.startswith(f"http://127.0.0.1:{port}/#key=mi_"), lines
        key = url.split("#key=", 1)[1]
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=120)
        headers = {"Authorization": f"Bearer {key}"}
        assert (
            httpx.get(f"http://127.0.0.1:{port}/v1/sessions", headers=headers, timeout=60).status_code == 200
        )
        assert httpx.get(f"http://127.0.0.1:{port}/v1/sessions", timeout=60).status_code == 401
        assert (tmp_path / "data" / "chroma").is_dir()  # the corpus was ingested first
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
