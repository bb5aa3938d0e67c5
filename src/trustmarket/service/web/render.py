"""Rendering a page: the templates, who is visiting, and the answer.

Every page is rendered for one visitor: the account of the session cookie, or the public. A
stale cookie (logged out elsewhere, revoked) makes the visitor the public and is cleared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from trustmarket.core.errors import NotAuthenticated, TrustmarketError
from trustmarket.core.money import Money
from trustmarket.service.deps import SESSION_COOKIE, service_of
from trustmarket.service.principal import Principal

__all__ = [
    "STATIC_DIR",
    "Visitor",
    "human_text",
    "login_redirect",
    "money_text",
    "render",
    "render_error",
    "templates",
    "visitor_of",
]

_HERE = Path(__file__).parent
STATIC_DIR = _HERE / "static"
templates = Jinja2Templates(directory=_HERE / "templates")

#: The pages' navigation: (path, label).
NAVIGATION = (
    ("/", "Markets"),
    ("/auctions/new", "New auction"),
    ("/agents", "Agents"),
    ("/reputation", "Reputation"),
    ("/tools", "Tools"),
    ("/sharing", "Sharing"),
    ("/ledger", "Ledger"),
)


@dataclass(frozen=True)
class Visitor:
    """Who a page is rendered for: an account and its token, or the public (both None);
    ``stale`` when the request carried a cookie that no longer logs anyone in."""

    principal: Principal | None
    token: str | None
    stale: bool = False

    @property
    def name(self) -> str | None:
        return None if self.principal is None else self.principal.name


def visitor_of(request: Request) -> Visitor:
    """The visitor behind the request's session cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return Visitor(None, None)
    try:
        return Visitor(service_of(request).principal(token), token)
    except NotAuthenticated:
        return Visitor(None, None, stale=True)


def is_money(value: Any) -> bool:
    """Whether a view's value is an amount (``{"minor": ..., "currency": ...}``)."""
    return isinstance(value, dict) and set(value) == {"minor", "currency"}


def money_text(value: Any) -> str:
    """An amount of a view as its exact decimal and currency, e.g. ``"60.00 EUR"``."""
    if is_money(value):
        try:
            return f"{Money(value['minor'], value['currency']).decimal()} {value['currency']}"
        except TrustmarketError:
            return str(value)
    return "-" if value is None else str(value)


def human_text(value: Any) -> str:
    """A view's value as a person reads it: amounts with their currency, a (quantity, price)
    alternative as "4 for 100.00 EUR", other objects as "key value" pairs, lists joined."""
    if is_money(value):
        return money_text(value)
    if isinstance(value, dict):
        price = value.get("price", value.get("unit_price"))
        if "quantity" in value and is_money(price) and len(value) == 2:
            each = " each" if "unit_price" in value else ""
            return f"{value['quantity']} for {money_text(price)}{each}"
        return ", ".join(f"{str(k).replace('_', ' ')} {human_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(human_text(v) for v in value)
    return "-" if value is None else str(value)


def _json_attr(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """The keys of a list of records, in order of first appearance (a table's columns), ids
    last: people read the bidder and the amount first."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return [k for k in keys if not k.endswith("_id")] + [k for k in keys if k.endswith("_id")]


def _reject_keys(data: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [key for key in data if key not in keys]


templates.env.filters["columns"] = _columns
templates.env.filters["reject_keys"] = _reject_keys
templates.env.filters["money"] = money_text
templates.env.filters["human"] = human_text
templates.env.tests["money"] = is_money
templates.env.filters["tojson_compact"] = _json_attr
templates.env.globals["navigation"] = NAVIGATION


def render(
    request: Request,
    name: str,
    visitor: Visitor,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name`` for ``visitor``. Pages are never cached: they may hold the
    visitor's token and views that change with every bid."""
    response = templates.TemplateResponse(
        request,
        name,
        {"visitor": visitor, "path": request.url.path, **context},
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
    if visitor.stale:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def render_error(
    request: Request, visitor: Visitor, status_code: int, heading: str, message: str
) -> HTMLResponse:
    """A page that says what went wrong (the service's own message) with its status."""
    return render(
        request, "error.html", visitor, status_code=status_code, heading=heading, message=message
    )


def login_redirect(request: Request) -> Response:
    """Send a visitor who must log in to the login page, and back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
