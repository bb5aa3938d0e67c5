"""Combinatorial auction: sealed bids on bundles of items in OR, XOR or OR-of-XORs, cleared by
exact winner determination, with first prices or Clarke-Groves prices (SPEC 3.4; eMediator
section 2).

Each bidder sends one :class:`~trustmarket.core.events.PackageBid` in the text syntax of
:mod:`trustmarket.combinatorial.language`; it is checked against the auction's goods, language
and pricing when it arrives (Clarke-Groves refuses OR bids: they are not fully expressive). At
clearing, :func:`trustmarket.combinatorial.solve` finds the value-maximising allocation (first
price: each winner pays her accepted atoms) or :func:`trustmarket.combinatorial.vcg` adds the
Clarke-Groves payments: winner ``i`` pays ``V(-i) - (V - v_i)``, the others' optimum without
her minus what they get now. There is no time limit, so the optimum is exact and a replay gives
the same outcome; the size of an auction is bounded instead (``max_atoms``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustmarket.auctions.engine import AuctionConfig, AuctionEngine, MechanismInfo
from trustmarket.auctions.rules import ClearWhen, CloseWhen, RevealDuring, Rules
from trustmarket.combinatorial.language import (
    BidExpr,
    Language,
    Pricing,
    build_instance,
    check_pricing,
    parse_bid,
)
from trustmarket.combinatorial.vcg import vcg
from trustmarket.combinatorial.wdp import SOLVERS, solve
from trustmarket.core.errors import (
    DuplicateBid,
    InvalidBid,
    InvalidRules,
    RetractionNotAllowed,
    TrustmarketError,
)
from trustmarket.core.events import (
    Award,
    BidAccepted,
    InputEvent,
    Outcome,
    OutputEvent,
    PackageBid,
    Retract,
)
from trustmarket.core.ids import check_id
from trustmarket.core.money import Money

__all__ = ["CombinatorialAuction", "CombinatorialConfig", "GoodSpec"]


@dataclass(frozen=True)
class GoodSpec:
    """One item on sale and how many units of it there are."""

    name: str
    units: int = 1


@dataclass(frozen=True, kw_only=True)
class CombinatorialConfig(AuctionConfig):
    """The goods on sale, the bidding language, the pricing rule, the exact solver and the
    largest number of atomic bids the auction takes."""

    goods: tuple[GoodSpec, ...]
    language: Language = Language.OR_OF_XORS
    pricing: Pricing = Pricing.CLARKE_GROVES
    solver: str = "search"
    max_atoms: int = 2000

    def __post_init__(self) -> None:
        AuctionConfig.__post_init__(self)
        if not isinstance(self.goods, tuple) or not self.goods:
            raise InvalidRules("a combinatorial auction needs at least one good")
        names = []
        for good in self.goods:
            if not isinstance(good, GoodSpec):
                raise InvalidRules(f"goods are GoodSpec values, got {good!r}")
            check_id(good.name, "good")
            if isinstance(good.units, bool) or not isinstance(good.units, int) or good.units < 1:
                raise InvalidRules(f"good {good.name!r} needs a whole number of units >= 1")
            names.append(good.name)
        if len(set(names)) != len(names):
            raise InvalidRules("goods must have distinct names")
        if not isinstance(self.language, Language):
            allowed = ", ".join(v.value for v in Language)
            raise InvalidRules(f"language must be one of {allowed}, got {self.language!r}")
        if not isinstance(self.pricing, Pricing):
            allowed = ", ".join(v.value for v in Pricing)
            raise InvalidRules(f"pricing must be one of {allowed}, got {self.pricing!r}")
        try:
            check_pricing(self.language, self.pricing)
        except TrustmarketError as error:
            raise InvalidRules(error.message) from None
        if self.solver not in SOLVERS:
            raise InvalidRules(f"solver must be one of {', '.join(SOLVERS)}, got {self.solver!r}")
        if isinstance(self.max_atoms, bool) or not isinstance(self.max_atoms, int):
            raise InvalidRules(f"max_atoms must be a whole number, got {self.max_atoms!r}")
        if not 1 <= self.max_atoms <= 100_000:
            raise InvalidRules(f"max_atoms must be from 1 to 100000, got {self.max_atoms}")

    def goods_map(self) -> dict[str, int]:
        return {g.name: g.units for g in self.goods}


@dataclass(frozen=True)
class PackageRecord:
    """An accepted package bid: its text and how many atoms it has."""

    bid_id: str
    bidder: str
    time: int
    bid: str
    atoms: int


@dataclass(kw_only=True)
class CombinatorialState:
    bids: dict[str, PackageRecord] = field(default_factory=dict)
    by_bidder: dict[str, str] = field(default_factory=dict)


class CombinatorialAuction(AuctionEngine[CombinatorialConfig, CombinatorialState]):
    """Sealed combinatorial auction with optimal winner determination."""

    info = MechanismInfo(
        name="combinatorial",
        title="Combinatorial auction",
        sides="single",
        goods="items",
        bid_type="OR, XOR or OR-of-XORs of priced bundles (sealed)",
        pricing="first price, or Clarke-Groves (VCG) with fully expressive bids",
        incentive_compatible=True,
        sealed=True,
        reference="SPEC 3.4; eMediator section 2; Clarke 1971, Groves 1973",
    )
    config_type = CombinatorialConfig
    state_type = CombinatorialState

    @classmethod
    def check_rules(cls, config: CombinatorialConfig, rules: Rules) -> None:
        if rules.reveal_during is not RevealDuring.NONE:
            raise InvalidRules(
                "combinatorial bids are sealed until clearing: reveal_during must be 'none'"
            )
        if rules.clear_when in (ClearWhen.PERIODIC, ClearWhen.EVERY_BID) or (
            rules.clear_when is ClearWhen.AFTER_IDLE and rules.close_when is not CloseWhen.ON_CLEAR
        ):
            raise InvalidRules(
                "a combinatorial auction clears once, when bidding closes: use clear_when "
                "'at_time', or 'after_idle' with close_when 'on_clear'"
            )

    def initial_state(self) -> CombinatorialState:
        return CombinatorialState()

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {PackageBid: self._on_package}

    def _parse(self, bidder: str, text: str) -> BidExpr:
        cfg = self.config
        try:
            expr = parse_bid(text, cfg.currency)
            build_instance(
                cfg.goods_map(),
                {bidder: expr},
                currency=cfg.currency,
                language=cfg.language,
                pricing=cfg.pricing,
            )
        except TrustmarketError as error:
            raise InvalidBid(error.message) from None
        return expr

    def _on_package(self, event: PackageBid) -> list[OutputEvent]:
        st = self.state
        self.require_registered(event.bidder)
        self.require_open(event.time)
        expr = self._parse(event.bidder, event.bid)
        if event.bidder in st.by_bidder:
            raise DuplicateBid(
                f"{event.bidder!r} already has package bid {st.by_bidder[event.bidder]!r}; "
                "one bid per bidder (retract it first if the rules allow)"
            )
        atoms = len(expr.atoms)
        total = sum(r.atoms for r in st.bids.values())
        if total + atoms > self.config.max_atoms:
            raise InvalidBid(
                f"the auction takes at most {self.config.max_atoms} atomic bids; "
                f"{total} are in and this bid has {atoms}"
            )
        st.bids[event.id] = PackageRecord(event.id, event.bidder, event.time, event.bid, atoms)
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

    def clear(self, time: int, final: bool) -> Outcome:
        st, cfg = self.state, self.config
        if not st.bids:
            return Outcome(notes=("no bids: nothing is sold",))
        bids = {r.bidder: parse_bid(r.bid, cfg.currency) for r in st.bids.values()}
        instance = build_instance(
            cfg.goods_map(),
            bids,
            currency=cfg.currency,
            language=cfg.language,
            pricing=cfg.pricing,
        )
        notes: list[str] = []
        if cfg.pricing is Pricing.CLARKE_GROVES:
            result = vcg(instance, cfg.solver)
            solution, payments = result.solution, dict(result.payments)
            notes.extend(result.notes)
        else:
            solution = solve(instance, cfg.solver)
            payments = {}
            for bid_id in solution.winners:
                bid = instance.bid(bid_id)
                payments[bid.bidder] = payments.get(bid.bidder, 0) + bid.price
        won: dict[str, list[str]] = {}
        for bid_id in solution.winners:
            bid = instance.bid(bid_id)
            goods = ", ".join(
                f"{instance.goods[i].name}" + (f":{u}" if u != 1 else "") for i, u in bid.bundle
            )
            won.setdefault(bid.bidder, []).append("{" + goods + "}")
        awards = tuple(
            Award(
                bidder,
                len(bundles),
                Money(payments.get(bidder, 0), cfg.currency),
                st.by_bidder[bidder],
            )
            for bidder, bundles in sorted(won.items())
        )
        notes.extend(f"{bidder} wins {' and '.join(b)}" for bidder, b in sorted(won.items()))
        notes.append(f"value of the allocation: {Money(solution.value, cfg.currency)}")
        return Outcome(awards=awards, notes=tuple(notes))

    def bid_records(self) -> list[dict[str, Any]]:
        return [
            {"bid_id": r.bid_id, "bidder": r.bidder, "time": r.time, "bid": r.bid}
            for r in self.state.bids.values()
        ]

    def best_bid_ids(self) -> set[str]:
        return set()
