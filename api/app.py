"""The FastAPI application factory."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api.deps import Services, build_services
from api.errors import install_error_handlers
from api.routes import catalog, coding, health, practice, sessions
from interviewer.composition import Components

STATIC_DIR = Path(__file__).resolve().parent / "static"


def build_app(services: Services) -> FastAPI:
    """The HTTP API and web page over `services`."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not services.settings.warm_up:
            services.warmed.set()
            yield
            return
        # In the background, so requests are served meanwhile (/readyz says 503 until it is over);
        # stopped and joined at shutdown, since a thread still inside torch at interpreter exit
        # aborts the process.
        stop = threading.Event()
        work = (services.warm_up, services.warmed, stop)
        warm_up = threading.Thread(target=_warm_up, args=work, name="warm-up", daemon=True)
        warm_up.start()
        try:
            yield
        finally:
            stop.set()
            warm_up.join(timeout=30)

    # /docs and /redoc from assets bundled in fastapi-offline (Swagger UI 5, ReDoc): no CDN, so they
    # render with no network.
    app = FastAPIOffline(
        title="Mock interviewer for ML engineers",
        version="1",
        description="Mock interviews, rubric-grounded feedback and progress. Errors are `{code, message}`.",
        lifespan=lifespan,
    )
    app.state.services = services
    install_error_handlers(app)
    for router in (health.router, sessions.router, catalog.router, practice.router, coding.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    return app


def _warm_up(work: Callable[[threading.Event], None], done: threading.Event, stop: threading.Event) -> None:
    try:
        work(stop)
    finally:
        done.set()


def create_app() -> FastAPI:
    """Factory for `uvicorn --factory api.app:create_app`: each worker process is its own composition root."""
    from interviewer.settings import apply_offline_environment, load_settings

    apply_offline_environment()
    return build_app(build_services(Components(load_settings())))
