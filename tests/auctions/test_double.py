"""Double auctions (SPEC 3.1): one unit per order at the middle price of each matched pair, and
many units per order at one price between the marginal bid and ask, trading the most units.

Hand examples give the numbers; the properties check against the demand and supply curves.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.auctions import (
    ClearWhen,
    CloseWhen,
    DoubleAuction,
    DoubleConfig,
    MultiUnitDoubleAuction,
    RetractBefore,
    Rules,
)
from trustmarket.auctions.double import _DoubleBase
from trustmarket.core.errors import (
    CurrencyError,
    DuplicateEvent,
    InvalidBid,
    InvalidInput,
    NotOpen,
    RetractionNotAllowed,
    UnknownParticipant,
)
from trustmarket.core.events import Cancel, Order, Retract, Side, Tick, Trade
from trustmarket.core.money import Money

BUY, SELL = Side.BUY, Side.SELL
OrderSpec = tuple[str, Side, int, int]  # trader, side, quantity, unit price in minor units


def market(
    kind: type[_DoubleBase], traders: tuple[str, ...], rules: Rules | None = None
) -> _DoubleBase:
    config = DoubleConfig(auction_id="mkt", currency="EUR", end=100, participants=traders)
    return kind(config, rules)


def order(event_id: str, time: int, spec: OrderSpec, currency: str = "EUR") -> Order:
    trader, side, quantity, price = spec
    return Order(
        id=event_id,
        time=time,
        trader=trader,
        side=side,
        quantity=quantity,
        unit_price=Money(price, currency),
    )


def call_market(kind: type[_DoubleBase], orders: list[OrderSpec]) -> list[Trade]:
    """Submit the orders (ids o1, o2, ...) and clear once at the close."""
    traders = tuple(dict.fromkeys(spec[0] for spec in orders))
    mkt = market(kind, traders)
    for i, spec in enumerate(orders):
        mkt.apply(order(f"o{i + 1}", i + 1, spec))
    mkt.apply(Tick(id="close", time=100))
    outcome = mkt.result()
    assert outcome is not None
    for trade in outcome.trades:
        assert type(trade.unit_price.minor) is int
    return list(outcome.trades)


def summary(trades: list[Trade]) -> list[tuple[str, str, int, int]]:
    return [(t.buyer, t.seller, t.quantity, t.unit_price.minor) for t in trades]


# ---------------------------------------------------------------------------------------------
# One unit per order
# ---------------------------------------------------------------------------------------------
def test_unit_double_auction_hand_example() -> None:
    # Bids 10.00, 8.00, 5.00; asks 6.00, 9.00, 7.00. Best bid meets best ask while bid >= ask:
    # (10.00, 6.00) at 8.00, then (8.00, 7.00) at 7.50; 5.00 < 9.00 stops.
    trades = call_market(
        DoubleAuction,
        [
            ("b1", BUY, 1, 1000),
            ("b2", BUY, 1, 800),
            ("b3", BUY, 1, 500),
            ("s1", SELL, 1, 600),
            ("s2", SELL, 1, 900),
            ("s3", SELL, 1, 700),
        ],
    )
    assert summary(trades) == [("b1", "s1", 1, 800), ("b2", "s3", 1, 750)]
    assert [(t.buy_order, t.sell_order) for t in trades] == [("o1", "o4"), ("o2", "o6")]


def test_unit_middle_price_rounds_the_half_cent_to_the_buyer() -> None:
    trades = call_market(DoubleAuction, [("b", BUY, 1, 1001), ("s", SELL, 1, 1000)])
    assert summary(trades) == [("b", "s", 1, 1000)]


def test_equal_bid_and_ask_trade_at_that_price() -> None:
    trades = call_market(DoubleAuction, [("b", BUY, 1, 700), ("s", SELL, 1, 700)])
    assert summary(trades) == [("b", "s", 1, 700)]


def test_no_trade_when_the_best_bid_is_below_the_best_ask() -> None:
    mkt = market(DoubleAuction, ("b", "s"))
    mkt.apply(order("1", 1, ("b", BUY, 1, 599)))
    mkt.apply(order("2", 2, ("s", SELL, 1, 600)))
    mkt.apply(Tick(id="t", time=100))
    outcome = mkt.result()
    assert outcome is not None and outcome.trades == ()
    assert any("no trade" in note for note in outcome.notes)


def test_unit_double_auction_refuses_larger_orders() -> None:
    mkt = market(DoubleAuction, ("b",))
    before = mkt.to_json()
    with pytest.raises(InvalidBid, match="one unit per order"):
        mkt.apply(order("1", 1, ("b", BUY, 2, 500)))
    assert mkt.to_json() == before


# ---------------------------------------------------------------------------------------------
# Many units per order
# ---------------------------------------------------------------------------------------------
def test_multi_unit_double_auction_hand_example() -> None:
    # Demand: b1 3 @ 12.00, b2 4 @ 10.00, b3 2 @ 7.00. Supply: s1 2 @ 6.00, s2 3 @ 8.00,
    # s3 5 @ 11.00. Walk: b1-s1 2, b1-s2 1, b2-s2 2; then 10.00 < 11.00 stops: 5 units.
    # At any price p, min(demand(p), supply(p)) is at most 5 (p in [8, 10]: 7 vs 5).
    # The marginal pair is b2 (10.00) and s2 (8.00): everyone trades at 9.00.
    trades = call_market(
        MultiUnitDoubleAuction,
        [
            ("b1", BUY, 3, 1200),
            ("b2", BUY, 4, 1000),
            ("b3", BUY, 2, 700),
            ("s1", SELL, 2, 600),
            ("s2", SELL, 3, 800),
            ("s3", SELL, 5, 1100),
        ],
    )
    assert summary(trades) == [
        ("b1", "s1", 2, 900),
        ("b1", "s2", 1, 900),
        ("b2", "s2", 2, 900),
    ]


def test_multi_unit_double_docs_example() -> None:
    trades = call_market(
        MultiUnitDoubleAuction,
        [
            ("b1", BUY, 5, 1000),
            ("b2", BUY, 5, 800),
            ("s1", SELL, 4, 700),
            ("s2", SELL, 4, 900),
        ],
    )
    # b1 takes 4 from s1 and 1 from s2; b2 (8.00) is below s2 (9.00). Marginal 10.00 / 9.00.
    assert summary(trades) == [("b1", "s1", 4, 950), ("b1", "s2", 1, 950)]


def test_leftover_orders_stay_on_the_book() -> None:
    mkt = market(MultiUnitDoubleAuction, ("b", "s"))
    mkt.apply(order("1", 1, ("b", BUY, 5, 1000)))
    mkt.apply(order("2", 2, ("s", SELL, 3, 800)))
    mkt.apply(Tick(id="t", time=100))
    assert [(r["bid_id"], r["quantity"]) for r in mkt.bid_records()] == [("1", 2)]


def test_continuous_double_auction_trades_on_every_order() -> None:
    rules = Rules(clear_when=ClearWhen.EVERY_BID, close_when=CloseWhen.OWNER_CANCELS)
    mkt = market(MultiUnitDoubleAuction, ("s1", "b1", "b2"), rules)
    mkt.apply(order("1", 1, ("s1", SELL, 3, 500)))
    # b1's 2 units @ 6.00 meet s1's ask 5.00 at once: 2 units at 5.50.
    out = mkt.apply(order("2", 2, ("b1", BUY, 2, 600)))
    assert [e.kind for e in out] == ["bid_accepted", "cleared"]
    # b2's 2 units @ 5.00 meet the last unit of s1 @ 5.00: 1 unit at 5.00.
    mkt.apply(order("3", 3, ("b2", BUY, 2, 500)))
    mkt.apply(Cancel(id="4", time=4))
    assert mkt.timeline.closed and mkt.timeline.close_reason == "owner_closed"
    outcome = mkt.result()
    assert outcome is not None
    assert summary(list(outcome.trades)) == [("b1", "s1", 2, 550), ("b2", "s1", 1, 500)]
    assert outcome.notes == ()  # earlier trades stand; the last clearing's "no trade" is dropped


def test_retraction_takes_an_order_off_the_book() -> None:
    mkt = market(DoubleAuction, ("b", "s"), Rules(retract_before=RetractBefore.YES))
    mkt.apply(order("1", 1, ("b", BUY, 1, 900)))
    mkt.apply(order("2", 2, ("s", SELL, 1, 800)))
    before = mkt.to_json()
    with pytest.raises(RetractionNotAllowed, match="no open order"):
        mkt.apply(Retract(id="3", time=3, bidder="s", bid_id="1"))
    assert mkt.to_json() == before
    mkt.apply(Retract(id="4", time=4, bidder="b", bid_id="1"))
    mkt.apply(Tick(id="t", time=100))
    outcome = mkt.result()
    assert outcome is not None and outcome.trades == ()


@pytest.mark.parametrize(
    ("event", "error", "fragment"),
    [
        (order("x", 5, ("b", SELL, 1, 500)), InvalidBid, "both buy and sell"),
        (order("x", 5, ("zed", BUY, 1, 500)), UnknownParticipant, "'zed'"),
        (order("1", 5, ("b", BUY, 1, 500)), DuplicateEvent, "'1'"),
        (order("x", 5, ("b", BUY, 1, 500), "USD"), CurrencyError, "EUR"),
        (order("x", 100, ("b", BUY, 1, 500)), NotOpen, "closed at time 100"),
        (Retract(id="x", time=5, bidder="b", bid_id="1"), RetractionNotAllowed, "retract_before"),
    ],
)
def test_bad_orders_are_rejected_and_change_nothing(
    event: Order | Retract, error: type[Exception], fragment: str
) -> None:
    mkt = market(MultiUnitDoubleAuction, ("b", "s"))
    mkt.apply(order("1", 1, ("b", BUY, 2, 600)))
    before = mkt.to_json()
    with pytest.raises(error, match=fragment):
        mkt.apply(event)
    assert mkt.to_json() == before


@pytest.mark.parametrize(("quantity", "price"), [(0, 500), (-1, 500), (1, 0), (1, -500)])
def test_malformed_orders_are_refused(quantity: int, price: int) -> None:
    with pytest.raises(InvalidInput):
        order("1", 1, ("b", BUY, quantity, price))


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
@st.composite
def books(draw: st.DrawFn, max_quantity: int) -> list[OrderSpec]:
    """Random bid and ask lists from distinct traders; prices 1..20 (lots of ties)."""
    quantity = st.integers(1, max_quantity)
    price = st.integers(1, 20)
    bids = draw(st.lists(st.tuples(quantity, price), max_size=5))
    asks = draw(st.lists(st.tuples(quantity, price), max_size=5))
    orders: list[OrderSpec] = [(f"b{i}", BUY, q, p) for i, (q, p) in enumerate(bids)]
    orders += [(f"s{i}", SELL, q, p) for i, (q, p) in enumerate(asks)]
    return draw(st.permutations(orders))


def max_feasible(orders: list[OrderSpec]) -> int:
    """Most units that can trade with no buyer above her bid and no seller below her ask:
    max over candidate prices p of min(demand at p, supply at p)."""
    best = 0
    for p in {spec[3] for spec in orders}:
        demand = sum(q for _, side, q, price in orders if side is BUY and price >= p)
        supply = sum(q for _, side, q, price in orders if side is SELL and price <= p)
        best = max(best, min(demand, supply))
    return best


def check_trades(orders: list[OrderSpec], trades: list[Trade]) -> None:
    by_trader = {spec[0]: spec for spec in orders}
    bids = [p for _, side, _, p in orders if side is BUY]
    asks = [p for _, side, _, p in orders if side is SELL]
    if not bids or not asks or max(bids) < min(asks):
        assert trades == []
    traded = dict.fromkeys(by_trader, 0)
    for trade in trades:
        buyer, seller = by_trader[trade.buyer], by_trader[trade.seller]
        assert buyer[1] is BUY and seller[1] is SELL
        assert seller[3] <= trade.unit_price.minor <= buyer[3]
        assert trade.quantity >= 1
        traded[trade.buyer] += trade.quantity
        traded[trade.seller] += trade.quantity
    for name, units in traded.items():
        assert units <= by_trader[name][2]
    assert sum(t.quantity for t in trades) == max_feasible(orders)


@settings(max_examples=150, deadline=None)
@given(books(max_quantity=1))
def test_unit_double_auction_properties(orders: list[OrderSpec]) -> None:
    trades = call_market(DoubleAuction, orders)
    check_trades(orders, trades)
    by_trader = {spec[0]: spec for spec in orders}
    for trade in trades:  # each pair at its own middle price, rounded down
        middle = (by_trader[trade.buyer][3] + by_trader[trade.seller][3]) // 2
        assert trade.unit_price.minor == middle


@settings(max_examples=150, deadline=None)
@given(books(max_quantity=6))
def test_multi_unit_double_auction_properties(orders: list[OrderSpec]) -> None:
    trades = call_market(MultiUnitDoubleAuction, orders)
    check_trades(orders, trades)
    assert len({t.unit_price for t in trades}) <= 1  # one price per clearing
    if trades:
        # Efficiency: every buyer who traded bid at least as much as every buyer who traded
        # nothing, and every seller who traded asked no more than every seller who did not.
        traded = {t.buyer for t in trades} | {t.seller for t in trades}
        for name, side, _, price in orders:
            if name in traded:
                continue
            for other, other_side, _, other_price in orders:
                if other in traded and other_side is side:
                    assert price <= other_price if side is BUY else price >= other_price
