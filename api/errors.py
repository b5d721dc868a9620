"""Errors at the HTTP edge: every error body is `{"code": ..., "message": ...}` (plus details)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from interviewer.errors import (
    ConfigError,
    CorpusError,
    IdempotencyKeyReused,
    InputError,
    MockInterviewerError,
    ProviderError,
    SessionConflict,
    SessionNotFound,
)
from interviewer.store import UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}
RETRY_AFTER_S = 1  # a lost race or a database restart: worth another try about a second later


class ApiError(Exception):
    """An error with a stable machine-readable code, raised by routes and dependencies."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers
        self.extra = extra


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"code": code, "message": message, **jsonable_encoder(extra)}
    return JSONResponse(body, status_code=status, headers=headers)


def error_parts(exc: Exception) -> tuple[int, str, str]:
    """(status, code, message) for any exception: the one mapping for JSON errors and in-band SSE errors."""
    if isinstance(exc, ApiError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, UNAVAILABLE_ERRORS):
        log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return 503, "database_unavailable", "the database is unavailable right now; retry shortly"
    if isinstance(exc, SessionNotFound):
        return 404, "session_not_found", "no such session"
    if isinstance(exc, SessionConflict):
        return 409, "session_conflict", str(exc)
    if isinstance(exc, IdempotencyKeyReused):
        return 422, "idempotency_key_reused", str(exc)
    if isinstance(exc, InputError):
        return 422, "invalid_input", str(exc)
    if isinstance(exc, CorpusError):
        return 503, "corpus_unavailable", str(exc)
    if isinstance(exc, ProviderError):
        return 502, "provider_error", str(exc)
    if isinstance(exc, ConfigError):
        return 500, "config_error", str(exc)
    log.exception("unhandled error", exc_info=exc)
    return 500, "internal_error", "internal error; see the server log"


def _domain_error(exc: Exception) -> JSONResponse:
    status, code, message = error_parts(exc)
    retry = code in ("database_unavailable", "session_conflict")
    headers = {"Retry-After": str(RETRY_AFTER_S)} if retry else None
    return error_response(status, code, message, headers)


def install_error_handlers(app: FastAPI) -> None:
    """Convert every exception into the JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return error_response(422, "validation_error", f"{where}: {first['msg']}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(MockInterviewerError)
    async def _domain(_: Request, exc: MockInterviewerError) -> JSONResponse:
        return _domain_error(exc)

    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        return _domain_error(exc)

    for error_type in UNAVAILABLE_ERRORS:  # handled here, not as a 500 by the server-error middleware
        app.add_exception_handler(error_type, _unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _domain_error(exc)
