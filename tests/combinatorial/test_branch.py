"""The branch-and-cut of the search solver (trustmarket.combinatorial.branch): its conflict graph,
its proven dual bounds, and its optima against the plain MIP on instances large enough to reach
it (components above the enumeration size whose LP is fractional)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_wdp_bruteforce import brute_force

from trustmarket.combinatorial import Instance, generate, make_instance, search, solve, vcg
from trustmarket.combinatorial import branch as bc
from trustmarket.combinatorial.mip import solve_mip
from trustmarket.combinatorial.search import SearchStats, solve_search
from trustmarket.core.errors import InvalidInput


@st.composite
def packing(draw: st.DrawFn, multi_unit: bool = False, most: int = 12) -> Instance:
    """Random instances with many overlapping bundles, so the LP is often fractional."""
    n_goods = draw(st.integers(2, 6))
    supply = {f"g{i}": (draw(st.integers(1, 3)) if multi_unit else 1) for i in range(n_goods)}
    rows = []
    for k in range(draw(st.integers(2, most))):
        goods = draw(st.lists(st.sampled_from(sorted(supply)), min_size=1, max_size=3, unique=True))
        bundle = {g: (draw(st.integers(1, 2)) if multi_unit else 1) for g in goods}
        bidder = f"b{draw(st.integers(0, 4))}"
        rows.append(
            (f"{k}", bidder, draw(st.integers(1, 60)), bundle, draw(st.sampled_from([None, "x"])))
        )
    return make_instance(supply, rows)


def can_win_together(inst: Instance, a: int, b: int) -> bool:
    first, second = inst.bids[a], inst.bids[b]
    if first.group is not None and first.group == second.group:
        return False
    used = dict(first.bundle)
    for g, u in second.bundle:
        used[g] = used.get(g, 0) + u
    return all(u <= inst.goods[g].units for g, u in used.items())


@settings(max_examples=80, deadline=None)
@given(packing(multi_unit=True))
def test_the_conflict_graph_joins_exactly_the_bids_that_cannot_win_together(
    inst: Instance,
) -> None:
    # The search drops bids that do not fit alone before it builds the graph.
    cols = search.remove_useless(inst, range(len(inst.bids)))
    conflict = bc.conflicts(inst, cols)
    for (i, a), (j, b) in itertools.combinations(enumerate(cols), 2):
        assert bool(conflict[i, j]) is not can_win_together(inst, a, b)
        assert conflict[i, j] == conflict[j, i]
    assert not conflict.diagonal().any()


@settings(max_examples=80, deadline=None)
@given(packing(multi_unit=True), st.data())
def test_the_safe_bound_holds_for_any_nonnegative_duals(
    inst: Instance, data: st.DataObject
) -> None:
    """Weak duality: whatever y >= 0 HiGHS returns (or we make up), the bound is above the
    optimum, also within fixed column bounds."""
    relax = bc.Relaxation(inst, range(len(inst.bids)))
    rows = relax._base.shape[0]
    y = np.array(data.draw(st.lists(st.floats(0, 100), min_size=rows, max_size=rows)))
    lo = np.zeros(relax.n)
    hi = np.ones(relax.n)
    assert relax.safe_bound(y, lo, hi) >= brute_force(inst)
    # Fix the first bid out: the bound covers the optimum without it.
    hi[0] = 0.0
    without = make_instance(
        {g.name: g.units for g in inst.goods},
        [
            (b.bid_id, b.bidder, b.price, {inst.goods[g].name: u for g, u in b.bundle}, b.group)
            for b in inst.bids[1:]
        ],
    )
    assert relax.safe_bound(y, lo, hi) >= brute_force(without)
    # The LP's own duals give a bound within one of the LP optimum.
    lp = relax.solve(np.zeros(relax.n), np.ones(relax.n), None)
    assert lp is not None
    assert lp.objective - 1e-6 <= lp.bound + 1 and lp.bound <= lp.objective + 1


@settings(max_examples=120, deadline=None)
@given(packing(most=24))
def test_branch_and_cut_finds_the_mip_optimum(inst: Instance) -> None:
    relax = bc.Relaxation(inst, range(len(inst.bids)))
    out = bc.branch_and_cut(relax)
    if out.gave_up:
        return  # handed over: the search then calls HiGHS (tested below)
    assert out.finished and out.bound == out.value
    assert out.value == solve(inst, solver="mip").value
    chosen = [inst.bids[relax.cols[j]].bid_id for j in out.chosen]
    inst.check_feasible(chosen)
    assert inst.value_of(chosen) == out.value


@settings(max_examples=60, deadline=None)
@given(packing(multi_unit=True, most=24))
def test_multi_unit_branch_and_cut_matches_the_mip(inst: Instance) -> None:
    assert solve(inst).value == solve(inst, solver="mip").value


@pytest.mark.parametrize(
    ("dist", "goods", "bids", "seed"),
    [
        ("regions", 64, 300, 0),
        ("regions", 64, 300, 1),
        ("regions", 128, 1000, 1),
        ("paths", 64, 400, 2),
        ("scheduling", 64, 400, 3),
        ("matching", 64, 400, 4),
        ("arbitrary", 32, 200, 5),
        ("L3", 32, 200, 6),
        ("L4", 32, 200, 7),
    ],
)
def test_search_and_mip_agree_on_generated_instances(
    dist: str, goods: int, bids: int, seed: int
) -> None:
    inst = generate(dist, goods, bids, seed)
    stats = SearchStats()
    sol = solve_search(inst, stats=stats)
    assert sol.optimal and sol.bound == sol.value
    assert sol.value == solve(inst, solver="mip").value
    inst.check_feasible(sol.winners)


def test_branching_is_reached_and_proves_the_optimum() -> None:
    """regions 128 x 1000 seed 4: the LP with clique cuts is fractional, branching closes it."""
    inst = generate("regions", 128, 1000, 4)
    stats = SearchStats()
    sol = solve_search(inst, stats=stats)
    assert stats.by_branch == 1 and stats.by_mip == 0
    assert stats.nodes > 1
    assert sol.value == solve(inst, solver="mip").value


def test_highs_takes_over_with_the_cuts_when_the_node_budget_runs_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "NODE_LIMIT", 2)
    inst = generate("regions", 128, 1000, 4)
    stats = SearchStats()
    sol = solve_search(inst, stats=stats)
    assert stats.by_mip == 1 and stats.by_branch == 0
    assert sol.optimal and sol.value == solve(inst, solver="mip").value


def test_dense_conflict_graphs_go_to_highs_without_cuts() -> None:
    inst = generate("arbitrary", 64, 500, 0)
    stats = SearchStats()
    kept = search.remove_dominated(inst, search.remove_useless(inst, range(len(inst.bids))))
    relax = bc.Relaxation(inst, kept)
    assert relax.conflict is None and relax.density > bc.DENSE and not relax.separable
    sol = solve_search(inst, stats=stats)
    assert stats.by_mip == 1
    assert sol.value == solve(inst, solver="mip").value


def test_a_time_limit_inside_branch_and_cut_reports_a_proven_bound() -> None:
    inst = generate("regions", 128, 1000, 4)
    optimum = solve(inst, solver="mip").value
    everything = sum(b.price for b in inst.bids)
    for limit in (0.001, 0.02, 0.2):
        sol = solve(inst, time_limit=limit)
        assert sol.value <= optimum <= sol.bound <= everything
        assert sol.optimal is (sol.bound == sol.value)
        inst.check_feasible(sol.winners)
        assert inst.value_of(sol.winners) == sol.value


def test_reduced_cost_fixing_drops_only_bids_that_cannot_beat_the_incumbent() -> None:
    inst = generate("regions", 64, 300, 3)
    everything = list(range(len(inst.bids)))
    relax = bc.Relaxation(inst, everything)
    value, chosen = search.greedy(inst, everything)
    root = relax.solve(np.zeros(relax.n), np.ones(relax.n), None)
    assert root is not None
    hi = np.ones(relax.n)
    bc._fix_by_reduced_cost(relax, root, np.zeros(relax.n), hi, value, set(chosen))
    dropped = np.flatnonzero(hi == 0.0)
    assert len(dropped) > 0
    assert all(hi[j] == 1.0 for j in chosen)
    # Forcing a dropped bid in: its price plus the best of the bids that can win beside it.
    for j in dropped[:15]:
        rest = [b for b in everything if b != j and can_win_together(inst, b, int(j))]
        assert inst.bids[int(j)].price + solve_mip(inst, rest).value <= value


@pytest.mark.parametrize(
    ("dist", "goods", "bids", "seed"),
    [("regions", 64, 300, 0), ("arbitrary", 32, 200, 1), ("paths", 64, 300, 2)],
)
def test_vcg_re_solves_that_share_cuts_and_starts_match_independent_mip_solves(
    dist: str, goods: int, bids: int, seed: int
) -> None:
    """V(-i) does not depend on which optimal allocation was chosen: the search's shared
    re-solves (kept relaxation, pooled starts) must give the plain MIP's values."""
    inst = generate(dist, goods, bids, seed)
    result = vcg(inst)
    assert result.incentive_compatible
    assert result.solution.value == solve(inst, solver="mip").value
    for bidder, value in result.value_without.items():
        assert value == solve(inst.without_bidders([bidder]), solver="mip").value
        own = result.winning_value(inst, bidder)
        assert result.payments[bidder] == value - (result.solution.value - own)
        assert 0 <= result.payments[bidder] <= own


