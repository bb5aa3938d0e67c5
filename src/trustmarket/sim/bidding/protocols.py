"""How people and agents bid in the English, Dutch and Vickrey engines (Sathiyamoorthy et al.,
sections 3 and 5).

Each function runs one auction of one listing through the real engine of
:mod:`trustmarket.auctions` with timed events, in one of two modes:

- *agents* watch the auction continuously from its opening (section 3: "the user need not
  monitor the proceedings at all times"): in an English auction the agent is the engine's proxy
  bid (the incrementor: a maximum of the buyer's value, the house bids the least needed); in a
  Dutch auction it accepts the clock at the first tick at which the price is at or below the
  buyer's threshold; in a Vickrey auction it submits the buyer's value at the opening.
- *people* act only when they look in (the times in :attr:`Bidder.visits`, a Poisson process):
  English - a person who is not leading and can afford the minimum bid bids the minimum plus
  ``jump`` of the way to her value, as a plain bid, because she cannot come back at once to
  answer a rival; Dutch - she accepts if the clock is at or below her threshold (``wait``), or,
  with ``anticipate``, if the clock would be below her threshold by the time she is expected to
  look in again (never above her value); Vickrey - she submits her value the first time she
  looks in before the deadline, and misses the auction if she does not look in at all.

Money is integer minor units (cents) throughout; times are seconds from the opening.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from trustmarket.auctions.dutch import DutchAuction, DutchConfig
from trustmarket.auctions.engine import AuctionEngine, SoftClose
from trustmarket.auctions.english import EnglishAuction, EnglishConfig
from trustmarket.auctions.rules import RevealDuring, Rules
from trustmarket.auctions.sealed import SealedConfig, VickreyAuction
from trustmarket.core.events import Accept, Bid, InputEvent, Tick
from trustmarket.core.money import Money

__all__ = [
    "CURRENCY",
    "DAY",
    "MAX_EXTENSIONS",
    "PROTOCOLS",
    "AuctionRules",
    "Bidder",
    "Listing",
    "Result",
    "dutch",
    "english",
    "vickrey",
]

CURRENCY = "EUR"
DAY = 86_400
#: The most times an English soft close extends the end (when soft close is on).
MAX_EXTENSIONS = 24


@dataclass(frozen=True, slots=True)
class Listing:
    """One seller's item: starting (and lowest acceptable) price ``initial`` in cents, the
    ``days`` it runs, the seller's ``priority`` and the paper's optimal price ``expected``
    (equation (ii), in cents, a float)."""

    auction: int
    initial: int
    days: int
    priority: float
    expected: float

    @property
    def duration(self) -> int:
        """Seconds from the opening to the (unextended) end."""
        return self.days * DAY


@dataclass(frozen=True, slots=True)
class Bidder:
    """One buyer in one auction: her private ``value`` and Dutch ``threshold`` (cents; the
    threshold is None when her value is below the floor), her look-in rate per day and the
    times (seconds, ascending) at which she looks in."""

    name: str
    value: int
    threshold: int | None
    visit_rate: float
    visits: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AuctionRules:
    """The auction house's settings for a listing, derived from the scenario's parameters."""

    increment_share: float
    soft_close: int
    jump: float
    dutch_start: float
    dutch_tick: int
    anticipate: bool


@dataclass(frozen=True, slots=True)
class Result:
    """What the engine decided: the winner and her payment (cents; None when unsold), when the
    auction closed (seconds), how many bids or acceptances it took and how many bidders took
    part (looked in before the close, or had an agent)."""

    winner: str | None
    price: int | None
    closed_at: int
    bids: int
    present: int


def _eur(minor: int) -> Money:
    return Money(minor, CURRENCY)


class _Feed:
    """Applies events to an engine with generated ids and counts the bids among them."""

    def __init__(self, engine: AuctionEngine[Any, Any]) -> None:
        self.engine = engine
        self.count = 0
        self.bids = 0

    def __call__(self, make: Callable[..., InputEvent], **fields: Any) -> None:
        self.count += 1
        self.engine.apply(make(id=f"e{self.count}", **fields))
        if make is not Tick:
            self.bids += 1


def _result(feed: _Feed, present: int) -> Result:
    engine = feed.engine
    outcome = engine.result()
    closed_at = engine.timeline.last_time
    if outcome is None or not outcome.awards:
        return Result(None, None, closed_at, feed.bids, present)
    award = outcome.awards[0]
    return Result(award.bidder, award.payment.minor, closed_at, feed.bids, present)


def _names(bidders: Sequence[Bidder]) -> tuple[str, ...]:
    return tuple(b.name for b in bidders)


def _looks(bidders: Sequence[Bidder], until: int) -> list[tuple[int, int, Bidder]]:
    """Every look-in before ``until`` in time order (ties in the bidders' order)."""
    looks = [(t, i, b) for i, b in enumerate(bidders) for t in b.visits if t < until]
    looks.sort(key=lambda item: (item[0], item[1]))
    return looks


def english(
    listing: Listing, bidders: Sequence[Bidder], agents: bool, rules: AuctionRules
) -> Result:
    """An English auction (SPEC 3.2) with reserve = the starting price, increment =
    ``increment_share`` of it (at least one cent) and an optional soft close."""
    increment = max(1, round(rules.increment_share * listing.initial))
    soft = (
        SoftClose(
            window=rules.soft_close, extension=rules.soft_close, max_extensions=MAX_EXTENSIONS
        )
        if rules.soft_close > 0
        else None
    )
    engine = EnglishAuction(
        EnglishConfig(
            auction_id=f"english-{listing.auction}",
            currency=CURRENCY,
            end=listing.duration,
            participants=_names(bidders),
            increment=_eur(increment),
            reserve=_eur(listing.initial),
            soft_close=soft,
        )
    )
    feed = _Feed(engine)
    if agents:
        for bidder in bidders:
            opening = engine.minimum_bid()
            if bidder.value >= opening.minor:
                feed(Bid, time=0, bidder=bidder.name, amount=opening, max_amount=_eur(bidder.value))
        present = len(bidders)
    else:
        seen: set[str] = set()
        horizon = listing.duration + MAX_EXTENSIONS * rules.soft_close
        for time, _, bidder in _looks(bidders, horizon):
            closing = engine.closing_time()
            if closing is not None and time >= closing:
                break
            seen.add(bidder.name)
            if engine.state.leader == bidder.name:
                continue
            minimum = engine.minimum_bid().minor
            if bidder.value < minimum:
                continue
            amount = minimum + int(rules.jump * (bidder.value - minimum))
            feed(Bid, time=time, bidder=bidder.name, amount=_eur(amount))
        present = len(seen)
    closing = engine.closing_time()
    feed(Tick, time=listing.duration if closing is None else closing)
    return _result(feed, present)


def _crossing(start_price: int, decrement: int, tick: int, limit: int) -> int:
    """The first tick time at which the clock ``start_price - k decrement`` is at most
    ``limit``."""
    if limit >= start_price:
        return 0
    return -(-(start_price - limit) // decrement) * tick


def dutch(listing: Listing, bidders: Sequence[Bidder], agents: bool, rules: AuctionRules) -> Result:
    """A Dutch auction (SPEC 3.2): the clock opens at ``dutch_start`` times the expected price
    and falls every ``dutch_tick`` seconds so as to reach the floor (the starting price) at
    the listing's end; the first acceptance wins at the clock price."""
    floor = listing.initial
    start_price = max(round(rules.dutch_start * listing.expected), floor + 1)
    ticks = max(1, listing.duration // rules.dutch_tick)
    decrement = max(1, -(-(start_price - floor) // ticks))
    config = DutchConfig(
        auction_id=f"dutch-{listing.auction}",
        currency=CURRENCY,
        participants=_names(bidders),
        start_price=_eur(start_price),
        decrement=_eur(decrement),
        floor=_eur(floor),
        tick_seconds=rules.dutch_tick,
    )
    engine = DutchAuction(config)
    close = config.floor_time() + rules.dutch_tick
    feed = _Feed(engine)
    first: tuple[int, int, str] | None = None
    for index, bidder in enumerate(bidders):
        if bidder.threshold is None:
            continue
        limit = bidder.threshold
        if not agents and rules.anticipate and bidder.visit_rate > 0:
            # The clock falls by this much, on average, before she looks in again.
            drop = decrement * (DAY / bidder.visit_rate) / rules.dutch_tick
            limit = min(bidder.value, int(bidder.threshold + drop))
        when = _crossing(start_price, decrement, rules.dutch_tick, limit)
        if not agents:
            at = bisect.bisect_left(bidder.visits, when)
            when = bidder.visits[at] if at < len(bidder.visits) else close
        if when < close and (first is None or (when, index) < first[:2]):
            first = (when, index, bidder.name)
    present = (
        len(bidders) if agents else sum(1 for b in bidders if b.visits and b.visits[0] < close)
    )
    if first is None:
        feed(Tick, time=close)
    else:
        feed(Accept, time=first[0], bidder=first[2])
    return _result(feed, present)


def vickrey(
    listing: Listing, bidders: Sequence[Bidder], agents: bool, rules: AuctionRules
) -> Result:
    """A second-price sealed-bid auction (SPEC 3.2) with reserve = the starting price, open
    until the listing's end; everyone who bids bids her value (a dominant strategy)."""
    end = listing.duration
    engine = VickreyAuction(
        SealedConfig(
            auction_id=f"vickrey-{listing.auction}",
            currency=CURRENCY,
            end=end,
            participants=_names(bidders),
            reserve=_eur(listing.initial),
        ),
        Rules(reveal_during=RevealDuring.NONE),
    )
    feed = _Feed(engine)
    if agents:
        bids = [(0, i, b) for i, b in enumerate(bidders)]
    else:
        bids = sorted(
            (b.visits[0], i, b) for i, b in enumerate(bidders) if b.visits and b.visits[0] < end
        )
    for time, _, bidder in bids:
        if bidder.value >= listing.initial:
            feed(Bid, time=time, bidder=bidder.name, amount=_eur(bidder.value))
    feed(Tick, time=end)
    return _result(feed, len(bids))


Protocol = Callable[[Listing, Sequence[Bidder], bool, AuctionRules], Result]

#: The paper's three protocols, in the order of its figures 7, 8 and 9.
PROTOCOLS: dict[str, Protocol] = {"english": english, "dutch": dutch, "vickrey": vickrey}
