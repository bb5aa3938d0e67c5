"""Pages of an account: sign up, log in, the account with its API tokens, and its agents
(deploy a template with its parameters, see what each did)."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from trustmarket.agents import TEMPLATES
from trustmarket.core.errors import TrustmarketError
from trustmarket.core.events import OUTPUT_EVENTS
from trustmarket.service.agents import AGENT_PARAMS
from trustmarket.service.deps import service_of
from trustmarket.service.models import Amount
from trustmarket.service.web.render import login_redirect, render, render_error, visitor_of

router = APIRouter(include_in_schema=False)


def _next(request: Request) -> str:
    target = request.query_params.get("next", "/")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
async def login_page(request: Request) -> Response:
    return render(request, "login.html", visitor_of(request), next=_next(request))


@router.get("/signup")
async def signup_page(request: Request) -> Response:
    return render(request, "signup.html", visitor_of(request), next=_next(request))


@router.get("/account")
async def account_page(request: Request) -> Response:
    visitor = visitor_of(request)
    if visitor.principal is None:
        return login_redirect(request)
    service = service_of(request)
    who = visitor.principal
    agents = await service.run(lambda work: service.agents.listing(work, who))
    transactions = await service.run(lambda work: service.reputation.transactions(work, who))
    return render(
        request,
        "account.html",
        visitor,
        roles=sorted(who.roles),
        agents=agents,
        transactions=transactions,
    )


@dataclass(frozen=True)
class ParamField:
    """One input of an agent template's form, read off its parameter model."""

    name: str
    kind: str  # "amount", "integer", "text" or "events"
    required: bool
    choices: tuple[str, ...] = ()


def param_fields(model: type[BaseModel]) -> list[ParamField]:
    """The form inputs of a parameter model: amounts are decimal strings, integers numbers,
    the information agent's ``events`` a choice among the engines' output events."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = []
    for name, info in model.model_fields.items():
        if name == "events":
            fields.append(ParamField(name, "events", info.is_required(), tuple(OUTPUT_EVENTS)))
            continue
        bare = hints[name]
        if isinstance(bare, types.UnionType) or typing.get_origin(bare) is typing.Union:
            bare = next(a for a in typing.get_args(bare) if a is not type(None))
        kind = "amount" if bare == Amount else "integer" if bare is int else "text"
        fields.append(ParamField(name, kind, info.is_required()))
    return fields


@router.get("/agents")
async def agents_page(request: Request) -> Response:
    visitor = visitor_of(request)
    if visitor.principal is None:
        return login_redirect(request)
    service = service_of(request)
    who = visitor.principal
    agents = await service.run(lambda work: service.agents.listing(work, who))
    forms = [
        {
            "name": t.name,
            "summary": t.summary,
            "mechanisms": list(t.mechanisms),
            "fields": param_fields(AGENT_PARAMS[t.name]),
            "needs_auction": t.name != "discover",
        }
        for t in TEMPLATES.values()
    ]
    open_auctions = await service.run(lambda work: service.market.listing(work, "open", None))
    return render(
        request,
        "agents.html",
        visitor,
        agents=agents,
        templates=forms,
        auctions=open_auctions,
        chosen_auction=request.query_params.get("auction", ""),
    )


@router.get("/agents/{agent_id}")
async def agent_page(agent_id: str, request: Request) -> Response:
    visitor = visitor_of(request)
    if visitor.principal is None:
        return login_redirect(request)
    service = service_of(request)
    who = visitor.principal
    try:
        agent = await service.run(lambda work: service.agents.describe(work, who, agent_id))
    except TrustmarketError as error:
        return render_error(request, visitor, 404, "No such agent", error.message)
    if request.query_params.get("fragment") == "live":
        return render(request, "_agent_activity.html", visitor, agent=agent)
    return render(request, "agent.html", visitor, agent=agent)
