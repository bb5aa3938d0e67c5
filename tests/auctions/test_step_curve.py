"""Step curves as bid and ask lists (trustmarket.auctions.step_curve)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustmarket.auctions.step_curve import MAX_CURVE_POINTS, step_curve_orders
from trustmarket.core.errors import InvalidAmount, InvalidBid
from trustmarket.core.events import Side
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def test_demand_curve_becomes_bids_from_the_highest_price_down() -> None:
    points = [(5, eur("8.00")), (2, eur("12.00")), (9, eur("3.00"))]
    assert step_curve_orders(Side.BUY, points) == [
        (2, eur("12.00")),
        (3, eur("8.00")),
        (4, eur("3.00")),
    ]


def test_supply_curve_becomes_asks_from_the_lowest_price_up() -> None:
    points = [(6, eur("9.00")), (1, eur("2.00"))]
    assert step_curve_orders(Side.SELL, points) == [(1, eur("2.00")), (5, eur("9.00"))]


@pytest.mark.parametrize(
    ("side", "points", "message"),
    [
        (Side.BUY, [], "at least one point"),
        (Side.BUY, [(3, eur("5.00")), (2, eur("4.00"))], "3 units at 5.00 but 2 at 4.00"),
        (Side.SELL, [(3, eur("5.00")), (4, eur("4.00"))], "as the price rises"),
        (Side.BUY, [(3, eur("5.00")), (4, eur("5.00"))], "two points at the unit price 5.00"),
        (Side.BUY, [(0, eur("5.00"))], "whole number >= 1"),
        (Side.BUY, [(True, eur("5.00"))], "whole number >= 1"),
        (Side.BUY, [(2.0, eur("5.00"))], "whole number >= 1"),
        (Side.BUY, [(1, eur("1.00"))] * (MAX_CURVE_POINTS + 1), "at most"),
        ("buy", [(1, eur("1.00"))], "side is buy or sell"),
    ],
)
def test_bad_curves_are_refused_with_the_reason(side: object, points: list, message: str) -> None:
    with pytest.raises(InvalidBid, match=message):
        step_curve_orders(side, points)  # type: ignore[arg-type]


def test_a_zero_price_is_refused() -> None:
    with pytest.raises(InvalidAmount, match="positive"):
        step_curve_orders(Side.BUY, [(1, eur("0.00"))])


@given(
    st.lists(
        st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)),
        min_size=1,
        max_size=20,
        unique_by=lambda p: p[1],
    ),
    st.sampled_from([Side.BUY, Side.SELL]),
)
def test_orders_add_up_to_the_curve_at_every_price(raw: list[tuple[int, int]], side: Side) -> None:
    buying = side is Side.BUY
    # make the totals a staircase: sort by the side's best price, then accumulate
    ordered = sorted(raw, key=lambda p: -p[1] if buying else p[1])
    total, points = 0, []
    for step, price in ordered:
        total += step
        points.append((total, Money(price, "EUR")))
    orders = step_curve_orders(side, points)
    for quantity, price in points:
        # a buyer at price p trades every stair priced at p or more; a seller at p or less
        reached = sum(
            q for q, p in orders if (p.minor >= price.minor if buying else p.minor <= price.minor)
        )
        assert reached == quantity
    assert all(q > 0 for q, _ in orders)
