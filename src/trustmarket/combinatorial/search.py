"""The default exact winner-determination solver, in the spirit of CABOB (Sandholm et al. 2001;
eMediator 2.1, SPEC 3.4).

1. Preprocessing removes bids that can never be in a unique optimum: bids asking for more units
   than exist, and bids dominated by another bid for a sub-bundle at a price at least as high
   that can stand in for them (an OR bid, or a bid of the same XOR group).
2. The bid graph (bids joined when they share a good or an XOR group) is split into connected
   components; each is solved alone and the optima add up.
3. Each component gets the cheapest method that proves its optimum: one bid, a clique (one bid
   wins), exhaustive search for a handful of bids, the LP relaxation when its optimum is
   integral, and otherwise branch-and-bound on HiGHS started from the best of several greedy
   allocations (a fast lower bound).

Everything that decides a winner is an exact integer computation; the LP is only ever used as a
bound or as a proof candidate that is re-checked in integers.
"""

from __future__ import annotations

import math
import time
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trustmarket.combinatorial.branch import HOPELESS, Relaxation, branch_and_cut
from trustmarket.combinatorial.instance import BundleBid, Instance
from trustmarket.combinatorial.local_search import improve
from trustmarket.combinatorial.mip import solve_mip
from trustmarket.combinatorial.solution import Solution, Status

#: Components with at most this many bids are solved by exhaustive search.
SMALL_COMPONENT = 12

#: HiGHS options for the components that need branch-and-bound. The component has already been
#: reduced (useless and dominated bids removed, split from the rest) and its LP solved once, and
#: on the CATS-style suites HiGHS's own presolve then cost more than it saved (bench/wdp.py).
MIP_OPTIONS: dict[str, bool | float | str] = {"presolve": "off"}

#: Branch-and-cut nodes per component before HiGHS takes over; the search hands over sooner
#: when the pace at which it closes the gap would need more (branch.PROGRESS_EVERY).
NODE_LIMIT = 400

#: Local search on a component left with a wide root gap: at most this many rounds per bid, and
#: under a time limit at most this share of the time left.
LOCAL_ROUNDS = 4
LOCAL_SHARE = 0.5


@dataclass
class SearchStats:
    """What the search did, for the curious and for the benchmark."""

    bids_in: int = 0
    useless: int = 0
    dominated: int = 0
    components: int = 0
    by_enumeration: int = 0
    by_lp: int = 0
    by_branch: int = 0
    by_mip: int = 0
    nodes: int = 0
    local_searches: int = 0
    local_gain: int = 0


def remove_useless(inst: Instance, bids: Sequence[int]) -> list[int]:
    """Drop bids that ask for more units of a good than exist (they can never win)."""
    supply = [g.units for g in inst.goods]
    return [b for b in bids if all(units <= supply[good] for good, units in inst.bids[b].bundle)]


def remove_dominated(inst: Instance, bids: Sequence[int]) -> list[int]:
    """Drop every bid ``b`` for which another bid ``c`` asks for a sub-bundle (unit-wise) at a
    price at least as high and may replace ``b`` in any allocation. Equal bids keep the first.

    ``c`` may replace ``b`` when it is an OR bid or in ``b``'s XOR group, and when ``c`` can never
    win beside ``b`` (they share the XOR group or ``c`` holds a good with a single unit): then a
    bid of an optimal allocation that was dropped can be swapped for its dominator without
    breaking feasibility or lowering the value, so an optimum survives the removal.
    """
    bids = list(bids)
    order = {b: i for i, b in enumerate(bids)}
    price = {b: inst.bids[b].price for b in bids}
    group = {b: inst.bids[b].group for b in bids}
    bundle = {b: inst.bids[b].bundle for b in bids}
    # Who may stand in for others: a bid of an XOR group (for its group), or an OR bid that
    # holds a good with a single unit (so it never wins beside the bid it replaces).
    single = {b: any(inst.goods[g].units == 1 for g, _ in bundle[b]) for b in bids}
    # Candidate dominators by their first good, dearest first (so a scan stops at the first
    # price below the dominated bid's).
    by_first: dict[int, list[int]] = {}
    for b in bids:
        if group[b] is not None or single[b]:
            by_first.setdefault(bundle[b][0][0], []).append(b)
    for members in by_first.values():
        members.sort(key=lambda c: (-price[c], order[c]))
    keep: list[int] = []
    for b in bids:
        mine = dict(bundle[b])
        my_price, my_group, size = price[b], group[b], len(mine)
        dominated = False
        for good in mine:
            for c in by_first.get(good, ()):
                if price[c] < my_price:
                    break
                if c == b or (group[c] is not None and group[c] != my_group):
                    continue
                other = bundle[c]
                if len(other) > size or any(mine.get(g, 0) < u for g, u in other):
                    continue
                if price[c] == my_price and other == bundle[b] and order[c] > order[b]:
                    continue
                dominated = True
                break
            if dominated:
                break
        if not dominated:
            keep.append(b)
    return keep


