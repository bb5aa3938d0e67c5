"""Clarke-Groves (VCG) payments for combinatorial auctions (eMediator 2.1.2, SPEC 3.4).

Bidder i pays the others' best total had she not bid, minus the others' total in the chosen
allocation: ``p_i = V(-i) - (V* - v_i)``. That takes one solve overall and one per winning
bidder without her bids. The work is shared: the bid graph is split into components once, a
bidder's absence only changes the components that hold her bids (the others keep their optimal
values), and the overall optimum minus her bids is a feasible first incumbent for each re-solve.
If any solve stops at a time limit the payments are not exact and truthful bidding is no longer
guaranteed to be dominant; the result says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from trustmarket.combinatorial.instance import Instance
from trustmarket.combinatorial.search import components, remove_useless, solve_search
from trustmarket.combinatorial.solution import Solution, Status
from trustmarket.combinatorial.wdp import check_solver, check_time_limit
from trustmarket.core.errors import InvalidInput


@dataclass(frozen=True)
class VCGResult:
    """The allocation, each winning bidder's payment (minor units) and whether they are exact."""

    solution: Solution
    payments: dict[str, int]
    value_without: dict[str, int]
    incentive_compatible: bool
    solves: int
    seconds: float
    notes: tuple[str, ...] = field(default=())

    def winning_value(self, instance: Instance, bidder: str) -> int:
        """The sum of this bidder's accepted bid prices."""
        return sum(
            instance.bid(b).price for b in self.solution.winners if instance.bid(b).bidder == bidder
        )


def vcg(instance: Instance, solver: str = "search", time_limit: float | None = None) -> VCGResult:
    """Winners and Clarke-Groves payments; ``time_limit`` applies to each solve."""
    if not isinstance(instance, Instance):
        raise InvalidInput(f"vcg needs an Instance, got {type(instance).__name__}")
    if instance.exchange:
        raise InvalidInput(
            "Clarke-Groves payments are defined here for one-sided combinatorial auctions; "
            "an exchange splits its surplus by the exchange's rule instead"
        )
    check_solver(solver)
    limit = check_time_limit(time_limit)
    t0 = time.perf_counter()
    if solver == "mip":
        return _vcg_plain(instance, limit, t0)
    useful = remove_useless(instance, range(len(instance.bids)))
    comps = components(instance, useful)
    comp_of = {b: k for k, comp in enumerate(comps) for b in comp}
    parts = [solve_search(instance, comp, time_limit=limit) for comp in comps]
    solves = 1
    exact = all(p.optimal for p in parts)
    total = sum(p.value for p in parts)
    winners = sorted(instance.index_of(w) for p in parts for w in p.winners)
    overall = Solution(
        total,
        tuple(instance.bids[b].bid_id for b in winners),
        Status.OPTIMAL if exact else Status.TIME_LIMIT,
        sum(p.bound for p in parts),
        time.perf_counter() - t0,
        "search",
        sum(p.nodes for p in parts),
    )
    winning_bidders = dict.fromkeys(instance.bids[b].bidder for b in winners)
    payments: dict[str, int] = {}
    value_without: dict[str, int] = {}
    for bidder in winning_bidders:
        mine = {b for b in useful if instance.bids[b].bidder == bidder}
        touched = sorted({comp_of[b] for b in mine})
        value = total
        for k in touched:
            rest = [b for b in comps[k] if b not in mine]
            start = [instance.index_of(w) for w in parts[k].winners]
            start = [b for b in start if b not in mine]
            sub = solve_search(instance, rest, time_limit=limit, start=start)
            solves += 1
            exact = exact and sub.optimal
            value += sub.value - parts[k].value
        own = sum(instance.bids[b].price for b in winners if instance.bids[b].bidder == bidder)
        value_without[bidder] = value
        payments[bidder] = value - (total - own)
    return _result(overall, payments, value_without, exact, solves, t0)


def _vcg_plain(instance: Instance, limit: float | None, t0: float) -> VCGResult:
    """The textbook way, for comparison: one full solve per winning bidder."""
    from trustmarket.combinatorial.mip import solve_mip

    overall = solve_mip(instance, time_limit=limit)
    exact = overall.optimal
    solves = 1
    payments: dict[str, int] = {}
    value_without: dict[str, int] = {}
    for bidder in dict.fromkeys(instance.bid(w).bidder for w in overall.winners):
        rest = [i for i, b in enumerate(instance.bids) if b.bidder != bidder]
        sub = solve_mip(instance, rest, time_limit=limit)
        solves += 1
        exact = exact and sub.optimal
        own = sum(
            instance.bid(w).price for w in overall.winners if instance.bid(w).bidder == bidder
        )
        value_without[bidder] = sub.value
        payments[bidder] = sub.value - (overall.value - own)
    return _result(overall, payments, value_without, exact, solves, t0)


def _result(
    overall: Solution,
    payments: dict[str, int],
    value_without: dict[str, int],
    exact: bool,
    solves: int,
    t0: float,
) -> VCGResult:
    notes: tuple[str, ...] = ()
    if not exact:
        notes = (
            "a solve stopped at its time limit: winners or payments may not be optimal, so "
            "incentive compatibility is not guaranteed",
        )
    return VCGResult(
        overall, payments, value_without, exact, solves, time.perf_counter() - t0, notes
    )
