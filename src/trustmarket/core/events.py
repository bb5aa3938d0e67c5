"""The event types every engine takes and emits (SPEC section 1).

An auction is a state machine: it takes *input* events (register, bid, retract, accept, tick,
cancel, decommit), and :meth:`apply` returns the *output* events they caused (accepted, price
changed, extended, cleared, closed, ...). Input events are what a service stores; replaying them
rebuilds the auction. Every event is a frozen dataclass with a ``kind`` tag used in its JSON form.

Input events validate their own fields on construction (ids, non-negative integer times,
positive quantities); whether an event is acceptable *now* is the engine's decision.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from trustmarket.core.errors import InvalidAmount, InvalidInput
from trustmarket.core.ids import check_id
from trustmarket.core.money import Money
from trustmarket.core.serialization import from_jsonable, to_jsonable


def check_time(time: object, what: str = "time") -> int:
    """Times are non-negative ints (seconds on the caller's clock); engines never read a clock."""
    if isinstance(time, bool) or not isinstance(time, int) or time < 0:
        raise InvalidInput(f"{what} must be a non-negative integer (seconds), got {time!r}")
    return time


def check_quantity(quantity: object, what: str = "quantity") -> int:
    """Quantities are whole units, at least 1."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput(f"{what} must be a whole number of units >= 1, got {quantity!r}")
    return quantity


def _check_money(value: object, what: str) -> None:
    if not isinstance(value, Money):
        raise InvalidAmount(
            f"{what} must be Money (integer minor units with a currency), "
            f"got {type(value).__name__}; use Money.parse('12.34', 'EUR')"
        )


class Side(enum.Enum):
    """The side of an order in a double auction."""

    BUY = "buy"
    SELL = "sell"


# --------------------------------------------------------------------------------------------
# Input events
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class InputEvent:
    """Base of events fed to an engine: a unique ``id`` and the ``time`` it happened."""

    kind: ClassVar[str] = "input"
    id: str
    time: int

    def __post_init__(self) -> None:
        check_id(self.id, "event id")
        check_time(self.time)


@dataclass(frozen=True, slots=True, kw_only=True)
class Register(InputEvent):
    """A bidder (or trader) joins the auction; only registered participants may bid."""

    kind: ClassVar[str] = "register"
    bidder: str

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")


@dataclass(frozen=True, slots=True, kw_only=True)
class Bid(InputEvent):
    """A price bid on one item. ``max_amount`` makes it a proxy bid (SPEC 3.2, English)."""

    kind: ClassVar[str] = "bid"
    bidder: str
    amount: Money
    max_amount: Money | None = None

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")
        _check_money(self.amount, "amount")
        self.amount.require_price("a bid amount")
        if self.max_amount is not None:
            _check_money(self.max_amount, "max_amount")
            if self.max_amount.currency != self.amount.currency:
                raise InvalidInput("max_amount must be in the same currency as amount")
            if self.max_amount < self.amount:
                raise InvalidInput(
                    f"max_amount {self.max_amount} is below amount {self.amount}; "
                    "a proxy maximum must be at least the bid"
                )


@dataclass(frozen=True, slots=True)
class UnitsOffer:
    """One alternative of an XOR multi-unit bid: ``quantity`` units for ``price`` in total."""

    quantity: int
    price: Money

    def __post_init__(self) -> None:
        check_quantity(self.quantity)
        _check_money(self.price, "price")
        self.price.require_price("an offered price")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitsBid(InputEvent):
    """An XOR bid of (quantity, total price) alternatives on units of one item (SPEC 3.3)."""

    kind: ClassVar[str] = "units_bid"
    bidder: str
    alternatives: tuple[UnitsOffer, ...]

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")
        if not isinstance(self.alternatives, tuple) or not self.alternatives:
            raise InvalidInput("alternatives must be a non-empty tuple of UnitsOffer")
        for alt in self.alternatives:
            if not isinstance(alt, UnitsOffer):
                raise InvalidInput(f"alternatives must be UnitsOffer, got {type(alt).__name__}")
        currencies = {alt.price.currency for alt in self.alternatives}
        if len(currencies) > 1:
            raise InvalidInput(f"all alternatives must use one currency, got {sorted(currencies)}")
        quantities = [alt.quantity for alt in self.alternatives]
        if len(set(quantities)) != len(quantities):
            raise InvalidInput(
                f"each quantity may appear once in an XOR bid, got quantities {quantities}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Order(InputEvent):
    """A bid (buy) or ask (sell) of ``quantity`` units at ``unit_price`` each (double auctions)."""

    kind: ClassVar[str] = "order"
    trader: str
    side: Side
    quantity: int
    unit_price: Money

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.trader, "trader")
        if not isinstance(self.side, Side):
            raise InvalidInput(f"side must be 'buy' or 'sell', got {self.side!r}")
        check_quantity(self.quantity)
        _check_money(self.unit_price, "unit_price")
        self.unit_price.require_price("a unit price")


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageBid(InputEvent):
    """A combinatorial bid in the text syntax of SPEC 3.4 (OR, XOR or OR-of-XORs of bundles
    with prices), e.g. ``"[({a, b}, 9.00) XOR ({c}, 4.00)] OR [({d}, 2.00)]"``; the auction
    checks it against its goods, language and pricing."""

    kind: ClassVar[str] = "package_bid"
    bidder: str
    bid: str

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")
        if not isinstance(self.bid, str) or not self.bid.strip():
            raise InvalidInput("a package bid is a non-empty text in the bidding language")
        if len(self.bid) > 100_000:
            raise InvalidInput("a package bid is at most 100,000 characters")


@dataclass(frozen=True, slots=True, kw_only=True)
class Accept(InputEvent):
    """A bidder takes the current clock price of a Dutch auction."""

    kind: ClassVar[str] = "accept"
    bidder: str

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")


@dataclass(frozen=True, slots=True, kw_only=True)
class Retract(InputEvent):
    """A bidder withdraws one of her bids before clearing (if the rules allow it)."""

    kind: ClassVar[str] = "retract"
    bidder: str
    bid_id: str

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")
        check_id(self.bid_id, "bid id")


@dataclass(frozen=True, slots=True, kw_only=True)
class Decommit(InputEvent):
    """A winner walks away after clearing, paying the decommitment penalty (if allowed)."""

    kind: ClassVar[str] = "decommit"
    bidder: str

    def __post_init__(self) -> None:
        InputEvent.__post_init__(self)
        check_id(self.bidder, "bidder")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick(InputEvent):
    """Time passes: due clearings and closings happen only on ticks (and Dutch clocks move)."""

    kind: ClassVar[str] = "tick"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cancel(InputEvent):
    """The auction's owner cancels it: it closes without a sale."""

    kind: ClassVar[str] = "cancel"


INPUT_EVENTS: dict[str, type[InputEvent]] = {
    cls.kind: cls
    for cls in (
        Register,
        Bid,
        UnitsBid,
        Order,
        PackageBid,
        Accept,
        Retract,
        Decommit,
        Tick,
        Cancel,
    )
}


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Award:
    """What one winner gets and pays in a single-sided auction."""

    bidder: str
    quantity: int
    payment: Money
    bid_id: str


@dataclass(frozen=True, slots=True)
class Trade:
    """A match in a double auction: ``quantity`` units at ``unit_price`` each."""

    buyer: str
    seller: str
    quantity: int
    unit_price: Money
    buy_order: str
    sell_order: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a clearing: awards (single-sided) or trades (double), plus notes.

    ``notes`` carry what a user must know about the result, e.g. that uniform pricing is not
    incentive compatible, or which tie-breaking decided a winner.
    """

    awards: tuple[Award, ...] = ()
    trades: tuple[Trade, ...] = ()
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Output events
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class OutputEvent:
    """Base of events an engine emits: the input event that caused it and the time."""

    kind: ClassVar[str] = "output"
    cause: str
    time: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Registered(OutputEvent):
    kind: ClassVar[str] = "registered"
    bidder: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BidAccepted(OutputEvent):
    """A bid was accepted. Its amounts stay in the input event; views decide who sees them."""

    kind: ClassVar[str] = "bid_accepted"
    bid_id: str
    bidder: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceChanged(OutputEvent):
    """The standing price (English) or clock price (Dutch) changed."""

    kind: ClassVar[str] = "price_changed"
    price: Money
    leader: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseExtended(OutputEvent):
    """Soft close: a late accepted bid moved the close."""

    kind: ClassVar[str] = "close_extended"
    new_end: int
    extensions: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BidRetracted(OutputEvent):
    kind: ClassVar[str] = "bid_retracted"
    bid_id: str
    bidder: str
    penalty: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Cleared(OutputEvent):
    """Winners and payments were determined; ``final`` is false for provisional clearings."""

    kind: ClassVar[str] = "cleared"
    outcome: Outcome
    final: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Decommitted(OutputEvent):
    kind: ClassVar[str] = "decommitted"
    bidder: str
    penalty: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Closed(OutputEvent):
    """The auction closed for good; ``reason`` is one of end, idle, cleared, cancelled, sold."""

    kind: ClassVar[str] = "closed"
    reason: str


E = TypeVar("E")


def _slot_setters(cls: type[Any]) -> tuple[list[str], dict[str, Any]]:
    """The field names of a frozen, slotted event class and, for each, its slot's setter.

    The ``__init__`` dataclasses write for a frozen class stores every field with
    ``object.__setattr__`` and is called with keywords (a dict per call); calling each slot's
    descriptor directly builds the same object about a third cheaper, and a positional builder
    (below) cheaper still. Engines build an output event for every accepted bid, so this is on
    their hottest path (bench/auctions.py). The classes stay frozen: assigning to a field still
    raises ``FrozenInstanceError``. Output events have no defaults and no ``__post_init__``,
    which this relies on (checked here).
    """
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or any(
        f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        for f in fields
    ):
        raise TypeError(f"{cls.__name__}: only fields without defaults can be set through slots")
    names = [f.name for f in fields]
    namespace = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    namespace.update(_new=object.__new__, _cls=cls)
    return names, namespace


def _compile(source: str, namespace: dict[str, Any], qualname: str) -> Any:
    local: dict[str, Any] = {}
    exec(source, namespace, local)
    (function,) = local.values()
    function.__qualname__ = qualname
    return function


def _quick_init(cls: type[E]) -> type[E]:
    """Replace ``cls.__init__`` (keywords only, as before) by one that sets the slots directly."""
    names, namespace = _slot_setters(cls)
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    source = f"def __init__(self, *, {', '.join(names)}):\n{body}"
    init = _compile(source, namespace, f"{cls.__qualname__}.__init__")
    cls.__init__ = init  # type: ignore[method-assign]  # same signature, set through slots
    return cls


def _builder(cls: type[E]) -> Callable[..., E]:
    """A function that builds ``cls`` from its fields given by position, in field order, for
    the engines' hot paths (no keyword dict, no type call); the result equals ``cls(**fields)``."""
    names, namespace = _slot_setters(cls)
    body = "".join(f"    _set_{name}(event, {name})\n" for name in names)
    source = f"def build({', '.join(names)}):\n    event = _new(_cls)\n{body}    return event\n"
    builder: Callable[..., E] = _compile(source, namespace, f"build_{cls.__name__}")
    return builder


OUTPUT_EVENTS: dict[str, type[OutputEvent]] = {
    cls.kind: _quick_init(cls)
    for cls in (
        Registered,
        BidAccepted,
        PriceChanged,
        CloseExtended,
        BidRetracted,
        Cleared,
        Decommitted,
        Closed,
    )
}

#: ``BidAccepted`` and ``PriceChanged`` by position (cause, time, then the class's own fields),
#: for the engines' per-bid paths.
bid_accepted: Callable[[str, int, str, str], BidAccepted] = _builder(BidAccepted)
price_changed: Callable[[str, int, Money, str | None], PriceChanged] = _builder(PriceChanged)


def event_to_json(event: InputEvent | OutputEvent) -> dict[str, Any]:
    """The JSON form of an event: its fields plus ``"type": kind``."""
    data: dict[str, Any] = to_jsonable(event)
    return data


def _event_from_json(registry: dict[str, type[Any]], data: object, path: str, what: str) -> Any:
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: expected an event object, got {type(data).__name__}")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in registry:
        raise InvalidInput(
            f"{path}.type: unknown {what} event type {kind!r}; allowed: {', '.join(registry)}"
        )
    return from_jsonable(registry[kind], data, path)


def input_event_from_json(data: object, path: str = "event") -> InputEvent:
    """Rebuild an input event from its JSON form, validating every field."""
    event: InputEvent = _event_from_json(INPUT_EVENTS, data, path, "input")
    return event


def output_event_from_json(data: object, path: str = "event") -> OutputEvent:
    """Rebuild an output event from its JSON form."""
    event: OutputEvent = _event_from_json(OUTPUT_EVENTS, data, path, "output")
    return event
