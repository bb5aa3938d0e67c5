"""The engine contract every single-item mechanism keeps (SPEC sections 1 and 2):

* ``apply(event)`` returns the output events the event caused;
* a rejected event raises its specific error and leaves the state byte-for-byte unchanged;
* ``replay(events)`` rebuilds the state live application built;
* state and events move to JSON and back to equal values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustmarket.auctions import (
    ClearWhen,
    CloseWhen,
    DutchAuction,
    DutchConfig,
    EnglishAuction,
    EnglishConfig,
    FirstPriceSealed,
    RetractAfter,
    RetractBefore,
    RevealDuring,
    Rules,
    SealedConfig,
    SoftClose,
    TieBreaking,
    VickreyAuction,
    engine_from_json,
)
from trustmarket.auctions.combinatorial_auction import (
    CombinatorialAuction,
    CombinatorialConfig,
    GoodSpec,
)
from trustmarket.auctions.engine import AuctionEngine
from trustmarket.core.errors import (
    CurrencyError,
    DuplicateEvent,
    DuplicateParticipant,
    InvalidAmount,
    InvalidId,
    InvalidInput,
    InvalidRules,
    NotOpen,
    OutOfOrder,
    RejectedEvent,
    TrustmarketError,
    UnknownParticipant,
    UnsupportedEvent,
)
from trustmarket.core.events import (
    Accept,
    Bid,
    BidAccepted,
    Cancel,
    Closed,
    Decommit,
    InputEvent,
    Order,
    OutputEvent,
    PackageBid,
    Register,
    Registered,
    Retract,
    Side,
    Tick,
    UnitsBid,
    UnitsOffer,
    event_to_json,
    input_event_from_json,
    output_event_from_json,
)
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def snapshot(engine: AuctionEngine[Any, Any]) -> str:
    return json.dumps(engine.to_json(), sort_keys=True)


# --------------------------------------------------------------------------------------------
# The four single-item mechanisms, each with a set of valid rule combinations
# --------------------------------------------------------------------------------------------
def make_english(rules: Rules) -> AuctionEngine[Any, Any]:
    config = EnglishConfig(
        auction_id="eng",
        currency="EUR",
        start=10,
        end=400,
        increment=eur("1.00"),
        reserve=eur("5.00"),
        soft_close=SoftClose(window=40, extension=30, max_extensions=2),
        participants=("ann", "bo"),
    )
    return EnglishAuction(config, rules)


def make_dutch(rules: Rules) -> AuctionEngine[Any, Any]:
    config = DutchConfig(
        auction_id="dutch",
        currency="EUR",
        start=10,
        participants=("ann", "bo"),
        start_price=eur("60.00"),
        decrement=eur("2.50"),
        floor=eur("20.00"),
        tick_seconds=15,
    )
    return DutchAuction(config, rules)


def make_combinatorial(rules: Rules) -> AuctionEngine[Any, Any]:
    config = CombinatorialConfig(
        auction_id="combo",
        currency="EUR",
        start=10,
        end=400,
        participants=("ann", "bo"),
        goods=(GoodSpec("x"), GoodSpec("y")),
    )
    return CombinatorialAuction(config, rules)


def _sealed(cls: type[Any]) -> Callable[[Rules], AuctionEngine[Any, Any]]:
    def make(rules: Rules) -> AuctionEngine[Any, Any]:
        config = SealedConfig(
            auction_id="seal",
            currency="EUR",
            start=10,
            end=400,
            reserve=eur("5.00"),
            participants=("ann", "bo"),
        )
        return cls(config, rules)  # type: ignore[no-any-return]

    return make


PENALTY = eur("1.50")
DECOMMIT = {"retract_after": RetractAfter.DECOMMIT_WITH_PENALTY, "decommit_penalty": eur("4.00")}
SEALED_RULES = [
    Rules(reveal_during=RevealDuring.NONE),
    Rules(
        reveal_during=RevealDuring.NONE,
        retract_before=RetractBefore.WITH_PENALTY,
        retraction_penalty=PENALTY,
        **DECOMMIT,
    ),
    Rules(
        reveal_during=RevealDuring.NONE,
        tie_breaking=TieBreaking.RANDOM,
        seed=11,
        retract_before=RetractBefore.YES,
    ),
    Rules(reveal_during=RevealDuring.NONE, close_when=CloseWhen.AFTER_IDLE, close_idle=90),
    Rules(reveal_during=RevealDuring.NONE, clear_when=ClearWhen.AFTER_IDLE, clear_idle=70),
]
MECHANISMS: dict[str, tuple[Callable[[Rules], AuctionEngine[Any, Any]], list[Rules]]] = {
    "english": (
        make_english,
        [
            Rules(),
            Rules(retract_before=RetractBefore.WITH_PENALTY, retraction_penalty=PENALTY),
            Rules(
                tie_breaking=TieBreaking.LATER,
                reveal_during=RevealDuring.BEST,
                retract_before=RetractBefore.YES,
                **DECOMMIT,
            ),
            Rules(
                clear_when=ClearWhen.EVERY_BID,
                close_when=CloseWhen.AFTER_IDLE,
                close_idle=100,
                tie_breaking=TieBreaking.RANDOM,
                seed=5,
            ),
            Rules(clear_when=ClearWhen.AFTER_IDLE, clear_idle=60),
            Rules(close_when=CloseWhen.OWNER_CANCELS),
        ],
    ),
    "dutch": (make_dutch, [Rules(), Rules(**DECOMMIT)]),  # type: ignore[arg-type]
    "first_price_sealed": (_sealed(FirstPriceSealed), SEALED_RULES),
    "vickrey": (_sealed(VickreyAuction), SEALED_RULES),
    "combinatorial": (make_combinatorial, SEALED_RULES),
}
NAMES = list(MECHANISMS)


def build(name: str, rules_index: int = 0) -> AuctionEngine[Any, Any]:
    factory, rules = MECHANISMS[name]
    return factory(rules[rules_index])


def a_bid(name: str, event_id: str, time: int, bidder: str, amount: str = "30.00") -> InputEvent:
    """The mechanism's way to bid: a price bid, or a Dutch acceptance."""
    if name == "dutch":
        return Accept(id=event_id, time=time, bidder=bidder)
    if name == "combinatorial":
        return PackageBid(id=event_id, time=time, bidder=bidder, bid=f"({{x, y}}, {amount})")
    return Bid(id=event_id, time=time, bidder=bidder, amount=eur(amount))


