"""Feedback and reputation over HTTP (SPEC sections 4 and 9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, status

from trustmarket.reputation.models import model_class, model_names
from trustmarket.service.deps import Caller, service_of
from trustmarket.service.models import FeedbackBody

router = APIRouter(prefix="/api", tags=["reputation"])


@router.get("/reputation-models", summary="The reputation models")
async def models() -> list[dict[str, Any]]:
    """Every model the service scores with, and its properties (SPEC section 4)."""
    out = []
    for name in model_names():
        properties = model_class(name).properties
        out.append({"model": name, **{k: getattr(properties, k) for k in properties.__slots__}})
    return out


@router.get("/transactions", summary="Your settled transactions")
async def transactions(caller: Caller, request: Request) -> list[dict[str, Any]]:
    """Trades of closed auctions you bought or sold in, and who has rated each."""
    service = service_of(request)
    return await service.run(lambda work: service.reputation.transactions(work, caller))


@router.post("/feedback", status_code=status.HTTP_201_CREATED, summary="Leave feedback")
async def feedback(body: FeedbackBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Rate the other side of one of your transactions (-1, 0 or +1, and optionally the
    delivery, quality and price scores 0 to 5), once; on the transparency log."""
    service = service_of(request)
    return await service.run(
        lambda work: service.reputation.leave(
            work, caller, body.transaction_id, body.rating, body.attributes
        )
    )


@router.get("/reputation/{name}", summary="An account's reputation")
async def profile(
    name: str,
    request: Request,
    model: str | None = Query(default=None, max_length=64),
) -> dict[str, Any]:
    """The account's score under every model, the feedback it received, and with ``model``
    the explanation of that model's score (the formula with its numbers)."""
    service = service_of(request)
    return await service.run(lambda work: service.reputation.profile(work, name, model))


@router.get("/reputation/{name}/history", summary="An account's score over time")
async def history(
    name: str,
    request: Request,
    model: str = Query(max_length=64),
    points: int = Query(default=60, ge=1, le=500),
) -> list[Any]:
    """``[time, score]`` under ``model`` right after each of the last ``points`` feedbacks
    the account received (the score over time the reputation page draws)."""
    service = service_of(request)
    return await service.run(lambda work: service.reputation.history(work, name, model, points))
