"""Mechanism M2: merchants bid a reputation (Wang, Khosla and Krishnan, section 4, Definition 4;
SPEC section 4.1).

M1 can leave a merchant at a low stable point (paper figure 6). Under M2 he bids a reputation
r; the bureau grants it for one period and audits him irregularly by tracing, at a cost ``C_a``
he pays. At the end of the period, with his earnings e:

- if ``T(e + C_a) >= r``: ``r <- T(e + C_a)`` (an honest or modest bid is simply confirmed by
  the earnings);
- else, with ``U = T^-1(r)`` the earnings the bid promised: ``r <- T(2e + 2C_a - U)``, the
  shortfall ``U - (e + C_a)`` taken off once more (overbidding is punished).

After the bid period, M1 runs on: ``r <- T(h(r))``. A merchant's payoff is his discounted net
earnings over the horizon: ``sum_t discount^t h(r_t)`` minus the audit cost of the bid period.
:func:`compare_bids` runs the strategies side by side: no bid, the bid that reaches the highest
stable point at once, underbids in its basin and overbids above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau.m1 import (
    MAX_PERIODS,
    ProfitFunction,
    StablePoint,
    check_cap,
    stable_points,
)
from trustmarket.reputation.bureau.reputation_function import ReputationFunction
from trustmarket.reputation.checks import at_least, unit_number, whole_number

__all__ = ["M2Run", "compare_bids", "m2_update", "simulate_m2"]


def _t(function: ReputationFunction, loss: float) -> float:
    return float(function.curve([max(loss, 0.0)])[0])


def m2_update(
    function: ReputationFunction, bid: float, earnings: float, audit_cost: float
) -> tuple[float, bool]:
    """The reputation after a bid period and whether the bid was punished (Definition 4, 3)."""
    bid = unit_number(bid, "a bid")
    e = at_least(earnings, "the earnings e", 0.0)
    c = at_least(audit_cost, "the audit cost C_a", 0.0)
    earned = _t(function, e + c)
    if earned >= bid:
        return earned, False
    promised = function.inverse(bid)
    return _t(function, 2.0 * e + 2.0 * c - promised), True


@dataclass(frozen=True)
class M2Run:
    """One strategy's run: the bid (``None`` for no bid), the reputation of each period, the
    earnings of each period, the discounted payoff, and whether the bid was punished."""

    strategy: str
    bid: float | None
    reputations: tuple[float, ...]
    earnings: tuple[float, ...]
    payoff: float
    punished: bool


def simulate_m2(
    function: ReputationFunction,
    h: ProfitFunction,
    start: float,
    bid: float | None,
    *,
    audit_cost: float = 0.01,
    periods: int = 20,
    discount: float = 0.9,
    r_max: float = 1.0,
    strategy: str = "",
) -> M2Run:
    """Run ``periods`` periods from reputation ``start``: a bid period (when ``bid`` is given),
    then M1."""
    cost = at_least(audit_cost, "the audit cost C_a", 0.0)
    d = unit_number(discount, "the discount")
    periods = whole_number(periods, "periods", 1, MAX_PERIODS)
    r_max = check_cap(r_max)
    start = at_least(start, "the start", 0.0)
    if bid is not None:
        bid = at_least(bid, "a bid", 0.0)
    if not 0.0 <= start <= r_max:
        raise InvalidReputation(f"the start must be in [0, r_max = {r_max:g}], got {start}")
    punished = False
    r = start
    reputations: list[float] = []
    earnings: list[float] = []
    payoff = 0.0
    for t in range(periods):
        if t == 0 and bid is not None:
            if not 0.0 <= bid <= r_max:
                raise InvalidReputation(f"a bid must be in [0, r_max = {r_max:g}], got {bid}")
            r = bid
            e = float(h([r])[0])
            reputations.append(r)
            earnings.append(e)
            payoff += e - cost
            r, punished = m2_update(function, r, e, cost)
            r = min(r, r_max)
            continue
        e = float(h([r])[0])
        reputations.append(r)
        earnings.append(e)
        payoff += d**t * e
        r = min(_t(function, e), r_max)
    return M2Run(
        strategy or ("no bid" if bid is None else f"bid {bid:g}"),
        bid,
        tuple(reputations),
        tuple(earnings),
        payoff,
        punished,
    )


def compare_bids(
    function: ReputationFunction,
    h: ProfitFunction,
    start: float,
    *,
    audit_cost: float = 0.01,
    periods: int = 20,
    discount: float = 0.9,
    r_max: float = 1.0,
    overbids: tuple[float, ...] = (0.005, 0.01, 0.05),
) -> tuple[M2Run, ...]:
    """The strategies side by side from ``start``: no bid; bidding the highest stable point
    (the truthful bid); underbidding halfway into its basin; and overbidding above it by each
    of ``overbids`` (where T can still give that reputation)."""
    extras = tuple(at_least(extra, "an overbid", 0.0, strict=True) for extra in overbids)
    points = stable_points(function, h, r_max=r_max)
    attracting: list[StablePoint] = [p for p in points if p.attracting]
    if not attracting:
        raise InvalidReputation("M1 has no attracting stable point for this h and T")
    top = max(attracting, key=lambda p: p.reputation)

    def run(bid: float | None, strategy: str) -> M2Run:
        return simulate_m2(
            function,
            h,
            start,
            bid,
            audit_cost=audit_cost,
            periods=periods,
            discount=discount,
            r_max=r_max,
            strategy=strategy,
        )

    runs = [run(None, "no bid"), run(top.reputation, "bid the highest stable point")]
    low = max(top.low, start)
    if low < top.reputation:
        runs.append(run(0.5 * (low + top.reputation), "underbid"))
    ceiling = min(r_max, _t(function, 1e6))
    for extra in extras:
        if top.reputation + extra < ceiling:
            runs.append(run(top.reputation + extra, f"overbid +{extra:g}"))
    return tuple(runs)