def rejects(engine: AuctionEngine[Any, Any], event: Any, error: type[Exception]) -> str:
    before = snapshot(engine)
    with pytest.raises(error) as info:
        engine.apply(event)
    assert snapshot(engine) == before
    assert type(info.value) is error  # the specific class, not a base
    return str(info.value)


# --------------------------------------------------------------------------------------------
# apply returns what the event caused
# --------------------------------------------------------------------------------------------
def test_mechanism_names_are_registered() -> None:
    from trustmarket.auctions import MECHANISMS as REGISTRY

    for name in NAMES:
        assert REGISTRY[name] is type(build(name))


@pytest.mark.parametrize("name", NAMES)
def test_register_returns_registered(name: str) -> None:
    engine = build(name)
    out = engine.apply(Register(id="r1", time=12, bidder="cy"))
    assert out == [Registered(cause="r1", time=12, bidder="cy")]
    assert "cy" in engine.timeline.registered


@pytest.mark.parametrize("name", NAMES)
def test_bid_returns_bid_accepted_first(name: str) -> None:
    engine = build(name)
    out = engine.apply(a_bid(name, "b1", 20, "ann"))
    assert out[0] == BidAccepted(cause="b1", time=20, bid_id="b1", bidder="ann")
    assert all(e.cause == "b1" and e.time == 20 for e in out)


@pytest.mark.parametrize("name", NAMES)
def test_quiet_tick_returns_nothing(name: str) -> None:
    engine = build(name)
    # Before the Dutch clock's first step and long before any end: nothing happens.
    assert engine.apply(Tick(id="t1", time=12)) == []
    assert engine.timeline.last_time == 12


@pytest.mark.parametrize("name", NAMES)
def test_cancel_closes_without_a_sale(name: str) -> None:
    engine = build(name)
    if name != "dutch":  # a Dutch acceptance would end the auction at once
        engine.apply(a_bid(name, "b0", 15, "bo"))
    out = engine.apply(Cancel(id="c1", time=20))
    assert out == [Closed(cause="c1", time=20, reason="cancelled")]
    assert engine.timeline.closed and engine.timeline.close_reason == "cancelled"
    rejects(engine, a_bid(name, "b1", 21, "ann"), NotOpen)


