"""Sealed-bid auctions of one item: first-price and second-price (Vickrey) (SPEC 3.2).

Each registered bidder submits one sealed bid. At the clearing the highest bid wins (ties by
the rules' tie-breaking). First-price: the winner pays her bid. Second-price (Vickrey 1961): the
winner pays the highest *other* bid, or the reserve if that is higher (the reserve if she is the
only bidder, zero if there is no reserve either); bidding one's true value is then a weakly
dominant strategy. Bids are never revealed before the clearing: both mechanisms require
``reveal_during='none'``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from trustmarket.auctions.engine import AuctionConfig, AuctionEngine, MechanismInfo, tie_key
from trustmarket.auctions.rules import ClearWhen, CloseWhen, RevealDuring, Rules
from trustmarket.core.errors import (
    BidTooLow,
    DuplicateBid,
    InvalidBid,
    InvalidRules,
    RetractionNotAllowed,
)
from trustmarket.core.events import (
    Award,
    Bid,
    InputEvent,
    Outcome,
    OutputEvent,
    Retract,
    bid_accepted,
)
from trustmarket.core.money import Money


@dataclass(frozen=True, kw_only=True)
class SealedConfig(AuctionConfig):
    """A sealed-bid auction with an optional ``reserve`` (bids below it are refused)."""

    reserve: Money | None = None

    def __post_init__(self) -> None:
        AuctionConfig.__post_init__(self)
        if self.reserve is not None and self.money(self.reserve, "reserve").minor <= 0:
            raise InvalidRules(f"reserve must be positive, got {self.reserve}")


class SealedBid(NamedTuple):
    """One sealed bid: ``amount`` in minor units, ``rank`` its tie-breaking key (smaller wins)."""

    bid_id: str
    bidder: str
    time: int
    amount: int
    rank: int


# The state stores each bid as a plain tuple in SealedBid's field order, not as a SealedBid:
# the garbage collector stops tracking a plain tuple of strings and ints (never a subclass's
# instance), so a million stored bids cost it nothing (bench/auctions.py). Views and clearing
# get SealedBids.
SealedRecord = tuple[str, str, int, int, int]
_BID_ID, _AMOUNT_AT, _RANK_AT = (SealedBid._fields.index(f) for f in ("bid_id", "amount", "rank"))
_AMOUNT = operator.itemgetter(_AMOUNT_AT)
_RANK = operator.itemgetter(_RANK_AT)


@dataclass(kw_only=True)
class SealedState:
    """The sealed bids, keyed by bidder: one bid each, so the duplicate check and the store are
    one table (a second table by bid id cost a cache-cold lookup per bid at scale)."""

    bids: dict[str, SealedRecord] = field(default_factory=dict)


class SealedBidAuction(AuctionEngine[SealedConfig, SealedState]):
    """Shared bid handling of the two sealed-bid auctions; subclasses set the payment."""

    config_type = SealedConfig
    state_type = SealedState
    second_price: ClassVar[bool] = False

    @classmethod
    def check_rules(cls, config: SealedConfig, rules: Rules) -> None:
        if rules.reveal_during is not RevealDuring.NONE:
            raise InvalidRules(
                "sealed bids are never revealed before clearing: reveal_during must be 'none'"
            )
        if rules.clear_when in (ClearWhen.PERIODIC, ClearWhen.EVERY_BID):
            raise InvalidRules(
                "a sealed-bid auction clears once, when bidding closes: use clear_when "
                "'at_time' or 'after_idle'"
            )
        if rules.clear_when is ClearWhen.AFTER_IDLE and rules.close_when is not CloseWhen.ON_CLEAR:
            # A clearing before the close would tell the provisional winner her payment (in
            # Vickrey: another bidder's sealed bid) while bidding goes on.
            raise InvalidRules(
                "a sealed-bid auction clears once, when bidding closes: clear_when 'after_idle' "
                "needs close_when 'on_clear' (or clear at the end time with clear_when 'at_time')"
            )

    def initial_state(self) -> SealedState:
        return SealedState()

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {Bid: self._on_bid}

    def _on_bid(self, event: Bid) -> list[OutputEvent]:
        st, cfg, tl = self.state, self.config, self.timeline
        if event.bidder not in tl.registered:
            self.require_registered(event.bidder)
        if self._closes_at_end:  # the common schedule: open from the start until the end time
            if not cfg.start <= event.time < tl.end:  # type: ignore[operator]  # AT_TIME has one
                self.require_open(event.time)  # raises with the reason
        else:
            self.require_open(event.time)
        if event.amount.currency != cfg.currency:
            self.check_money(event.amount)
        if event.max_amount is not None:
            raise InvalidBid(
                "proxy maximums are for English auctions; a sealed bid states one amount"
            )
        if cfg.reserve is not None and event.amount.minor < cfg.reserve.minor:
            raise BidTooLow(
                f"bid {event.amount} is below the reserve; the minimum acceptable bid is "
                f"{cfg.reserve}"
            )
        if event.bidder in st.bids:
            raise DuplicateBid(
                f"{event.bidder!r} already has sealed bid {st.bids[event.bidder][_BID_ID]!r}; "
                "one bid per bidder (retract it first if the rules allow)"
            )
        tl.seq = seq = tl.seq + 1
        bid_id, bidder, time = event.id, event.bidder, event.time
        rank = seq if self._rank_is_seq else tie_key(self.rules, seq, bid_id)
        st.bids[bidder] = (bid_id, bidder, time, event.amount.minor, rank)
        # What AuctionEngine.bid_accepted does, for a sealed auction: it has no soft close and
        # never clears on every bid (check_rules), so only the idle timer moves.
        tl.last_activity = time
        tl.pending = True
        return [bid_accepted(bid_id, time, bid_id, bidder)]  # positional: the per-bid hot path

    def retract_bid(self, event: Retract) -> None:
        st = self.state
        record = st.bids.get(event.bidder)
        if record is None or record[_BID_ID] != event.bid_id:
            raise RetractionNotAllowed(
                f"{event.bidder!r} has no active bid {event.bid_id!r} in this auction"
            )
        del st.bids[event.bidder]

    def ranking(self) -> list[SealedBid]:
        """Bids from best to worst: highest amount first, ties by the tie-breaking rank."""
        # Two stable sorts on C-level keys (rank up, then amount down, which keeps the rank
        # order among equal amounts) instead of one on a Python key: clearing a thousand bids
        # then costs a fraction of taking them.
        by_rank = sorted(self.state.bids.values(), key=_RANK)
        return list(map(SealedBid._make, sorted(by_rank, key=_AMOUNT, reverse=True)))

    def records(self) -> list[SealedBid]:
        """The active bids, in the order they came."""
        return list(map(SealedBid._make, self.state.bids.values()))

    def clear(self, time: int, final: bool) -> Outcome:
        ranking = self.ranking()
        if not ranking:
            return Outcome(notes=("no bids: the item is not sold",))
        best = ranking[0]
        if self.second_price:
            reserve = self.config.reserve.minor if self.config.reserve is not None else 0
            runner_up = ranking[1].amount if len(ranking) > 1 else 0
            paid = max(reserve, runner_up)
        else:
            paid = best.amount
        payment = Money(paid, self.config.currency)
        return Outcome(awards=(Award(best.bidder, 1, payment, best.bid_id),))

    def bid_records(self) -> list[dict[str, Any]]:
        cur = self.config.currency
        return [
            {
                "bid_id": b.bid_id,
                "bidder": b.bidder,
                "time": b.time,
                "amount": Money(b.amount, cur).to_json(),
            }
            for b in self.records()
        ]

    def best_bid_ids(self) -> set[str]:
        ranking = self.ranking()
        return {ranking[0].bid_id} if ranking else set()


class FirstPriceSealed(SealedBidAuction):
    """First-price sealed-bid auction: the highest bid wins and pays itself."""

    info = MechanismInfo(
        name="first_price_sealed",
        title="First-price sealed-bid auction",
        sides="single",
        goods="unit",
        bid_type="sealed price bid",
        pricing="first-price: the winner pays her bid",
        incentive_compatible=False,
        sealed=True,
        reference="SPEC 3.2; eMediator section 2.3",
    )


class VickreyAuction(SealedBidAuction):
    """Second-price sealed-bid (Vickrey) auction: the winner pays the second-highest bid."""

    info = MechanismInfo(
        name="vickrey",
        title="Second-price sealed-bid (Vickrey) auction",
        sides="single",
        goods="unit",
        bid_type="sealed price bid",
        pricing="second-price: the winner pays the highest other bid (at least the reserve)",
        incentive_compatible=True,
        sealed=True,
        reference="SPEC 3.2; Vickrey 1961; eMediator section 2.3",
    )
    second_price = True
