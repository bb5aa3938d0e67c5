"""Auctions: the advisor, creating, bidding in every language, closing, views, receipts and the
live stream (SPEC sections 3 and 9)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse, StreamingResponse

from trustmarket.auctions.advisor import Setting, advise
from trustmarket.auctions.registry import MECHANISMS
from trustmarket.core.errors import UnknownResource
from trustmarket.core.ids import check_id
from trustmarket.service.deps import Caller, MaybeCaller, service_of
from trustmarket.service.models import (
    AcceptBody,
    BidBody,
    CurveBody,
    DecommitBody,
    JoinBody,
    NewAuction,
    OrderBody,
    PackageBidBody,
    RetractBody,
    UnitsBidBody,
)
from trustmarket.service.principal import Principal
from trustmarket.service.state import Service
from trustmarket.service.streams import sse_message, sse_response
from trustmarket.service.writer import Work

router = APIRouter(prefix="/api", tags=["auctions"])


def _auction_id(value: str) -> str:
    try:
        return check_id(value, "auction id")
    except Exception:
        raise UnknownResource(f"there is no auction {value!r}") from None


@router.get("/advisor", summary="Which auction fits a market")
async def advisor(
    sides: Literal["single", "double"],
    goods: Literal["unit", "units", "items", "items-units"],
    divisible: bool = False,
) -> dict[str, Any]:
    """The advisor of SPEC 3.1: valid bid types and pricing rules with reasons, the mechanisms
    that run them, and the refused combinations with the reason."""
    return asdict(advise(Setting(sides, goods, divisible)))


@router.get("/mechanisms", summary="Every auction mechanism")
async def mechanisms() -> list[dict[str, Any]]:
    """The engines' machine-readable properties."""
    return [asdict(cls.info) for cls in MECHANISMS.values()]


@router.post("/auctions", status_code=status.HTTP_201_CREATED, summary="Open an auction")
async def create(body: NewAuction, caller: Caller, request: Request) -> dict[str, Any]:
    """Open an auction (auction_owner role), checked by the advisor; on the log."""
    service = service_of(request)
    spec = body.model_dump()
    return await service.run(lambda work: service.market.create(work, caller, spec))


@router.get("/auctions", summary="List auctions")
async def listing(
    request: Request,
    status: Literal["open", "closed"] | None = None,
    mechanism: str | None = Query(default=None, max_length=64),
) -> list[dict[str, Any]]:
    """Every auction, newest first, optionally only open or closed ones of one mechanism."""
    service = service_of(request)
    return await service.run(lambda work: service.market.listing(work, status, mechanism))


@router.get("/auctions/{auction_id}", summary="An auction as you may see it")
async def show(auction_id: str, caller: MaybeCaller, request: Request) -> JSONResponse:
    """The auction filtered by its revelation rules for the caller (anonymous: the public)."""
    service = service_of(request)
    auction_id = _auction_id(auction_id)
    view = await service.run(lambda work: service.market.describe(work, auction_id, caller))
    return JSONResponse(view)


async def _act(
    service: Service, auction_id: str, caller: Principal, action: str, fields: dict[str, Any]
) -> JSONResponse:
    """Run a participant's action; the receipt goes back once it is committed. The response is
    built here, not by FastAPI's encoder: this is the hot path of every bid."""
    auction_id = _auction_id(auction_id)
    receipt = await service.run(
        lambda work: service.market.act(work, auction_id, caller, action, fields)
    )
    return JSONResponse(receipt, status_code=201)


@router.post("/auctions/{auction_id}/join", status_code=201, summary="Join an auction")
async def join(auction_id: str, body: JoinBody, caller: Caller, request: Request) -> JSONResponse:
    """Register the caller as a participant (needed before bidding)."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "join", body.model_dump())


@router.post("/auctions/{auction_id}/bids", status_code=201, summary="Place a price bid")
async def bid(auction_id: str, body: BidBody, caller: Caller, request: Request) -> JSONResponse:
    """A price bid (English, sealed first-price, Vickrey); ``max_amount`` for a proxy bid.
    The receipt is sent after the bid was committed."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "bid", body.model_dump())


@router.post("/auctions/{auction_id}/units-bids", status_code=201, summary="Place an XOR bid")
async def units_bid(
    auction_id: str, body: UnitsBidBody, caller: Caller, request: Request
) -> JSONResponse:
    """An XOR bid of (quantity, price) alternatives in a multi-unit auction."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "units_bid", body.model_dump())


@router.post("/auctions/{auction_id}/orders", status_code=201, summary="Place a bid or ask")
async def order(auction_id: str, body: OrderBody, caller: Caller, request: Request) -> JSONResponse:
    """A buy or sell order in a double auction."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "order", body.model_dump())