def test_owner_close_clears_under_owner_cancels() -> None:
    engine = build("english", 5)
    engine.apply(Bid(id="b1", time=20, bidder="ann", amount=eur("7.00")))
    out = engine.apply(Cancel(id="c1", time=30))
    assert [e.kind for e in out] == ["cleared", "closed"]
    assert out[0].outcome.awards[0].payment == eur("7.00")  # type: ignore[attr-defined]
    assert out[1].reason == "owner_closed"  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Rejections: the specific error, nothing changed
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_duplicate_event_id(name: str) -> None:
    engine = build(name)
    engine.apply(Register(id="x1", time=11, bidder="cy"))
    message = rejects(engine, a_bid(name, "x1", 12, "ann"), DuplicateEvent)
    assert "x1" in message


@pytest.mark.parametrize("name", NAMES)
def test_id_of_a_rejected_event_may_be_used_again(name: str) -> None:
    engine = build(name)
    rejects(engine, a_bid(name, "x1", 12, "zed"), UnknownParticipant)
    engine.apply(a_bid(name, "x1", 12, "ann"))
    assert "x1" in engine.timeline.event_ids


@pytest.mark.parametrize("name", NAMES)
def test_out_of_order(name: str) -> None:
    engine = build(name)
    engine.apply(Tick(id="t1", time=30))
    message = rejects(engine, a_bid(name, "b1", 29, "ann"), OutOfOrder)
    assert "29" in message and "30" in message
    rejects(engine, Register(id="r1", time=0, bidder="cy"), OutOfOrder)


@pytest.mark.parametrize("name", NAMES)
def test_bid_before_the_start_is_not_open(name: str) -> None:
    engine = build(name)  # opens at time 10
    message = rejects(engine, a_bid(name, "b1", 9, "ann"), NotOpen)
    assert "10" in message


@pytest.mark.parametrize("name", NAMES)
def test_registration_before_the_start_is_allowed(name: str) -> None:
    engine = build(name)
    engine.apply(Register(id="r1", time=3, bidder="cy"))
    rejects(engine, a_bid(name, "b1", 5, "cy"), NotOpen)
    engine.apply(a_bid(name, "b2", 10, "cy"))


@pytest.mark.parametrize("name", ["english", "first_price_sealed", "vickrey"])
def test_bid_at_or_after_the_close_is_not_open(name: str) -> None:
    engine = build(name)  # end 400 (English soft close only extends on late bids)
    rejects(engine, a_bid(name, "b1", 400, "ann"), NotOpen)
    rejects(engine, a_bid(name, "b2", 999, "ann"), NotOpen)
    engine.apply(Tick(id="t", time=400))
    assert engine.timeline.closed
    rejects(engine, a_bid(name, "b3", 401, "ann"), NotOpen)
    rejects(engine, Register(id="r", time=401, bidder="cy"), NotOpen)
    rejects(engine, Tick(id="t2", time=402), NotOpen)
    rejects(engine, Cancel(id="c", time=402), NotOpen)


def test_dutch_accept_after_the_clock_ran_out_is_not_open() -> None:
    engine = build("dutch")
    # floor 20.00 reached after ceil(40.00 / 2.50) = 16 steps of 15 s: at 10 + 240 = 250;
    # the auction closes unsold one tick later, at 265.
    rejects(engine, a_bid("dutch", "b1", 265, "ann"), NotOpen)
    engine.apply(a_bid("dutch", "b2", 264, "ann"))


@pytest.mark.parametrize("name", NAMES)
def test_unknown_bidder(name: str) -> None:
    engine = build(name)
    message = rejects(engine, a_bid(name, "b1", 20, "zed"), UnknownParticipant)
    assert "zed" in message


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_bidder(name: str) -> None:
    engine = build(name)
    rejects(engine, Register(id="r1", time=11, bidder="ann"), DuplicateParticipant)
    engine.apply(Register(id="r2", time=11, bidder="cy"))
    rejects(engine, Register(id="r3", time=12, bidder="cy"), DuplicateParticipant)


@pytest.mark.parametrize("name", NAMES)
def test_unsupported_events(name: str) -> None:
    engine = build(name)
    units = UnitsBid(id="u", time=20, bidder="ann", alternatives=(UnitsOffer(2, eur("3.00")),))
    order = Order(id="o", time=20, trader="ann", side=Side.BUY, quantity=1, unit_price=eur("3.00"))
    rejects(engine, units, UnsupportedEvent)
    rejects(engine, order, UnsupportedEvent)
    rejects(engine, "not an event", UnsupportedEvent)
    other = Bid(id="x", time=20, bidder="ann", amount=eur("30.00"))
    if name == "dutch":
        message = rejects(engine, other, UnsupportedEvent)
        assert "accept" in message
    else:
        rejects(engine, Accept(id="x", time=20, bidder="ann"), UnsupportedEvent)


