"""Dutch auction: a descending clock; the first acceptance wins at the clock price (SPEC 3.2).

The clock starts at ``start_price`` when the auction opens and drops by ``decrement`` every
``tick_seconds`` until it reaches ``floor``:

    ``price(t) = max(floor, start_price - decrement * floor((t - start) / tick_seconds))``.

The price is a function of time, so a late tick never changes what an acceptance pays. If nobody
accepts, the auction closes unsold one tick period after the clock reaches the floor (or at the
configured end, if earlier). Acceptances at the same time go by event order: the first applied
wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustmarket.auctions.engine import AuctionConfig, AuctionEngine, MechanismInfo
from trustmarket.auctions.rules import ClearWhen, CloseWhen, RetractBefore, Rules
from trustmarket.core.errors import InvalidRules, RetractionNotAllowed
from trustmarket.core.events import (
    Accept,
    Award,
    BidAccepted,
    InputEvent,
    Outcome,
    OutputEvent,
    PriceChanged,
    Retract,
    Tick,
)
from trustmarket.core.money import Money


@dataclass(frozen=True, kw_only=True)
class DutchConfig(AuctionConfig):
    """A Dutch clock: ``start_price`` > ``floor`` > 0, ``decrement`` > 0 every ``tick_seconds``."""

    start_price: Money
    decrement: Money
    floor: Money
    tick_seconds: int = 1

    def __post_init__(self) -> None:
        AuctionConfig.__post_init__(self)
        start = self.money(self.start_price, "start_price").minor
        step = self.money(self.decrement, "decrement").minor
        floor = self.money(self.floor, "floor").minor
        if floor <= 0 or step <= 0:
            raise InvalidRules("floor and decrement must be positive")
        if start <= floor:
            raise InvalidRules(
                f"start_price ({self.start_price}) must be above floor ({self.floor})"
            )
        if isinstance(self.tick_seconds, bool) or not isinstance(self.tick_seconds, int):
            raise InvalidRules(f"tick_seconds must be a positive int, got {self.tick_seconds!r}")
        if self.tick_seconds <= 0:
            raise InvalidRules(f"tick_seconds must be a positive int, got {self.tick_seconds!r}")

    def floor_time(self) -> int:
        """The first time at which the clock shows the floor."""
        steps = -(-(self.start_price.minor - self.floor.minor) // self.decrement.minor)
        return self.start + steps * self.tick_seconds


@dataclass(kw_only=True)
class DutchState:
    announced: int
    winner: str | None = None
    accepted_bid: str | None = None
    paid: int | None = None
    accepts: dict[str, int] = field(default_factory=dict)


class DutchAuction(AuctionEngine[DutchConfig, DutchState]):
    """Descending-clock auction (first acceptance wins at the clock price)."""

    info = MechanismInfo(
        name="dutch",
        title="Dutch auction",
        sides="single",
        goods="unit",
        bid_type="acceptance of the descending clock price",
        pricing="first-price: the winner pays the clock price when she accepts",
        incentive_compatible=False,
        sealed=False,
        reference="SPEC 3.2; Sathiyamoorthy et al. section 3",
    )
    config_type = DutchConfig
    state_type = DutchState

    def __init__(self, config: DutchConfig, rules: Rules | None = None) -> None:
        super().__init__(config, rules)
        close = config.floor_time() + config.tick_seconds
        self.timeline.end = close if config.end is None else min(config.end, close)

    @staticmethod
    def _check_schedule(config: AuctionConfig, rules: Rules) -> None:
        """The clock itself ends a Dutch auction, so no end time is needed."""

    @classmethod
    def check_rules(cls, config: DutchConfig, rules: Rules) -> None:
        if rules.clear_when is not ClearWhen.AT_TIME or rules.close_when is not CloseWhen.ON_CLEAR:
            raise InvalidRules(
                "a Dutch auction clears and closes at the first acceptance: leave clear_when "
                "'at_time' and close_when 'on_clear'"
            )
        if rules.retract_before is not RetractBefore.NO:
            raise InvalidRules(
                "a Dutch acceptance is final at once: there is nothing to retract before "
                "clearing (use retract_after for decommitment)"
            )

    def initial_state(self) -> DutchState:
        return DutchState(announced=self.config.start_price.minor)

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {Accept: self._on_accept}

    def clock_price(self, time: int) -> Money:
        """``max(floor, start_price - decrement * floor((t - start) / tick_seconds))``."""
        cfg = self.config
        steps = max(0, time - cfg.start) // cfg.tick_seconds
        minor = max(cfg.floor.minor, cfg.start_price.minor - steps * cfg.decrement.minor)
        return Money(minor, cfg.currency)

    def _on_accept(self, event: Accept) -> list[OutputEvent]:
        self.require_registered(event.bidder)
        self.require_open(event.time)
        price = self.clock_price(event.time)
        st = self.state
        st.winner, st.accepted_bid, st.paid = event.bidder, event.id, price.minor
        st.accepts[event.id] = event.time
        self.timeline.last_activity = event.time
        out: list[OutputEvent] = [
            BidAccepted(cause=event.id, time=event.time, bid_id=event.id, bidder=event.bidder)
        ]
        out.extend(self.close_now(event, "sold"))
        return out

    def on_tick(self, event: Tick) -> list[OutputEvent]:
        price = self.clock_price(min(event.time, self.timeline.end or event.time))
        if price.minor == self.state.announced:
            return []
        self.state.announced = price.minor
        return [PriceChanged(cause=event.id, time=event.time, price=price, leader=None)]

    def retract_bid(self, event: Retract) -> None:
        raise RetractionNotAllowed("a Dutch auction has no open bids to retract")

    def clear(self, time: int, final: bool) -> Outcome:
        st = self.state
        if st.winner is None or st.accepted_bid is None or st.paid is None:
            return Outcome(notes=("nobody accepted before the clock closed: not sold",))
        payment = Money(st.paid, self.config.currency)
        return Outcome(awards=(Award(st.winner, 1, payment, st.accepted_bid),))

    def bid_records(self) -> list[dict[str, Any]]:
        st = self.state
        if st.winner is None or st.accepted_bid is None or st.paid is None:
            return []
        return [
            {
                "bid_id": st.accepted_bid,
                "bidder": st.winner,
                "time": st.accepts[st.accepted_bid],
                "amount": Money(st.paid, self.config.currency).to_json(),
            }
        ]

    def best_bid_ids(self) -> set[str]:
        return {self.state.accepted_bid} if self.state.accepted_bid else set()

    def public_status(self) -> dict[str, Any]:
        return {
            "clock_price": self.clock_price(self.timeline.last_time).to_json(),
            "floor": self.config.floor.to_json(),
            "closes_at": self.timeline.end,
        }
