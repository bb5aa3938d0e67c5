"""The local search that hands HiGHS a better first allocation on components with a wide root
gap (trustmarket.combinatorial.local_search): feasible, never worse than its start, never above
the optimum, reproducible; and the search solver still proves the MIP's optimum when it runs."""

from __future__ import annotations

from hypothesis import given, settings
from test_branch import packing
from test_wdp_bruteforce import brute_force

from trustmarket.combinatorial import Instance, generate, make_instance
from trustmarket.combinatorial.local_search import improve, single_unit
from trustmarket.combinatorial.mip import solve_mip
from trustmarket.combinatorial.search import SearchStats, greedy, solve_search


def _check(inst: Instance, value: int, chosen: list[int]) -> None:
    ids = [inst.bids[b].bid_id for b in chosen]
    inst.check_feasible(ids)  # raises if two winners share a good or an XOR group
    assert value == sum(inst.bids[b].price for b in chosen)


@settings(max_examples=120, deadline=None)
@given(packing())
def test_improve_returns_a_feasible_allocation_between_its_start_and_the_optimum(
    inst: Instance,
) -> None:
    bids = list(range(len(inst.bids)))
    start_value, start = greedy(inst, bids)
    value, chosen = improve(inst, bids, start, rounds=30)
    _check(inst, value, chosen)
    assert start_value <= value <= brute_force(inst)


@settings(max_examples=60, deadline=None)
@given(packing())
def test_improve_from_nothing_is_reproducible(inst: Instance) -> None:
    bids = list(range(len(inst.bids)))
    first = improve(inst, bids, [], rounds=20, seed=7)
    assert improve(inst, bids, [], rounds=20, seed=7) == first
    _check(inst, *first)


def test_improve_finds_the_better_allocation_a_greedy_start_misses() -> None:
    # Greedy by price takes the big bid (10); the two small ones together are worth 12.
    inst = make_instance(
        {"a": 1, "b": 1},
        [
            ("big", "x", 10, {"a": 1, "b": 1}, None),
            ("l", "y", 6, {"a": 1}, None),
            ("r", "z", 6, {"b": 1}, None),
        ],
    )
    value, chosen = improve(inst, [0, 1, 2], [0], rounds=5)
    assert (value, sorted(chosen)) == (12, [1, 2])


def test_multi_unit_goods_are_left_to_the_other_methods() -> None:
    inst = make_instance(
        {"a": 2},
        [("p", "x", 5, {"a": 1}, None), ("q", "y", 4, {"a": 2}, None)],
    )
    assert not single_unit(inst, [0, 1])
    assert improve(inst, [0, 1], [1], rounds=50) == (4, [1])


def test_the_search_reaches_the_mip_optimum_when_local_search_improved_its_start() -> None:
    # CATS arbitrary 32 x 150, seed 0: the root gap is over 15%, so local search runs before
    # HiGHS takes over, and improves on the greedy and branch-and-cut incumbent.
    inst = generate("arbitrary", 32, 150, 0)
    stats = SearchStats()
    found = solve_search(inst, stats=stats)
    assert stats.local_gain > 0
    assert found.optimal
    assert found.value == solve_mip(inst).value
