"""Events: construction checks, and every event type through JSON and back (SPEC section 1)."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import CurrencyError, InvalidAmount, InvalidId, InvalidInput
from trustmarket.core.events import (
    INPUT_EVENTS,
    OUTPUT_EVENTS,
    Accept,
    Award,
    Bid,
    BidAccepted,
    BidRetracted,
    Cancel,
    Cleared,
    Closed,
    CloseExtended,
    Decommit,
    Decommitted,
    InputEvent,
    Order,
    Outcome,
    OutputEvent,
    PackageBid,
    PriceChanged,
    Register,
    Registered,
    Retract,
    Side,
    Tick,
    Trade,
    UnitsBid,
    UnitsOffer,
    bid_accepted,
    check_quantity,
    check_time,
    event_to_json,
    input_event_from_json,
    output_event_from_json,
    price_changed,
)
from trustmarket.core.money import CURRENCY_DIGITS, Money

EUR = "EUR"


def eur(minor: int) -> Money:
    return Money(minor, EUR)


# -- strategies ------------------------------------------------------------------------------
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,15}", fullmatch=True)
times = st.integers(min_value=0, max_value=2**40)
currencies = st.sampled_from(sorted(CURRENCY_DIGITS))
quantities = st.integers(min_value=1, max_value=10**6)
positive_minor = st.integers(min_value=1, max_value=10**15)
any_money = st.builds(Money, st.integers(min_value=-(10**15), max_value=10**15), currencies)


@st.composite
def bids(draw: st.DrawFn) -> Bid:
    cur = draw(currencies)
    amount = draw(positive_minor)
    extra = draw(st.none() | st.integers(min_value=0, max_value=10**9))
    return Bid(
        id=draw(ids),
        time=draw(times),
        bidder=draw(ids),
        amount=Money(amount, cur),
        max_amount=None if extra is None else Money(amount + extra, cur),
    )


@st.composite
def units_bids(draw: st.DrawFn) -> UnitsBid:
    cur = draw(currencies)
    rows = draw(
        st.lists(
            st.tuples(quantities, positive_minor), min_size=1, max_size=5, unique_by=lambda r: r[0]
        )
    )
    return UnitsBid(
        id=draw(ids),
        time=draw(times),
        bidder=draw(ids),
        alternatives=tuple(UnitsOffer(q, Money(p, cur)) for q, p in rows),
    )


orders = st.builds(
    Order,
    id=ids,
    time=times,
    trader=ids,
    side=st.sampled_from(Side),
    quantity=quantities,
    unit_price=st.builds(Money, positive_minor, currencies),
)

INPUT_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "register": st.builds(Register, id=ids, time=times, bidder=ids),
    "bid": bids(),
    "units_bid": units_bids(),
    "order": orders,
    "accept": st.builds(Accept, id=ids, time=times, bidder=ids),
    "package_bid": st.builds(
        PackageBid,
        id=ids,
        time=times,
        bidder=ids,
        bid=st.text(min_size=1, max_size=80).filter(lambda text: bool(text.strip())),
    ),
    "retract": st.builds(Retract, id=ids, time=times, bidder=ids, bid_id=ids),
    "decommit": st.builds(Decommit, id=ids, time=times, bidder=ids),
    "tick": st.builds(Tick, id=ids, time=times),
    "cancel": st.builds(Cancel, id=ids, time=times),
}

outcomes = st.builds(
    Outcome,
    awards=st.lists(st.builds(Award, ids, quantities, any_money, ids), max_size=3).map(tuple),
    trades=st.lists(st.builds(Trade, ids, ids, quantities, any_money, ids, ids), max_size=3).map(
        tuple
    ),
    notes=st.lists(st.text(max_size=20), max_size=3).map(tuple),
)

OUTPUT_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "registered": st.builds(Registered, cause=ids, time=times, bidder=ids),
    "bid_accepted": st.builds(BidAccepted, cause=ids, time=times, bid_id=ids, bidder=ids),
    "price_changed": st.builds(
        PriceChanged, cause=ids, time=times, price=any_money, leader=st.none() | ids
    ),
    "close_extended": st.builds(
        CloseExtended, cause=ids, time=times, new_end=times, extensions=st.integers(0, 99)
    ),
    "bid_retracted": st.builds(
        BidRetracted, cause=ids, time=times, bid_id=ids, bidder=ids, penalty=any_money
    ),
    "cleared": st.builds(Cleared, cause=ids, time=times, outcome=outcomes, final=st.booleans()),
    "decommitted": st.builds(Decommitted, cause=ids, time=times, bidder=ids, penalty=any_money),
    "closed": st.builds(
        Closed,
        cause=ids,
        time=times,
        reason=st.sampled_from(["end", "idle", "cleared", "cancelled", "sold"]),
    ),
}


def walk(value: Any) -> list[Any]:
    """Every node of a JSON tree."""
    nodes = [value]
    if isinstance(value, dict):
        for v in value.values():
            nodes.extend(walk(v))
    elif isinstance(value, list):
        for v in value:
            nodes.extend(walk(v))
    return nodes


def check_money_fields(event: Any, data: Any) -> None:
    """Every Money in ``event`` appears in ``data`` as ``{"minor": int, "currency": str}``."""
    if isinstance(event, Money):
        assert data == {"minor": event.minor, "currency": event.currency}
        assert type(data["minor"]) is int
    elif dataclasses.is_dataclass(event):
        for f in dataclasses.fields(event):
            check_money_fields(getattr(event, f.name), data[f.name])
    elif isinstance(event, tuple):
        assert isinstance(data, list) and len(data) == len(event)
        for e, d in zip(event, data, strict=True):
            check_money_fields(e, d)


# -- registries ------------------------------------------------------------------------------
def test_registries_hold_the_documented_kinds() -> None:
    assert set(INPUT_EVENTS) == {
        "register",
        "bid",
        "units_bid",
        "order",
        "package_bid",
        "accept",
        "retract",
        "decommit",
        "tick",
        "cancel",
    }
    assert set(OUTPUT_EVENTS) == {
        "registered",
        "bid_accepted",
        "price_changed",
        "close_extended",
        "bid_retracted",
        "cleared",
        "decommitted",
        "closed",
    }
    for registry, base in ((INPUT_EVENTS, InputEvent), (OUTPUT_EVENTS, OutputEvent)):
        for kind, cls in registry.items():
            assert cls.kind == kind
            assert issubclass(cls, base) and cls is not base
    assert not set(INPUT_EVENTS) & set(OUTPUT_EVENTS)


# -- construction checks ---------------------------------------------------------------------
@pytest.mark.parametrize("t", [0, 1, 2**62])
def test_check_time_accepts_non_negative_ints(t: int) -> None:
    assert check_time(t) == t


@pytest.mark.parametrize("bad", [-1, 1.0, 0.5, True, False, "3", None])
def test_check_time_refuses_other_values(bad: object) -> None:
    with pytest.raises(InvalidInput, match="non-negative integer") as info:
        check_time(bad, "close time")
    assert str(info.value).startswith("close time")


@pytest.mark.parametrize("bad", [0, -1, 1.0, True, "2", None])
def test_check_quantity_refuses_non_units(bad: object) -> None:
    with pytest.raises(InvalidInput, match=">= 1"):
        check_quantity(bad)
    assert check_quantity(1) == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tick(id="", time=0),
        lambda: Tick(id="a b", time=0),
        lambda: Register(id="e1", time=0, bidder="-alice"),
        lambda: Retract(id="e1", time=0, bidder="alice", bid_id="b 1"),
        lambda: Order(id="e1", time=0, trader="", side=Side.BUY, quantity=1, unit_price=eur(1)),
    ],
)
def test_events_check_their_ids(make: Any) -> None:
    with pytest.raises(InvalidId):
        make()


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10", None])
def test_events_check_their_time(bad: object) -> None:
    with pytest.raises(InvalidInput, match="time"):
        Tick(id="e1", time=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="time"):
        Bid(id="e1", time=bad, bidder="alice", amount=eur(100))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [15.0, 1500, "15.00", None])
def test_bid_amount_must_be_money(bad: object) -> None:
    with pytest.raises(InvalidInput, match="amount must be Money"):
        Bid(id="b1", time=1, bidder="alice", amount=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("minor", [0, -100])
def test_bid_amount_must_be_a_positive_price(minor: int) -> None:
    with pytest.raises(InvalidAmount, match="positive"):
        Bid(id="b1", time=1, bidder="alice", amount=eur(minor))


def test_proxy_maximum_is_checked() -> None:
    ok = Bid(id="b1", time=1, bidder="alice", amount=eur(100), max_amount=eur(100))
    assert ok.max_amount == ok.amount
    with pytest.raises(InvalidInput, match="at least the bid"):
        Bid(id="b1", time=1, bidder="alice", amount=eur(100), max_amount=eur(99))
    with pytest.raises(InvalidInput, match="same currency"):
        Bid(id="b1", time=1, bidder="alice", amount=eur(100), max_amount=Money(500, "USD"))
    with pytest.raises(InvalidInput, match="max_amount must be Money"):
        Bid(id="b1", time=1, bidder="alice", amount=eur(100), max_amount=2.0)  # type: ignore[arg-type]


def test_units_offer_checks() -> None:
    assert UnitsOffer(2, eur(300)).quantity == 2
    with pytest.raises(InvalidInput, match="quantity"):
        UnitsOffer(0, eur(300))
    with pytest.raises(InvalidInput, match="quantity"):
        UnitsOffer(True, eur(300))
    with pytest.raises(InvalidAmount, match="positive"):
        UnitsOffer(2, eur(0))
    with pytest.raises(InvalidInput, match="Money"):
        UnitsOffer(2, 3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alternatives", "fragment"),
    [
        ((), "non-empty tuple"),
        ([UnitsOffer(1, eur(100))], "non-empty tuple"),
        ((UnitsOffer(1, eur(100)), (2, eur(150))), "UnitsOffer"),
        ((UnitsOffer(1, eur(100)), UnitsOffer(2, Money(150, "USD"))), "one currency"),
        ((UnitsOffer(1, eur(100)), UnitsOffer(1, eur(150))), "once"),
    ],
)
def test_units_bid_checks(alternatives: Any, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        UnitsBid(id="u1", time=1, bidder="alice", alternatives=alternatives)


def test_order_checks() -> None:
    base: dict[str, Any] = {
        "id": "o1",
        "time": 1,
        "trader": "t1",
        "side": Side.SELL,
        "quantity": 3,
        "unit_price": eur(250),
    }
    assert Order(**base).side is Side.SELL
    for field, bad, fragment in [
        ("side", "sell", "'buy' or 'sell'"),
        ("quantity", 0, ">= 1"),
        ("unit_price", eur(0), "positive"),
        ("unit_price", 2.5, "Money"),
    ]:
        with pytest.raises(InvalidInput, match=fragment):
            Order(**{**base, field: bad})


def test_events_are_frozen() -> None:
    bid = Bid(id="b1", time=1, bidder="alice", amount=eur(100))
    with pytest.raises(dataclasses.FrozenInstanceError):
        bid.amount = eur(1)  # type: ignore[misc]
    assert bid.amount == eur(100)


@pytest.mark.parametrize("kind", sorted(OUTPUT_EVENTS))
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_output_events_stay_frozen_and_keyword_only(kind: str, data: st.DataObject) -> None:
    # Output events are built through their slots (a faster __init__): same object, same rules.
    event = data.draw(OUTPUT_STRATEGIES[kind])
    fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    again = type(event)(**fields)
    assert again == event and hash(again) == hash(event)
    assert dataclasses.replace(event, time=event.time + 1).time == event.time + 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.time = 5  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional"):
        type(event)(*fields.values())
    missing = dict(fields)
    del missing["cause"]
    with pytest.raises(TypeError, match="cause"):
        type(event)(**missing)


@settings(max_examples=30, deadline=None)
@given(accepted=OUTPUT_STRATEGIES["bid_accepted"], changed=OUTPUT_STRATEGIES["price_changed"])
def test_positional_builders_equal_the_classes(
    accepted: BidAccepted, changed: PriceChanged
) -> None:
    built = bid_accepted(accepted.cause, accepted.time, accepted.bid_id, accepted.bidder)
    assert type(built) is BidAccepted and built == accepted
    again = price_changed(changed.cause, changed.time, changed.price, changed.leader)
    assert type(again) is PriceChanged and again == changed
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.bidder = "x"  # type: ignore[misc]


# -- JSON round trips ------------------------------------------------------------------------
def test_docs_example() -> None:
    bid = Bid(id="b1", time=10, bidder="alice", amount=Money(1500, "EUR"))
    data = event_to_json(bid)
    assert data == {
        "type": "bid",
        "id": "b1",
        "time": 10,
        "bidder": "alice",
        "amount": {"minor": 1500, "currency": "EUR"},
        "max_amount": None,
    }
    assert input_event_from_json(data) == bid


def test_every_kind_has_a_strategy() -> None:
    assert set(INPUT_STRATEGIES) == set(INPUT_EVENTS)
    assert set(OUTPUT_STRATEGIES) == set(OUTPUT_EVENTS)


def check_round_trip(event: InputEvent | OutputEvent, decode: Any) -> None:
    data = event_to_json(event)
    assert data["type"] == event.kind
    text = json.dumps(data, allow_nan=False)
    back = decode(json.loads(text))
    assert type(back) is type(event)
    assert back == event
    assert not any(isinstance(node, float) for node in walk(json.loads(text)))
    check_money_fields(event, data)


@pytest.mark.parametrize("kind", sorted(INPUT_EVENTS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_input_events_round_trip_through_json(kind: str, data: st.DataObject) -> None:
    event = data.draw(INPUT_STRATEGIES[kind])
    assert type(event) is INPUT_EVENTS[kind]
    check_round_trip(event, input_event_from_json)


@pytest.mark.parametrize("kind", sorted(OUTPUT_EVENTS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_output_events_round_trip_through_json(kind: str, data: st.DataObject) -> None:
    event = data.draw(OUTPUT_STRATEGIES[kind])
    assert type(event) is OUTPUT_EVENTS[kind]
    check_round_trip(event, output_event_from_json)


def test_order_side_is_serialised_by_value() -> None:
    order = Order(id="o1", time=1, trader="t", side=Side.BUY, quantity=2, unit_price=eur(5))
    assert event_to_json(order)["side"] == "buy"


# -- JSON errors -----------------------------------------------------------------------------
def bid_json(**changes: Any) -> dict[str, Any]:
    data = event_to_json(
        Bid(id="b1", time=10, bidder="alice", amount=eur(1500), max_amount=eur(2000))
    )
    data.update(changes)
    return data


@pytest.mark.parametrize("data", [None, [], "bid", 5, json.dumps(bid_json())])
def test_non_objects_are_refused(data: object) -> None:
    with pytest.raises(InvalidInput, match="expected an event object"):
        input_event_from_json(data)
    with pytest.raises(InvalidInput, match="expected an event object"):
        output_event_from_json(data)


@pytest.mark.parametrize("kind", ["bogus", "Bid", "", None, 3, ["bid"], {"k": 1}, "cleared"])
def test_unknown_input_kind_is_refused_and_allowed_kinds_listed(kind: object) -> None:
    with pytest.raises(InvalidInput) as info:
        input_event_from_json(bid_json(type=kind))
    message = str(info.value)
    assert message.startswith("event.type: unknown input event type")
    assert repr(kind) in message
    assert all(k in message for k in INPUT_EVENTS)


@pytest.mark.parametrize("kind", ["bid", "bogus", ["cleared"]])
def test_unknown_output_kind_is_refused(kind: object) -> None:
    data = event_to_json(Registered(cause="e1", time=1, bidder="alice"))
    data["type"] = kind
    with pytest.raises(InvalidInput, match="unknown output event type"):
        output_event_from_json(data)


def test_missing_type_is_refused() -> None:
    data = bid_json()
    del data["type"]
    with pytest.raises(InvalidInput, match="unknown input event type None"):
        input_event_from_json(data)


@pytest.mark.parametrize("field", ["id", "time", "bidder", "amount"])
def test_missing_required_field_is_named(field: str) -> None:
    data = bid_json()
    del data[field]
    with pytest.raises(InvalidInput) as info:
        input_event_from_json(data)
    assert str(info.value) == f"event: missing field {field!r}"


def test_optional_field_may_be_missing() -> None:
    data = bid_json()
    del data["max_amount"]
    event = input_event_from_json(data)
    assert isinstance(event, Bid) and event.max_amount is None


def test_unknown_field_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        input_event_from_json(bid_json(colour="red"))
    assert "unknown field(s) colour" in str(info.value)
    assert "bidder" in str(info.value)  # lists what is allowed


@pytest.mark.parametrize(
    ("changes", "exc_type", "fragment"),
    [
        ({"time": "10"}, InvalidInput, "event.time: expected an integer"),
        ({"time": 10.0}, InvalidInput, "event.time: expected an integer"),
        ({"time": True}, InvalidInput, "event.time: expected an integer"),
        ({"time": -1}, InvalidInput, "non-negative"),
        ({"id": 7}, InvalidInput, "event.id: expected a string"),
        ({"id": "b 1"}, InvalidId, "event: invalid event id"),
        ({"bidder": None}, InvalidInput, "event.bidder: expected a string"),
        ({"amount": "15.00"}, InvalidInput, "event.amount: expected an amount"),
        ({"amount": 1500}, InvalidInput, "event.amount: expected an amount"),
        ({"amount": {"minor": 1500}}, InvalidInput, "event.amount: expected an amount"),
        (
            {"amount": {"minor": 1500, "currency": "EUR", "x": 1}},
            InvalidInput,
            "event.amount: expected an amount",
        ),
        ({"amount": {"minor": 15.0, "currency": "EUR"}}, InvalidAmount, "event.amount: floats"),
        ({"amount": {"minor": "1500", "currency": "EUR"}}, InvalidAmount, "event.amount: minor"),
        ({"amount": {"minor": True, "currency": "EUR"}}, InvalidAmount, "event.amount: minor"),
        ({"amount": {"minor": 1500, "currency": "XXX"}}, CurrencyError, "event.amount: unknown"),
        ({"amount": {"minor": 0, "currency": "EUR"}}, InvalidAmount, "must be positive"),
        (
            {"max_amount": {"minor": 10.5, "currency": "EUR"}},
            InvalidAmount,
            "event.max_amount: floats",
        ),
        ({"max_amount": {"minor": 1000, "currency": "EUR"}}, InvalidInput, "at least the bid"),
    ],
)
def test_wrong_field_values_get_specific_errors(
    changes: dict[str, Any], exc_type: type[Exception], fragment: str
) -> None:
    with pytest.raises(exc_type) as info:
        input_event_from_json(bid_json(**changes))
    assert fragment in str(info.value)


def test_error_path_uses_the_given_prefix() -> None:
    with pytest.raises(InvalidInput) as info:
        input_event_from_json(bid_json(time="x"), "events[3]")
    assert str(info.value).startswith("events[3].time: ")


def test_nested_errors_name_the_path() -> None:
    units = event_to_json(
        UnitsBid(
            id="u1",
            time=1,
            bidder="alice",
            alternatives=(UnitsOffer(1, eur(100)), UnitsOffer(2, eur(150))),
        )
    )
    bad = copy.deepcopy(units)
    bad["alternatives"][1]["quantity"] = 0
    with pytest.raises(InvalidInput, match=r"^event\.alternatives\[1\]: quantity"):
        input_event_from_json(bad)
    bad = copy.deepcopy(units)
    bad["alternatives"][0]["price"]["minor"] = 1.0
    with pytest.raises(InvalidAmount, match=r"^event\.alternatives\[0\]\.price: floats"):
        input_event_from_json(bad)
    bad = copy.deepcopy(units)
    bad["alternatives"] = {"q": 1}
    with pytest.raises(InvalidInput, match=r"^event\.alternatives: expected a list"):
        input_event_from_json(bad)
    bad = copy.deepcopy(units)
    bad["alternatives"] = []
    with pytest.raises(InvalidInput, match="non-empty"):
        input_event_from_json(bad)

    cleared = event_to_json(
        Cleared(
            cause="t1",
            time=5,
            outcome=Outcome(awards=(Award("alice", 1, eur(100), "b1"),)),
            final=True,
        )
    )
    bad = copy.deepcopy(cleared)
    bad["outcome"]["awards"][0]["payment"]["minor"] = 99.5
    with pytest.raises(InvalidAmount, match=r"^event\.outcome\.awards\[0\]\.payment: floats"):
        output_event_from_json(bad)
    bad = copy.deepcopy(cleared)
    bad["final"] = 1
    with pytest.raises(InvalidInput, match=r"^event\.final: expected true or false"):
        output_event_from_json(bad)


def test_order_side_must_be_a_known_value() -> None:
    data = event_to_json(
        Order(id="o1", time=1, trader="t", side=Side.BUY, quantity=2, unit_price=eur(5))
    )
    data["side"] = "BUY"
    with pytest.raises(InvalidInput) as info:
        input_event_from_json(data)
    assert "event.side: expected one of 'buy', 'sell'" in str(info.value)


def test_price_changed_leader_may_be_null_but_not_a_number() -> None:
    data = event_to_json(PriceChanged(cause="b1", time=1, price=eur(100), leader=None))
    assert data["leader"] is None
    assert output_event_from_json(data) == PriceChanged(
        cause="b1", time=1, price=eur(100), leader=None
    )
    data["leader"] = 5
    with pytest.raises(InvalidInput, match=r"event\.leader: expected a string"):
        output_event_from_json(data)
