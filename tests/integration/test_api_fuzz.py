"""Schemathesis fuzz of the OpenAPI schema over the real engine and grader: no 5xx, ever."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import build_app
from api.deps import Services, build_services
from interviewer.composition import Components
from interviewer.settings import load_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz_services(tmp_path_factory: pytest.TempPathFactory, real_embedder, bank) -> Services:  # type: ignore[no-untyped-def]
    data_dir: Path = tmp_path_factory.mktemp("fuzz") / "data"
    # schemathesis calls the ASGI app without its lifespan, so no background warm-up would ever finish
    settings = load_settings(data_dir=data_dir, rate_limit_per_minute=1_000_000, warm_up=False)
    services = build_services(Components(settings, embedder=real_embedder, bank=bank))
    services.components.interviewer()  # warm the engine once for the whole module
    return services


@pytest.fixture(scope="module")
def api_schema(fuzz_services: Services):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/openapi.json", build_app(fuzz_services))


def _check(case, services: Services) -> None:  # type: ignore[no-untyped-def]
    if "session_id" in (case.path_parameters or {}) and hash(str(case.body)) % 2 == 0:
        # A random id only ever reaches the 404 path; half the cases use a live session instead.
        state = services.interviewer().start(_round(case))
        services.sessions.create(services.local_user().id, state)
        case.path_parameters["session_id"] = state.id
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    )
    if response.status_code >= 400:
        body = response.json()  # every error, including 404/405/422, is JSON
        assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str), body


def test_no_server_errors(api_schema, fuzz_services: Services) -> None:  # type: ignore[no-untyped-def]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(case) -> None:  # type: ignore[no-untyped-def]
            _check(case, fuzz_services)

        fuzz()


def _round(case) -> object:  # type: ignore[no-untyped-def]
    from interviewer.domain.rounds import Round

    rounds = list(Round)
    return rounds[hash(case.formatted_path + str(case.body)) % len(rounds)]
