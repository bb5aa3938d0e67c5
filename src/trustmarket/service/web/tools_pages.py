"""The analysis tools in a browser (SPEC sections 4 and 5): the game solver, leveled commitment
contracts, the safe exchange planner with its exchanges between two accounts, and the credit
bureau's reputation function.

The pages are forms rendered here; their scripts (``static/tools_*.js``) send them to the
stateless JSON API under ``/api/tools`` and show its answers, or its refusal with its message.
Two plots are drawn here as SVG (``/tools/contracts/plot.svg``, ``/tools/bureau/plot.svg``):
the API gives no payoff curve and one T(L) per call. The exchange page shows a safe exchange as
one of its parties sees it (:meth:`trustmarket.service.exchanges.Exchanges.describe`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from trustmarket.analysis.commitment import Mechanism
from trustmarket.core.errors import TrustmarketError
from trustmarket.service.deps import service_of
from trustmarket.service.errors import status_of
from trustmarket.service.web.exchange_steps import chunk_text, plan_actions_of, plan_items
from trustmarket.service.web.render import login_redirect, render, render_error, visitor_of
from trustmarket.service.web.tools_examples import (
    BUREAU_DEFAULTS,
    CONTRACT_DEFAULTS,
    EXCHANGE_EXAMPLES,
    GAME_PRESETS,
)
from trustmarket.service.web.tools_plots import bureau_svg, contract_svg

router = APIRouter(include_in_schema=False)

_log = logging.getLogger("trustmarket.service")

#: The tools of the index page: (path, title, what it does).
TOOLS = (
    (
        "/tools/games",
        "Game solver",
        "Nash equilibria of a two-player game: enter both payoff matrices, choose the method.",
    ),
    (
        "/tools/contracts",
        "Leveled commitment contracts",
        "Equilibria of a contract with decommitment penalties, the optimal contracts of each "
        "mechanism, and each party's payoff against the price.",
    ),
    (
        "/tools/exchange",
        "Safe exchange planner",
        "Split a trade into deliveries and payments so that neither party gains by vanishing, "
        "check a plan, and carry one out with another account.",
    ),
    (
        "/tools/bureau",
        "Credit bureau",
        "The reputation T(L) that makes trusting, tracing and tampering consistent.",
    ),
)

_MECHANISMS = [m.value for m in Mechanism]


@router.get("/tools")
async def tools_index(request: Request) -> Response:
    """The index of the four tools."""
    return render(request, "tools.html", visitor_of(request), tools=TOOLS)


@router.get("/tools/games")
async def games_page(request: Request) -> Response:
    """The game solver: two payoff grids (the prisoners' dilemma to start) and the method."""
    return render(request, "tools_games.html", visitor_of(request), presets=GAME_PRESETS)


@router.get("/tools/contracts")
async def contracts_page(request: Request) -> Response:
    """A leveled commitment contract's form, with docs/contracts.md's example filled in."""
    return render(
        request,
        "tools_contracts.html",
        visitor_of(request),
        defaults=CONTRACT_DEFAULTS,
        mechanisms=_MECHANISMS,
    )


@router.get("/tools/bureau")
async def bureau_page(request: Request) -> Response:
    """The credit bureau's form, with the paper's figure 4 setting filled in."""
    return render(request, "tools_bureau.html", visitor_of(request), defaults=BUREAU_DEFAULTS)


@router.get("/tools/exchange")
async def exchange_planner(request: Request) -> Response:
    """The safe exchange planner and, for an account, its exchanges and the propose form."""
    visitor = visitor_of(request)
    mine = []
    if visitor.principal is not None:
        service = service_of(request)
        who = visitor.principal
        mine = await service.run(lambda work: service.exchanges.listing(work, who))
    examples = {
        name: (title, json.dumps(document, indent=2))
        for name, (title, document) in EXCHANGE_EXAMPLES.items()
    }
    return render(request, "tools_exchange.html", visitor, examples=examples, exchanges=mine)


async def _plot(draw: Callable[[], str], what: str) -> Response:
    """Draw a plot off the event loop: the SVG, or the refusal as text (4xx, never a 5xx for
    input the API's checks let through but the numerics cannot handle)."""
    try:
        svg = await run_in_threadpool(draw)
    except TrustmarketError as error:
        return PlainTextResponse(error.message, status_code=status_of(error))
    except (ArithmeticError, ValueError) as error:  # a numerical failure on accepted input
        _log.warning("tools: the %s plot failed: %s", what, error)
        return PlainTextResponse(
            f"cannot draw the {what} plot for this input ({str(error)[:200]})", status_code=400
        )
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/tools/contracts/plot.svg")
async def contract_plot(request: Request) -> Response:
    """Each party's expected gain against the price, penalties tailored (eCommitter)."""
    query = dict(request.query_params)
    return await _plot(lambda: contract_svg(query), "payoff")


@router.get("/tools/bureau/plot.svg")
async def bureau_plot(request: Request) -> Response:
    """The credit bureau's T(L) against L."""
    query = dict(request.query_params)
    return await _plot(lambda: bureau_svg(query), "reputation")


@router.get("/exchanges/{exchange_id}")
async def exchange_page(exchange_id: str, request: Request) -> Response:
    """A safe exchange as one of its parties sees it (``?fragment=live``: the part a party's
    page refreshes while the other acts)."""
    visitor = visitor_of(request)
    if visitor.principal is None:
        return login_redirect(request)
    service = service_of(request)
    who = visitor.principal
    try:
        exchange = await service.run(
            lambda work: service.exchanges.describe(work, who, exchange_id)
        )
    except TrustmarketError as error:
        return render_error(
            request, visitor, status_of(error), "Cannot show this exchange", error.message
        )
    counterparty = (
        exchange["buyer"] if exchange["proposer"] == exchange["seller"] else (exchange["seller"])
    )
    upcoming = exchange["next"]
    next_text = next_body = None
    if upcoming is not None:
        # the body the "confirm" button sends: exactly the plan's next action
        kind = upcoming["action"]
        next_body = {"action": kind, kind: upcoming[kind]}
        next_text = (
            chunk_text(upcoming["deliver"])
            if kind == "deliver"
            else f"{upcoming['pay']} {exchange['currency']}"
        )
    context = {
        "exchange": exchange,
        "actions": plan_actions_of(exchange),
        "items": plan_items(exchange["plan"]),
        # an admin may look at any exchange without being one of its parties
        "role": {exchange["seller"]: "seller", exchange["buyer"]: "buyer"}.get(who.name, "admin"),
        "counterparty": counterparty,
        "next_text": next_text,
        "next_body": next_body,
    }
    if request.query_params.get("fragment") == "live":
        return render(request, "_exchange_live.html", visitor, **context)
    return render(request, "exchange.html", visitor, **context)
