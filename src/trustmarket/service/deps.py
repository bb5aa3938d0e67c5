"""FastAPI dependencies: the running service and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trustmarket.core.errors import NotAuthenticated
from trustmarket.service.principal import Principal
from trustmarket.service.state import Service

__all__ = ["Caller", "MaybeCaller", "Svc", "Token"]

_bearer = HTTPBearer(auto_error=False, description="a session token or an agent's API token")


async def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("this needs a bearer token: log in at POST /api/sessions")
    return credentials.credentials


async def _caller(
    service: Annotated[Service, Depends(_service)], token: Annotated[str, Depends(_token)]
) -> Principal:
    return service.principal(token)


async def _maybe_caller(
    service: Annotated[Service, Depends(_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None or not credentials.credentials:
        return None
    return service.principal(credentials.credentials)


Svc = Annotated[Service, Depends(_service)]
Token = Annotated[str, Depends(_token)]
Caller = Annotated[Principal, Depends(_caller)]
MaybeCaller = Annotated[Principal | None, Depends(_maybe_caller)]
