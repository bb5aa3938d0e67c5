"""Server-side agents over HTTP: the templates, deploying, listing, pausing, removing, and
what an agent did (SPEC section 9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from trustmarket.agents import TEMPLATES
from trustmarket.service.agents import AGENT_PARAMS
from trustmarket.service.deps import Caller, service_of
from trustmarket.service.models import DeployAgentBody

router = APIRouter(prefix="/api", tags=["agents"])


@router.get("/agent-templates", summary="The agent templates")
async def templates() -> list[dict[str, Any]]:
    """Every template with what it does, the mechanisms it bids in and its parameters."""
    return [
        {
            "template": t.name,
            "summary": t.summary,
            "mechanisms": list(t.mechanisms),
            "parameters": AGENT_PARAMS[t.name].model_json_schema(),
        }
        for t in TEMPLATES.values()
    ]


@router.post("/agents", status_code=status.HTTP_201_CREATED, summary="Deploy an agent")
async def deploy(body: DeployAgentBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Deploy a template with parameters; a bidding agent acts at once if it should."""
    service = service_of(request)
    return await service.run(
        lambda work: service.agents.deploy(
            work, caller, body.template, body.auction_id, body.params
        )
    )


@router.get("/agents", summary="Your agents")
async def listing(caller: Caller, request: Request) -> list[dict[str, Any]]:
    """The caller's agents that are not removed."""
    service = service_of(request)
    return await service.run(lambda work: service.agents.listing(work, caller))


@router.get("/agents/{agent_id}", summary="An agent and what it did")
async def show(agent_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """The agent with its latest activity (acted, refused, found, delivered, failed)."""
    service = service_of(request)
    return await service.run(lambda work: service.agents.describe(work, caller, agent_id))


@router.post("/agents/{agent_id}/pause", summary="Pause an agent")
async def pause(agent_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """Stop it acting until resumed."""
    service = service_of(request)
    return await service.run(
        lambda work: service.agents.set_status(work, caller, agent_id, "paused")
    )


@router.post("/agents/{agent_id}/resume", summary="Resume an agent")
async def resume(agent_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """Let it act again (at once, on the auction's current state)."""
    service = service_of(request)
    return await service.run(
        lambda work: service.agents.set_status(work, caller, agent_id, "active")
    )


@router.delete("/agents/{agent_id}", summary="Remove an agent")
async def remove(agent_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """Remove it for good (its history stays in the database and on the log)."""
    service = service_of(request)
    return await service.run(
        lambda work: service.agents.set_status(work, caller, agent_id, "removed")
    )
