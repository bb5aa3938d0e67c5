"""The integer-program planner's time limit: when HiGHS runs out of time the planner returns the
best plan it has (a greedy plan, checked exactly like every plan) marked not proven, with the
count it did prove no plan can beat; only a proven infeasibility (HiGHS status 2) rules a count
out, and any other status is an error, never "no plan with this count"."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace
from typing import Any

import pytest

import trustmarket.analysis.safe_exchange.integer_program as integer_program
from trustmarket.analysis.safe_exchange import (
    ExchangeProblem,
    dependent_items_example,
    plan_exchange,
    result_to_json,
    stock_example,
)
from trustmarket.core.errors import InvalidExchange, SolverLimit

# Where the greedy upper bound is one more than the optimum, so the integer programs must run
# (found by a seeded search; each plans in well under a second without a limit).
STEPS_CASE = (
    [
        ("i0", 12, "142", "146"),
        ("i1", 12, "83", "103"),
        ("i2", 12, "62", "72"),
        ("i3", 12, "123", "128"),
    ],
    "4933",
    "205",
    "204",
)
DELIVERIES_CASE = (
    [
        ("i0", 12, "63", "82"),
        ("i1", 12, "139", "159"),
        ("i2", 12, "117", "124"),
        ("i3", 12, "84", "92"),
    ],
    "5134",
    "287",
    "118",
)
# The tight 5 x 50 case: proving its optimum (24 steps) takes the integer programs 20-40 s.
TIGHT_CASE = (
    [
        ("i0", 50, "129", "137"),
        ("i1", 50, "144", "155"),
        ("i2", 50, "138", "158"),
        ("i3", 50, "117", "117"),
        ("i4", 50, "109", "116"),
    ],
    "32062",
    "180",
    "157",
)


def units(case: tuple[list[tuple[str, int, str, str]], str, str, str]) -> ExchangeProblem:
    items, price, seller_forgoes, buyer_forgoes = case
    return ExchangeProblem.independent_units(
        items,
        price=price,
        seller_forgoes=seller_forgoes,
        buyer_forgoes=buyer_forgoes,
        currency="PTS",
    )


@pytest.mark.parametrize(
    ("case", "objective", "greedy", "optimum"),
    [(STEPS_CASE, "steps", 9, 8), (DELIVERIES_CASE, "deliveries", 8, 7)],
)
def test_a_tiny_limit_returns_a_checked_plan_that_is_not_proven(
    case: Any, objective: str, greedy: int, optimum: int
) -> None:
    problem = units(case)
    limited = plan_exchange(problem, objective, time_limit=1e-9)
    assert limited.plan is not None and limited.found
    assert limited.proven is False
    assert limited.optimum == greedy == limited.plan.count[objective]
    assert limited.lower_bound is not None and limited.lower_bound < limited.optimum
    assert problem.check(limited.plan, limited.safety).safe

    exact = problem.plan(objective)  # no limit
    assert exact.proven is True and exact.plan is not None
    assert exact.optimum == exact.lower_bound == optimum
    assert exact.optimum <= limited.optimum
    assert limited.lower_bound <= exact.optimum
    assert problem.check(exact.plan, exact.safety).safe

    generous = problem.plan(objective, time_limit=600)
    assert generous.proven is True and generous.optimum == optimum


def test_the_tight_five_by_fifty_case_stops_at_its_limit() -> None:
    problem = units(TIGHT_CASE)
    start = time.perf_counter()
    result = problem.plan("steps", "sequential", time_limit=0.5)
    elapsed = time.perf_counter() - start
    assert elapsed < 5  # the limit plus the greedy plans and the exact checks
    assert result.plan is not None and result.proven is False
    assert result.lower_bound is not None and 0 < result.lower_bound < result.optimum <= 25
    assert problem.check(result.plan, "sequential").safe
    data = result_to_json(result, problem)
    assert data["proven"] is False and data["lower_bound"] == result.lower_bound
    assert data["optimum"] == result.optimum == len(data["plan"]["steps"])


def test_proven_results_say_so() -> None:
    stocks = stock_example()
    for time_limit in (None, 60.0):
        result = stocks.plan("steps", "either-order", time_limit=time_limit)
        assert result.proven is True and result.optimum == result.lower_bound == 16
    # The state search (dependent tables) is bounded by size, not time: always proven.
    software = dependent_items_example()
    table = software.plan("steps", time_limit=1e-9)
    assert table.proven is True and table.optimum == table.lower_bound == 3
    # "No plan" is a proof too.
    none = units(([("a", 2, "10", "10")], "20", "0", "0"))
    verdict = none.plan(time_limit=1e-9)
    assert verdict.plan is None and verdict.proven is True and verdict.lower_bound is None
    data = result_to_json(verdict, none)
    assert data["found"] is False and data["proven"] is True and "lower_bound" not in data


@pytest.mark.parametrize(
    "bad",
    [
        0,
        0.0,
        -1,
        -0.5,
        math.nan,
        math.inf,
        -math.inf,
        10**400,
        pytest.param(10**5000, id="10**5000"),
        True,
        "10",
        [5],
        object(),
    ],
)
def test_bad_time_limits_are_refused(bad: Any) -> None:
    problem = units(STEPS_CASE)
    for plan in (
        lambda: plan_exchange(problem, time_limit=bad),
        lambda: problem.plan(time_limit=bad),
        lambda: dependent_items_example().plan(time_limit=bad),  # refused whatever the engine
    ):
        with pytest.raises(
            InvalidExchange, match="the time limit must be a positive, finite number"
        ):
            plan()


def fake_milp(status: int, *, integral_only: bool = True) -> Any:
    """``milp`` that answers ``status`` (with no solution) for the integer programs and solves
    the linear relaxations for real (or answers ``status`` for those too)."""
    real = integer_program.milp

    def milp(*args: Any, **kwargs: Any) -> Any:
        if integral_only and not kwargs["integrality"].any():
            return real(*args, **kwargs)
        return SimpleNamespace(status=status, x=None, message=f"fake status {status}")

    return milp


def test_a_limit_hit_is_never_read_as_infeasible(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = units(STEPS_CASE)
    # Every integer program "runs out of time": no count can be ruled out by them, so the
    # greedy plan comes back unproven, bounded by the linear relaxations only.
    monkeypatch.setattr(integer_program, "milp", fake_milp(1))
    result = problem.plan("steps")
    assert result.plan is not None and result.proven is False
    assert result.optimum == 9 and result.lower_bound is not None and result.lower_bound <= 8
    assert problem.check(result.plan).safe


@pytest.mark.parametrize("status", [3, 4])
def test_other_solver_statuses_are_errors(monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    problem = units(STEPS_CASE)
    monkeypatch.setattr(integer_program, "milp", fake_milp(status, integral_only=False))
    with pytest.raises(SolverLimit, match=f"HiGHS\\) stopped with status {status}"):
        problem.plan("steps")
