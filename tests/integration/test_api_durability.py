"""Restart durability: SIGKILL the real server mid-session, start it again, the session continues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.http_wait import free_port, wait_for_http

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MI_")}
    env.update(MI_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    process = subprocess.Popen(
        [str(BIN / "mock-interviewer"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", process, timeout=120)
    return process


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        _kill(process)


def test_sigkill_mid_session_then_restart_continues(tmp_path: Path, servers: list) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=180)
    servers.append(_start_server(tmp_path / "data", port))
    session = client.post("/v1/sessions", json={"round": "behavioral"}).json()
    sid = session["id"]
    first = client.post(
        f"/v1/sessions/{sid}/messages", json={"content": "I led the on-call rota redesign in 2022."}
    )
    assert first.status_code == 200, first.text
    before = client.get(f"/v1/sessions/{sid}").json()

    servers[0].send_signal(signal.SIGKILL)  # no shutdown hooks, no flush: only what was committed survives
    servers[0].wait(timeout=30)
    with pytest.raises(httpx.TransportError):
        client.get("/healthz")

    servers.append(_start_server(tmp_path / "data", port))
    after = client.get(f"/v1/sessions/{sid}").json()
    # Everything stored survives; only the clock-derived elapsed time has moved on.
    assert after.pop("elapsed_seconds") >= before.pop("elapsed_seconds")
    assert after == before and len(after["turns"]) == 3
    second = client.post(f"/v1/sessions/{sid}/messages", json={"content": "We cut pages by 60% as a result."})
    assert second.status_code == 200 and len(second.json()["session"]["turns"]) == 5
    report = client.post(f"/v1/sessions/{sid}/end")
    assert report.status_code == 200 and report.json()["round"] == "behavioral"
    listed = client.get("/v1/sessions").json()
    assert [item["id"] for item in listed["items"]] == [sid] and listed["items"][0]["status"] == "ended"