@pytest.mark.parametrize("name", ["english", "first_price_sealed", "vickrey"])
def test_currency_mismatch(name: str) -> None:
    engine = build(name)
    bid = Bid(id="b1", time=20, bidder="ann", amount=Money.parse("30.00", "USD"))
    message = rejects(engine, bid, CurrencyError)
    assert "USD" in message and "EUR" in message


# --------------------------------------------------------------------------------------------
# Bad input refused when the event is built (so it never reaches an engine)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: Money(0, "EUR"), None),
        (lambda: Bid(id="b", time=1, bidder="ann", amount=Money(0, "EUR")), InvalidAmount),
        (lambda: Bid(id="b", time=1, bidder="ann", amount=Money(-100, "EUR")), InvalidAmount),
        (lambda: Bid(id="b", time=1, bidder="ann", amount=eur("-1.00")), InvalidAmount),
        (lambda: Money(12.5, "EUR"), InvalidAmount),  # type: ignore[arg-type]
        (lambda: Money(float("nan"), "EUR"), InvalidAmount),  # type: ignore[arg-type]
        (lambda: Money("1250", "EUR"), InvalidAmount),  # type: ignore[arg-type]
        (lambda: Money.parse(12.5, "EUR"), InvalidAmount),
        (lambda: Money.parse("12.345", "EUR"), InvalidAmount),
        (lambda: Money.parse("1e3", "EUR"), InvalidAmount),
        (lambda: Money.parse("12,50", "EUR"), InvalidAmount),
        (lambda: Money.parse(" 12.50", "EUR"), InvalidAmount),
        (lambda: Money.parse("NaN", "EUR"), InvalidAmount),
        (lambda: Money.parse("", "EUR"), InvalidAmount),
        (lambda: Money(100, "XXX"), CurrencyError),
        (lambda: Money(100, "eur"), CurrencyError),
        (lambda: Money.parse("1.00", "ZZZ"), CurrencyError),
        (
            lambda: Bid(id="b", time=1, bidder="ann", amount=eur("5.00"), max_amount=eur("4.00")),
            InvalidInput,
        ),
        (lambda: Bid(id="", time=1, bidder="ann", amount=eur("5.00")), InvalidId),
        (lambda: Bid(id="b 1", time=1, bidder="ann", amount=eur("5.00")), InvalidId),
        (lambda: Bid(id="b", time=1, bidder="", amount=eur("5.00")), InvalidId),
        (lambda: Bid(id="b", time=-1, bidder="ann", amount=eur("5.00")), InvalidInput),
        (lambda: Bid(id="b", time=1.0, bidder="ann", amount=eur("5.00")), InvalidInput),
        (lambda: Accept(id="a", time=1, bidder="-ann"), InvalidId),
    ],
)
def test_bad_input_is_refused_on_construction(
    make: Callable[[], Any], error: type[Exception] | None
) -> None:
    if error is None:  # zero money exists, it just is not a price
        assert make().minor == 0
        return
    with pytest.raises(error):
        make()


def test_float_bid_amount_is_an_invalid_amount() -> None:
    with pytest.raises(InvalidAmount):
        Bid(id="b", time=1, bidder="ann", amount=12.5)  # type: ignore[arg-type]


def test_float_bid_amount_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        Bid(id="b", time=1, bidder="ann", amount=12.5)  # type: ignore[arg-type]
    assert "Money" in str(info.value)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"minor": 12.5, "currency": "EUR"}, InvalidAmount),
        ({"minor": "1250", "currency": "EUR"}, InvalidAmount),
        ({"minor": 0, "currency": "EUR"}, InvalidAmount),
        ({"minor": -5, "currency": "EUR"}, InvalidAmount),
        ({"minor": 1250, "currency": "XXX"}, CurrencyError),
        ({"minor": 1250}, InvalidInput),
        (12.5, InvalidInput),
    ],
)
def test_bad_amount_in_json_event(data: Any, error: type[Exception]) -> None:
    raw = {"type": "bid", "id": "b1", "time": 3, "bidder": "ann", "amount": data}
    with pytest.raises(error) as info:
        input_event_from_json(raw)
    assert "amount" in str(info.value)


