"""Auctions with and without agents as a Mesa model (Sathiyamoorthy et al., sections 3, 4.2 and 5).

One seller and ``buyers`` buyers. Every step is one listing, offered in the three protocols of
the paper (English, Dutch, Vickrey) and in each with agents and with people, on the same draws
(common random numbers: the same item, values and look-in times in all six auctions):

- the :class:`Seller` lists an item with a starting price P0 (uniform in cents), a running time
  of ``days`` whole days (uniform) and a priority (uniform in [0, 1]); its *expected price* is
  the paper's optimal price, equation (ii),
  ``P0 + sum_{d=1..days} (0.1 P0 - (pi - 0.5) priority)``
  (:func:`trustmarket.reputation.models.auction_heuristics.optimal_price`), evaluated in major
  units (euros) as a seller would type the prices, with pi = ``pressure``;
- each :class:`Buyer` has a look-in rate per day, drawn once, and for every listing a private
  value uniform in ``expected (1 +- value_spread)``, her look-in times (a Poisson process of her
  rate over the auction) and her Dutch threshold ``low + (v - low)(n - 1)/n`` with ``low`` the
  bottom of the value range and n the number of buyers - the risk-neutral equilibrium bid of a
  first-price (Dutch) auction with values uniform on [low, high] - raised to the floor and never
  above her value;
- the six auctions run through the engines as :mod:`trustmarket.sim.bidding.protocols`
  describes, and one row per auction records the price, the winner and her value.

The model reads no clock and does no I/O; all randomness comes from its seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from trustmarket.core.errors import InvalidSimulation
from trustmarket.reputation.models.auction_heuristics import optimal_price
from trustmarket.sim.bidding.protocols import (
    DAY,
    MAX_EXTENSIONS,
    PROTOCOLS,
    AuctionRules,
    Bidder,
    Listing,
)
from trustmarket.sim.params import param

__all__ = ["DUTCH_PEOPLE", "MODES", "BiddingModel", "BiddingParams", "Buyer", "Seller"]

MODES = ("agents", "people")
DUTCH_PEOPLE = ("wait", "anticipate")


@dataclass(frozen=True)
class BiddingParams:
    """Parameters of :class:`BiddingModel`. The paper gives none of these numbers (it shows
    prices only as figures); the defaults are ours (see docs/sim.md)."""

    buyers: int = param(5, "buyers in every auction", low=1, high=200)
    min_initial_price: int = param(
        5_000,
        "lowest starting price P0 (also reserve and Dutch floor), cents",
        low=100,
        high=10**9,
    )
    max_initial_price: int = param(15_000, "highest starting price P0, cents", low=100, high=10**9)
    min_days: int = param(1, "shortest running time, whole days (n_days)", low=1, high=60)
    max_days: int = param(7, "longest running time, whole days (n_days)", low=1, high=60)
    pressure: float = param(
        0.5, "market pressure pi of the optimal price (undefined in the paper)", low=0.0, high=1.0
    )
    value_spread: float = param(
        0.3, "buyers' values are uniform in expected price (1 +- spread)", low=0.0, high=0.95
    )
    visits_per_day: float = param(
        2.0,
        "mean rate at which a person looks in at an auction, per day",
        low=0.0,
        high=1440.0,
        open_low=True,
    )
    visit_spread: float = param(
        0.5,
        "each person's rate is uniform in visits_per_day (1 +- spread), drawn once",
        low=0.0,
        high=1.0,
    )
    jump: float = param(
        0.5,
        "English, people: the share of the way from the minimum bid to their value they bid",
        low=0.0,
        high=1.0,
    )
    increment: float = param(
        0.01,
        "English minimum increment, a share of P0 (at least one cent)",
        low=0.0,
        high=1.0,
        open_low=True,
    )
    soft_close_minutes: int = param(
        0,
        "English soft close: a bid in the last W minutes extends the end by W (0: none)",
        low=0,
        high=1440,
    )
    dutch_start: float = param(
        1.5,
        "the Dutch clock opens at this multiple of the expected price",
        low=1.0,
        high=10.0,
        open_low=True,
    )
    dutch_tick_minutes: int = param(
        60, "the Dutch clock falls every this many minutes", low=1, high=1440
    )
    dutch_people: str = param(
        "wait",
        "Dutch, people: accept at or below their threshold (wait), or when the clock would pass "
        "it before they look in again (anticipate)",
        choices=DUTCH_PEOPLE,
    )

    def check(self) -> None:
        """Cross-field rules: the ranges of prices and days are not empty."""
        if self.min_initial_price > self.max_initial_price:
            raise InvalidSimulation(
                f"min_initial_price ({self.min_initial_price}) must be at most "
                f"max_initial_price ({self.max_initial_price})"
            )
        if self.min_days > self.max_days:
            raise InvalidSimulation(
                f"min_days ({self.min_days}) must be at most max_days ({self.max_days})"
            )

    def auction_rules(self) -> AuctionRules:
        """The auction house's settings the protocols read."""
        return AuctionRules(
            increment_share=self.increment,
            soft_close=self.soft_close_minutes * 60,
            jump=self.jump,
            dutch_start=self.dutch_start,
            dutch_tick=self.dutch_tick_minutes * 60,
            anticipate=self.dutch_people == "anticipate",
        )


class Seller(mesa.Agent):  # type: ignore[misc]
    """The host: lists one item per step and computes its expected (optimal) price."""

    def __init__(self, model: BiddingModel) -> None:
        super().__init__(model)

    def list_item(self, auction: int) -> Listing:
        """Draw P0, days and priority; the expected price is equation (ii) in euros."""
        p = self.model.params
        rng: np.random.Generator = self.model.rng
        initial = int(rng.integers(p.min_initial_price, p.max_initial_price + 1))
        days = int(rng.integers(p.min_days, p.max_days + 1))
        priority = float(rng.random())
        expected = 100.0 * optimal_price(initial / 100.0, days, priority, p.pressure)
        return Listing(auction, initial, days, priority, expected)


