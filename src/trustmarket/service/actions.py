"""Participants' actions as engine events: what the API takes (amounts as decimal strings,
no id, time or bidder) made into the :mod:`trustmarket.core.events` value the engine applies.

The service fills in the id (unless the caller gave one, to make the request idempotent), the
time (the writer's clock, never earlier than the auction's last event) and who acts (the
caller's account name: nobody can bid for someone else).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trustmarket.auctions.step_curve import step_curve_orders
from trustmarket.combinatorial.language import format_bid, from_tables
from trustmarket.core.errors import InvalidBid, InvalidRules, TrustmarketError
from trustmarket.core.events import (
    Accept,
    Bid,
    Decommit,
    InputEvent,
    Order,
    PackageBid,
    Register,
    Retract,
    Side,
    UnitsBid,
    UnitsOffer,
)
from trustmarket.core.money import Money

__all__ = ["ACTIONS", "build_curve_events", "build_event"]


def _money(fields: dict[str, Any], name: str, currency: str) -> Money:
    try:
        return Money.parse(fields[name], currency)
    except TrustmarketError as error:
        raise type(error)(f"{name}: {error.message}") from None


def _join(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    return Register(bidder=who, **base)


def _bid(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    maximum = fields.get("max_amount")
    return Bid(
        bidder=who,
        amount=_money(fields, "amount", currency),
        max_amount=None if maximum is None else _money(fields, "max_amount", currency),
        **base,
    )


def _units_bid(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    offers = []
    for i, alternative in enumerate(fields["alternatives"]):
        try:
            price = Money.parse(alternative["price"], currency)
            offers.append(UnitsOffer(alternative["quantity"], price))
        except TrustmarketError as error:
            raise type(error)(f"alternatives[{i}]: {error.message}") from None
    return UnitsBid(bidder=who, alternatives=tuple(offers), **base)


def _order(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    return Order(
        trader=who,
        side=Side(fields["side"]),
        quantity=fields["quantity"],
        unit_price=_money(fields, "unit_price", currency),
        **base,
    )


def _package_bid(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    text, tables = fields.get("bid"), fields.get("tables")
    if (text is None) == (tables is None):
        raise InvalidBid("a package bid gives either 'bid' (the text syntax) or 'tables'")
    if tables is not None:
        try:
            text = format_bid(from_tables(tables, currency))
        except TrustmarketError as error:
            raise InvalidBid(f"tables: {error.message}") from None
    return PackageBid(bidder=who, bid=str(text), **base)


def _accept(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    return Accept(bidder=who, **base)


def _retract(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    return Retract(bidder=who, bid_id=fields["bid_id"], **base)


def _decommit(who: str, fields: dict[str, Any], currency: str, **base: Any) -> InputEvent:
    return Decommit(bidder=who, **base)


#: Every action a participant may send, and how it becomes an event.
ACTIONS: dict[str, Callable[..., InputEvent]] = {
    "join": _join,
    "bid": _bid,
    "units_bid": _units_bid,
    "order": _order,
    "package_bid": _package_bid,
    "accept": _accept,
    "retract": _retract,
    "decommit": _decommit,
}


def build_event(
    action: str, who: str, fields: dict[str, Any], currency: str, event_id: str, time: int
) -> InputEvent:
    """The event of ``action`` by ``who`` (the fields of the API's request body)."""
    make = ACTIONS.get(action)
    if make is None:
        raise InvalidRules(f"unknown action {action!r}; allowed: {', '.join(ACTIONS)}")
    return make(who, fields, currency, id=event_id, time=time)


def build_curve_events(
    who: str,
    side: str,
    points: list[dict[str, Any]],
    currency: str,
    new_id: Callable[[], str],
    time: int,
) -> list[InputEvent]:
    """The orders of ``who``'s step curve (points of the API's ``{"quantity", "unit_price"}``)
    as engine events, best price first (:func:`trustmarket.auctions.step_curve.step_curve_orders`);
    ``new_id`` gives each order its id."""
    parsed = []
    for i, point in enumerate(points):
        try:
            parsed.append((point["quantity"], _money(point, "unit_price", currency)))
        except TrustmarketError as error:
            raise type(error)(f"points[{i}]: {error.message}") from None
    trader_side = Side(side)
    return [
        Order(trader=who, side=trader_side, quantity=q, unit_price=p, id=new_id(), time=time)
        for q, p in step_curve_orders(trader_side, parsed)
    ]
