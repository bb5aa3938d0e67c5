"""Step price-quantity curves as bid and ask lists (SPEC 3.1 "double, many units of one item";
eMediator section 2.2).

A trader in a multi-unit double auction draws a step curve: points ``(quantity, unit price)``,
each saying "at this unit price I trade this many units in all". A buyer's demand falls as the
price rises and a seller's supply rises with it, so a curve is a staircase, and each stair is an
order of the double auction's book: the buyer's stair at price ``p`` is a bid for the extra units
wanted at ``p`` over those wanted at the next higher price. :func:`step_curve_orders` turns the
points into those orders, exactly (integer units, integer minor units), or refuses a curve that
is not a staircase with the first point that breaks it.
"""

from __future__ import annotations

from collections.abc import Sequence

from trustmarket.core.errors import InvalidBid
from trustmarket.core.events import Side
from trustmarket.core.money import Money

__all__ = ["MAX_CURVE_POINTS", "step_curve_orders"]

#: The most points one curve may have.
MAX_CURVE_POINTS = 100


def step_curve_orders(side: Side, points: Sequence[tuple[int, Money]]) -> list[tuple[int, Money]]:
    """The orders ``(quantity, unit price)`` of a step curve, best price first.

    ``points`` are ``(total quantity, unit price)``: for a buyer (``Side.BUY``) the total she
    buys at that price or lower, so totals must grow as prices fall; for a seller the total he
    sells at that price or higher, so totals grow as prices rise. Ordered from the best price
    for the other side (a buyer's highest, a seller's lowest), stair ``k`` is an order of
    ``Q_k - Q_(k-1)`` units at ``p_k``. Prices must differ; quantities are positive integers.
    """
    if not isinstance(side, Side):
        raise InvalidBid(f"a curve's side is buy or sell, got {side!r}")
    if not points:
        raise InvalidBid("a curve needs at least one point (quantity, unit price)")
    if len(points) > MAX_CURVE_POINTS:
        raise InvalidBid(f"a curve has at most {MAX_CURVE_POINTS} points, got {len(points)}")
    for i, (quantity, price) in enumerate(points):
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidBid(f"points[{i}]: quantity must be a whole number >= 1, got {quantity!r}")
        if not isinstance(price, Money):
            raise InvalidBid(f"points[{i}]: unit price must be an amount, got {price!r}")
        price.require_price("a unit price")
    buying = side is Side.BUY
    ordered = sorted(points, key=lambda p: -p[1].minor if buying else p[1].minor)
    orders: list[tuple[int, Money]] = []
    previous: tuple[int, Money] | None = None
    for quantity, price in ordered:
        if previous is not None:
            if price.minor == previous[1].minor:
                raise InvalidBid(
                    f"two points at the unit price {price.decimal()}: a step curve has one "
                    "quantity per price"
                )
            if quantity <= previous[0]:
                trend = "falls" if buying else "rises"
                raise InvalidBid(
                    f"a {'demand' if buying else 'supply'} curve trades more units as the price "
                    f"{trend}: {previous[0]} units at {previous[1].decimal()} but {quantity} at "
                    f"{price.decimal()} (need more than {previous[0]})"
                )
        orders.append((quantity - (previous[0] if previous else 0), price))
        previous = (quantity, price)
    return orders
