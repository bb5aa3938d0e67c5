"""How errors reach HTTP clients: every refusal is a 4xx whose JSON body says what was wrong and
what is allowed, ``{"error": code, "message": text}`` (SPEC section 2); nothing is half-done.

| error | status |
| --- | --- |
| :class:`~trustmarket.core.errors.NotAuthenticated` | 401 |
| :class:`~trustmarket.core.errors.NotPermitted` | 403 |
| :class:`~trustmarket.core.errors.UnknownResource`, an unknown path | 404 |
| :class:`~trustmarket.core.errors.RejectedEvent` (a bid refused now, a closed auction) | 409 |
| a body over the size limit | 413 |
| :class:`~trustmarket.core.errors.InvalidInput`, malformed JSON, a field of the wrong type | 422 |
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trustmarket.core.errors import (
    InvalidInput,
    NotAuthenticated,
    NotPermitted,
    RejectedEvent,
    TrustmarketError,
    UnknownResource,
)

__all__ = [
    "BodyLimit",
    "error_body",
    "install_error_handlers",
    "status_of",
    "validation_message",
]

_log = logging.getLogger("trustmarket.service")


def status_of(error: TrustmarketError) -> int:
    """The HTTP status of a trustmarket error (see the module's table)."""
    if isinstance(error, NotAuthenticated):
        return 401
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, UnknownResource):
        return 404
    if isinstance(error, RejectedEvent):
        return 409
    if isinstance(error, InvalidInput):
        return 422
    return 400


def error_body(code: str, message: str) -> dict[str, str]:
    return {"error": code, "message": message}


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def validation_message(errors: list[Any]) -> str:
    """One line for the first few errors of a request model (FastAPI's or pydantic's)."""
    messages = []
    for item in errors[:5]:
        kind = item.get("type", "")
        where = _where(tuple(item.get("loc", ())))
        if kind == "json_invalid":
            context = item.get("ctx", {}).get("error", "")
            messages.append(f"the body is not valid JSON ({context})")
        elif kind == "extra_forbidden":
            messages.append(f"{where}: unknown field; see the API reference for the allowed ones")
        elif kind == "missing":
            messages.append(f"{where}: required field is missing")
        else:
            text = str(item.get("msg", "invalid"))
            text = text.removeprefix("Value error, ")
            messages.append(f"{where}: {text}")
    return "; ".join(messages)


async def _trustmarket_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TrustmarketError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, NotAuthenticated) else None
    return JSONResponse(
        error_body(error.code, error.message), status_code=status_of(error), headers=headers
    )


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        error_body("invalid_request", validation_message(list(error.errors()))), 422
    )


def _wants_page(request: Request) -> bool:
    """A person's browser asking for a page (not the API, not a static file)."""
    path = request.url.path
    return (
        request.method == "GET"
        and not path.startswith(("/api/", "/static/"))
        and "text/html" in request.headers.get("accept", "")
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated"}
    detail = error.detail if isinstance(error.detail, str) else json.dumps(error.detail)
    if error.status_code == 404 and detail == "Not Found":
        if _wants_page(request):
            # Imported here: the pages import the service, which imports this module.
            from trustmarket.service.web.render import render_error, visitor_of

            message = f"there is no page {request.url.path}; the markets are at /"
            return render_error(request, visitor_of(request), 404, "No such page", message)
        detail = "no such endpoint; the API reference is at /docs"
    return JSONResponse(
        error_body(codes.get(error.status_code, "http_error"), detail),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    _log.exception("unexpected error", exc_info=error)
    return JSONResponse(
        error_body("internal", "the service failed; nothing was changed, please retry"), 500
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to its status and JSON body."""
    app.add_exception_handler(TrustmarketError, _trustmarket_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether the client declared the
    length or streams the body in chunks (pure ASGI: nothing is buffered here)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.limit:
                    await self._refuse(send)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            error_body(
                "body_too_large", f"the request body is over the limit of {self.limit} bytes"
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
