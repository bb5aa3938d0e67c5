"""English auction: ascending open cry, first price, with proxy bids and soft close (SPEC 3.2).

A bidder may state a maximum (a proxy bid); the house then bids the least needed on her behalf,
as the seeds' incrementor agent does (eMediator section 2.4). With standing maxima ``m1 >= m2``
of the two best bidders, the leader's own highest stated amount ``x1``, the reserve ``r`` and
the increment ``d``, the standing price is

    ``price = max(r, x1, min(m1, m2 + d))``  (``max(r, x1)`` with a single bidder),

so an auction of proxy bids ends at ``min(highest max, second-highest max + increment)``,
never below the reserve. Ties between equal maxima go by the rules' tie-breaking.

Internally amounts are ints of minor units in the auction's currency; events carry Money.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from trustmarket.auctions.engine import (
    AuctionConfig,
    AuctionEngine,
    MechanismInfo,
    SoftClose,
    tie_key,
)
from trustmarket.auctions.rules import ClearWhen, RevealDuring, Rules
from trustmarket.core.errors import BidTooLow, InvalidRules, RetractionNotAllowed
from trustmarket.core.events import (
    Award,
    Bid,
    InputEvent,
    Outcome,
    OutputEvent,
    Retract,
    bid_accepted,
    price_changed,
)
from trustmarket.core.money import Money


@dataclass(frozen=True, kw_only=True)
class EnglishConfig(AuctionConfig):
    """An English auction: ``increment`` (> 0), optional ``reserve`` and ``soft_close``."""

    increment: Money
    reserve: Money | None = None
    soft_close: SoftClose | None = None

    def __post_init__(self) -> None:
        AuctionConfig.__post_init__(self)
        if self.money(self.increment, "increment").minor <= 0:
            raise InvalidRules(f"increment must be positive, got {self.increment}")
        if self.reserve is not None and self.money(self.reserve, "reserve").minor <= 0:
            raise InvalidRules(f"reserve must be positive, got {self.reserve}")
        if self.soft_close is not None:
            if not isinstance(self.soft_close, SoftClose):
                raise InvalidRules("soft_close must be a SoftClose value")
            if self.end is None:
                raise InvalidRules("soft close extends the end time: give an end time")


class PriceBidRecord(NamedTuple):
    """An accepted price bid, amounts in minor units."""

    bid_id: str
    bidder: str
    time: int
    amount: int
    max_amount: int
    rank: int


# The state keeps each bid as a plain tuple in PriceBidRecord's field order, as the sealed
# auctions do (see SealedRecord there): cheaper to build than a frozen dataclass or even a
# NamedTuple, and untracked by the garbage collector. Retraction and views get records.
PriceRecord = tuple[str, str, int, int, int, int]


@dataclass
class Standing:
    """A bidder's standing: her highest maximum, the rank of the bid that set it, her highest
    stated amount and the id of that bid."""

    max_amount: int
    rank: int
    amount: int
    bid_id: str


@dataclass(kw_only=True)
class EnglishState:
    bids: dict[str, PriceRecord] = field(default_factory=dict)
    standing: dict[str, Standing] = field(default_factory=dict)
    leader: str | None = None
    second: str | None = None
    price: int | None = None


class EnglishAuction(AuctionEngine[EnglishConfig, EnglishState]):
    """Ascending open-cry first-price auction with proxy bidding and soft close."""

    info = MechanismInfo(
        name="english",
        title="English auction",
        sides="single",
        goods="unit",
        bid_type="price bid (open ascending), optional proxy maximum",
        pricing="first-price: the winner pays the standing price",
        incentive_compatible=False,
        sealed=False,
        reference="SPEC 3.2; eMediator section 2.3-2.4; Sathiyamoorthy et al. section 3",
    )
    config_type = EnglishConfig
    state_type = EnglishState

    @classmethod
    def check_rules(cls, config: EnglishConfig, rules: Rules) -> None:
        if rules.reveal_during is RevealDuring.NONE:
            raise InvalidRules(
                "an English auction is open cry: the standing price is public, so "
                "reveal_during must be 'all' or 'best'; use a sealed-bid mechanism to hide bids"
            )
        if rules.clear_when is ClearWhen.PERIODIC:
            raise InvalidRules(
                "an English auction sells its item once: clear at the end time or after idle "
                "time (allowed clear_when: 'at_time', 'after_idle', 'every_bid')"
            )

    def initial_state(self) -> EnglishState:
        return EnglishState()

    def __init__(self, config: EnglishConfig, rules: Rules | None = None) -> None:
        super().__init__(config, rules)
        # Facts of the config and rules that every bid consults, as plain ints and flags (the
        # per-bid path below reads them instead of recomputing them; bench/auctions.py).
        self._increment = config.increment.minor
        self._reserve = config.reserve.minor if config.reserve is not None else 0
        self._opening = config.reserve.minor if config.reserve is not None else 1
        # No soft close and no clearing on every bid: after a bid only the idle timer moves.
        self._plain_accept = (
            config.soft_close is None and self.rules.clear_when is not ClearWhen.EVERY_BID
        )

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {Bid: self._on_bid}

    # -- queries ---------------------------------------------------------------------------
    def minimum_bid(self) -> Money:
        """The least amount a new bid must state now (what a too-low bid is told)."""
        price = self.state.price
        minor = self._opening if price is None else price + self._increment
        return Money(minor, self.config.currency)

    def standing_price(self) -> Money | None:
        return None if self.state.price is None else Money(self.state.price, self.config.currency)

    # -- bids ------------------------------------------------------------------------------
    def _on_bid(self, event: Bid) -> list[OutputEvent]:
        st, tl, cfg = self.state, self.timeline, self.config
        bidder, time = event.bidder, event.time
        # Each check's common case is one comparison; the shared check raises with the reason.
        if bidder not in tl.registered:
            self.require_registered(bidder)
        if self._closes_at_end:
            if not cfg.start <= time < tl.end:  # type: ignore[operator]  # AT_TIME has an end
                self.require_open(time)
        else:
            self.require_open(time)
        if event.amount.currency != cfg.currency:
            self.check_money(event.amount)
        amount = event.amount.minor
        max_amount = amount if event.max_amount is None else event.max_amount.minor
        price = st.price
        if amount < (self._opening if price is None else price + self._increment):
            minimum = self.minimum_bid()
            raise BidTooLow(
                f"bid {event.amount} is too low: the minimum acceptable bid is {minimum}"
                + (" (the reserve)" if price is None and cfg.reserve else "")
            )
        current = st.standing.get(bidder)
        leader, second = st.leader, st.second
        is_leader = bidder == leader
        if is_leader and current is not None and max_amount <= current.max_amount:
            raise BidTooLow(
                f"{bidder!r} already leads with a maximum of "
                f"{Money(current.max_amount, cfg.currency)}; a new bid must raise "
                "the maximum above it"
            )
        # All checks passed: from here on the state changes.
        tl.seq = seq = tl.seq + 1
        bid_id = event.id
        rank = seq if self._rank_is_seq else tie_key(self.rules, seq, bid_id)
        st.bids[bid_id] = (bid_id, bidder, time, amount, max_amount, rank)
        if current is None:
            st.standing[bidder] = Standing(max_amount, rank, amount, bid_id)
        else:
            if max_amount > current.max_amount or (
                max_amount == current.max_amount and rank < current.rank
            ):
                current.max_amount, current.rank, current.bid_id = max_amount, rank, bid_id
            if not is_leader and amount > current.amount:
                current.amount = amount
        # Only the bidder, the leader and the second can hold the two best maxima now.
        candidates = [bidder]
        if leader is not None and not is_leader:
            candidates.append(leader)
        if second is not None and second != bidder:
            candidates.append(second)
        out: list[OutputEvent] = [bid_accepted(bid_id, time, bid_id, bidder)]  # positional
        out.extend(self._restand(candidates, event))
        if self._plain_accept:  # AuctionEngine.bid_accepted's work when nothing else can move
            tl.last_activity = time
            tl.pending = True
        else:
            out.extend(self.bid_accepted(event))
        return out

    def _restand(self, candidates: Iterable[str], event: InputEvent) -> list[OutputEvent]:
        """Recompute leader, second and price from the candidates' standings (SPEC 3.2).

        The leader holds the highest maximum (ties: the smaller rank), the second the next;
        ``candidates`` are distinct names."""
        st = self.state
        standing = st.standing
        first = runner = None
        first_s = runner_s = None
        for name in candidates:  # one pass keeps the best two (a sort's result, no key calls)
            s = standing[name]
            if (
                first_s is None
                or s.max_amount > first_s.max_amount
                or (s.max_amount == first_s.max_amount and s.rank < first_s.rank)
            ):
                runner, runner_s, first, first_s = first, first_s, name, s
            elif (
                runner_s is None
                or s.max_amount > runner_s.max_amount
                or (s.max_amount == runner_s.max_amount and s.rank < runner_s.rank)
            ):
                runner, runner_s = name, s
        old_leader, old_price = st.leader, st.price
        st.leader, st.second = first, runner
        if first_s is None:
            st.price = None
        else:
            price = first_s.amount if first_s.amount > self._reserve else self._reserve
            if runner_s is not None:
                contest = min(first_s.max_amount, runner_s.max_amount + self._increment)
                if contest > price:
                    price = contest
            st.price = price
        if st.leader == old_leader and st.price == old_price:
            return []
        price_money = Money(0 if st.price is None else st.price, self.config.currency)
        return [price_changed(event.id, event.time, price_money, st.leader)]

    def retract_bid(self, event: Retract) -> list[OutputEvent]:
        st = self.state
        stored = st.bids.get(event.bid_id)
        if stored is None or PriceBidRecord._make(stored).bidder != event.bidder:
            raise RetractionNotAllowed(
                f"{event.bidder!r} has no active bid {event.bid_id!r} in this auction"
            )
        del st.bids[event.bid_id]
        remaining = [b for b in self.records() if b.bidder == event.bidder]
        if not remaining:
            del st.standing[event.bidder]
        else:
            best = min(remaining, key=lambda b: (-b.max_amount, b.rank))
            st.standing[event.bidder] = Standing(
                best.max_amount, best.rank, max(b.amount for b in remaining), best.bid_id
            )
        return self._restand(set(st.standing), event)

    # -- clearing --------------------------------------------------------------------------
    def clear(self, time: int, final: bool) -> Outcome:
        st = self.state
        if st.leader is None or st.price is None:
            return Outcome(notes=("no bids: the item is not sold",))
        bid_id = st.standing[st.leader].bid_id
        award = Award(
            bidder=st.leader,
            quantity=1,
            payment=Money(st.price, self.config.currency),
            bid_id=bid_id,
        )
        return Outcome(awards=(award,))

    # -- views -----------------------------------------------------------------------------
    def bid_records(self) -> list[dict[str, Any]]:
        cur = self.config.currency
        return [
            {
                "bid_id": b.bid_id,
                "bidder": b.bidder,
                "time": b.time,
                "amount": Money(b.amount, cur).to_json(),
                "max_amount": Money(b.max_amount, cur).to_json(),
            }
            for b in self.records()
        ]

    def records(self) -> list[PriceBidRecord]:
        """The active bids, in the order they came."""
        return list(map(PriceBidRecord._make, self.state.bids.values()))

    def best_bid_ids(self) -> set[str]:
        st = self.state
        return {st.standing[st.leader].bid_id} if st.leader is not None else set()

    def public_status(self) -> dict[str, Any]:
        price = self.standing_price()
        return {
            "price": None if price is None else price.to_json(),
            "minimum_bid": self.minimum_bid().to_json(),
            "end": self.timeline.end,
        }
