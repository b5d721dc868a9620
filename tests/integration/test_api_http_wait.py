"""`wait_for_http`: returns once the URL answers 200, fails clearly when the process dies or time runs out."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.http_wait import ServerNotReady, free_port, wait_for_http


class _Ok(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def local_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_returns_when_the_url_answers_200(local_server: str) -> None:
    wait_for_http(f"{local_server}/healthz", timeout=5)


def test_a_url_that_never_answers_200_times_out_naming_it(local_server: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("listening, but not ready yet\n")
    with pytest.raises(ServerNotReady, match=r"/readyz did not answer 200 within 1 s") as raised:
        wait_for_http(f"{local_server}/readyz", timeout=0.6, log=log, interval=0.05)
    assert "not ready yet" in str(raised.value)


def test_a_process_that_exits_fails_at_once_with_its_output() -> None:
    script = "import sys; print('port already in use'); sys.exit(3)"
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    process.wait(timeout=30)
    with pytest.raises(ServerNotReady, match="exited with 3") as raised:
        wait_for_http(f"http://127.0.0.1:{free_port()}/healthz", process, timeout=60)
    assert "port already in use" in str(raised.value)


def test_exit_while_waiting_reads_the_log_file(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        script = "import time, sys; time.sleep(0.3); print('bad settings: MI_PORT'); sys.exit(2)"
        process = subprocess.Popen([sys.executable, "-c", script], stdout=out, stderr=subprocess.STDOUT)
        with pytest.raises(ServerNotReady, match="exited with 2") as raised:
            wait_for_http(f"http://127.0.0.1:{free_port()}/healthz", process, timeout=60, log=log)
    assert "bad settings: MI_PORT" in str(raised.value)
