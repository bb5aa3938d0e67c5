"""``trustmarket demo``: a guided tour of every auction type on a small seeded market.

Each section builds an engine, feeds it events the way bidders (and their agents) would, and
reports the bids, winners and payments. The market - bidders' private values, sellers' costs -
is drawn from the seed, so the same seed gives the same tour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trustmarket.auctions.combinatorial_auction import (
    CombinatorialAuction,
    CombinatorialConfig,
    GoodSpec,
)
from trustmarket.auctions.double import DoubleAuction, DoubleConfig, MultiUnitDoubleAuction
from trustmarket.auctions.dutch import DutchAuction, DutchConfig
from trustmarket.auctions.engine import AuctionEngine, SoftClose
from trustmarket.auctions.english import EnglishAuction, EnglishConfig
from trustmarket.auctions.multi_unit import MultiUnitAuction, MultiUnitConfig, MultiUnitPricing
from trustmarket.auctions.rules import RevealDuring, Rules
from trustmarket.auctions.scenario import RunReport
from trustmarket.auctions.sealed import FirstPriceSealed, SealedConfig, VickreyAuction
from trustmarket.core.events import (
    Accept,
    Bid,
    Order,
    PackageBid,
    Side,
    Tick,
    UnitsBid,
    UnitsOffer,
)
from trustmarket.core.money import Money
from trustmarket.core.randomness import make_rng

CURRENCY = "EUR"
BIDDERS = ("alice", "bob", "carol", "dave", "erin")
SELLERS = ("sam", "tess", "uma")


@dataclass
class DemoSection:
    """One stop of the tour: what ran, the bids as rows, and the outcome summary."""

    title: str
    explanation: str
    headers: tuple[str, ...]
    bids: Sequence[Sequence[str]]
    summary: dict[str, Any]


def eur(minor: int) -> Money:
    return Money(minor, CURRENCY)


def _summary(engine: AuctionEngine[Any, Any], applied: int) -> dict[str, Any]:
    return RunReport(engine=engine, applied=applied).summary()


class _Feed:
    """Applies events with generated ids and counts them."""

    def __init__(self, engine: AuctionEngine[Any, Any]) -> None:
        self.engine, self.count = engine, 0

    def __call__(self, make: Any, **fields: Any) -> None:
        self.count += 1
        self.engine.apply(make(id=f"e{self.count}", **fields))


def english(values: dict[str, int], order: list[str]) -> DemoSection:
    config = EnglishConfig(
        auction_id="english-lamp",
        currency=CURRENCY,
        end=600,
        participants=BIDDERS,
        increment=eur(100),
        reserve=eur(2500),
        soft_close=SoftClose(window=60, extension=60, max_extensions=3),
    )
    auction = EnglishAuction(config)
    feed = _Feed(auction)
    rows = []
    for i, name in enumerate(order):
        minimum = auction.minimum_bid()
        if values[name] < minimum.minor:
            rows.append((name, eur(values[name]).decimal(), "-", "stays out (value below minimum)"))
            continue
        feed(Bid, time=10 * (i + 1), bidder=name, amount=minimum, max_amount=eur(values[name]))
        price = auction.standing_price()
        rows.append(
            (name, eur(values[name]).decimal(), minimum.decimal(), price.decimal() if price else "")
        )
    feed(Tick, time=600)
    return DemoSection(
        "English auction with proxy bids",
        "Each bidder tells the house her maximum (her value); the house bids the least needed. "
        "The price ends at min(highest max, second-highest max + increment).",
        ("bidder", "max (value)", "opening bid", "standing price after"),
        rows,
        _summary(auction, feed.count),
    )


def dutch(values: dict[str, int]) -> DemoSection:
    config = DutchConfig(
        auction_id="dutch-flowers",
        currency=CURRENCY,
        participants=BIDDERS,
        start_price=eur(12000),
        decrement=eur(200),
        floor=eur(1000),
        tick_seconds=10,
    )
    auction = DutchAuction(config)
    feed = _Feed(auction)
    n = len(values)
    # Each agent accepts once the clock reaches its shaded value v (N-1)/N.
    thresholds = {name: value * (n - 1) // n for name, value in values.items()}
    rows = [(name, eur(v).decimal(), eur(thresholds[name]).decimal()) for name, v in values.items()]
    time = 0
    while not auction.timeline.closed:
        price = auction.clock_price(time)
        takers = [name for name, t in thresholds.items() if t >= price.minor]
        if takers:
            feed(Accept, time=time, bidder=max(takers, key=lambda name: thresholds[name]))
            break
        time += config.tick_seconds
        feed(Tick, time=time)
    return DemoSection(
        "Dutch auction (descending clock)",
        "The clock falls by 2.00 every 10 s; each agent accepts at its shaded value v(N-1)/N. "
        "The first acceptance wins at the clock price.",
        ("bidder", "value", "accepts at"),
        rows,
        _summary(auction, feed.count),
    )


def sealed(values: dict[str, int], second_price: bool) -> DemoSection:
    config = SealedConfig(
        auction_id="vickrey-painting" if second_price else "sealed-painting",
        currency=CURRENCY,
        end=300,
        participants=BIDDERS,
        reserve=eur(1000),
    )
    rules = Rules(reveal_during=RevealDuring.NONE)
    auction: AuctionEngine[Any, Any] = (
        VickreyAuction(config, rules) if second_price else FirstPriceSealed(config, rules)
    )
    feed = _Feed(auction)
    n = len(values)
    rows = []
    for i, (name, value) in enumerate(values.items()):
        # Truthful in Vickrey; the N-agent's equilibrium shading v (N-1)/N in first-price.
        amount = value if second_price else value * (n - 1) // n
        feed(Bid, time=i + 1, bidder=name, amount=eur(amount))
        rows.append((name, eur(value).decimal(), eur(amount).decimal()))
    feed(Tick, time=300)
    if second_price:
        title = "Second-price sealed-bid (Vickrey) auction"
        text = "Everyone bids her true value (a dominant strategy); the winner pays the second bid."
    else:
        title = "First-price sealed-bid auction"
        text = "Agents shade bids to v(N-1)/N (the N-agent); the winner pays her own bid."
    return DemoSection(
        title, text, ("bidder", "value", "sealed bid"), rows, _summary(auction, feed.count)
    )


def multi_unit(values: dict[str, int], pricing: MultiUnitPricing) -> DemoSection:
    config = MultiUnitConfig(
        auction_id=f"units-{pricing.value}",
        currency=CURRENCY,
        end=300,
        participants=BIDDERS,
        supply=6,
        pricing=pricing,
    )
    auction = MultiUnitAuction(config)
    feed = _Feed(auction)
    rows = []
    for i, (name, value) in enumerate(values.items()):
        # Diminishing marginal value: q units are worth value * q * (1 - 0.1 (q - 1)).
        offers = tuple(UnitsOffer(q, eur(value * q * (11 - q) // 10)) for q in (1, 2, 3))
        feed(UnitsBid, time=i + 1, bidder=name, alternatives=offers)
        rows.append((name, *(f"{o.quantity} for {o.price.decimal()}" for o in offers)))
    feed(Tick, time=300)
    names = {
        MultiUnitPricing.PAY_AS_BID: "pay-as-bid",
        MultiUnitPricing.VICKREY: "multi-unit Vickrey (Clarke-Groves)",
        MultiUnitPricing.UNIFORM: "uniform price",
    }
    return DemoSection(
        f"Multi-unit auction, 6 units, {names[pricing]}",
        "XOR bids of (quantity, price); units go where the sum of accepted prices is largest.",
        ("bidder", "alt 1", "alt 2", "alt 3"),
        rows,
        _summary(auction, feed.count),
    )


def double(buyers: dict[str, int], sellers: dict[str, int], units: bool) -> DemoSection:
    traders = tuple(buyers) + tuple(sellers)
    config = DoubleConfig(
        auction_id="double-units" if units else "double-unit",
        currency=CURRENCY,
        end=300,
        participants=traders,
    )
    auction: AuctionEngine[Any, Any] = (
        MultiUnitDoubleAuction(config) if units else DoubleAuction(config)
    )
    feed = _Feed(auction)
    rows = []
    for i, (name, price) in enumerate([*buyers.items(), *sellers.items()]):
        side = Side.BUY if name in buyers else Side.SELL
        quantity = 2 + i % 3 if units else 1
        feed(Order, time=i + 1, trader=name, side=side, quantity=quantity, unit_price=eur(price))
        rows.append((name, side.value, str(quantity), eur(price).decimal()))
    feed(Tick, time=300)
    if units:
        title, text = (
            "Double auction, many units (call market)",
            "Bid and ask lists cross where supply meets demand; every trade at one price between "
            "the marginal bid and ask.",
        )
    else:
        title, text = (
            "Double auction, one unit per order",
            "Highest bids meet lowest asks; each pair trades at its middle price (gains 50:50).",
        )
    return DemoSection(
        title, text, ("trader", "side", "units", "unit price"), rows, _summary(auction, feed.count)
    )


def combinatorial(values: dict[str, int]) -> DemoSection:
    goods = ("chair", "table", "lamp")
    config = CombinatorialConfig(
        auction_id="furniture",
        currency=CURRENCY,
        end=300,
        participants=BIDDERS,
        goods=tuple(GoodSpec(g) for g in goods),
    )
    auction = CombinatorialAuction(config, Rules(reveal_during=RevealDuring.NONE))
    feed = _Feed(auction)
    rows = []
    for i, (name, value) in enumerate(values.items()):
        # Each wants a pair of goods (a set worth more than its parts) or else one good.
        pair = (goods[i % 3], goods[(i + 1) % 3])
        single = goods[(i + 2) % 3]
        text = (
            f"({{{pair[0]}, {pair[1]}}}, {eur(value).decimal()}) XOR "
            f"({{{single}}}, {eur(value * 2 // 5).decimal()})"
        )
        feed(PackageBid, time=i + 1, bidder=name, bid=text)
        rows.append((name, text))
    feed(Tick, time=300)
    return DemoSection(
        "Combinatorial auction, Clarke-Groves prices",
        "XOR bids on bundles; the allocation maximises the accepted value (exact winner "
        "determination) and each winner pays the harm she does to the others.",
        ("bidder", "bid (XOR of bundles)"),
        rows,
        _summary(auction, feed.count),
    )


def build_demo(seed: int = 7) -> list[DemoSection]:
    """Run every auction type of the house on one seeded market."""
    rng = make_rng(seed)
    values = {
        name: int(v)
        for name, v in zip(BIDDERS, rng.integers(2000, 10001, len(BIDDERS)), strict=True)
    }
    order = [BIDDERS[i] for i in rng.permutation(len(BIDDERS))]
    buyers = {name: values[name] for name in BIDDERS[:3]}
    costs = {
        name: int(c)
        for name, c in zip(SELLERS, rng.integers(1500, 8001, len(SELLERS)), strict=True)
    }
    return [
        english(values, order),
        dutch(values),
        sealed(values, second_price=False),
        sealed(values, second_price=True),
        *(multi_unit(values, p) for p in MultiUnitPricing),
        double(buyers, costs, units=False),
        double(buyers, costs, units=True),
        combinatorial(values),
    ]
