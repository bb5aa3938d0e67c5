"""Mobile-agent shopping with a credit bureau (Wang, Khosla and Krishnan, sections 2-4; SPEC
sections 4.1 and 8), as a Mesa model.

Agents and one period (one step):

- every :class:`Customer` buys once: she draws her loss L_c from F and sends her trade agent
  along a route of ``route_length`` merchants drawn at random. Each merchant on the route quotes a
  price; the lowest honest quote's merchant is her *ideal seller*.
- the *runner-up* (second-lowest quote) is the one :class:`Merchant` who can make himself the
  recommended seller with a single act the ledger records: deleting the ideal seller's quote
  from the agent's data (the ideal was visited before him) or sending the agent past the ideal
  seller (the ideal is his next host and not the last; the ledger cannot skip the last host).
  Any other order gives nobody an opportunity. Merchants further down would have to suppress
  two quotes or more, which the model does not allow, so a purchase is the paper's
  two-player game (figure 3). With the opportunity he draws his gain V_m from G (or uses his
  fixed one) and tampers iff ``V_m > L_m (1 - q) / q`` (Definition 2), q being the chance of
  going unchecked under the customers' strategy: ``F(C / (1 - R))`` for the equilibrium
  strategy, 0 against always-trace, 1 against never-trace (merchants know the strategy).
- the customer sees the recommended seller and his reputation R and, by her strategy, trusts
  (buys: utility V_c, or V_c - L_c if the result was tampered with) or traces (pays C). A trace
  plays the journey through the ledger (:func:`trustmarket.ledger.itinerary.run_journey`, the
  tamperer's act as a :class:`~trustmarket.ledger.itinerary.Misbehaviour`) and walks the
  evidence (:func:`trustmarket.ledger.tracing.trace`); the host the evidence names loses L_m
  and she buys from her ideal seller. Untraced journeys are not signed: their evidence would be
  the same and nobody reads it.
- the :class:`Bureau` sets reputations. ``static``: R_m = T(L_m) (Theorem 1), L_m drawn once
  per merchant uniformly on [loss_low, loss_high]. ``m1``: each merchant has a profit function
  h (section 4), starts at a reputation drawn uniformly on [0, r_max] (the paper's "heuristic
  knowledge"), loses L_m = h(r) if caught, and at the end of each period gets
  ``r <- min(T(h(r)), r_max)``. ``m2``: as m1, but in the first period the merchant bids a
  reputation (his highest stable point, an underbid or an overbid), the bureau grants it,
  charges the audit cost C_a and applies Definition 4 (:func:`~trustmarket.reputation.bureau.
  m2_update`) at the period's end.

A caught merchant's loss L_m is booked against him (it is the profit his defamed reputation
costs him); the bureau does not change his reputation for it, since T depends on L_m alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import numpy.typing as npt
import pandas as pd

from trustmarket.core.errors import InvalidDistribution, InvalidSimulation
from trustmarket.ledger.itinerary import Misbehaviour, run_journey
from trustmarket.ledger.keys import KeyPair
from trustmarket.ledger.tracing import trace
from trustmarket.reputation.bureau import (
    Cdf,
    StablePoint,
    customer_trusts,
    m2_update,
    parse_cdf,
    tamper_threshold,
    unchecked_probability,
)
from trustmarket.sim.params import param
from trustmarket.sim.shopping.bureau import (
    PROFILES,
    TabulatedReputation,
    profile_stable_points,
    reputation_function,
)

__all__ = ["Bureau", "Customer", "Merchant", "ShoppingModel", "ShoppingParams"]

STRATEGIES = ("equilibrium", "always-trace", "never-trace")
MECHANISMS = ("static", "m1", "m2")
PROFILE_CHOICES = (*PROFILES, "mixed")
BIDDINGS = ("truthful", "underbid", "overbid")
#: Honest quotes are drawn without repetition from these prices (cents); only their order
#: matters (it names the ideal seller and the runner-up), V_c and L_c carry the utilities.
PRICES = np.arange(9_000, 11_001)
#: Ledger time: a period is this many ticks, a customer's journey starts ``JOURNEY_TICKS``
#: after the previous one's and a hop takes ``HOP_TICKS``.
PERIOD_TICKS, JOURNEY_TICKS, HOP_TICKS = 1_000_000, 1_000, 60

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ShoppingParams:
    """The parameters of :class:`ShoppingModel` (module docstring for what each one drives)."""

    strategy: str = param(
        "equilibrium",
        "customers' security strategy: equilibrium (trust iff (1 - R) L_c <= C, Definition 1), "
        "always-trace (pure hard security) or never-trace (pure soft security)",
        choices=STRATEGIES,
    )
    mechanism: str = param(
        "static",
        "how the bureau sets reputations: static R = T(L_m), m1 (r <- T(h(r)) each period) or "
        "m2 (a bid period, then m1)",
        choices=MECHANISMS,
    )
    merchants: int = param(20, "merchants in the market", low=3, high=1000)
    customers: int = param(5, "customers; each buys once a period", low=1, high=1000)
    route_length: int = param(3, "merchants an agent visits per purchase", low=2, high=50)
    cost: float = param(0.02, "C, the customer's cost of tracing", low=0.0, high=1.0, open_low=True)
    loss_cdf: str = param("uniform:0,1", "F, the cdf of a customer's loss L_c (e.g. uniform:0,1)")
    gain_cdf: str = param("uniform:0,1", "G, the cdf of a merchant's gain V_m from a cheat")
    customer_value: float = param(
        1.0, "V_c, a customer's utility of a satisfying purchase", low=0.0
    )
    loss_low: float = param(0.1, "static: smallest merchant loss L_m", low=0.0)
    loss_high: float = param(1.0, "static: largest merchant loss L_m (uniform between)", low=0.0)
    fixed_gains: bool = param(
        False, "each merchant draws V_m from G once (fixed types) instead of per opportunity"
    )
    profit: str = param(
        "mixed",
        "m1/m2: every merchant's profit function h (a, b, c as figure 5, two-points as "
        "figure 6) or mixed (the four in turn)",
        choices=PROFILE_CHOICES,
    )
    r_max: float = param(
        0.95, "m1/m2: the highest reputation the bureau grants", low=0.0, high=1.0, open_low=True
    )
    bidding: str = param(
        "truthful",
        "m2: the bid: truthful (the highest stable point), underbid (halfway to it from its "
        "basin) or overbid (above it by `overbid`, at most r_max)",
        choices=BIDDINGS,
    )
    overbid: float = param(
        0.05,
        "m2: how far an overbid exceeds the highest stable point",
        low=0.0,
        high=1.0,
        open_low=True,
    )
    audit_cost: float = param(0.01, "m2: C_a, the audits' cost a bidding merchant pays", low=0.0)
    discount: float = param(
        0.9, "m1/m2: the per-period discount of merchants' payoff", low=0.0, high=1.0
    )

    def check(self) -> None:
        """Cross-field rules: a route fits in the market, loss_low <= loss_high, F and G are
        distributions of non-negative numbers with a quantile, and T exists where it is used."""
        if self.route_length > self.merchants:
            raise InvalidSimulation(
                f"route_length ({self.route_length}) must be at most merchants "
                f"({self.merchants}): a route visits each merchant once"
            )
        if self.loss_low > self.loss_high:
            raise InvalidSimulation(
                f"loss_low ({self.loss_low:g}) must be at most loss_high ({self.loss_high:g})"
            )
        for name in ("loss_cdf", "gain_cdf"):
            text = getattr(self, name)
            try:
                cdf = parse_cdf(text, name)
            except InvalidDistribution as exc:
                raise InvalidSimulation(f"parameter {name}: {exc}") from None
            if float(cdf(np.array([-1e-9]))[0]) > 0.0:
                raise InvalidSimulation(
                    f"parameter {name} must be a distribution of numbers >= 0, got {text!r} "
                    "(which puts mass below 0)"
                )
        if self.mechanism == "static":
            values = self.function().curve([self.loss_low, self.loss_high])
            if not np.all(np.isfinite(values)):
                raise InvalidSimulation(
                    f"no reputation is consistent for L_m in [{self.loss_low:g}, "
                    f"{self.loss_high:g}] with C = {self.cost:g}, F = {self.loss_cdf}, "
                    f"G = {self.gain_cdf}; choose other losses or distributions"
                )
            return
        profiles = list(PROFILES) if self.profit == "mixed" else [self.profit]
        highest = max(float(PROFILES[name]([1.0])[0]) for name in profiles) + self.audit_cost
        if not np.all(np.isfinite(self.function().curve(np.linspace(0.0, highest, 65)))):
            raise InvalidSimulation(
                f"M1 needs T(L) for every profit up to {highest:g}, but no reputation is "
                f"consistent for some of them with C = {self.cost:g}, F = {self.loss_cdf}, "
                f"G = {self.gain_cdf}"
            )
        for name in profiles:
            points = profile_stable_points(
                self.cost, self.loss_cdf, self.gain_cdf, name, self.r_max
            )
            if not any(point.attracting for point in points):
                raise InvalidSimulation(
                    f"profile {name} has no attracting stable point under M1 with these C, F, "
                    "G and r_max; choose another profile"
                )

    def function(self) -> TabulatedReputation:
        """The bureau's T for these C, F and G (tabulated, cached)."""
        return reputation_function(self.cost, self.loss_cdf, self.gain_cdf)


