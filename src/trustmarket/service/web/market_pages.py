"""Pages of the markets: the listing with filters, creating an auction through the advisor,
and an auction's page (live view, a bid form for its bidding language, results)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trustmarket.auctions.advisor import Setting, advise
from trustmarket.auctions.registry import MECHANISMS
from trustmarket.core.errors import TrustmarketError
from trustmarket.core.money import CURRENCY_DIGITS
from trustmarket.service.deps import service_of
from trustmarket.service.market import MECHANISM_CHOICES
from trustmarket.service.web.render import login_redirect, render, render_error, visitor_of

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class ConfigField:
    """One setting of a mechanism on the create form (``kind``: amount, integer, choice, goods)."""

    name: str
    label: str
    kind: str
    required: bool = False
    default: str = ""
    choices: tuple[str, ...] = ()
    hint: str = ""


#: The create form's settings per mechanism (each engine's config, SPEC 3.1-3.4).
CONFIG_FIELDS: dict[str, tuple[ConfigField, ...]] = {
    "english": (
        ConfigField("increment", "Minimum increment", "amount", True, "1.00"),
        ConfigField("reserve", "Reserve price", "amount"),
    ),
    "dutch": (
        ConfigField("start_price", "Start price", "amount", True, "100.00"),
        ConfigField("decrement", "Decrement per tick", "amount", True, "1.00"),
        ConfigField("floor", "Floor price", "amount", True, "10.00"),
        ConfigField("tick_seconds", "Seconds per tick", "integer", False, "10"),
    ),
    "first_price_sealed": (ConfigField("reserve", "Reserve price", "amount"),),
    "vickrey": (ConfigField("reserve", "Reserve price", "amount"),),
    "multi_unit": (
        ConfigField("supply", "Units for sale", "integer", True, "10"),
        ConfigField(
            "pricing",
            "Pricing",
            "choice",
            False,
            "vickrey",
            ("vickrey", "pay_as_bid", "uniform"),
            "uniform price is not incentive compatible (demand reduction)",
        ),
        ConfigField("reserve_unit_price", "Reserve price per unit", "amount"),
    ),
    "double": (),
    "multi_unit_double": (),
    "combinatorial": (
        ConfigField(
            "goods",
            "Goods on sale",
            "goods",
            True,
            "a, b, c",
            hint="names separated by commas; name:units for several units, e.g. a:2, b",
        ),
        ConfigField(
            "pricing",
            "Pricing",
            "choice",
            False,
            "clarke_groves",
            ("clarke_groves", "pay_as_bid"),
        ),
    ),
}

#: The bid forms an auction page offers, by the mechanism's bid type.
BID_FORMS = {
    "price": "price",
    "xor": "units",
    "bid_ask": "order",
    "curve": "order",
    "or_of_xors": "package",
}


@router.get("/")
async def markets(request: Request) -> Response:
    visitor = visitor_of(request)
    status = request.query_params.get("status") or None
    mechanism = request.query_params.get("mechanism") or None
    problem = None
    if status not in (None, "open", "closed"):
        problem, status = f"unknown status {status!r}; allowed: open, closed", None
    if mechanism is not None and mechanism not in MECHANISMS:
        problem = f"unknown mechanism {mechanism!r}; allowed: {', '.join(MECHANISMS)}"
        mechanism = None
    service = service_of(request)
    rows = await service.run(lambda work: service.market.listing(work, status, mechanism))
    context: dict[str, Any] = {
        "auctions": rows,
        "status": status or "",
        "mechanism": mechanism or "",
        "mechanisms": list(MECHANISMS),
        "problem": problem,
        "query": request.url.query,
    }
    if request.query_params.get("fragment") == "live":
        return render(request, "_markets_live.html", visitor, **context)
    return render(request, "markets.html", visitor, **context)


@router.get("/auctions/new")
async def new_auction(request: Request) -> Response:
    visitor = visitor_of(request)
    if visitor.principal is None:
        return login_redirect(request)
    query = request.query_params
    try:
        setting = Setting(
            query.get("sides", "single"),
            query.get("goods", "unit"),
            query.get("divisible") == "true",
        )
        advice = asdict(advise(setting))
    except TrustmarketError as error:
        return render(request, "_problem.html", visitor, status_code=400, message=error.message)
    if query.get("fragment") == "advice":
        return render(request, "_advice.html", visitor, advice=advice)
    return render(
        request,
        "auction_new.html",
        visitor,
        advice=advice,
        mechanisms={name: MECHANISMS[name].info for name in MECHANISM_CHOICES},
        choices=MECHANISM_CHOICES,
        config_fields=CONFIG_FIELDS,
        may_create=visitor.principal.has("auction_owner"),
    )


async def _auction_context(request: Request, auction_id: str) -> dict[str, Any] | None:
    visitor = visitor_of(request)
    service = service_of(request)
    who = visitor.principal
    try:
        auction = await service.run(lambda work: service.market.describe(work, auction_id, who))
    except TrustmarketError:
        return None
    info = MECHANISMS[auction["mechanism"]].info
    agents: list[dict[str, Any]] = []
    if who is not None:
        mine = await service.run(lambda work: service.agents.listing(work, who))
        agents = [a for a in mine if a["auction_id"] == auction_id]
    return {
        "auction": auction,
        "info": info,
        "currency_digits": CURRENCY_DIGITS.get(auction["currency"], 2),
        "form": BID_FORMS.get(MECHANISM_CHOICES[auction["mechanism"]][2], "price"),
        "goods": auction.get("goods") or [],
        "agents": agents,
    }


@router.get("/auctions/{auction_id}")
async def auction_page(auction_id: str, request: Request) -> Response:
    visitor = visitor_of(request)
    context = await _auction_context(request, auction_id)
    if context is None:
        return render_error(
            request, visitor, 404, "No such auction", f"there is no auction {auction_id!r}"
        )
    if request.query_params.get("fragment") == "live":
        return render(request, "_auction_live.html", visitor, **context)
    return render(request, "auction.html", visitor, **context)
