"""Fixtures of the unit API tests: an app over the real engine, store and grader, with fakes for the model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from api.deps import Services
from interviewer.domain.bank import Bank
from interviewer.settings import Settings, load_settings
from tests.support.api_support import hashing_services

LIMIT = 2000  # characters per message


def api_settings(settings: Settings, **overrides: object) -> Settings:
    """The test app's settings: the fake brain, no warm-up, `overrides` on top."""
    # No background warm-up: /readyz must say "ok" from the first request.
    return load_settings(data_dir=settings.data_dir, brain="fake", warm_up=False, **overrides)


@pytest.fixture
def services(settings: Settings, bank: Bank) -> Services:
    return hashing_services(api_settings(settings, require_api_keys=True, max_answer_chars=LIMIT), bank=bank)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(build_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


def _auth(services: Services, name: str) -> dict[str, str]:
    _, key = services.users.add_user_with_key(name)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(services: Services) -> dict[str, str]:
    return _auth(services, "alice")


@pytest.fixture
def bob(services: Services) -> dict[str, str]:
    return _auth(services, "bob")
