"""`make stack`: the docker-compose topology on one machine without Docker.

A `chroma run` server, the local PostgreSQL, and two API worker processes sharing both. The
workers are separate processes on their own ports, so each can be addressed (and killed) alone.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from api.http_wait import ServerNotReady, wait_for_http

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mock_interviewer"


@dataclass
class StackConfig:
    data_dir: Path
    database_url: str = DEFAULT_DATABASE_URL
    chroma_port: int = 8100
    api_ports: tuple[int, ...] = (8000, 8001)
    require_api_keys: bool = False


@dataclass
class Stack:
    """Starts, health-checks and stops the processes of the topology."""

    config: StackConfig
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def chroma_url(self) -> str:
        return f"http://127.0.0.1:{self.config.chroma_port}"

    @property
    def api_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.config.api_ports]

    def environment(self) -> dict[str, str]:
        """The MI_ variables every API worker gets (the same ones docker-compose sets)."""
        env = dict(os.environ)
        env.update(
            MI_DATA_DIR=str(self.config.data_dir),
            MI_DATABASE_URL=self.config.database_url,
            MI_CHROMA_URL=self.chroma_url,
            MI_REQUIRE_API_KEYS=str(self.config.require_api_keys).lower(),
        )
        return env

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.config.data_dir / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
        self.processes[name] = subprocess.Popen(
            argv, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait(self, name: str, url: str, timeout: float) -> None:
        log = self.config.data_dir / f"{name}.log"
        try:
            wait_for_http(url, self.processes[name], timeout, log=log)
        except ServerNotReady as exc:
            raise ServerNotReady(f"{name}: {exc}") from None

    def start(self, *, timeout: float = 180.0) -> None:
        """Chroma server, database and schema, corpus in Chroma, then the API workers."""
        from interviewer.settings import load_settings
        from interviewer.store import build_stores
        from interviewer.store.database import ensure_postgres_database

        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        bin_dir = Path(sys.executable).parent
        chroma_dir = self.config.data_dir / "chroma-server"
        self._spawn(
            "chroma",
            [
                str(bin_dir / "chroma"),
                "run",
                "--path",
                str(chroma_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.config.chroma_port),
            ],
        )
        self._wait("chroma", f"{self.chroma_url}/api/v2/heartbeat", 60)
        if self.config.database_url.startswith("postgres"):
            ensure_postgres_database(self.config.database_url)
        settings = load_settings(
            data_dir=self.config.data_dir, database_url=self.config.database_url, chroma_url=self.chroma_url
        )
        build_stores(settings)  # migrate once, before two workers race for it
        subprocess.run(  # ingest into the Chroma server (incremental, cheap when unchanged)
            [str(bin_dir / "mock-interviewer"), "ingest"],
            env=self.environment(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for index, port in enumerate(self.config.api_ports):
            self._spawn(
                f"api-{index + 1}",
                [str(bin_dir / "mock-interviewer"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            )
        for index, url in enumerate(self.api_urls):
            self._wait(f"api-{index + 1}", f"{url}/readyz", timeout)

    def stop(self) -> None:
        """SIGTERM every process (API workers first), SIGKILL what does not exit in 10 s."""
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def _parse(argv: list[str] | None) -> StackConfig:
    parser = argparse.ArgumentParser(prog="python -m api.stack", description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("MI_DATA_DIR", "data")) / "stack"
    )
    parser.add_argument("--database-url", default=os.environ.get("MI_DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--chroma-port", type=int, default=8100)
    parser.add_argument("--api-ports", type=int, nargs="+", default=[8000, 8001])
    args = parser.parse_args(argv)
    return StackConfig(args.data_dir, args.database_url, args.chroma_port, tuple(args.api_ports))


def main(argv: list[str] | None = None) -> None:
    """Run the stack until Ctrl-C."""
    from interviewer.settings import apply_offline_environment

    apply_offline_environment()
    stack = Stack(_parse(argv))
    try:
        stack.start()
        print(f"chroma: {stack.chroma_url}\ndatabase: {stack.config.database_url}")
        for url in stack.api_urls:
            print(f"api worker: {url}  (web page at {url}/)")
        print("Ctrl-C stops everything.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        print("a process of the stack exited; stopping the rest", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
