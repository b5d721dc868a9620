"""Starting the HTTP server: the loopback/keys safety check, the local user for `make run`, uvicorn."""

from __future__ import annotations

import ipaddress
import sys
from typing import Any

from api.workers import Supervisor, can_share_port
from interviewer.composition import Components
from interviewer.errors import ConfigError
from interviewer.settings import Settings
from interviewer.store import LOCAL_USER


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> None:
    """Refuse to serve beyond this machine unless every request must carry an API key."""
    if not is_loopback(host) and not settings.require_api_keys:
        raise ConfigError(
            f"refusing to serve on {host}, which is not loopback, without API keys: "
            "set MI_REQUIRE_API_KEYS=true (and create keys with `mock-interviewer users add NAME`)"
        )


def prepare_local(components: Components, host: str, port: int) -> str:
    """`--open-local`: ingest the corpus if needed, issue a key for the local user, return the page URL."""
    from ingest.pipeline import ensure_ingested

    ensure_ingested(components.settings, components.embedder(), components.vector_store())
    _, users = components.stores()
    user = users.get_or_create(LOCAL_USER)
    key = users.issue_key(user, label="serve --open-local")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}/#key={key}"


def serve(
    components: Components, *, host: str, port: int, workers: int = 1, open_local: bool = False
) -> None:
    """Migrate the database once, then run uvicorn with `workers` processes (each its own root)."""
    import uvicorn

    check_bind(components.settings, host)
    components.stores()  # migrations run here, once, before any worker starts
    if open_local:
        url = prepare_local(components, host, port)
        print(f"Open {url} in your browser (the key after # stays in the page).", flush=True)
    print(f"serving on http://{host}:{port} with {workers} worker(s)", file=sys.stderr, flush=True)
    options: dict[str, Any] = dict(
        app="api.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        # Longer than a candidate's pause between turns: a client that reuses a connection the
        # server has just closed as idle gets a read error (seen in the load run at uvicorn's 5 s).
        timeout_keep_alive=75,
        timeout_graceful_shutdown=5,
    )
    if workers > 1 and can_share_port():
        code = Supervisor(options, workers).run()
        if code:
            raise SystemExit(code)
        return
    uvicorn.run(**options, workers=workers)
