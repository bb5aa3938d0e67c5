"""The session cookie of the web pages: set from a live token, cleared on logout.

``POST /session`` takes the token from the bearer header, never from a form, so only a script
of a page of this service can set it (a form on another site cannot send that header); the
cookie is HttpOnly (no script reads it back) and SameSite=Strict.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from trustmarket.core.errors import NotAuthenticated
from trustmarket.service.deps import NO_TOKEN, SESSION_COOKIE, parse_bearer, service_of

router = APIRouter(include_in_schema=False)

#: A week, the same as a session token's life is not limited otherwise; logout ends both.
_MAX_AGE = 7 * 24 * 3600


@router.post("/session", status_code=204)
async def keep_session(request: Request) -> Response:
    """Remember the bearer token of this request in the session cookie."""
    token = parse_bearer(request.headers.get("authorization"))
    if token is None:
        raise NotAuthenticated(NO_TOKEN)
    service_of(request).principal(token)  # refuses an unknown or revoked token
    response = Response(status_code=204)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.delete("/session", status_code=204)
async def forget_session() -> Response:
    """Clear the session cookie (``DELETE /api/sessions/current`` revokes the token)."""
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
