"""Multi-unit auctions of one item with XOR bids of (quantity, price) (SPEC 3.1 and 3.3).

A seller offers ``supply`` identical units. Each bidder submits one XOR bid: alternatives
``(q_j, p_j)``, meaning "``q_j`` units for ``p_j`` in total", at most one of which is accepted.
With ``exact_match`` (the default) an alternative is filled entirely or not at all; without it an
alternative may be filled partly, ``k <= q_j`` units for ``k * p_j / q_j``.

Winner determination maximises the sum of accepted prices subject to the supply (a
multiple-choice knapsack solved exactly by dynamic programming over units, with values kept as
exact fractions). Three pricing rules (eMediator section 2.3):

* **pay-as-bid**: each winner pays her accepted price;
* **multi-unit Vickrey (Clarke-Groves)**: winner ``i`` pays ``V(-i) - (V - v_i)``, the others'
  best total without her minus the others' total in the chosen allocation (SPEC 3.3); truthful
  bidding is a dominant strategy; with a reserve, a winner pays at least the reserve for each
  unit she wins (our choice: the seller's floor binds as in a posted minimum);
* **uniform price**: every unit costs the highest unit price ``p_j / q_j`` among bidders who won
  nothing (the highest bid that just did not win), capped at the lowest accepted unit price so no
  winner pays above her bid; the reserve per unit (or zero) if nobody lost. Flagged as *not*
  incentive compatible: bidders gain by demand reduction (Ausubel and Cramton 1996).

Payments that are not whole minor units are rounded down, in the bidder's favour.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from trustmarket.auctions.engine import AuctionConfig, AuctionEngine, MechanismInfo, tie_key
from trustmarket.auctions.rules import Rules
from trustmarket.core.errors import (
    BidTooLow,
    DuplicateBid,
    InvalidBid,
    InvalidRules,
    RetractionNotAllowed,
)
from trustmarket.core.events import (
    Award,
    BidAccepted,
    InputEvent,
    Outcome,
    OutputEvent,
    Retract,
    UnitsBid,
)
from trustmarket.core.money import Money


class MultiUnitPricing(enum.Enum):
    PAY_AS_BID = "pay_as_bid"
    UNIFORM = "uniform"
    VICKREY = "vickrey"


UNIFORM_NOTE = (
    "uniform pricing is not incentive compatible: bidders gain by demand reduction "
    "(Ausubel and Cramton 1996)"
)


@dataclass(frozen=True, kw_only=True)
class MultiUnitConfig(AuctionConfig):
    """``supply`` units of one item, a pricing rule and an optional reserve per unit."""

    supply: int
    pricing: MultiUnitPricing = MultiUnitPricing.VICKREY
    reserve_unit_price: Money | None = None

    def __post_init__(self) -> None:
        AuctionConfig.__post_init__(self)
        if isinstance(self.supply, bool) or not isinstance(self.supply, int) or self.supply < 1:
            raise InvalidRules(f"supply must be a whole number of units >= 1, got {self.supply!r}")
        if not isinstance(self.pricing, MultiUnitPricing):
            allowed = ", ".join(repr(p.value) for p in MultiUnitPricing)
            raise InvalidRules(f"pricing must be one of {allowed}, got {self.pricing!r}")
        reserve = self.reserve_unit_price
        if reserve is not None and self.money(reserve, "reserve_unit_price").minor <= 0:
            raise InvalidRules("reserve_unit_price must be positive")


@dataclass(frozen=True)
class UnitsBidRecord:
    """An accepted XOR bid; ``alternatives`` are (quantity, total price in minor units)."""

    bid_id: str
    bidder: str
    time: int
    alternatives: tuple[tuple[int, int], ...]
    rank: int


@dataclass(kw_only=True)
class MultiUnitState:
    bids: dict[str, UnitsBidRecord] = field(default_factory=dict)
    by_bidder: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Allocation:
    """An optimal allocation: total value and, per winning bid id, (units, value)."""

    value: Fraction
    chosen: dict[str, tuple[int, Fraction]]


def bid_options(
    alternatives: Sequence[tuple[int, int]], supply: int, exact_match: bool
) -> list[tuple[int, Fraction]]:
    """The (units, value) options one XOR bid offers, best value per unit count."""
    best: dict[int, Fraction] = {}
    for quantity, price in alternatives:
        counts = [quantity] if exact_match else range(1, min(quantity, supply) + 1)
        for k in counts:
            if k > supply:
                continue
            value = Fraction(price * k, quantity)
            if k not in best or value > best[k]:
                best[k] = value
    return sorted(best.items())


def allocate(bids: Sequence[UnitsBidRecord], supply: int, exact_match: bool) -> Allocation:
    """Maximise the sum of accepted values subject to ``supply`` (exact dynamic programming).

    States map units used to the best (value, priority); priority prefers bids of better
    tie-breaking rank among allocations of equal value.
    """
    ordered = sorted(bids, key=lambda b: b.rank)
    n = len(ordered)
    states: dict[int, tuple[Fraction, int]] = {0: (Fraction(0), 0)}
    layers: list[dict[int, tuple[int, int, Fraction]]] = []
    for i, bid in enumerate(ordered):
        weight = 1 << (n - 1 - i)
        new = dict(states)
        back: dict[int, tuple[int, int, Fraction]] = {}
        options = bid_options(bid.alternatives, supply, exact_match)
        for used, (value, priority) in states.items():
            for units, option_value in options:
                total = used + units
                if total > supply:
                    break
                candidate = (value + option_value, priority + weight)
                if total not in new or candidate > new[total]:
                    new[total] = candidate
                    back[total] = (used, units, option_value)
        layers.append(back)
        states = new
    best_used = max(states, key=lambda used: (states[used], -used))
    chosen: dict[str, tuple[int, Fraction]] = {}
    used = best_used
    for i in range(n - 1, -1, -1):
        step = layers[i].get(used)
        if step is not None:
            previous, units, option_value = step
            chosen[ordered[i].bid_id] = (units, option_value)
            used = previous
    return Allocation(value=states[best_used][0], chosen=chosen)


class MultiUnitAuction(AuctionEngine[MultiUnitConfig, MultiUnitState]):
    """Single-sided auction of many units of one item: pay-as-bid, uniform or Vickrey."""

    info = MechanismInfo(
        name="multi_unit",
        title="Multi-unit auction",
        sides="single",
        goods="units",
        bid_type="XOR of (quantity, price)",
        pricing="pay-as-bid; multi-unit Vickrey (Clarke-Groves); uniform price (not IC)",
        incentive_compatible=True,
        sealed=False,
        reference="SPEC 3.3; eMediator section 2.3",
    )
    config_type = MultiUnitConfig
    state_type = MultiUnitState

    @classmethod
    def check_rules(cls, config: MultiUnitConfig, rules: Rules) -> None:
        """Every clearing and revelation rule is meaningful for a multi-unit auction."""

    def initial_state(self) -> MultiUnitState:
        return MultiUnitState()

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {UnitsBid: self._on_bid}

    def _on_bid(self, event: UnitsBid) -> list[OutputEvent]:
        st, cfg = self.state, self.config
        self.require_registered(event.bidder)
        self.require_open(event.time)
        for alt in event.alternatives:
            self.check_money(alt.price, "price")
        # Without exact matching an alternative larger than the supply can still be filled
        # partly (see bid_options), so only exact matching makes such a bid unfillable.
        if self.rules.exact_match and all(alt.quantity > cfg.supply for alt in event.alternatives):
            raise InvalidBid(
                f"every alternative asks for more than the supply of {cfg.supply} units, and "
                "exact_match requires a bid to be filled entirely"
            )
        reserve = cfg.reserve_unit_price
        if reserve is not None:
            for alt in event.alternatives:
                if alt.price.minor < alt.quantity * reserve.minor:
                    raise BidTooLow(
                        f"{alt.quantity} units for {alt.price} is below the reserve of {reserve} "
                        f"per unit; the minimum for {alt.quantity} units is "
                        f"{reserve * alt.quantity}"
                    )
        if event.bidder in st.by_bidder:
            raise DuplicateBid(
                f"{event.bidder!r} already has bid {st.by_bidder[event.bidder]!r}; one XOR bid "
                "per bidder holds all her alternatives (retract it first if the rules allow)"
            )
        seq = self.next_seq()
        st.bids[event.id] = UnitsBidRecord(
            bid_id=event.id,
            bidder=event.bidder,
            time=event.time,
            alternatives=tuple((a.quantity, a.price.minor) for a in event.alternatives),
            rank=tie_key(self.rules, seq, event.id),
        )
        st.by_bidder[event.bidder] = event.id
        out: list[OutputEvent] = [
            BidAccepted(cause=event.id, time=event.time, bid_id=event.id, bidder=event.bidder)
        ]
        out.extend(self.bid_accepted(event))
        return out

    def retract_bid(self, event: Retract) -> None:
        st = self.state
        record = st.bids.get(event.bid_id)
        if record is None or record.bidder != event.bidder:
            raise RetractionNotAllowed(
                f"{event.bidder!r} has no active bid {event.bid_id!r} in this auction"
            )
        del st.bids[event.bid_id]
        del st.by_bidder[event.bidder]

    # -- clearing --------------------------------------------------------------------------
    def clear(self, time: int, final: bool) -> Outcome:
        cfg, exact = self.config, self.rules.exact_match
        bids = list(self.state.bids.values())
        if not bids:
            return Outcome(notes=("no bids: nothing is sold",))
        allocation = allocate(bids, cfg.supply, exact)
        payments = self._payments(bids, allocation)
        awards = tuple(
            Award(
                bidder=self.state.bids[bid_id].bidder,
                quantity=units,
                payment=Money(payments[bid_id], cfg.currency),
                bid_id=bid_id,
            )
            for bid_id, (units, _) in sorted(
                allocation.chosen.items(), key=lambda kv: self.state.bids[kv[0]].rank
            )
        )
        notes = (UNIFORM_NOTE,) if cfg.pricing is MultiUnitPricing.UNIFORM else ()
        return Outcome(awards=awards, notes=notes)

    def _payments(self, bids: list[UnitsBidRecord], allocation: Allocation) -> dict[str, int]:
        cfg, exact = self.config, self.rules.exact_match
        reserve_minor = cfg.reserve_unit_price.minor if cfg.reserve_unit_price else 0
        if cfg.pricing is MultiUnitPricing.PAY_AS_BID:
            return {b: math.floor(v) for b, (_, v) in allocation.chosen.items()}
        if cfg.pricing is MultiUnitPricing.VICKREY:
            payments = {}
            for bid_id, (_, value) in allocation.chosen.items():
                others = [b for b in bids if b.bid_id != bid_id]
                without = allocate(others, cfg.supply, exact).value if others else Fraction(0)
                clarke = max(0, math.floor(without - (allocation.value - value)))
                units = allocation.chosen[bid_id][0]
                payments[bid_id] = max(clarke, units * reserve_minor)
            return payments
        # Uniform price: the highest unit price among bids that won nothing.
        losing = [
            Fraction(price, quantity)
            for b in bids
            if b.bid_id not in allocation.chosen
            for quantity, price in b.alternatives
        ]
        if losing:
            unit = max(losing)
        elif cfg.reserve_unit_price is not None:
            unit = Fraction(cfg.reserve_unit_price.minor)
        else:
            unit = Fraction(0)
        if allocation.chosen:
            unit = min(unit, min(v / k for k, v in allocation.chosen.values()))
        return {b: math.floor(k * unit) for b, (k, _) in allocation.chosen.items()}

    # -- views -----------------------------------------------------------------------------
    def bid_records(self) -> list[dict[str, Any]]:
        cur = self.config.currency
        return [
            {
                "bid_id": b.bid_id,
                "bidder": b.bidder,
                "time": b.time,
                "alternatives": [
                    {"quantity": q, "price": Money(p, cur).to_json()} for q, p in b.alternatives
                ],
            }
            for b in self.state.bids.values()
        ]

    def best_bid_ids(self) -> set[str]:
        bids = list(self.state.bids.values())
        if not bids:
            return set()
        return set(allocate(bids, self.config.supply, self.rules.exact_match).chosen)
