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
    InputError,
    MockInterviewerError,
    ProviderError,
    SessionNotFound,
)

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


def _domain_error(exc: Exception) -> JSONResponse:
    if isinstance(exc, SessionNotFound):
        return error_response(404, "session_not_found", "no such session")
    if isinstance(exc, InputError):
        return error_response(422, "invalid_input", str(exc))
    if isinstance(exc, CorpusError):
        return error_response(503, "corpus_unavailable", str(exc))
    if isinstance(exc, ProviderError):
        return error_response(502, "provider_error", str(exc))
    if isinstance(exc, ConfigError):
        return error_response(500, "config_error", str(exc))
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "internal error; see the server log")


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

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _domain_error(exc)
