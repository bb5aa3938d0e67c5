"""The public contract of ``solve`` and ``vcg`` (SPEC 3.4): proof status and gap, time limits,
Clarke-Groves payments per bidder, and the errors for bad arguments.

tests/combinatorial/test_wdp_bruteforce.py checks the optimal values and payments against
enumeration; this file checks what the caller is promised around them."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# The exact optimum by enumeration, shared with the brute-force suite beside this file.
from test_wdp_bruteforce import brute_force

from trustmarket.combinatorial import (
    SOLVERS,
    Instance,
    Solution,
    Status,
    generate,
    make_instance,
    solve,
    vcg,
)
from trustmarket.core.errors import InvalidInput

IC_NOTE = "incentive compatibility is not guaranteed"


@st.composite
def instances(draw: st.DrawFn, multi_unit: bool = False) -> Instance:
    n_goods = draw(st.integers(1, 4))
    supply = {f"g{i}": (draw(st.integers(0, 3)) if multi_unit else 1) for i in range(n_goods)}
    n_bidders = draw(st.integers(1, 4))
    rows = []
    for k in range(draw(st.integers(0, 9))):
        bidder = f"b{draw(st.integers(0, n_bidders - 1))}"
        goods = draw(st.lists(st.sampled_from(sorted(supply)), min_size=1, max_size=3, unique=True))
        bundle = {g: (draw(st.integers(1, 3)) if multi_unit else 1) for g in goods}
        price = draw(st.integers(1, 40))
        group = draw(st.sampled_from([None, "x", "y"]))
        rows.append((f"{k}", bidder, price, bundle, group))
    return make_instance(supply, rows)


def assert_proven(sol: Solution) -> None:
    """``optimal`` means a proof: the bound equals the value and the gap is exactly 0."""
    assert sol.status is Status.OPTIMAL
    assert sol.optimal
    assert sol.bound == sol.value
    assert sol.gap == 0.0


# ---------------------------------------------------------------------------------------------
# Status, bound and gap
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["search", "mip"])
def test_an_optimal_solution_has_gap_zero_and_its_value_is_the_winners_prices(solver: str) -> None:
    inst = generate("regions", goods=16, bids=60, seed=4)
    sol = solve(inst, solver=solver)
    assert_proven(sol)
    assert sol.solver == solver
    assert sol.value == inst.value_of(sol.winners) > 0
    inst.check_feasible(sol.winners)
    assert list(sol.winners) == sorted(sol.winners, key=inst.index_of)
    assert sol.seconds >= 0.0


def test_the_empty_instance_is_solved_with_value_zero() -> None:
    inst = make_instance(["A"], [])
    for solver in SOLVERS:
        sol = solve(inst, solver=solver)
        assert_proven(sol)
        assert (sol.value, sol.winners) == (0, ())
        result = vcg(inst, solver=solver)
        assert result.payments == {}
        assert result.incentive_compatible


def test_solvers_is_the_list_the_errors_name() -> None:
    assert list(SOLVERS) == ["search", "mip"]


@pytest.fixture(scope="module")
def hard() -> Instance:
    """A generated instance that takes the exact solvers seconds (L7, 32 goods, 300 bids) but
    whose LP bound HiGHS finds within a few milliseconds."""
    return generate("L7", goods=32, bids=300, seed=1)


@pytest.mark.parametrize("solver", ["search", "mip"])
def test_a_time_limit_stops_the_solve_and_reports_a_gap(hard: Instance, solver: str) -> None:
    sol = solve(hard, solver=solver, time_limit=0.2)
    assert sol.status is Status.TIME_LIMIT
    assert not sol.optimal
    assert sol.bound > sol.value
    assert sol.gap == pytest.approx((sol.bound - sol.value) / sol.bound)
    assert 0.0 < sol.gap < 1.0
    # The answer is still a feasible allocation worth exactly its value ...
    hard.check_feasible(sol.winners)
    assert hard.value_of(sol.winners) == sol.value
    # ... found in about the time allowed (generous slack for a loaded machine).
    assert sol.seconds < 0.2 + 2.0


@pytest.mark.parametrize("solver", ["search", "mip"])
def test_vcg_after_a_time_limit_says_incentive_compatibility_is_not_guaranteed(
    hard: Instance, solver: str
) -> None:
    result = vcg(hard, solver=solver, time_limit=0.1)
    assert result.solution.status is Status.TIME_LIMIT
    assert result.solution.gap > 0.0
    assert not result.incentive_compatible
    assert len(result.notes) == 1
    assert IC_NOTE in result.notes[0]
    assert set(result.payments) == {hard.bid(w).bidder for w in result.solution.winners}


def test_mip_stopped_before_its_first_bound_does_not_claim_optimality() -> None:
    inst = generate("arbitrary", goods=64, bids=500, seed=1)
    optimum = solve(inst).value  # the search solver proves it in milliseconds
    sol = solve(inst, solver="mip", time_limit=0.001)
    assert sol.optimal is (sol.value == optimum)
    assert sol.bound >= optimum


def test_vcg_stopped_before_the_first_bound_does_not_promise_incentive_compatibility() -> None:
    inst = generate("arbitrary", goods=64, bids=500, seed=1)
    result = vcg(inst, solver="mip", time_limit=0.001)
    assert result.solution.value == solve(inst).value or not result.incentive_compatible


# ---------------------------------------------------------------------------------------------
# Clarke-Groves payments per bidder
# ---------------------------------------------------------------------------------------------
def paper_like() -> Instance:
    """alice XOR-bids {A,B} 10 / {A} 6; bob OR-bids {B} 5 and {C} 3; carol {C} 4; dave
    {A,B,C} 14. The optimum, 15, is alice {A} + bob {B} + carol {C}; without any one of the
    three winners the others can reach 14 (dave alone, or the rest of them)."""
    return make_instance(
        ["A", "B", "C"],
        [
            ("a1", "alice", 10, ["A", "B"], "x"),
            ("a2", "alice", 6, ["A"], "x"),
            ("b1", "bob", 5, ["B"], None),
            ("b2", "bob", 3, ["C"], None),
            ("c1", "carol", 4, ["C"], None),
            ("d1", "dave", 14, ["A", "B", "C"], None),
        ],
    )


@pytest.mark.parametrize("solver", ["search", "mip"])
def test_payments_are_per_bidder_by_hand(solver: str) -> None:
    inst = paper_like()
    result = vcg(inst, solver=solver)
    assert_proven(result.solution)
    assert result.solution.winners == ("a2", "b1", "c1")
    assert result.solution.value == 15
    # p_i = V(-i) - (V* - v_i): alice 14 - (15 - 6), bob 14 - (15 - 5), carol 14 - (15 - 4).
    assert result.value_without == {"alice": 14, "bob": 14, "carol": 14}
    assert result.payments == {"alice": 5, "bob": 4, "carol": 3}
    assert "dave" not in result.payments
    assert result.incentive_compatible
    assert result.notes == ()
    assert result.winning_value(inst, "alice") == 6
    assert result.winning_value(inst, "dave") == 0
    assert result.solves == 1 + len(result.payments)  # one overall, one per winning bidder


def test_a_bidder_with_several_winning_bids_pays_once_for_all_of_them() -> None:
    # bob wins {A} and {B} with OR bids; without him carol's {A,B} at 8 wins.
    inst = make_instance(
        ["A", "B"],
        [
            ("1", "bob", 5, ["A"], None),
            ("2", "bob", 4, ["B"], None),
            ("3", "carol", 8, ["A", "B"], None),
        ],
    )
    for solver in SOLVERS:
        result = vcg(inst, solver=solver)
        assert result.solution.winners == ("1", "2")
        assert result.payments == {"bob": 8}
        assert result.winning_value(inst, "bob") == 9


def test_a_winner_without_competition_pays_nothing() -> None:
    inst = make_instance(["A", "B"], [("1", "ann", 7, ["A"], None), ("2", "bo", 3, ["B"], None)])
    for solver in SOLVERS:
        assert vcg(inst, solver=solver).payments == {"ann": 0, "bo": 0}


def check_vcg(inst: Instance, solver: str) -> dict[str, int]:
    result = vcg(inst, solver=solver)
    assert_proven(result.solution)
    assert result.incentive_compatible and result.notes == ()
    winners = {inst.bid(w).bidder for w in result.solution.winners}
    # Exactly the winning bidders are charged; losers pay nothing.
    assert set(result.payments) == winners
    for loser in set(inst.bidders) - winners:
        assert result.payments.get(loser, 0) == 0
    for bidder, pay in result.payments.items():
        own = result.winning_value(inst, bidder)
        assert own > 0
        assert 0 <= pay <= own  # non-negative, and never above her accepted bids
        assert result.value_without[bidder] == brute_force(inst, drop_bidder=bidder)
    return result.value_without


@settings(max_examples=60, deadline=None)
@given(instances())
def test_vcg_properties_single_unit(inst: Instance) -> None:
    for solver in SOLVERS:
        check_vcg(inst, solver)


@settings(max_examples=60, deadline=None)
@given(instances(multi_unit=True))
def test_vcg_properties_multi_unit(inst: Instance) -> None:
    without = {solver: check_vcg(inst, solver) for solver in SOLVERS}
    # V(-i) does not depend on how ties were broken: where both solvers charge a bidder they
    # must agree on what the others could do without her.
    for bidder in without["search"].keys() & without["mip"].keys():
        assert without["search"][bidder] == without["mip"][bidder]


@settings(max_examples=80, deadline=None)
@given(instances(multi_unit=True))
def test_both_solvers_agree_on_multi_unit_instances(inst: Instance) -> None:
    expected = brute_force(inst)
    for solver in SOLVERS:
        sol = solve(inst, solver=solver)
        assert_proven(sol)
        assert sol.value == expected, solver
        inst.check_feasible(sol.winners)
        assert inst.value_of(sol.winners) == sol.value


def test_both_solvers_agree_on_a_generated_multi_bid_instance() -> None:
    inst = generate("scheduling", goods=12, bids=80, seed=2)
    search, mip = solve(inst), solve(inst, solver="mip")
    assert_proven(search)
    assert_proven(mip)
    assert search.value == mip.value


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
def small() -> Instance:
    return make_instance(["A"], [("1", "ann", 5, ["A"], None)])


BAD_LIMITS: list[Any] = [
    0,
    0.0,
    -1,
    -0.5,
    math.nan,
    math.inf,
    -math.inf,
    "1",
    True,
    [1],
    Decimal("1"),
]
LIMIT_MESSAGE = r"time_limit must be a positive, finite number of seconds or None"


@pytest.mark.parametrize("limit", BAD_LIMITS, ids=repr)
def test_bad_time_limits_are_refused(limit: Any) -> None:
    inst = small()
    for solver in SOLVERS:
        with pytest.raises(InvalidInput, match=LIMIT_MESSAGE):
            solve(inst, solver=solver, time_limit=limit)
        with pytest.raises(InvalidInput, match=LIMIT_MESSAGE):
            vcg(inst, solver=solver, time_limit=limit)


def test_good_time_limits_are_accepted() -> None:
    inst = small()
    for limit in (None, 1, 0.5, 10**6):
        assert solve(inst, time_limit=limit).value == 5
        assert vcg(inst, solver="mip", time_limit=limit).payments == {"ann": 0}


@pytest.mark.parametrize("solver", ["cplex", "", "MIP", "Search", None, 1])
def test_unknown_solvers_are_refused_with_the_allowed_names(solver: Any) -> None:
    inst = small()
    with pytest.raises(InvalidInput, match=r"unknown solver .*; allowed: search, mip$"):
        solve(inst, solver=solver)
    with pytest.raises(InvalidInput, match=r"unknown solver .*; allowed: search, mip$"):
        vcg(inst, solver=solver)


@pytest.mark.parametrize("thing", [None, "goods 1\nbids 0\n", {"goods": []}, [], 3])
def test_only_an_instance_is_solved(thing: Any) -> None:
    kind = type(thing).__name__
    with pytest.raises(InvalidInput, match=rf"^solve needs an Instance, got {kind}$"):
        solve(thing)
    with pytest.raises(InvalidInput, match=rf"^vcg needs an Instance, got {kind}$"):
        vcg(thing)


def test_vcg_refuses_an_exchange() -> None:
    inst = make_instance(
        {"A": 0},
        [("s", "sam", -3, {"A": -1}, None), ("b", "bob", 5, {"A": 1}, None)],
        exchange=True,
    )
    assert solve(inst).value == 2  # solve clears it ...
    with pytest.raises(InvalidInput, match="one-sided combinatorial auctions"):
        vcg(inst)  # ... vcg does not price it


def test_the_instance_is_checked_before_the_solver_and_the_limit() -> None:
    with pytest.raises(InvalidInput, match="needs an Instance"):
        solve("x", solver="nope", time_limit=-1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown solver"):
        solve(small(), solver="nope", time_limit=-1)