# --------------------------------------------------------------------------------------------
# JSON round trips
# --------------------------------------------------------------------------------------------
#: A rule set with retraction and decommitment allowed, per mechanism.
SCRIPT_RULES = {
    "english": 2,
    "dutch": 1,
    "first_price_sealed": 1,
    "vickrey": 1,
    "combinatorial": 1,
}


def _scripted(name: str) -> tuple[AuctionEngine[Any, Any], list[InputEvent], list[OutputEvent]]:
    engine = build(name, SCRIPT_RULES[name])
    events: list[InputEvent] = [
        Register(id="r1", time=11, bidder="cy"),
        a_bid(name, "b1", 20, "ann", "12.00"),
    ]
    if name != "dutch":
        events += [
            a_bid(name, "b2", 25, "bo", "15.00"),
            Retract(id="x1", time=26, bidder="ann", bid_id="b1"),
            a_bid(name, "b3", 30, "cy", "20.00"),
            Tick(id="t1", time=400),
        ]
    outputs: list[OutputEvent] = []
    for event in events:
        outputs.extend(engine.apply(event))
    # ann won the Dutch clock; cy's 20.00 beats bo's 15.00 elsewhere (ann retracted).
    winner = "ann" if name == "dutch" else "cy"
    assert [a.bidder for a in engine.result().awards] == [winner]
    events.append(Decommit(id="d1", time=500, bidder=winner))
    outputs.extend(engine.apply(events[-1]))
    return engine, events, outputs


@pytest.mark.parametrize("name", NAMES)
def test_state_round_trips_through_json(name: str) -> None:
    engine, _, _ = _scripted(name)
    assert engine.timeline.closed and engine.timeline.penalties
    data = json.loads(json.dumps(engine.to_json()))
    restored = engine_from_json(data)
    assert type(restored) is type(engine)
    assert restored.to_json() == engine.to_json()
    assert restored.result() == engine.result()
    assert restored.timeline == engine.timeline


@pytest.mark.parametrize("name", NAMES)
def test_restored_engine_continues_like_the_original(name: str) -> None:
    engine = build(name, 1)
    engine.apply(
        a_bid(name, "b1", 20, "ann", "12.00") if name != "dutch" else Tick(id="b1", time=50)
    )
    copy = engine_from_json(json.loads(json.dumps(engine.to_json())))
    last: InputEvent = (
        Decommit(id="t", time=400, bidder="bo") if name == "dutch" else Tick(id="t", time=400)
    )
    tail: list[InputEvent] = [a_bid(name, "b2", 60, "bo", "20.00"), last]
    for event in tail:
        assert copy.apply(event) == engine.apply(event)
    assert copy.to_json() == engine.to_json()
    # And the restored copy still refuses what the original refuses.
    rejects(copy, Tick(id="t", time=401), DuplicateEvent)


@pytest.mark.parametrize("name", NAMES)
def test_events_round_trip_through_json(name: str) -> None:
    _, events, outputs = _scripted(name)
    assert outputs
    for event in events:
        data = json.loads(json.dumps(event_to_json(event)))
        assert data["type"] == event.kind
        assert input_event_from_json(data) == event
    for out in outputs:
        data = json.loads(json.dumps(event_to_json(out)))
        assert output_event_from_json(data) == out


def test_engine_from_json_refuses_unknown_mechanism() -> None:
    data = build("english").to_json()
    data["mechanism"] = "swiss"
    with pytest.raises(InvalidRules) as info:
        engine_from_json(data)
    assert "english" in str(info.value)
    with pytest.raises(InvalidRules):
        engine_from_json([1, 2])


@pytest.mark.parametrize("name", NAMES)
def test_replay_of_the_script_equals_live(name: str) -> None:
    engine, events, _ = _scripted(name)
    _, rules = MECHANISMS[name]
    rebuilt = type(engine).replay(engine.config, rules[SCRIPT_RULES[name]], events)
    assert snapshot(rebuilt) == snapshot(engine)


# --------------------------------------------------------------------------------------------
# Property: random event sequences, invalid ones included
# --------------------------------------------------------------------------------------------
BIDDERS = ["ann", "bo", "cy", "dan"]
KINDS = ["register", "bid", "bid", "bid", "retract", "retract", "tick", "decommit", "cancel"]
KINDS += ["tick", "units"]


