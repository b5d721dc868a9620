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
