"""The threat-indicator sharing exchange over HTTP (SPEC sections 7 and 9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse

from trustmarket.service.deps import Caller, service_of
from trustmarket.service.models import (
    IncidentBody,
    JoinSharingBody,
    ReviewBody,
    SubmitIndicatorBody,
)
from trustmarket.service.streams import sse_message, sse_response

router = APIRouter(prefix="/api/sharing", tags=["sharing"])


@router.post("/members", status_code=status.HTTP_201_CREATED, summary="Join the exchange")
async def join(body: JoinSharingBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Join as a company of a tier (critical-infrastructure, core-business, small-business)."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.join(work, caller, body.tier))


@router.get("/me", summary="Your membership")
async def me(caller: Caller, request: Request) -> dict[str, Any]:
    """Tier, balance (minor units), reputation, submissions and the reviews waiting for you."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.me(work, caller))


@router.post("/incidents", status_code=status.HTTP_201_CREATED, summary="Record an incident")
async def incident(body: IncidentBody, caller: Caller, request: Request) -> dict[str, Any]:
    """An admin records an incident in a category: its rewards rise (bounded)."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.incident(work, caller, body.category))


@router.post("/submissions", status_code=status.HTTP_201_CREATED, summary="Submit an indicator")
async def submit(body: SubmitIndicatorBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Submit a STIX 2.1 Indicator (pattern, pattern_type, valid_from, indicator_types); a
    panel of other members is drawn to review it."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.submit(work, caller, body.indicator))


@router.get("/submissions/{submission_id}", summary="A submission")
async def show(submission_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """A submission as you may see it (submitter and panel; others once it is in their pool)."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.submission(work, caller, submission_id))


@router.post(
    "/submissions/{submission_id}/reviews", status_code=status.HTTP_201_CREATED, summary="Review"
)
async def review(
    submission_id: str, body: ReviewBody, caller: Caller, request: Request
) -> dict[str, Any]:
    """A drawn panel member's vote: valid or not, severity and scope. The last vote decides,
    and a verified, novel indicator is paid at once by the reward rules."""
    service = service_of(request)
    return await service.run(
        lambda work: service.sharing.review(
            work, caller, submission_id, body.valid, body.severity, body.scope
        )
    )


@router.get("/pool", summary="The shared pool")
async def pool(caller: Caller, request: Request) -> list[dict[str, Any]]:
    """The verified indicators you may see now (all for contributors, after the embargo for
    others)."""
    service = service_of(request)
    return await service.run(lambda work: service.sharing.pool(work, caller))


@router.get("/stream", summary="Sharing changes (Server-Sent Events)")
async def stream(caller: Caller, request: Request) -> StreamingResponse:
    """``event: ready`` once subscribed, then ``event: changed`` with the kinds of events
    recorded (join, submit, review, incident); fetch what you may see again."""

    async def changed(kinds: set[str]) -> bytes:
        return sse_message("changed", {"kinds": sorted(kinds)})

    first = sse_message("ready", {"account": caller.name})
    return sse_response(service_of(request).streams, request, "sharing", changed, first)
