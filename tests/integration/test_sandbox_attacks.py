"""The attack suite against the real bubblewrap sandbox, while the service answers other candidates.

Limits are small (2 s CPU, 4 s wall, 8 processes) so that the fork and thread bombs stay cheap on a shared
machine; the suite takes ~25 s, most of it the runs that must time out.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from evals.sandbox_attacks import ATTACKS, markdown, run_all
from sandbox.bwrap import BwrapRunner, Limits
from tests.support.servers import database_url, serving

pytestmark = pytest.mark.slow

LIMITS = Limits(cpu_s=2, wall_s=4, memory_mb=512, processes=8, output_kb=64, disk_kb=2048)


def test_every_attack_is_contained_while_the_service_keeps_answering(tmp_path: Path) -> None:
    with (
        database_url("sqlite", tmp_path / "data") as url,
        serving(tmp_path / "data", url, workers=1) as (base, _),
    ):
        statuses: list[int] = []
        done = threading.Event()

        def other_candidate() -> None:
            while not done.is_set():
                statuses.append(httpx.get(f"{base}/healthz", timeout=10).status_code)
                statuses.append(httpx.get(f"{base}/v1/questions?round=ml-depth", timeout=10).status_code)
                done.wait(0.2)

        poller = threading.Thread(target=other_candidate)
        poller.start()
        try:
            rows = run_all(BwrapRunner(LIMITS))
        finally:
            done.set()
            poller.join()
    assert len(rows) >= 15
    escaped = [(attack.name, run.verdict, run.message) for attack, run, ok in rows if not ok]
    assert not escaped, markdown(rows, "bwrap")
    assert len(statuses) > 20 and set(statuses) == {200}, statuses
    assert [a.name for a, _, _ in rows] == [a.name for a in ATTACKS]
