"""CLI commands of the service: `serve` and `users add`."""

from __future__ import annotations

import json
import os

import typer

users_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The user's name (reused if it exists; a new key is issued)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"user": ..., "api_key": ...} only.'),
) -> None:
    """Create a user (or reuse one) and print a new API key. Only its hash is stored."""
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    _, users = Components(load_settings()).stores()
    user, key = users.add_user_with_key(name)
    if as_json:
        typer.echo(json.dumps({"user": user.name, "api_key": key}))
    else:
        typer.echo(f"user {user.name}: API key {key}\n(shown once; send it as `Authorization: Bearer <key>`)")


def serve(
    host: str | None = typer.Option(None, help="Bind address (MI_HOST; default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (MI_PORT; default 8000)."),
    workers: int = typer.Option(1, min=1, max=32, help="uvicorn worker processes (the API is stateless)."),
    open_local: bool = typer.Option(
        False, "--open-local", help="Ingest if needed, issue a local user's key, print the page URL with it."
    ),
    local_llm: bool = typer.Option(
        False,
        "--local-llm",
        help="Start the packaged SmolLM2 llama.cpp server on 127.0.0.1 and serve with MI_BRAIN=llm pointed "
        "at it (stopped when the API stops). The LLM review stays off unless MI_LLM_REVIEW=on.",
    ),
) -> None:
    """Serve the HTTP API and the web page."""
    from contextlib import ExitStack

    from api.server import serve as run_server
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    with ExitStack() as stack:
        if local_llm:
            from api.local_llm import MODEL_NAME
            from api.local_llm import local_llm as start_local_llm

            typer.echo("starting the local LLM server (SmolLM2-135M-Instruct, llama.cpp)...", err=True)
            base_url = stack.enter_context(start_local_llm())
            typer.echo(f"local LLM ready at {base_url}", err=True)
            # Worker processes read their settings from the environment: set them there.
            # The review stays off by default: on SmolLM2 the reviewer accepted none of its 60
            # proposals (eval report, llm/review_smollm2) while adding ~7 s to every grade.
            os.environ.update(MI_BRAIN="llm", MI_LLM_BASE_URL=base_url, MI_LLM_MODEL=MODEL_NAME)
        settings = load_settings()
        bind_host = host or settings.host
        bind_port = port or settings.port
        # Worker processes read their settings from the environment; pass the CLI's choices on.
        os.environ["MI_HOST"], os.environ["MI_PORT"] = bind_host, str(bind_port)
        components = Components(settings)
        run_server(components, host=bind_host, port=bind_port, workers=workers, open_local=open_local)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the app."""
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
