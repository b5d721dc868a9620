"""Several uvicorn workers on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's supervisor shares one socket among its workers. The first worker to wake accepts every
queued connection at once (asyncio accepts up to the backlog per wake-up), and a keep-alive connection
stays with the worker that accepted it: in the load bench at 100 candidates one worker used 7.3 s of
CPU and the other 2.7 s, and turn p99 was 3.5 s while a core sat partly idle. With a socket per
worker the kernel spreads new connections over the workers.

The supervisor here does what uvicorn's did for us: it starts the workers, starts a new one when
one dies (the chaos bench SIGKILLs one), and stops them all on SIGINT/SIGTERM.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from typing import Any

from interviewer.errors import ConfigError

# uvicorn's exit code for a worker that could not start (bad app, port taken): restarting is futile.
STARTUP_FAILURE = 3
POLL_S = 0.2
STOP_GRACE_S = 10.0


def can_share_port() -> bool:
    """Whether this platform lets several sockets listen on one port (Linux, the BSDs)."""
    return hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other SO_REUSEPORT sockets of this user may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    return sock


def free_port_or_raise(host: str, port: int) -> int:
    """The port (a free one for 0), checked without SO_REUSEPORT: another server's workers already
    listening there make this fail, where a SO_REUSEPORT bind would quietly share their port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
        bound: int = probe.getsockname()[1]
        return bound


def _worker(options: dict[str, Any]) -> None:
    import uvicorn

    config = uvicorn.Config(**options)
    sock = reuse_port_socket(config.host, config.port)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Keeps `count` worker processes serving `options` (uvicorn.Config keywords) until told to stop."""

    def __init__(self, options: dict[str, Any], count: int) -> None:
        self.options = options
        self.count = count
        self.stopping = False
        self._context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []

    def _start(self) -> BaseProcess:
        worker = self._context.Process(target=_worker, args=(self.options,), name="uvicorn-worker")
        worker.start()
        return worker

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until SIGINT/SIGTERM (0) or until a worker cannot start (its exit code)."""
        port = free_port_or_raise(self.options["host"], self.options["port"])
        # Bound, never listening: holds the port while the workers start; the kernel routes no
        # connection to it.
        reserved = reuse_port_socket(self.options["host"], port)
        self.options = {**self.options, "port": port}
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)
        try:
            self.workers = [self._start() for _ in range(self.count)]
            return self._watch()
        finally:
            self._stop_workers()
            reserved.close()

    def _watch(self) -> int:
        while not self.stopping:
            for index, worker in enumerate(self.workers):
                if worker.is_alive():
                    continue
                if worker.exitcode == STARTUP_FAILURE:
                    return STARTUP_FAILURE
                self.workers[index] = self._start()
            time.sleep(POLL_S)
        return 0

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_GRACE_S
        for worker in self.workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()