def test_a_pooled_start_less_her_bids_is_completed_with_bids_that_fit() -> None:
    inst = make_instance(
        ["A", "B", "C"],
        [
            ("a", "ann", 10, ["A", "B"], None),
            ("b", "bob", 4, ["A"], None),
            ("c", "cat", 3, ["B"], None),
            ("d", "dan", 5, ["C"], None),
        ],
    )
    from trustmarket.combinatorial.vcg import _best_start

    mine = {0}
    start = _best_start(inst, [[0, 3]], mine, [1, 2, 3])
    assert sorted(start) == [1, 2, 3]


def test_a_root_gap_too_wide_for_a_tree_goes_to_highs_and_keeps_the_better_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With HOPELESS at 0 every unproven root is handed over; the answer stays the optimum, and
    a time-limited run reports the smaller of the two proven bounds."""
    monkeypatch.setattr(bc, "HOPELESS", 0.0)
    inst = generate("regions", 128, 1000, 4)
    stats = SearchStats()
    sol = solve_search(inst, stats=stats)
    assert stats.by_mip == 1 and stats.by_branch == 0
    optimum = solve(inst, solver="mip").value
    assert sol.optimal and sol.value == optimum
    limited = solve_search(inst, time_limit=0.5)
    assert limited.value <= optimum <= limited.bound


def test_the_mip_pool_collects_feasible_allocations_and_refuses_a_non_list() -> None:
    inst = generate("arbitrary", 32, 200, 2)
    pool: list[list[int]] = []
    sol = solve_mip(inst, pool=pool)
    assert pool, "HiGHS reports at least its final allocation"
    for allocation in pool:
        inst.check_feasible(inst.bids[b].bid_id for b in allocation)
    assert max(sum(inst.bids[b].price for b in a) for a in pool) == sol.value
    with pytest.raises(InvalidInput, match="pool must be a list"):
        solve(inst, solver="mip", pool=())


def test_a_tree_whose_gap_stalls_hands_the_component_to_highs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With every window counted as stalled, the search gives up at its second check; HiGHS
    then proves the same optimum."""
    monkeypatch.setattr(bc, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(bc, "STALLED_WINDOW", 1.0)
    inst = generate("regions", 128, 1000, 4)
    stats = SearchStats()
    sol = solve_search(inst, stats=stats)
    assert stats.by_mip == 1 and stats.by_branch == 0
    assert sol.optimal and sol.value == solve(inst, solver="mip").value
