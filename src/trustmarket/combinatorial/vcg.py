"""Clarke-Groves (VCG) payments for combinatorial auctions (eMediator 2.1.2, SPEC 3.4).

Bidder i pays the others' best total had she not bid, minus the others' total in the chosen
allocation: ``p_i = V(-i) - (V* - v_i)``. That takes one solve overall and one per winning
bidder without her bids. The work is shared:

* the bid graph is split into components once, and a bidder's absence only changes the
  components that hold her bids (the others keep their optimal values);
* each component keeps its LP relaxation (:class:`.branch.Relaxation`) from the first solve: a
  re-solve fixes her bids at zero, so the clique cuts found so far stay valid and the LP starts
  from the last basis. The cuts are separated even on dense conflict graphs, where the plain
  search does without them: there they are paid for once and then, with a good incumbent, let
  reduced-cost fixing drop most bids from each re-solve before HiGHS takes over;
* every allocation found by any solve of a component (the branch-and-cut's incumbents and
  HiGHS's improving solutions) is kept; without her bids each is still feasible, and the best of
  them, completed greedily with bids that still fit, is the re-solve's first incumbent. (Between
  bidders of one market the optima often share most of their bids, so this start is often
  optimal already, and what is left is the proof.)

If any solve stops at a time limit the payments are not exact and truthful bidding is no longer
guaranteed to be dominant; the result says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from trustmarket.combinatorial.branch import Relaxation
from trustmarket.combinatorial.instance import Good, Instance
from trustmarket.combinatorial.search import (
    SMALL_COMPONENT,
    ComponentResult,
    components,
    fits,
    greedy,
    remove_useless,
    solve_component,
    solve_search,
    take,
)
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
    relaxes: dict[int, Relaxation] = {}
    pools: dict[int, list[list[int]]] = {}
    parts: list[Solution] = []
    for k, comp in enumerate(comps):
        if len(comp) <= SMALL_COMPONENT:
            parts.append(solve_search(instance, comp, time_limit=limit))
            continue
        relaxes[k] = Relaxation(instance, comp, dense_cuts=True)
        deadline = None if limit is None else time.perf_counter() + limit
        res = solve_component(instance, relaxes[k], deadline=deadline)
        pools[k] = [*res.found, res.winners]
        parts.append(_as_solution(instance, res))
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
            if k in relaxes:
                start = _best_start(instance, pools[k], mine, rest)
                deadline = None if limit is None else time.perf_counter() + limit
                res = solve_component(
                    instance, relaxes[k], start=start, excluded=sorted(mine), deadline=deadline
                )
                pools[k].extend([*res.found, res.winners])
                sub_value, sub_optimal = res.value, res.optimal
            else:
                start = [instance.index_of(w) for w in parts[k].winners]
                sub = solve_search(
                    instance, rest, time_limit=limit, start=[b for b in start if b not in mine]
                )
                sub_value, sub_optimal = sub.value, sub.optimal
            solves += 1
            exact = exact and sub_optimal
            value += sub_value - parts[k].value
        own = sum(instance.bids[b].price for b in winners if instance.bids[b].bidder == bidder)
        value_without[bidder] = value
        payments[bidder] = value - (total - own)
    return _result(overall, payments, value_without, exact, solves, t0)


#: Allocations from the pool that are completed when choosing a re-solve's start, and the time
#: each completion may take (a heuristic: a completion cut short is still feasible).
START_CANDIDATES = 5
COMPLETION_SECONDS = 1.0
#: Above this share of the component's bids fitting beside the kept ones, completion is greedy.
COMPLETION_SHARE = 0.5


def _best_start(
    instance: Instance, pool: list[list[int]], mine: set[int], rest: list[int]
) -> list[int]:
    """The best allocation without ``mine``: each pooled allocation less her bids (still
    feasible), the most valuable few completed greedily with the bids of ``rest`` that fit."""
    seen: set[tuple[int, ...]] = set()
    reduced: list[tuple[int, list[int]]] = []
    for allocation in pool:
        kept = tuple(sorted(b for b in allocation if b not in mine))
        if kept in seen:
            continue
        seen.add(kept)
        reduced.append((sum(instance.bids[b].price for b in kept), list(kept)))
    reduced.sort(key=lambda item: (-item[0], item[1]))
    best: tuple[int, list[int]] = (-1, [])
    for _, kept_bids in reduced[:START_CANDIDATES]:
        candidate = _complete(instance, kept_bids, rest)
        if candidate[0] > best[0]:
            best = candidate
    return best[1]


def _complete(instance: Instance, kept: list[int], rest: list[int]) -> tuple[int, list[int]]:
    """``kept`` plus the best set of bids of ``rest`` that fit beside it: an exact solve over
    the bids that use only units ``kept`` leaves free (in XOR groups ``kept`` does not use)."""
    left = [g.units for g in instance.goods]
    groups: set[int] = set()
    for b in kept:
        take(instance.bids[b], left, groups)
    taken = set(kept)
    open_bids = [b for b in rest if b not in taken and fits(instance.bids[b], left, groups)]
    if not open_bids:
        return sum(instance.bids[b].price for b in kept), list(kept)
    if len(open_bids) > COMPLETION_SHARE * len(rest):
        # Most of the problem is open again: a greedy completion, and the re-solve does the rest.
        return greedy(instance, open_bids, base=kept)
    limited = Instance(
        tuple(Good(g.name, max(units, 0)) for g, units in zip(instance.goods, left, strict=True)),
        instance.bids,
        instance.decimals,
        instance.unit,
    )
    sol = solve_search(limited, open_bids, time_limit=COMPLETION_SECONDS)
    extra = [instance.index_of(w) for w in sol.winners]
    return sum(instance.bids[b].price for b in kept) + sol.value, [*kept, *extra]


def _as_solution(instance: Instance, res: ComponentResult) -> Solution:
    return Solution(
        res.value,
        tuple(instance.bids[b].bid_id for b in sorted(res.winners)),
        Status.OPTIMAL if res.optimal else Status.TIME_LIMIT,
        res.bound,
        0.0,
        "search",
    )


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
