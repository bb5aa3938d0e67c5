"""Safe exchanges between two accounts over HTTP (SPEC sections 5 and 9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from trustmarket.service.deps import Caller, service_of
from trustmarket.service.models import ExchangeActionBody, NewExchangeBody
from trustmarket.service.streams import sse_message, sse_response

router = APIRouter(prefix="/api/exchanges", tags=["exchanges"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Propose a safe exchange")
async def propose(body: NewExchangeBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Propose an exchange (the problem in the safe-exchange format, a plan or an objective);
    an unsafe plan is refused with its first unsafe state.

    Bounded like ``POST /api/tools/exchange/plan``: independent units of at most 10 items and
    10,000 units in all, a dependent table of at most 10 items and 10,000 states, a divisible
    item of at most 100,000 pieces, a plan of at most 20,001 steps. The service plans within
    10 seconds, in the thread pool (the writer only records the proposal); when the time runs
    out first, the exchange goes on with the best plan found (safe and checked) and the answer
    says ``proven: false``, with ``planned.lower_bound``, the count no plan can beat."""
    service = service_of(request)
    exchanges = service.exchanges
    await service.run(
        lambda work: exchanges.check_parties(work, caller, body.counterparty, body.role)
    )
    proposal = await run_in_threadpool(
        lambda: exchanges.prepare(
            caller,
            body.counterparty,
            body.role,
            body.problem,
            body.plan,
            body.objective,
            body.safety,
        )
    )
    return await service.run(lambda work: exchanges.record(work, caller, proposal))


@router.get("", summary="Your exchanges")
async def listing(caller: Caller, request: Request) -> list[dict[str, Any]]:
    """The exchanges you are a party to."""
    service = service_of(request)
    return await service.run(lambda work: service.exchanges.listing(work, caller))


@router.get("/{exchange_id}", summary="An exchange")
async def show(exchange_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """The plan, the actions done and the next one (who must do what)."""
    service = service_of(request)
    return await service.run(lambda work: service.exchanges.describe(work, caller, exchange_id))


@router.get("/{exchange_id}/stream", summary="Live changes (Server-Sent Events)")
async def stream(exchange_id: str, caller: Caller, request: Request) -> StreamingResponse:
    """For the two parties: ``event: ready`` once subscribed, then ``event: changed`` with
    the exchange's id after each accepted, confirmed or abandoned action; fetch the exchange
    to see it."""
    service = service_of(request)
    await service.run(lambda work: service.exchanges.describe(work, caller, exchange_id))

    async def changed(_keys: set[str]) -> bytes:
        return sse_message("changed", {"exchange_id": exchange_id})

    first = sse_message("ready", {"exchange_id": exchange_id})
    return sse_response(service.streams, request, f"exchange:{exchange_id}", changed, first)


@router.post("/{exchange_id}/accept", summary="Accept a proposed exchange")
async def accept(exchange_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """The counterparty agrees to the plan; execution starts."""
    service = service_of(request)
    return await service.run(lambda work: service.exchanges.accept(work, caller, exchange_id))


@router.post("/{exchange_id}/actions", summary="Confirm the plan's next action")
async def act(
    exchange_id: str, body: ExchangeActionBody, caller: Caller, request: Request
) -> dict[str, Any]:
    """The party who acts confirms the next delivery (seller) or payment (buyer); an action
    that leaves the plan is refused (409 ``not_the_plan``)."""
    service = service_of(request)
    return await service.run(
        lambda work: service.exchanges.confirm(
            work, caller, exchange_id, body.action, body.deliver, body.pay
        )
    )


@router.post("/{exchange_id}/abandon", summary="Abandon an exchange")
async def abandon(exchange_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """Either party stops the exchange; nothing more is delivered or paid."""
    service = service_of(request)
    return await service.run(lambda work: service.exchanges.abandon(work, caller, exchange_id))
