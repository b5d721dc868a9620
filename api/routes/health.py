"""`/healthz` (the process is up) and `/readyz` (store, database, bank and embedder usable, warm-up over)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Always 200 while the process serves requests."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(services: ServicesDep) -> Readiness | JSONResponse:
    """200 when every dependency answers, else 503 naming the failing ones."""
    checks: dict[str, str] = {}
    probes: dict[str, Callable[[], object]] = {
        "database": services.sessions.ping,
        "bank": services.bank,
        "embedder": services.embedder_check,
    }
    if services.settings.chroma_url:
        probes["vector_store"] = services.vector_store_check
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports any failure, never raises
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    # Start-up work (model load, the bank's rubric texts embedded) still running: serving works, but
    # slowly, so a load balancer should wait.
    checks["warm_up"] = "ok" if services.warmed.is_set() else "running"
    ready = all(v == "ok" for v in checks.values())
    body = Readiness(status="ready" if ready else "not-ready", checks=checks)
    return body if ready else JSONResponse(body.model_dump(), status_code=503)