class Buyer(mesa.Agent):  # type: ignore[misc]
    """A buyer with a fixed look-in rate; for each listing she draws her value and visits."""

    def __init__(self, model: BiddingModel, name: str, visit_rate: float) -> None:
        super().__init__(model)
        self.name = name
        self.visit_rate = visit_rate

    def _visits(self, stream: np.random.Generator, horizon: int) -> tuple[int, ...]:
        """A Poisson process of her rate: exponential gaps from the opening, up to ``horizon``.

        The gaps come from a stream of their own, so the first look-ins do not depend on the
        horizon and the other draws do not depend on how many look-ins there were."""
        if self.visit_rate <= 0:
            return ()
        mean_gap = DAY / self.visit_rate
        # Enough gaps to pass the horizon almost always; a generator's first k draws are the
        # same whatever the batch size, so the batches do not change the times.
        batch = int(horizon / mean_gap * 1.5) + 8
        times = np.cumsum(stream.exponential(mean_gap, size=batch))
        while times[-1] < horizon:
            more = np.cumsum(stream.exponential(mean_gap, size=batch)) + times[-1]
            times = np.concatenate([times, more])
        return tuple(int(t) for t in times[times < horizon])

    def look_at(self, listing: Listing, horizon: int, stream: int) -> Bidder:
        """Her value, threshold and look-in times (seconds before ``horizon``, drawn from the
        listing's ``stream`` key) for ``listing``."""
        p = self.model.params
        rng: np.random.Generator = self.model.rng
        low = listing.expected * (1.0 - p.value_spread)
        high = listing.expected * (1.0 + p.value_spread)
        value = max(1, round(float(rng.uniform(low, high))))
        visits = self._visits(np.random.default_rng([stream, self.unique_id]), horizon)
        threshold: int | None = None
        if value >= listing.initial:
            n = p.buyers
            shaded = low + (value - low) * (n - 1) / n
            threshold = min(value, max(listing.initial, math.floor(shaded)))
        return Bidder(self.name, value, threshold, self.visit_rate, visits)


class BiddingModel(mesa.Model):  # type: ignore[misc]
    """One listing per step, auctioned six ways (three protocols, agents and people)."""

    def __init__(self, params: BiddingParams, seed: int) -> None:
        super().__init__(seed=seed)
        self.params = params
        self.rules = params.auction_rules()
        self.seller = Seller(self)
        spread = params.visit_spread
        rates = self.rng.uniform(
            params.visits_per_day * (1 - spread),
            params.visits_per_day * (1 + spread),
            size=params.buyers,
        )
        self.buyers = [Buyer(self, f"b{i + 1}", float(r)) for i, r in enumerate(rates)]
        self.auction_rows: list[dict[str, object]] = []
        self.buyer_rows: list[dict[str, object]] = []
        self.listed = 0

    def step(self) -> None:
        """List one item, let every buyer look at it, run the six auctions."""
        self.listed += 1
        listing = self.seller.list_item(self.listed)
        # Long enough for the Dutch clock's last tick and every soft-close extension.
        extra = max(self.rules.dutch_tick, MAX_EXTENSIONS * self.rules.soft_close)
        stream = int(self.rng.integers(2**63))
        bidders = [b.look_at(listing, listing.duration + extra, stream) for b in self.buyers]
        # The order in which bidders act at the same instant (the agents at the opening).
        order = [bidders[i] for i in self.rng.permutation(len(bidders))]
        self._record_buyers(listing, bidders)
        values = {b.name: b.value for b in bidders}
        eligible = [b for b in bidders if b.value >= listing.initial]
        best = max(eligible, key=lambda b: b.value).name if eligible else None
        for protocol, run_protocol in PROTOCOLS.items():
            for mode in MODES:
                result = run_protocol(listing, order, mode == "agents", self.rules)
                sold = result.winner is not None and result.price is not None
                price = float(result.price) / 100 if sold and result.price is not None else math.nan
                value = values[result.winner] / 100 if result.winner is not None else math.nan
                efficient = math.nan if best is None else float(result.winner == best)
                expected = listing.expected / 100
                self.auction_rows.append(
                    {
                        "auction": listing.auction,
                        "protocol": protocol,
                        "mode": mode,
                        "initial_price": listing.initial / 100,
                        "days": listing.days,
                        "priority": listing.priority,
                        "expected_price": expected,
                        "final_price": price,
                        "ratio": price / expected if sold else math.nan,
                        "sold": sold,
                        "winner": result.winner or "",
                        "winner_value": value,
                        "highest_value": max(values.values()) / 100,
                        "efficient": efficient,
                        "surplus": value - price if sold else 0.0,
                        "hours": result.closed_at / 3600,
                        "bids": result.bids,
                        "present": result.present,
                    }
                )

    def _record_buyers(self, listing: Listing, bidders: list[Bidder]) -> None:
        for bidder in bidders:
            before = [t for t in bidder.visits if t < listing.duration]
            self.buyer_rows.append(
                {
                    "auction": listing.auction,
                    "buyer": bidder.name,
                    "visit_rate": bidder.visit_rate,
                    "value": bidder.value / 100,
                    "threshold": math.nan if bidder.threshold is None else bidder.threshold / 100,
                    "visits": len(before),
                    "first_visit_hours": before[0] / 3600 if before else math.nan,
                }
            )

    def run(self, steps: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Run ``steps`` listings; the auctions table and the buyers table."""
        for _ in range(steps):
            self.step()
        return pd.DataFrame(self.auction_rows), pd.DataFrame(self.buyer_rows)