class Merchant(mesa.Agent):  # type: ignore[misc]
    """A merchant host: a key pair for the ledger, a loss L_m if caught, a reputation from the
    bureau; under m1/m2 a profit function h and the M2 bookkeeping."""

    def __init__(self, model: ShoppingModel, name: str, key: KeyPair) -> None:
        super().__init__(model)
        self.name = name
        self.key = key
        self.profile = ""
        self.start = math.nan
        self.origin = math.nan
        self.reputation = 0.0
        self.merchant_loss = 0.0
        self.fixed_gain = math.nan
        self.bid = math.nan
        self.punished = False
        self.payoff = 0.0
        self.reset_period()

    def reset_period(self) -> None:
        self.opportunities = 0
        self.tampers = 0
        self.caught = 0
        self.sales = 0
        self.gains = 0.0
        self.penalties = 0.0

    def gain(self, drawn: float) -> float:
        """V_m for this opportunity: his fixed gain, or ``drawn`` (a fresh draw from G)."""
        return drawn if math.isnan(self.fixed_gain) else self.fixed_gain

    def earnings(self) -> float:
        """h(r), the period's profit at the current reputation (m1/m2), NaN when static."""
        if not self.profile:
            return math.nan
        return float(PROFILES[self.profile]([self.reputation])[0])


