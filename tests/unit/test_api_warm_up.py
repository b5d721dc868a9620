"""Start-up warm-up: the app runs the services' warm-up in the background once it starts serving."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from api.app import build_app
from interviewer.settings import Settings, load_settings
from tests.support.api_support import hashing_services


def test_the_warm_up_runs_once_when_the_app_starts(settings: Settings) -> None:
    services = hashing_services(settings)
    started = threading.Event()
    calls: list[str] = []

    def warm_up(stop: threading.Event) -> None:
        calls.append(threading.current_thread().name)
        started.set()
        stop.wait(10)  # a long warm-up: the app's shutdown must stop it
        calls.append("stopped" if stop.is_set() else "timed out")

    services.warm_up = warm_up  # type: ignore[method-assign]
    with TestClient(build_app(services)) as client:
        assert client.get("/healthz").status_code == 200
        assert started.wait(5)
    assert calls == ["warm-up", "stopped"]  # joined at shutdown, not left running


def test_the_real_warm_up_embeds_the_bank_and_can_be_switched_off(settings: Settings) -> None:
    switched_off = hashing_services(load_settings(data_dir=settings.data_dir, warm_up=False))
    assert switched_off.warmed.is_set()  # ready without a lifespan
    calls: list[threading.Event] = []
    switched_off.warm_up = calls.append  # type: ignore[method-assign]
    with TestClient(build_app(switched_off)) as client:
        assert client.get("/readyz").json()["checks"]["warm_up"] == "ok"
    assert calls == []  # the app never started it
    services = hashing_services(settings)
    assert not services.warmed.is_set()
    services.warm_up(threading.Event())
    analyzer = services.grader().analyzer
    some_key_point = services.bank().questions[-1].key_points[-1]
    assert some_key_point in analyzer.cache


def test_prepare_stops_between_batches_once_told(bank, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from interviewer.grading.evidence import EvidenceAnalyzer
    from interviewer.grading.grader import PREPARE_BATCH, Grader

    stop = threading.Event()
    stop.set()
    assert Grader(bank, EvidenceAnalyzer(fake_embedder)).prepare(stop) == 0
    assert Grader(bank, EvidenceAnalyzer(fake_embedder)).prepare() > PREPARE_BATCH