@router.post("/auctions/{auction_id}/package-bids", status_code=201, summary="Place a package bid")
async def package_bid(
    auction_id: str, body: PackageBidBody, caller: Caller, request: Request
) -> JSONResponse:
    """A combinatorial bid in OR, XOR or OR-of-XORs, as text or as tables (one per XOR
    disjunct); checked against the auction's goods, language and pricing."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "package_bid", body.model_dump())


@router.post("/auctions/{auction_id}/curves", status_code=201, summary="Place a step curve")
async def curve(
    auction_id: str, body: CurveBody, caller: Caller, request: Request
) -> dict[str, Any]:
    """A step price-quantity curve (multi-unit double auction), placed as one order per stair,
    all or none; the answer holds each order's receipt."""
    service = service_of(request)
    auction_id = _auction_id(auction_id)
    points = [p.model_dump() for p in body.points]
    return await service.run(
        lambda work: service.market.act_curve(work, auction_id, caller, body.side, points)
    )


@router.post("/auctions/{auction_id}/accept", status_code=201, summary="Accept the Dutch price")
async def accept(
    auction_id: str, body: AcceptBody, caller: Caller, request: Request
) -> JSONResponse:
    """Take the current clock price of a Dutch auction."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "accept", body.model_dump())


@router.post("/auctions/{auction_id}/retractions", status_code=201, summary="Retract a bid")
async def retract(
    auction_id: str, body: RetractBody, caller: Caller, request: Request
) -> JSONResponse:
    """Withdraw one of your bids before clearing, if the rules allow (with their penalty)."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "retract", body.model_dump())


@router.post("/auctions/{auction_id}/decommit", status_code=201, summary="Decommit")
async def decommit(
    auction_id: str, body: DecommitBody, caller: Caller, request: Request
) -> JSONResponse:
    """Walk away from what you won, paying the decommitment penalty, if the rules allow."""
    service = service_of(request)
    return await _act(service, auction_id, caller, "decommit", body.model_dump())


@router.post("/auctions/{auction_id}/close", status_code=201, summary="Close an auction")
async def close(auction_id: str, caller: Caller, request: Request) -> dict[str, Any]:
    """The owner closes it now (a final clearing when the rules close by the owner, a
    cancellation without sale otherwise)."""
    service = service_of(request)
    auction_id = _auction_id(auction_id)
    return await service.run(lambda work: service.market.owner_close(work, auction_id, caller))


@router.get("/auctions/{auction_id}/receipts", summary="Your stored events")
async def receipts(auction_id: str, caller: Caller, request: Request) -> list[dict[str, Any]]:
    """Your events in this auction with their salts and log indexes, to check them on the
    transparency log; every event once a closed auction reveals all bids (or for an admin)."""
    service = service_of(request)
    auction_id = _auction_id(auction_id)
    return await service.run(lambda work: service.market.receipts(work, auction_id, caller))


def _sse(
    request: Request,
    topic: str,
    render: Callable[[set[str]], Awaitable[bytes]],
    first: bytes,
) -> StreamingResponse:
    return sse_response(service_of(request).streams, request, topic, render, first)


async def _changed_ids(keys: set[str]) -> bytes:
    return sse_message("changed", {"auction_ids": sorted(keys)})


@router.get("/auctions/{auction_id}/stream", summary="Live view (Server-Sent Events)")
async def stream(auction_id: str, request: Request, caller: MaybeCaller) -> StreamingResponse:
    """``event: view`` messages with the auction as the caller may see it, sent at once and
    after every change (a burst of bids gives one message)."""
    service = service_of(request)
    auction_id = _auction_id(auction_id)

    def describe(work: Work) -> dict[str, Any]:
        return service.market.describe(work, auction_id, caller)

    async def render(_keys: set[str]) -> bytes:
        return sse_message("view", await service.run(describe))

    first = await render(set())
    return _sse(request, f"auction:{auction_id}", render, first)


@router.get("/streams/auctions", summary="Auction changes (Server-Sent Events)")
async def changes(request: Request) -> StreamingResponse:
    """``event: ready`` once subscribed, then ``event: changed`` messages listing the ids of
    auctions that changed (any auction); fetch an auction to see what you may of it."""
    return _sse(request, "auctions", _changed_ids, sse_message("ready", {}))


@router.get("/streams/me", summary="Your auctions' changes (Server-Sent Events)")
async def my_changes(request: Request, caller: Caller) -> StreamingResponse:
    """``event: ready`` once subscribed, then ``event: changed`` messages listing the auctions
    you own or joined that changed."""
    ready = sse_message("ready", {"account": caller.name})
    return _sse(request, f"account:{caller.name}", _changed_ids, ready)
