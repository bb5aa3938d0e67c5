"""FastAPI dependencies: the running service and the caller.

The caller is one dependency (a subclass of FastAPI's HTTPBearer, so the OpenAPI spec documents
the bearer scheme): on the hot path of a bid every dependency FastAPI resolves costs time.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from starlette.requests import HTTPConnection

from trustmarket.core.errors import NotAuthenticated
from trustmarket.service.principal import Principal
from trustmarket.service.state import Service

__all__ = [
    "NO_TOKEN",
    "SESSION_COOKIE",
    "Caller",
    "MaybeCaller",
    "Token",
    "bearer_token",
    "parse_bearer",
    "service_of",
]

#: The refusal of a request that needs a token and sent none.
NO_TOKEN = "this needs a bearer token: log in at POST /api/sessions"


def service_of(request: HTTPConnection) -> Service:
    """The service the app runs."""
    service: Service = request.app.state.service
    return service


def parse_bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header value, if there is one."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


#: The cookie that holds a web page visitor's session token (see trustmarket.service.web).
SESSION_COOKIE = "trustmarket_session"

#: Requests a session cookie may authenticate: reads only. A change always needs the bearer
#: header, which another site's page cannot make a browser send (no cross-site request forgery).
_COOKIE_METHODS = frozenset({"GET", "HEAD"})


def bearer_token(request: HTTPConnection) -> str | None:
    """The bearer token of a request, if it sent one; for a read (and a stream) without the
    header, the web pages' session cookie."""
    token = parse_bearer(request.headers.get("authorization"))
    if token is None and request.scope.get("method", "GET") in _COOKIE_METHODS:
        return request.cookies.get(SESSION_COOKIE) or None
    return token


class _Caller(HTTPBearer):
    """The account behind the request's bearer token (401 without a live one)."""

    async def __call__(self, request: HTTPConnection) -> Principal:  # type: ignore[override]
        token = bearer_token(request)
        if token is None:
            raise NotAuthenticated(NO_TOKEN)
        return service_of(request).principal(token)


class _MaybeCaller(HTTPBearer):
    """The caller if a token was sent (an invalid one is refused), else None (the public)."""

    async def __call__(self, request: HTTPConnection) -> Principal | None:  # type: ignore[override]
        token = bearer_token(request)
        return None if token is None else service_of(request).principal(token)


class _Token(HTTPBearer):
    """The raw bearer token (for logging out)."""

    async def __call__(self, request: HTTPConnection) -> str:  # type: ignore[override]
        token = bearer_token(request)
        if token is None:
            raise NotAuthenticated(NO_TOKEN)
        return token


_DESCRIPTION = "a session token (POST /api/sessions) or an agent's API token (POST /api/tokens)"
Caller = Annotated[Principal, Depends(_Caller(description=_DESCRIPTION, auto_error=False))]
MaybeCaller = Annotated[
    Principal | None, Depends(_MaybeCaller(description=_DESCRIPTION, auto_error=False))
]
Token = Annotated[str, Depends(_Token(description=_DESCRIPTION, auto_error=False))]
Svc = Request
