"""English auction: reserve, minimum increment, proxy maxima and soft close (SPEC 3.2).

Expected prices are worked out by hand from the documented rule
``price = max(reserve, leader's own highest amount, min(m1, m2 + increment))``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.auctions import (
    ClearWhen,
    CloseWhen,
    EnglishAuction,
    EnglishConfig,
    Rules,
    SoftClose,
    TieBreaking,
)
from trustmarket.core.errors import (
    BidTooLow,
    CurrencyError,
    InvalidInput,
    InvalidRules,
    NotOpen,
    UnknownParticipant,
)
from trustmarket.core.events import (
    Bid,
    BidAccepted,
    CloseExtended,
    InputEvent,
    PriceChanged,
    Register,
    Tick,
)
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def snapshot(engine: EnglishAuction) -> str:
    return json.dumps(engine.to_json(), sort_keys=True)


def rejects(engine: EnglishAuction, event: InputEvent, error: type[Exception]) -> str:
    before = snapshot(engine)
    with pytest.raises(error) as info:
        engine.apply(event)
    assert snapshot(engine) == before
    return str(info.value)


def auction(rules: Rules | None = None, **kw: Any) -> EnglishAuction:
    cfg: dict[str, Any] = {
        "auction_id": "eng",
        "currency": "EUR",
        "end": 1000,
        "increment": eur("1.00"),
        "participants": ("ann", "bo", "cy", "dan"),
    }
    cfg.update(kw)
    return EnglishAuction(EnglishConfig(**cfg), rules)


def bid(event_id: str, time: int, bidder: str, amount: str, max_amount: str | None = None) -> Bid:
    return Bid(
        id=event_id,
        time=time,
        bidder=bidder,
        amount=eur(amount),
        max_amount=None if max_amount is None else eur(max_amount),
    )


def close(engine: EnglishAuction, time: int = 1000) -> Any:
    engine.apply(Tick(id="close", time=time))
    assert engine.timeline.closed
    return engine.result()


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kw",
    [
        {"increment": eur("0.00")},
        {"increment": eur("-1.00")},
        {"increment": Money.parse("1.00", "USD")},
        {"increment": "1.00"},
        {"reserve": eur("0.00")},
        {"reserve": Money.parse("5.00", "GBP")},
        {"soft_close": SoftClose(window=10, extension=10, max_extensions=1), "end": None},
        {"soft_close": (10, 10, 1)},
        {"end": 0, "start": 0},
        {"currency": "XXX"},
    ],
)
def test_bad_config_is_refused(kw: dict[str, Any]) -> None:
    rules = Rules(close_when=CloseWhen.OWNER_CANCELS, clear_when=ClearWhen.AFTER_IDLE, clear_idle=5)
    with pytest.raises(InvalidRules):
        auction(rules, **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {"window": 0, "extension": 10, "max_extensions": 1},
        {"window": 10, "extension": -1, "max_extensions": 1},
        {"window": 10, "extension": 10, "max_extensions": 0},
        {"window": 10, "extension": True, "max_extensions": 1},
        {"window": 10.0, "extension": 10, "max_extensions": 1},
    ],
)
def test_bad_soft_close_is_refused(kw: dict[str, Any]) -> None:
    with pytest.raises(InvalidRules):
        SoftClose(**kw)


# --------------------------------------------------------------------------------------------
# The tutorial, by hand
# --------------------------------------------------------------------------------------------
def test_docs_example_by_hand() -> None:
    eng = auction(
        start=0,
        end=3600,
        reserve=eur("20.00"),
        soft_close=SoftClose(window=120, extension=120, max_extensions=3),
    )
    out = eng.apply(bid("b1", 10, "ann", "20.00", "80.00"))
    assert out == [
        BidAccepted(cause="b1", time=10, bid_id="b1", bidder="ann"),
        PriceChanged(cause="b1", time=10, price=eur("20.00"), leader="ann"),
    ]
    # Bo 50.00 outright: min(80.00, 50.00 + 1.00) = 51.00 for Ann.
    out = eng.apply(bid("b2", 20, "bo", "50.00"))
    assert out[1] == PriceChanged(cause="b2", time=20, price=eur("51.00"), leader="ann")
    message = rejects(eng, bid("b3", 30, "bo", "51.00"), BidTooLow)
    assert "EUR 52.00" in message
    # Bo's proxy to 90.00 at 3500 (in the last 120 s): 80.00 + 1.00 = 81.00, close moves +120.
    out = eng.apply(bid("b4", 3500, "bo", "60.00", "90.00"))
    assert out[-1] == CloseExtended(cause="b4", time=3500, new_end=3720, extensions=1)
    assert eng.state.leader == "bo" and eng.standing_price() == eur("81.00")
    eng.apply(Tick(id="t0", time=3600))
    assert not eng.timeline.closed
    result = close(eng, 3720)
    assert [(a.bidder, a.payment, a.bid_id) for a in result.awards] == [("bo", eur("81.00"), "b4")]
    assert eng.timeline.close_reason == "end"


# --------------------------------------------------------------------------------------------
# Reserve and increment
# --------------------------------------------------------------------------------------------
def test_below_reserve_is_refused_and_names_the_reserve() -> None:
    eng = auction(reserve=eur("25.00"))
    message = rejects(eng, bid("b1", 1, "ann", "24.99", "100.00"), BidTooLow)
    assert "EUR 25.00" in message and "reserve" in message
    eng.apply(bid("b2", 2, "ann", "25.00"))
    assert eng.standing_price() == eur("25.00")


def test_lone_proxy_bidder_pays_the_reserve() -> None:
    eng = auction(reserve=eur("25.00"))
    eng.apply(bid("b1", 1, "ann", "25.00", "100.00"))
    award = close(eng).awards[0]
    assert (award.bidder, award.payment) == ("ann", eur("25.00"))


def test_lone_bidder_pays_her_stated_amount_above_the_reserve() -> None:
    eng = auction(reserve=eur("25.00"))
    eng.apply(bid("b1", 1, "ann", "40.00", "100.00"))
    assert close(eng).awards[0].payment == eur("40.00")


def test_without_reserve_the_first_bid_may_be_one_cent() -> None:
    eng = auction()
    assert eng.minimum_bid() == eur("0.01")
    eng.apply(bid("b1", 1, "ann", "0.01", "30.00"))
    assert close(eng).awards[0].payment == eur("0.01")


def test_minimum_is_the_reserve_before_any_bid() -> None:
    eng = auction(reserve=eur("10.00"))
    assert eng.minimum_bid() == eur("10.00")
    rejects(eng, bid("b1", 1, "ann", "9.99"), BidTooLow)
    assert eng.standing_price() is None


def test_minimum_increment() -> None:
    eng = auction(increment=eur("2.50"))
    eng.apply(bid("b1", 1, "ann", "10.00"))
    for amount in ("10.00", "12.49", "5.00"):
        message = rejects(eng, bid("x" + amount, 2, "bo", amount), BidTooLow)
        assert "EUR 12.50" in message
    eng.apply(bid("b2", 3, "bo", "12.50"))
    assert (eng.state.leader, eng.standing_price()) == ("bo", eur("12.50"))
    assert eng.minimum_bid() == eur("15.00")


def test_no_bids_no_sale() -> None:
    eng = auction(reserve=eur("10.00"))
    result = close(eng)
    assert result.awards == () and result.notes


def test_bad_bids() -> None:
    eng = auction()
    rejects(eng, bid("b1", 1, "zed", "5.00"), UnknownParticipant)
    usd = Bid(id="b2", time=1, bidder="ann", amount=Money.parse("5.00", "USD"))
    rejects(eng, usd, CurrencyError)
    rejects(eng, bid("b3", 1000, "ann", "5.00"), NotOpen)
    with pytest.raises(InvalidInput):
        Bid(
            id="b4",
            time=1,
            bidder="ann",
            amount=eur("5.00"),
            max_amount=Money.parse("9.00", "USD"),
        )
    assert eng.state.bids == {}


# --------------------------------------------------------------------------------------------
# Proxy bidding
# --------------------------------------------------------------------------------------------
def test_proxy_against_proxy() -> None:
    eng = auction(reserve=eur("5.00"))
    eng.apply(bid("b1", 1, "ann", "5.00", "30.00"))
    eng.apply(bid("b2", 2, "bo", "6.00", "22.00"))
    # min(30.00, 22.00 + 1.00)
    assert (eng.state.leader, eng.standing_price()) == ("ann", eur("23.00"))
    eng.apply(bid("b3", 3, "cy", "24.00", "29.50"))
    # Top two maxima 30.00 and 29.50: min(30.00, 30.50) = 30.00, Ann's maximum.
    assert (eng.state.leader, eng.standing_price()) == ("ann", eur("30.00"))
    award = close(eng).awards[0]
    assert (award.bidder, award.payment, award.bid_id) == ("ann", eur("30.00"), "b1")


def test_equal_maxima_earlier_wins_at_that_maximum() -> None:
    eng = auction()
    eng.apply(bid("b1", 1, "ann", "1.00", "40.00"))
    eng.apply(bid("b2", 2, "bo", "2.00", "40.00"))
    assert (eng.state.leader, eng.standing_price()) == ("ann", eur("40.00"))


def test_equal_maxima_later_wins_under_later_rule() -> None:
    eng = auction(Rules(tie_breaking=TieBreaking.LATER))
    eng.apply(bid("b1", 1, "ann", "1.00", "40.00"))
    eng.apply(bid("b2", 2, "bo", "2.00", "40.00"))
    assert (eng.state.leader, eng.standing_price()) == ("bo", eur("40.00"))


def test_leader_raises_her_maximum_without_raising_the_price() -> None:
    eng = auction()
    eng.apply(bid("b1", 1, "ann", "10.00", "20.00"))
    eng.apply(bid("b2", 2, "bo", "15.00"))
    assert eng.standing_price() == eur("16.00")
    out = eng.apply(bid("b3", 3, "ann", "17.00", "50.00"))
    assert [e.kind for e in out] == ["bid_accepted"]  # no price change
    assert eng.standing_price() == eur("16.00")
    # Bo now needs to beat 50.00: 45.00 lifts the price to 46.00 only.
    eng.apply(bid("b4", 4, "bo", "45.00"))
    assert (eng.state.leader, eng.standing_price()) == ("ann", eur("46.00"))
    assert close(eng).awards[0].bid_id == "b3"


def test_leader_must_raise_her_maximum() -> None:
    eng = auction()
    eng.apply(bid("b1", 1, "ann", "10.00", "20.00"))
    eng.apply(bid("b2", 2, "bo", "12.00"))
    # Price min(20.00, 12.00 + 1.00) = 13.00, so 14.00 is the minimum; but Ann leads with a
    # maximum of 20.00, and a bid that does not raise it is refused.
    assert eng.standing_price() == eur("13.00")
    message = rejects(eng, bid("b3", 3, "ann", "14.00", "20.00"), BidTooLow)
    assert "EUR 20.00" in message
    rejects(eng, bid("b4", 3, "ann", "15.00"), BidTooLow)
    eng.apply(bid("b5", 3, "ann", "14.00", "20.01"))


class Model:
    """An independent model of proxy bidding with ``amount = minimum`` each time."""

    def __init__(self, reserve: int | None, increment: int) -> None:
        self.reserve, self.increment = reserve, increment
        self.maxima: dict[str, tuple[int, int]] = {}  # bidder -> (max, seq when first reached)
        self.price: int | None = None
        self.seq = 0

    def minimum(self) -> int:
        if self.price is None:
            return self.reserve or 1
        return self.price + self.increment

    def leader(self) -> str | None:
        if not self.maxima:
            return None
        return min(self.maxima, key=lambda b: (-self.maxima[b][0], self.maxima[b][1]))

    def accepts(self, bidder: str, maximum: int) -> bool:
        if maximum < self.minimum():
            return False
        return not (bidder == self.leader() and maximum <= self.maxima[bidder][0])

    def apply(self, bidder: str, maximum: int) -> None:
        self.seq += 1
        old = self.maxima.get(bidder)
        if old is None or maximum > old[0]:
            self.maxima[bidder] = (maximum, self.seq)
        if len(self.maxima) == 1:
            if self.price is None:
                self.price = self.minimum()
            return
        m1, m2 = sorted((m for m, _ in self.maxima.values()), reverse=True)[:2]
        self.price = min(m1, m2 + self.increment)


@settings(max_examples=120, deadline=None)
@given(
    reserve=st.one_of(st.none(), st.integers(min_value=1, max_value=3000)),
    increment=st.integers(min_value=1, max_value=500),
    moves=st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=9000)),
        min_size=1,
        max_size=12,
    ),
)
def test_proxy_bidding_ends_at_second_max_plus_increment(
    reserve: int | None, increment: int, moves: list[tuple[int, int]]
) -> None:
    cur = "EUR"
    eng = auction(
        increment=Money(increment, cur),
        reserve=None if reserve is None else Money(reserve, cur),
    )
    model = Model(reserve, increment)
    names = ["ann", "bo", "cy", "dan"]
    for i, (who, maximum) in enumerate(moves):
        bidder = names[who]
        amount = model.minimum()
        if maximum < amount:
            # The house cannot bid the minimum for her: refused, nothing changes.
            rejects(
                eng, Bid(id=f"b{i}", time=i, bidder=bidder, amount=Money(maximum, cur)), BidTooLow
            )
            continue
        event = Bid(
            id=f"b{i}",
            time=i,
            bidder=bidder,
            amount=Money(amount, cur),
            max_amount=Money(maximum, cur),
        )
        if not model.accepts(bidder, maximum):
            rejects(eng, event, BidTooLow)
            continue
        eng.apply(event)
        model.apply(bidder, maximum)
        assert eng.standing_price() == Money(model.price or 0, cur)
        assert eng.state.leader == model.leader()
        assert eng.minimum_bid() == Money(model.minimum(), cur)
    result = close(eng)
    if not model.maxima:
        assert result.awards == ()
        return
    (award,) = result.awards
    maxima = sorted((m for m, _ in model.maxima.values()), reverse=True)
    # A lone bidder pays her first (minimum) bid: the reserve, or one cent without one.
    expected = (reserve or 1) if len(maxima) == 1 else min(maxima[0], maxima[1] + increment)
    assert award.payment == Money(expected, cur)
    assert award.bidder == model.leader()
    assert award.payment.minor >= (reserve or 1)
    assert award.payment.minor <= maxima[0]


# --------------------------------------------------------------------------------------------
# Soft close
# --------------------------------------------------------------------------------------------
SOFT = SoftClose(window=60, extension=30, max_extensions=2)


def test_soft_close_extends_by_the_set_time_at_most_the_set_number_of_times() -> None:
    eng = auction(soft_close=SOFT)  # end 1000, last 60 s extend by 30 s, twice at most
    out = eng.apply(bid("b1", 900, "ann", "10.00"))
    assert "close_extended" not in [e.kind for e in out]
    assert eng.timeline.end == 1000
    out = eng.apply(bid("b2", 950, "bo", "11.00"))
    assert out[-1] == CloseExtended(cause="b2", time=950, new_end=1030, extensions=1)
    # The window is now 970..1030: a bid at 1020 extends again.
    out = eng.apply(bid("b3", 1020, "ann", "12.00"))
    assert out[-1] == CloseExtended(cause="b3", time=1020, new_end=1060, extensions=2)
    # The third late bid is accepted but may not extend.
    out = eng.apply(bid("b4", 1050, "bo", "13.00"))
    assert [e.kind for e in out] == ["bid_accepted", "price_changed"]
    assert eng.timeline.end == 1060 and eng.closing_time() == 1060
    eng.apply(Tick(id="t1", time=1059))
    assert not eng.timeline.closed
    rejects(eng, bid("b5", 1060, "ann", "20.00"), NotOpen)
    award = close(eng, 1060).awards[0]
    assert (award.bidder, award.payment) == ("bo", eur("13.00"))


def test_rejected_late_bid_does_not_extend() -> None:
    eng = auction(soft_close=SOFT)
    eng.apply(bid("b1", 900, "ann", "10.00"))
    rejects(eng, bid("b2", 990, "bo", "10.50"), BidTooLow)
    rejects(eng, bid("b3", 990, "zed", "50.00"), UnknownParticipant)
    assert eng.timeline.end == 1000 and eng.timeline.extensions == 0
    close(eng, 1000)
    assert eng.timeline.close_reason == "end"


def test_tick_at_the_original_end_does_not_close_an_extended_auction() -> None:
    eng = auction(soft_close=SOFT)
    eng.apply(bid("b1", 999, "ann", "10.00"))
    assert eng.timeline.end == 1030
    assert eng.apply(Tick(id="t", time=1000)) == []
    eng.apply(bid("b2", 1001, "bo", "11.00"))
    assert eng.timeline.end == 1060


def test_registration_does_not_extend() -> None:
    eng = auction(soft_close=SOFT)
    eng.apply(Register(id="r", time=990, bidder="eve"))
    assert eng.timeline.end == 1000


@settings(max_examples=80, deadline=None)
@given(
    window=st.integers(min_value=1, max_value=100),
    extension=st.integers(min_value=1, max_value=100),
    max_extensions=st.integers(min_value=1, max_value=4),
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=60),  # time step
            st.integers(min_value=-300, max_value=500),  # amount above/below the minimum
        ),
        max_size=15,
    ),
)
def test_soft_close_property(
    window: int, extension: int, max_extensions: int, steps: list[tuple[int, int]]
) -> None:
    soft = SoftClose(window=window, extension=extension, max_extensions=max_extensions)
    eng = auction(soft_close=soft, start=0, end=500)
    end, count, time = 500, 0, 400
    names = ["ann", "bo", "cy"]
    for i, (dt, delta) in enumerate(steps):
        time += dt
        amount = max(1, eng.minimum_bid().minor + delta)
        event = Bid(id=f"b{i}", time=time, bidder=names[i % 3], amount=Money(amount, "EUR"))
        before = snapshot(eng)
        error: Exception | None = None
        try:
            out = eng.apply(event)
        except (BidTooLow, NotOpen) as exc:
            error = exc
        if error is not None:
            assert snapshot(eng) == before
            assert eng.timeline.end == end
            assert isinstance(error, NotOpen if time >= end else BidTooLow)
            continue
        assert time < end  # nothing is accepted at or after the close
        extended = [e for e in out if isinstance(e, CloseExtended)]
        if time >= end - window and count < max_extensions:
            end += extension
            count += 1
            assert extended == [
                CloseExtended(cause=f"b{i}", time=time, new_end=end, extensions=count)
            ]
        else:
            assert extended == []
        assert eng.timeline.end == end
    assert end <= 500 + max_extensions * extension


# --------------------------------------------------------------------------------------------
# Other clearing schedules
# --------------------------------------------------------------------------------------------
def test_every_bid_clears_provisionally_and_idle_closes() -> None:
    rules = Rules(clear_when=ClearWhen.EVERY_BID, close_when=CloseWhen.AFTER_IDLE, close_idle=50)
    eng = auction(rules, end=None)
    out = eng.apply(bid("b1", 10, "ann", "5.00", "9.00"))
    cleared = out[-1]
    assert cleared.kind == "cleared" and cleared.final is False  # type: ignore[attr-defined]
    assert cleared.outcome.awards[0].payment == eur("5.00")  # type: ignore[attr-defined]
    out = eng.apply(bid("b2", 30, "bo", "7.00"))
    assert out[-1].outcome.awards[0].payment == eur("8.00")  # type: ignore[attr-defined]
    assert eng.closing_time() == 80
    assert eng.apply(Tick(id="t1", time=79)) == []
    out = eng.apply(Tick(id="t2", time=80))
    assert [e.kind for e in out] == ["cleared", "closed"]
    assert out[0].final is True  # type: ignore[attr-defined]
    assert out[1].reason == "idle"  # type: ignore[attr-defined]
    assert out[0].outcome.awards[0].bidder == "ann"  # type: ignore[attr-defined]


def test_clear_after_idle_closes_before_the_end() -> None:
    eng = auction(Rules(clear_when=ClearWhen.AFTER_IDLE, clear_idle=40))
    eng.apply(bid("b1", 10, "ann", "5.00"))
    eng.apply(bid("b2", 30, "bo", "6.00"))
    assert eng.closing_time() == 70
    out = eng.apply(Tick(id="t", time=75))
    assert [e.kind for e in out] == ["cleared", "closed"]
    assert out[0].outcome.awards[0].bidder == "bo"  # type: ignore[attr-defined]
