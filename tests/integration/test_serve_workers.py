"""`serve --workers 2`: one listening socket per worker on one port, a killed worker replaced, and a
second server refused the port instead of quietly sharing it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from evals.bench_chaos import worker_pids
from tests.support.servers import BIN, database_url, serving, worker_environment


def _listening_sockets(pids: list[int], port: int) -> int:
    """How many distinct listening sockets on `port` these processes hold (a shared one counts once)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:  # 0A: LISTEN
            inodes.add(fields[9])
    owned: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                owned.add(target[8:-1])
    return len(owned)


def _wait_for(check, timeout_s: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_each_worker_listens_on_its_own_socket_and_a_killed_one_is_replaced(tmp_path: Path) -> None:
    with database_url("sqlite", tmp_path / "data") as url, serving(tmp_path / "data", url) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        workers = worker_pids(proc.pid)
        assert len(workers) == 2
        assert _listening_sockets(workers, port) == 2  # one each, not one shared
        os.kill(workers[0], signal.SIGKILL)
        assert _wait_for(lambda: len(set(worker_pids(proc.pid)) - {workers[0]}) == 2)
        assert _wait_for(lambda: httpx.get(f"{base}/readyz", timeout=5).status_code == 200)
        for _ in range(6):  # fresh connections reach both workers, the new one included
            assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200


def test_a_second_server_on_the_same_port_is_refused(tmp_path: Path) -> None:
    with database_url("sqlite", tmp_path / "data") as url, serving(tmp_path / "data", url) as (base, _):
        port = base.rsplit(":", 1)[1]
        second = subprocess.run(
            [str(BIN / "mock-interviewer"), "serve", "--host", "127.0.0.1", "--port", port, "--workers", "2"],
            env=worker_environment(tmp_path / "other", url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode != 0
        assert f"cannot serve on 127.0.0.1:{port}" in second.stderr + second.stdout