class Customer(mesa.Agent):  # type: ignore[misc]
    """A customer: each period she sends one trade agent out and trusts or traces the result."""

    def __init__(self, model: ShoppingModel, name: str, key: KeyPair, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.key = key
        self.index = index

    def step(self) -> None:
        self.model.purchase(self)


class Bureau(mesa.Agent):  # type: ignore[misc]
    """The credit bureau: at the end of a period, M1 (or M2's bid rule in the bid period)."""

    def step(self) -> None:
        self.model.update_reputations()


class ShoppingModel(mesa.Model):  # type: ignore[misc]
    """The shopping market of the module docstring; ``run(steps)`` returns its tables."""

    def __init__(self, params: ShoppingParams, seed: int) -> None:
        super().__init__(seed=seed)
        self.params = params
        self.function = params.function()
        self.F: Cdf = parse_cdf(params.loss_cdf, "F")
        self.G: Cdf = parse_cdf(params.gain_cdf, "G")
        self.period = 0
        self.purchases: list[dict[str, Any]] = []
        self.merchant_rows: list[dict[str, Any]] = []
        # Keys depend on names only: the same hosts in every run, made once per model.
        self.merchant_list = [
            Merchant(self, f"m{i:03d}", KeyPair.generate(f"shopping/merchant/{i}"))
            for i in range(params.merchants)
        ]
        self.by_name = {m.name: m for m in self.merchant_list}
        for i in range(params.customers):
            Customer(self, f"c{i:03d}", KeyPair.generate(f"shopping/customer/{i}"), i)
        self.bureau = Bureau(self)
        self.stable: dict[str, tuple[StablePoint, ...]] = {}
        self.profile_index: dict[str, npt.NDArray[np.intp]] = {}
        self._losses = self._gains = np.zeros(0)
        self._set_up_merchants()

    # -- set-up -----------------------------------------------------------------------------
    def _set_up_merchants(self) -> None:
        p = self.params
        if p.fixed_gains:
            for merchant in self.merchant_list:
                merchant.fixed_gain = self.draw(self.G)
        if p.mechanism == "static":
            losses = self.rng.uniform(p.loss_low, p.loss_high, size=p.merchants)
            reputations = self.function.curve(losses)
            for merchant, loss, r in zip(self.merchant_list, losses, reputations, strict=True):
                merchant.merchant_loss = float(loss)
                merchant.reputation = float(r)
            return
        names = list(PROFILES)
        starts = self.rng.uniform(0.0, p.r_max, size=p.merchants)
        for i, (merchant, start) in enumerate(zip(self.merchant_list, starts, strict=True)):
            merchant.profile = names[i % len(names)] if p.profit == "mixed" else p.profit
            merchant.start = float(start)
            merchant.origin = float(start)
            merchant.reputation = float(start)
            if merchant.profile not in self.stable:
                self.stable[merchant.profile] = profile_stable_points(
                    p.cost, p.loss_cdf, p.gain_cdf, merchant.profile, p.r_max
                )
            if p.mechanism == "m2":
                merchant.bid = self._bid(merchant)
                merchant.reputation = merchant.bid
            merchant.merchant_loss = merchant.earnings()
        profiles = np.array([m.profile for m in self.merchant_list])
        self.profile_index = {name: np.flatnonzero(profiles == name) for name in self.stable}

    def _bid(self, merchant: Merchant) -> float:
        """The merchant's M2 bid (``compare_bids``' strategies): his highest attracting stable
        point, halfway to it from the start of its basin, or above it by ``overbid``."""
        top = self.top_point(merchant.profile)
        p = self.params
        if p.bidding == "truthful":
            return top.reputation
        if p.bidding == "overbid":
            return min(top.reputation + p.overbid, p.r_max)
        low = max(top.low, merchant.start)
        return 0.5 * (low + top.reputation) if low < top.reputation else top.reputation

    def top_point(self, profile: str) -> StablePoint:
        """The highest attracting stable point of a profile."""
        return max((s for s in self.stable[profile] if s.attracting), key=lambda s: s.reputation)

    # -- randomness and strategies ----------------------------------------------------------
    def draw(self, cdf: Cdf) -> float:
        """One draw from a distribution by inversion of the model's generator."""
        return float(cdf.quantile(np.array([self.rng.random()]))[0])

    def unchecked(self, reputation: float) -> float:
        """q, the chance a tampered result goes untraced under the customers' strategy."""
        strategy = self.params.strategy
        if strategy == "always-trace":
            return 0.0
        if strategy == "never-trace":
            return 1.0
        return unchecked_probability(reputation, self.params.cost, self.F)

    def trusts(self, reputation: float, loss: float) -> bool:
        """Whether the customer buys without tracing, by her strategy (Definition 1)."""
        strategy = self.params.strategy
        if strategy == "always-trace":
            return False
        if strategy == "never-trace":
            return True
        return customer_trusts(reputation, loss, self.params.cost)

    # -- one purchase -----------------------------------------------------------------------
    def purchase(self, customer: Customer) -> None:
        """The customer's purchase of this period (module docstring)."""
        p = self.params
        loss = float(self._losses[customer.index])
        picks = self.rng.choice(p.merchants, size=p.route_length, replace=False)
        route = [self.merchant_list[int(i)].name for i in picks]
        quotes = self.rng.choice(PRICES, size=p.route_length, replace=False)
        prices = {host: int(price) for host, price in zip(route, quotes, strict=True)}
        ranked = sorted(route, key=prices.__getitem__)
        ideal, rival = ranked[0], ranked[1]
        at_ideal, at_rival = route.index(ideal), route.index(rival)
        act = ""
        if at_ideal < at_rival:
            act = "delete_quote"
        elif at_ideal == at_rival + 1 and at_ideal < len(route) - 1:
            act = "skip_next"
        tamperer = self.by_name[rival]
        gain = threshold = math.nan
        tampered = False
        if act:
            tamperer.opportunities += 1
            gain = tamperer.gain(float(self._gains[customer.index]))
            q = self.unchecked(tamperer.reputation)
            threshold = tamper_threshold(q, tamperer.merchant_loss)
            tampered = gain > threshold
        recommended = self.by_name[rival if tampered else ideal]
        reputation = recommended.reputation
        trusted = self.trusts(reputation, loss)
        row: dict[str, Any] = {
            "period": self.period,
            "customer": customer.name,
            "route": ">".join(route),
            "ideal": ideal,
            "rival": rival,
            "opportunity": bool(act),
            "act": act if tampered else "",
            "rival_reputation": tamperer.reputation,
            "rival_loss": tamperer.merchant_loss,
            "gain": gain,
            "threshold": threshold,
            "tampered": tampered,
            "recommended": recommended.name,
            "reputation": reputation,
            "customer_loss": loss,
            "traced": not trusted,
            "culprit": "",
            "fault": "",
            "evidence_ok": True,
            "signatures_checked": 0,
            "seller": "",
            "utility": 0.0,
        }
        if trusted:
            row["seller"] = recommended.name
            row["utility"] = p.customer_value - (loss if tampered else 0.0)
            if tampered:
                tamperer.tampers += 1
                tamperer.gains += gain
        else:
            self._trace(customer, row, route, prices, tamperer if tampered else None, act)
            row["seller"] = ideal
            row["utility"] = p.customer_value - p.cost
            if tampered:
                tamperer.tampers += 1
        self.by_name[row["seller"]].sales += 1
        self.purchases.append(row)

    def _trace(
        self,
        customer: Customer,
        row: dict[str, Any],
        route: list[str],
        prices: dict[str, int],
        tamperer: Merchant | None,
        act: str,
    ) -> None:
        """Play the journey through the ledger and trace it; the named host pays L_m."""
        faults: dict[str, Misbehaviour] = {}
        if tamperer is not None:
            ideal = row["ideal"]
            faults[tamperer.name] = (
                Misbehaviour(delete_quote=ideal)
                if act == "delete_quote"
                else Misbehaviour(skip_next=True)
            )
        journey = run_journey(
            customer.name,
            customer.key,
            {host: self.by_name[host].key for host in route},
            route,
            prices,
            agent=f"agent-{customer.name}",
            journey=f"p{self.period}-{customer.name}",
            start=self.period * PERIOD_TICKS + customer.index * JOURNEY_TICKS,
            step=HOP_TICKS,
            misbehaviour=faults,
        )
        report = trace(journey)
        best_returned = min(journey.returned, key=lambda q: q.price).host
        expected = None if tamperer is None else tamperer.name
        row["culprit"] = report.culprit or ""
        row["fault"] = report.fault
        row["signatures_checked"] = report.signatures_checked
        row["evidence_ok"] = report.culprit == expected and best_returned == row["recommended"]
        culprit = self.by_name.get(report.culprit or "")
        if culprit is not None:
            culprit.caught += 1
            culprit.penalties += culprit.merchant_loss

    # -- the bureau -------------------------------------------------------------------------
    def profits(self) -> FloatArray:
        """h(r) of every merchant at his current reputation (NaN when static)."""
        out = np.full(len(self.merchant_list), np.nan)
        reputations = np.array([m.reputation for m in self.merchant_list])
        for profile, index in self.profile_index.items():
            out[index] = PROFILES[profile](reputations[index])
        return out

    def update_reputations(self) -> None:
        """Record the period per merchant, then set next period's reputations (m1/m2)."""
        p = self.params
        earned = self.profits()
        consistent = self.function.curve([m.merchant_loss for m in self.merchant_list])
        weight = p.discount**self.period
        for merchant, profit, fit in zip(self.merchant_list, earned, consistent, strict=True):
            if merchant.profile:
                merchant.payoff += weight * float(profit)
            self.merchant_rows.append(
                {
                    "period": self.period,
                    "merchant": merchant.name,
                    "profile": merchant.profile,
                    "reputation": merchant.reputation,
                    "merchant_loss": merchant.merchant_loss,
                    "consistent": float(fit),
                    "earnings": float(profit),
                    "opportunities": merchant.opportunities,
                    "tampers": merchant.tampers,
                    "caught": merchant.caught,
                    "sales": merchant.sales,
                    "gains": merchant.gains,
                    "penalties": merchant.penalties,
                }
            )
            merchant.reset_period()
        if p.mechanism == "static":
            return
        if p.mechanism == "m2" and self.period == 0:
            for merchant, profit in zip(self.merchant_list, earned, strict=True):
                merchant.payoff -= p.audit_cost
                value, merchant.punished = m2_update(
                    self.function, merchant.bid, float(profit), p.audit_cost
                )
                merchant.reputation = min(value, p.r_max)
                merchant.origin = merchant.reputation
        else:
            following = np.minimum(self.function.curve(earned), p.r_max)
            for merchant, r in zip(self.merchant_list, following, strict=True):
                merchant.reputation = float(r)
        for merchant, loss in zip(self.merchant_list, self.profits(), strict=True):
            merchant.merchant_loss = float(loss)

    def _purchase_table(self) -> pd.DataFrame:
        """The purchases, with two derived columns: the merchant strategy's chance of the
        runner-up tampering, ``1 - G(threshold)`` (Definition 2), and the equilibrium
        customer's chance of trusting the recommended seller, ``q = F(C / (1 - R))``."""
        table = pd.DataFrame(self.purchases, columns=_PURCHASE_COLUMNS)
        threshold = table["threshold"].to_numpy(dtype=float)
        predicted = np.where(np.isnan(threshold), np.nan, 1.0 - self.G(threshold))
        table.insert(list(table.columns).index("threshold") + 1, "defection_predicted", predicted)
        reputation = table["reputation"].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            ratio = self.params.cost / np.maximum(1.0 - reputation, 0.0)
        trust = np.where(reputation >= 1.0, 1.0, self.F(np.where(reputation >= 1.0, 0.0, ratio)))
        table.insert(list(table.columns).index("reputation") + 1, "trust_probability", trust)
        return table

    # -- running ----------------------------------------------------------------------------
    def step(self) -> None:
        # This period's L_c and V_m of every customer's purchase, drawn together (a V_m is
        # used only if the purchase offers a chance to tamper).
        count = self.params.customers
        self._losses = self.F.quantile(self.rng.random(count))
        self._gains = self.G.quantile(self.rng.random(count))
        self.agents_by_type[Customer].shuffle_do("step")
        self.bureau.step()
        self.period += 1

    def run(self, steps: int) -> dict[str, pd.DataFrame]:
        """Run ``steps`` periods; the tidy tables: purchases (one row per purchase), merchants
        (per period and merchant), and under m1/m2 stable_points (per profile and point) and
        bids (per merchant)."""
        for _ in range(steps):
            self.step()
        tables = {
            "purchases": self._purchase_table(),
            "merchants": pd.DataFrame(self.merchant_rows, columns=_MERCHANT_COLUMNS),
        }
        if self.params.mechanism != "static":
            tables["stable_points"] = pd.DataFrame(
                [
                    {
                        "profile": profile,
                        "reputation": s.reputation,
                        "attracting": s.attracting,
                        "low": s.low,
                        "high": s.high,
                        "cap": s.cap,
                    }
                    for profile, points in self.stable.items()
                    for s in points
                ]
            )
            tables["bids"] = pd.DataFrame(
                [
                    {
                        "merchant": m.name,
                        "profile": m.profile,
                        "start": m.start,
                        "bid": m.bid,
                        "punished": m.punished,
                        "m1_start": m.origin,
                        "final": m.reputation,
                        "payoff": m.payoff,
                    }
                    for m in self.merchant_list
                ]
            )
        return tables


_PURCHASE_COLUMNS = [
    "period", "customer", "route", "ideal", "rival", "opportunity", "act", "rival_reputation",
    "rival_loss", "gain", "threshold", "tampered", "recommended",
    "reputation", "customer_loss", "traced", "culprit", "fault", "evidence_ok",
    "signatures_checked", "seller", "utility",
]  # fmt: skip
_MERCHANT_COLUMNS = [
    "period", "merchant", "profile", "reputation", "merchant_loss", "consistent", "earnings",
    "opportunities", "tampers", "caught", "sales", "gains", "penalties",
]  # fmt: skip