def components(inst: Instance, bids: Sequence[int]) -> list[list[int]]:
    """Connected components of the bid graph (shared good or shared XOR group)."""
    if not bids:
        return []
    n_goods = len(inst.goods)
    groups: dict[int, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, b in enumerate(bids):
        bid = inst.bids[b]
        for good, _ in bid.bundle:
            rows.append(i)
            cols.append(good)
        if bid.group is not None:
            rows.append(i)
            cols.append(n_goods + groups.setdefault(bid.group, len(groups)))
    n = len(bids)
    size = n + n_goods + len(groups)
    data = np.ones(len(rows), dtype=np.int8)
    graph = coo_matrix((data, (np.array(rows), np.array(cols) + n)), shape=(size, size)).tocsr()
    _, labels = connected_components(graph, directed=False)
    out: dict[int, list[int]] = {}
    for i, b in enumerate(bids):
        out.setdefault(int(labels[i]), []).append(b)
    return sorted(out.values(), key=lambda c: c[0])


def greedy(inst: Instance, bids: Sequence[int], base: Sequence[int] = ()) -> tuple[int, list[int]]:
    """The best of three greedy allocations (by price, price per unit and price per square root
    of units, after Lehmann, O'Callaghan and Shoham): a fast lower bound. With ``base`` (a
    feasible allocation), each starts from it and adds what still fits."""
    sizes = {b: sum(u for _, u in inst.bids[b].bundle) for b in bids}
    keys = (
        lambda b: inst.bids[b].price,
        lambda b: inst.bids[b].price / sizes[b],
        lambda b: inst.bids[b].price / math.sqrt(sizes[b]),
    )
    taken = set(base)
    best: tuple[int, list[int]] = (-1, [])
    for key in keys:
        left = [good.units for good in inst.goods]
        used_groups: set[int] = set()
        chosen: list[int] = []
        total = 0
        for b in base:
            take(inst.bids[b], left, used_groups)
            chosen.append(b)
            total += inst.bids[b].price
        for b in sorted(bids, key=key, reverse=True):
            bid = inst.bids[b]
            if b not in taken and fits(bid, left, used_groups):
                take(bid, left, used_groups)
                chosen.append(b)
                total += bid.price
        if total > best[0]:
            best = (total, chosen)
    return best


def fits(bid: BundleBid, left: Sequence[int], groups: set[int]) -> bool:
    """Whether ``bid`` fits beside an allocation that leaves ``left`` units of each good and
    uses the XOR ``groups``."""
    return (bid.group is None or bid.group not in groups) and all(
        left[g] >= u for g, u in bid.bundle
    )


def take(bid: BundleBid, left: MutableSequence[int], groups: set[int]) -> None:
    """Add ``bid`` to an allocation: use up its units in ``left`` and its XOR group."""
    for g, u in bid.bundle:
        left[g] -= u
    if bid.group is not None:
        groups.add(bid.group)


def enumerate_best(inst: Instance, bids: Sequence[int]) -> tuple[int, list[int]]:
    """Exact optimum by depth-first search over include/exclude (for a handful of bids)."""
    order = sorted(bids, key=lambda b: -inst.bids[b].price)
    prices = [inst.bids[b].price for b in order]
    suffix = [0] * (len(order) + 1)
    for i in range(len(order) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + prices[i]
    left = {g: good.units for g, good in enumerate(inst.goods)}
    used_groups: set[int] = set()
    best_value = -1
    best: list[int] = []
    chosen: list[int] = []

    def dfs(i: int, value: int) -> None:
        nonlocal best_value, best
        if value > best_value:
            best_value, best = value, list(chosen)
        if i == len(order) or value + suffix[i] <= best_value:
            return
        bid = inst.bids[order[i]]
        if (bid.group is None or bid.group not in used_groups) and all(
            left[g] >= u for g, u in bid.bundle
        ):
            for g, u in bid.bundle:
                left[g] -= u
            if bid.group is not None:
                used_groups.add(bid.group)
            chosen.append(order[i])
            dfs(i + 1, value + prices[i])
            chosen.pop()
            if bid.group is not None:
                used_groups.discard(bid.group)
            for g, u in bid.bundle:
                left[g] += u
        dfs(i + 1, value)

    dfs(0, 0)
    return best_value, best


def _is_clique(inst: Instance, bids: Sequence[int]) -> bool:
    """True when no two of these bids can win together (every pair shares a unit-supply good
    or an XOR group), so the best single bid is optimal."""
    first = inst.bids[bids[0]]
    if first.group is not None and all(inst.bids[b].group == first.group for b in bids):
        return True
    for good, _ in first.bundle:
        if inst.goods[good].units == 1 and all(
            any(g == good for g, _ in inst.bids[b].bundle) for b in bids
        ):
            return True
    return False


@dataclass
class ComponentResult:
    """One component's best allocation (bid indices), its exact value, a proven bound, and the
    feasible allocations found on the way (for warm starts of related solves)."""

    value: int
    winners: list[int]
    bound: int
    optimal: bool
    found: list[list[int]]


def solve_component(
    inst: Instance,
    relax: Relaxation,
    *,
    start: Sequence[int] = (),
    excluded: Sequence[int] = (),
    deadline: float | None = None,
    stats: SearchStats | None = None,
) -> ComponentResult:
    """The bids of ``relax`` less ``excluded`` (bid indices), by branch-and-cut (:mod:`.branch`)
    from ``start`` and, unless the root LP settles it, the greedy allocation; HiGHS takes over
    (from the incumbent) when the node budget runs out, the conflict graph is too dense for the
    cuts to pay, or the root gap is too wide for a tree.

    ``relax`` may be reused: its cuts stay valid when bids are excluded (they are fixed at zero),
    which is how the Clarke-Groves re-solves share the work of the first solve.
    """
    st = stats if stats is not None else SearchStats()
    column = {b: j for j, b in enumerate(relax.cols)}
    out_cols = sorted({column[b] for b in excluded if b in column})
    gone = {relax.cols[j] for j in out_cols}
    given = [column[b] for b in start if b in column and b not in gone]
    if not relax.feasible(given):
        given = []

    def by_greedy() -> list[int]:
        _, chosen = greedy(inst, [b for b in relax.cols if b not in gone])
        return [column[b] for b in chosen]

    out = branch_and_cut(
        relax,
        start=given,
        fixed_zero=out_cols,
        deadline=deadline,
        node_limit=NODE_LIMIT,
        heuristic=by_greedy,
    )
    st.nodes += out.nodes
    found = [[relax.cols[j] for j in sol] for sol in out.found]
    chosen = [relax.cols[j] for j in out.chosen]
    if out.finished:
        if out.nodes == 1:
            st.by_lp += 1
        else:
            st.by_branch += 1
        return ComponentResult(out.value, chosen, out.value, True, found)
    if not out.gave_up:
        return ComponentResult(out.value, chosen, out.bound, False, found)
    # HiGHS branch-and-bound on the columns not proven useless, from the incumbent. The clique
    # cuts are not passed: on the dense graphs that come here they slowed HiGHS down. Its
    # presolve is off on dense conflict graphs and on where the graph was never built (both
    # measured, see MIP_OPTIONS); on sparser ones that still come here (a root gap too wide
    # for our tree, or the node budget spent) HiGHS's defaults did better.
    dropped = set(out.fixed_zero)
    rest = [relax.cols[j] for j in range(relax.n) if j not in dropped]
    incumbent = out.value
    if relax.searches == 1 and out.bound - out.value > HOPELESS * abs(out.bound):
        # A gap this wide is mostly a poor allocation: local search finds far better ones than
        # HiGHS's heuristics in the same time (arbitrary 256 x 2,000), then HiGHS starts from it.
        # Only in the first search of a relaxation: a Clarke-Groves re-solve starts from the
        # best pooled allocation, and there the rounds cost more than they saved (arbitrary
        # 64 x 500, seed 0: VCG 0.90x and 1.22x the independent solves with them, 1.35x and
        # 1.31x without).
        share = (
            None
            if deadline is None
            else time.perf_counter() + LOCAL_SHARE * (deadline - time.perf_counter())
        )
        pool_bids = sorted(set(rest) | set(chosen))
        better, allocation = improve(
            inst, pool_bids, chosen, rounds=LOCAL_ROUNDS * len(pool_bids), deadline=share
        )
        st.local_searches += 1
        st.local_gain += better - incumbent
        if better > incumbent:
            chosen, incumbent = allocation, better
            found.append(allocation)
    remaining = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
    pool: list[list[int]] = []
    sol = solve_mip(
        inst,
        rest,
        time_limit=remaining,
        start=chosen,
        label="search",
        highs_options=MIP_OPTIONS if not (relax.separable and relax.branching) else None,
        pool=pool,
    )
    st.by_mip += 1
    st.nodes += sol.nodes
    found.extend(pool)
    if sol.value >= incumbent:
        value, winners = sol.value, [inst.index_of(b) for b in sol.winners]
    else:
        value, winners = incumbent, chosen
    # The dropped columns cannot beat the first incumbent, so the component's optimum is at
    # most the larger of HiGHS's bound on the rest and the incumbent; and at most our own bound.
    top = min(max(sol.bound, incumbent), out.bound)
    return ComponentResult(value, winners, top, sol.optimal and top == value, found)


def solve_search(
    inst: Instance,
    bids: Sequence[int] | None = None,
    *,
    time_limit: float | None = None,
    stats: SearchStats | None = None,
    start: Sequence[int] = (),
) -> Solution:
    """Exact winner determination over the bids with these indices (all by default).

    ``start`` is a known feasible allocation (bid indices); where it beats the greedy
    allocation on a component it becomes that component's first incumbent.
    """
    t0 = time.perf_counter()
    st = stats if stats is not None else SearchStats()
    chosen = list(range(len(inst.bids))) if bids is None else list(bids)
    if inst.exchange:
        # Sells create supply, so dominance and decomposition by shared goods do not apply as
        # stated; exchanges go to the MIP whole.
        sol = solve_mip(inst, chosen, time_limit=time_limit, label="search")
        st.by_mip += 1
        return sol
    st.bids_in += len(chosen)
    useful = remove_useless(inst, chosen)
    st.useless += len(chosen) - len(useful)
    kept = remove_dominated(inst, useful)
    st.dominated += len(useful) - len(kept)
    comps = components(inst, kept)
    st.components += len(comps)
    value = bound = 0
    winners: list[int] = []
    status = Status.OPTIMAL
    # Small components first: they are cheap and leave the time for the hard ones.
    for comp in sorted(comps, key=len):
        if len(comp) == 1 or _is_clique(inst, comp):
            best = max(comp, key=lambda b: (inst.bids[b].price, -b))
            v, w = inst.bids[best].price, [best]
            st.by_enumeration += 1
        elif len(comp) <= SMALL_COMPONENT:
            v, w = enumerate_best(inst, comp)
            st.by_enumeration += 1
        else:
            deadline = None if time_limit is None else t0 + time_limit
            part = solve_component(
                inst, Relaxation(inst, comp), start=start, deadline=deadline, stats=st
            )
            v, w = part.value, part.winners
            if not part.optimal:
                status = Status.TIME_LIMIT
            bound += part.bound - v
        value += v
        bound += v
        winners.extend(w)
    ids = tuple(inst.bids[b].bid_id for b in sorted(winners))
    return Solution(value, ids, status, bound, time.perf_counter() - t0, "search", st.nodes)
