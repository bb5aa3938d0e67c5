"""Web pages for people (SPEC section 9, issue 10): the marketplace in a browser.

The service renders every page on the server (Jinja2 templates in ``templates/``); a small
script per page (``static/``, shipped in the package, nothing from a CDN) sends forms to the
same JSON API a program uses, so a form refuses exactly what the API refuses with the API's
message, and refreshes live parts when the service's event stream reports a change.

A visitor who logs in gets the session token in an HttpOnly cookie; the cookie authenticates
reads (pages, ``GET /api/...`` and the streams) and never a change: a page sends changes with
the bearer header, from the token the service put in that page, so another site cannot make a
visitor's browser bid (see :mod:`trustmarket.service.deps`).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from trustmarket.service.web import (
    account_pages,
    ledger_pages,
    market_pages,
    reputation_pages,
    session,
    sharing_pages,
    tools_pages,
)
from trustmarket.service.web.render import STATIC_DIR

__all__ = ["install_pages"]


def install_pages(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        session,
        account_pages,
        market_pages,
        reputation_pages,
        tools_pages,
        sharing_pages,
        ledger_pages,
    ):
        app.include_router(module.router)
