"""Dutch auction: a descending clock with start, decrement per tick and floor (SPEC 3.2).

The clock used throughout: opens at t=100 at 10.00, drops 0.75 every 5 s, floor 6.00. By hand:
t in [100, 105) 10.00; [105, 110) 9.25; [110, 115) 8.50; [115, 120) 7.75; [120, 125) 7.00;
[125, 130) 6.25; from 130 on 6.00 (10.00 - 6 * 0.75 = 5.50 is below the floor). The clock
reaches the floor at 130 and the auction closes unsold one tick later, at 135.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.auctions import DutchAuction, DutchConfig, Rules
from trustmarket.core.errors import (
    InvalidRules,
    NotOpen,
    OutOfOrder,
    UnknownParticipant,
    UnsupportedEvent,
)
from trustmarket.core.events import (
    Accept,
    Award,
    Bid,
    BidAccepted,
    Cleared,
    Closed,
    InputEvent,
    Outcome,
    PriceChanged,
    Register,
    Tick,
)
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def snapshot(engine: DutchAuction) -> str:
    return json.dumps(engine.to_json(), sort_keys=True)


def rejects(engine: DutchAuction, event: Any, error: type[Exception]) -> str:
    before = snapshot(engine)
    with pytest.raises(error) as info:
        engine.apply(event)
    assert snapshot(engine) == before
    return str(info.value)


def clock(rules: Rules | None = None, **kw: Any) -> DutchAuction:
    cfg: dict[str, Any] = {
        "auction_id": "tulips",
        "currency": "EUR",
        "start": 100,
        "participants": ("ann", "bo"),
        "start_price": eur("10.00"),
        "decrement": eur("0.75"),
        "floor": eur("6.00"),
        "tick_seconds": 5,
    }
    cfg.update(kw)
    return DutchAuction(DutchConfig(**cfg), rules)


BY_HAND = [
    (100, "10.00"),
    (104, "10.00"),
    (105, "9.25"),
    (109, "9.25"),
    (110, "8.50"),
    (119, "7.75"),
    (120, "7.00"),
    (125, "6.25"),
    (129, "6.25"),
    (130, "6.00"),
    (134, "6.00"),
]


@pytest.mark.parametrize(("time", "price"), BY_HAND)
def test_clock_price_by_hand(time: int, price: str) -> None:
    assert clock().clock_price(time) == eur(price)


@pytest.mark.parametrize(("time", "price"), BY_HAND)
def test_first_acceptance_wins_at_the_clock_price(time: int, price: str) -> None:
    auction = clock()
    out = auction.apply(Accept(id="a1", time=time, bidder="bo"))
    award = Award("bo", 1, eur(price), "a1")
    assert out == [
        BidAccepted(cause="a1", time=time, bid_id="a1", bidder="bo"),
        Cleared(cause="a1", time=time, outcome=Outcome(awards=(award,)), final=True),
        Closed(cause="a1", time=time, reason="sold"),
    ]
    assert auction.result() == Outcome(awards=(award,))
    # A second acceptance, even at the same time, comes too late.
    rejects(auction, Accept(id="a2", time=time, bidder="ann"), NotOpen)


def test_closing_time_is_one_tick_after_the_floor() -> None:
    auction = clock()
    assert auction.config.floor_time() == 130
    assert auction.closing_time() == 135
    rejects(auction, Accept(id="late", time=135, bidder="ann"), NotOpen)


def test_missed_ticks_do_not_change_what_an_acceptance_pays() -> None:
    auction = clock()
    auction.apply(Tick(id="t1", time=101))
    out = auction.apply(Accept(id="a1", time=127, bidder="ann"))
    assert out[1].outcome.awards[0].payment == eur("6.25")  # type: ignore[attr-defined]


def test_ticks_announce_new_prices_only_when_the_price_changes() -> None:
    auction = clock()
    assert auction.apply(Tick(id="t0", time=103)) == []
    assert auction.apply(Tick(id="t1", time=105)) == [
        PriceChanged(cause="t1", time=105, price=eur("9.25"), leader=None)
    ]
    assert auction.apply(Tick(id="t2", time=108)) == []
    # Skipping several steps announces the current price once.
    assert auction.apply(Tick(id="t3", time=121)) == [
        PriceChanged(cause="t3", time=121, price=eur("7.00"), leader=None)
    ]
    assert auction.public_status()["clock_price"] == eur("7.00").to_json()


def test_no_sale_when_the_floor_is_reached_without_acceptance() -> None:
    auction = clock()
    out = auction.apply(Tick(id="t1", time=130))
    assert out == [PriceChanged(cause="t1", time=130, price=eur("6.00"), leader=None)]
    assert not auction.timeline.closed
    assert auction.apply(Tick(id="t2", time=134)) == []
    out = auction.apply(Tick(id="t3", time=135))
    assert [e.kind for e in out] == ["cleared", "closed"]
    assert out[0].outcome.awards == ()  # type: ignore[attr-defined]
    assert out[0].outcome.notes  # type: ignore[attr-defined]
    assert out[1].reason == "end"  # type: ignore[attr-defined]
    rejects(auction, Accept(id="a1", time=136, bidder="ann"), NotOpen)


def test_a_single_late_tick_after_the_close_time_closes_unsold() -> None:
    auction = clock()
    out = auction.apply(Tick(id="t", time=500))
    # The clock shows the floor (never below it), then the auction closes.
    assert out[0] == PriceChanged(cause="t", time=500, price=eur("6.00"), leader=None)
    assert [e.kind for e in out[1:]] == ["cleared", "closed"]
    assert auction.result() is not None and auction.result().awards == ()  # type: ignore[union-attr]


def test_configured_end_before_the_floor_closes_earlier() -> None:
    auction = clock(end=112)
    assert auction.closing_time() == 112
    rejects(auction, Accept(id="a", time=112, bidder="ann"), NotOpen)
    auction.apply(Accept(id="b", time=111, bidder="ann"))
    assert auction.result().awards[0].payment == eur("8.50")  # type: ignore[union-attr]


def test_floor_not_on_a_step() -> None:
    # 10.00 - 3.00 per 10 s, floor 5.00: 10.00, 7.00, then 5.00 (4.00 is below the floor).
    auction = clock(decrement=eur("3.00"), floor=eur("5.00"), tick_seconds=10, start=0)
    assert [auction.clock_price(t).decimal() for t in (0, 10, 20, 30)] == [
        "10.00",
        "7.00",
        "5.00",
        "5.00",
    ]
    assert auction.config.floor_time() == 20
    assert auction.closing_time() == 30


def test_accept_before_the_start_is_not_open() -> None:
    auction = clock()
    message = rejects(auction, Accept(id="a", time=99, bidder="ann"), NotOpen)
    assert "100" in message


def test_bad_events() -> None:
    auction = clock()
    rejects(auction, Accept(id="a", time=101, bidder="zed"), UnknownParticipant)
    rejects(auction, Bid(id="b", time=101, bidder="ann", amount=eur("9.00")), UnsupportedEvent)
    auction.apply(Tick(id="t", time=110))
    rejects(auction, Accept(id="c", time=109, bidder="ann"), OutOfOrder)


def test_a_late_registrant_may_accept() -> None:
    auction = clock()
    auction.apply(Register(id="r", time=101, bidder="cy"))
    auction.apply(Accept(id="a", time=116, bidder="cy"))
    award = auction.result().awards[0]  # type: ignore[union-attr]
    assert (award.bidder, award.payment) == ("cy", eur("7.75"))


@pytest.mark.parametrize(
    "kw",
    [
        {"start_price": eur("6.00")},  # not above the floor
        {"start_price": eur("5.00")},
        {"decrement": eur("0.00")},
        {"decrement": eur("-0.50")},
        {"floor": eur("0.00")},
        {"tick_seconds": 0},
        {"tick_seconds": -5},
        {"tick_seconds": 2.5},
        {"tick_seconds": True},
        {"floor": Money.parse("6.00", "USD")},
        {"start_price": "10.00"},
    ],
)
def test_bad_clock_is_refused(kw: dict[str, Any]) -> None:
    with pytest.raises(InvalidRules):
        clock(**kw)


@settings(max_examples=100, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=50),
    start_price=st.integers(min_value=2, max_value=5000),
    floor_fraction=st.floats(min_value=0.0, max_value=0.99),
    decrement=st.integers(min_value=1, max_value=700),
    tick=st.integers(min_value=1, max_value=30),
    offsets=st.lists(st.integers(min_value=0, max_value=40), max_size=8),
    accept_at=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_clock_property(
    start: int,
    start_price: int,
    floor_fraction: float,
    decrement: int,
    tick: int,
    offsets: list[int],
    accept_at: int | None,
) -> None:
    floor = max(1, min(start_price - 1, int(start_price * floor_fraction)))
    cur = "EUR"
    auction = DutchAuction(
        DutchConfig(
            auction_id="d",
            currency=cur,
            start=start,
            participants=("ann",),
            start_price=Money(start_price, cur),
            decrement=Money(decrement, cur),
            floor=Money(floor, cur),
            tick_seconds=tick,
        )
    )
    # Independent schedule: step k (k >= 0) shows start_price - k * decrement until that would
    # go below the floor; the first step showing the floor is the floor time.
    k_floor = 0
    while start_price - k_floor * decrement > floor:
        k_floor += 1
    close_at = start + (k_floor + 1) * tick

    def expected(t: int) -> int:
        k = (t - start) // tick
        return floor if k >= k_floor else start_price - k * decrement

    time, announced = start, start_price
    events: list[InputEvent] = []
    for i, offset in enumerate(offsets):
        time += offset
        if accept_at is not None and time >= start + accept_at:
            break
        out = auction.apply(Tick(id=f"t{i}", time=time))
        events.append(Tick(id=f"t{i}", time=time))
        if time >= close_at:
            assert auction.timeline.closed and auction.result().awards == ()  # type: ignore[union-attr]
            return
        price = expected(time)
        assert auction.clock_price(time) == Money(price, cur)
        assert floor <= price <= start_price
        if price != announced:
            assert out == [
                PriceChanged(cause=f"t{i}", time=time, price=Money(price, cur), leader=None)
            ]
            announced = price
        else:
            assert out == []
    if accept_at is None:
        return
    when = max(time, start + accept_at)
    if when >= close_at:
        rejects(auction, Accept(id="a", time=when, bidder="ann"), NotOpen)
        return
    auction.apply(Accept(id="a", time=when, bidder="ann"))
    (award,) = auction.result().awards  # type: ignore[union-attr]
    assert award.payment == Money(expected(when), cur)
    assert auction.timeline.close_reason == "sold"