@st.composite
def event_scripts(draw: st.DrawFn, name: str) -> list[InputEvent]:
    n = draw(st.integers(min_value=1, max_value=25))
    time = draw(st.integers(min_value=0, max_value=30))
    events: list[InputEvent] = []
    ids: list[str] = []
    bids: list[tuple[str, str]] = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        if kind == "cancel" and draw(st.integers(0, 3)):
            kind = "tick"  # keep cancels rare so that auctions live long enough
        time = max(0, time + draw(st.integers(min_value=-3, max_value=25)))
        event_id = draw(st.sampled_from(ids)) if ids and draw(st.integers(0, 9)) == 0 else f"e{i}"
        ids.append(event_id)
        bidder = draw(st.sampled_from(BIDDERS))
        event: InputEvent
        if kind == "register":
            event = Register(id=event_id, time=time, bidder=bidder)
        elif kind == "bid":
            if name == "dutch":
                event = Accept(id=event_id, time=time, bidder=bidder)
            else:
                # Mostly rising amounts (so that English bids clear the increment), some low.
                cents = draw(st.integers(min_value=1, max_value=1500)) + i * 250
                currency = "USD" if draw(st.integers(0, 12)) == 0 else "EUR"
                proxy = name == "english" and draw(st.integers(0, 2)) > 0
                proxy = proxy or draw(st.integers(0, 15)) == 0
                extra = draw(st.integers(min_value=0, max_value=3000)) if proxy else None
                event = Bid(
                    id=event_id,
                    time=time,
                    bidder=bidder,
                    amount=Money(cents, currency),
                    max_amount=None if extra is None else Money(cents + extra, currency),
                )
            bids.append((bidder, event_id))
        elif kind == "retract":
            owner, target = draw(st.sampled_from(bids)) if bids else (bidder, "nothing")
            if draw(st.integers(0, 4)) == 0:
                owner = bidder  # often someone else's bid
            event = Retract(id=event_id, time=time, bidder=owner, bid_id=target)
        elif kind == "tick":
            event = Tick(id=event_id, time=time)
        elif kind == "decommit":
            event = Decommit(id=event_id, time=time, bidder=bidder)
        elif kind == "cancel":
            event = Cancel(id=event_id, time=time)
        else:
            event = UnitsBid(
                id=event_id, time=time, bidder=bidder, alternatives=(UnitsOffer(1, eur("1.00")),)
            )
        events.append(event)
    return events


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, int, list[InputEvent]]:
    name = draw(st.sampled_from(NAMES))
    rules_index = draw(st.integers(min_value=0, max_value=len(MECHANISMS[name][1]) - 1))
    return name, rules_index, draw(event_scripts(name))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_live_application_replay_and_json_agree(
    scenario: tuple[str, int, list[InputEvent]],
) -> None:
    name, rules_index, events = scenario
    live = build(name, rules_index)
    accepted: list[InputEvent] = []
    live_outputs: list[list[OutputEvent]] = []
    for event in events:
        before = snapshot(live)
        error: TrustmarketError | None = None
        try:
            out = live.apply(event)
        except TrustmarketError as exc:
            error = exc
        if error is not None:
            # Rejected: a specific error class (never a bare base), and not a byte changed.
            assert type(error) not in (TrustmarketError, RejectedEvent, InvalidInput)
            assert isinstance(error, RejectedEvent | CurrencyError)
            assert str(error)
            assert snapshot(live) == before
            continue
        assert all(isinstance(e, OutputEvent) for e in out)
        assert all(e.cause == event.id and e.time == event.time for e in out)
        assert event.id in live.timeline.event_ids
        accepted.append(event)
        live_outputs.append(out)

    # Replay of the accepted input events rebuilds the same state.
    factory, rules = MECHANISMS[name]
    replayed = type(live).replay(live.config, rules[rules_index], accepted)
    assert snapshot(replayed) == snapshot(live)

    # Applying them one by one again yields the same output events.
    again = factory(rules[rules_index])
    assert [again.apply(e) for e in accepted] == live_outputs

    # The state moves through JSON text and back unchanged, and so does every event.
    restored = engine_from_json(json.loads(json.dumps(live.to_json())))
    assert snapshot(restored) == snapshot(live)
    for event in events:
        assert input_event_from_json(json.loads(json.dumps(event_to_json(event)))) == event
    for outs in live_outputs:
        for out in outs:
            assert output_event_from_json(json.loads(json.dumps(event_to_json(out)))) == out
