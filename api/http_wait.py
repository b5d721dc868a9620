"""Waiting for a child server to answer: one polling loop for the stack, the bench and the tests."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

OUTPUT_TAIL_CHARS = 3000


class ServerNotReady(RuntimeError):
    """The server exited, or did not answer 200 in time; the message says which, with its output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _output_tail(process: subprocess.Popen[Any] | None, log: Path | None) -> str:
    """The last lines the server wrote: from its log file, else from its stdout pipe (once it exited)."""
    if log is not None and log.exists():
        return log.read_text(errors="replace")[-OUTPUT_TAIL_CHARS:]
    if process is not None and process.stdout is not None and process.poll() is not None:
        output = process.stdout.read()
        text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
        return text[-OUTPUT_TAIL_CHARS:]
    return ""


def wait_for_http(
    url: str,
    process: subprocess.Popen[Any] | None = None,
    timeout: float = 60.0,
    *,
    log: Path | None = None,
    interval: float = 0.2,
) -> None:
    """Poll `url` until it answers 200; ServerNotReady as soon as `process` exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise ServerNotReady(
                f"the server for {url} exited with {process.returncode} before it answered:\n"
                + _output_tail(process, log)
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            tail = _output_tail(None, log)
            suffix = f":\n{tail}" if tail else ""
            raise ServerNotReady(f"{url} did not answer 200 within {timeout:.0f} s{suffix}")
        time.sleep(interval)
