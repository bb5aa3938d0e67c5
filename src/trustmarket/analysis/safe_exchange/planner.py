"""Optimal safe exchange plans (eExchangeHouse; Sandholm, eMediator, section 4; SPEC 5).

:func:`plan_exchange` finds a plan from ``(0, 0)`` to ``(X, P)`` whose every state is safe under
the chosen :class:`~.safety.Safety`, minimising one of the paper's four objectives:

1. fewest deliveries, 2. fewest payments, 3. fewest deliveries + payments, 4. fewest steps.

For (1)-(3) a plan is a sequence of single actions, where both readings of safety agree; the
actions are then paired into steps wherever a pair is itself a safe step (a greedy pairing, which
is optimal for a fixed sequence of actions). For (4) the steps are searched directly.

Two exact engines (choose with ``engine``; ``"auto"`` picks by input form):

- ``"lattice"`` (:mod:`.lattice`): Dijkstra over every delivery state with exact sets of
  reachable payments. Used for dependent tables and divisible items. Ties are broken exactly:
  fewest steps, then fewest deliveries + payments; fewest deliveries, then payments; fewest
  payments, then deliveries; fewest deliveries + payments, then deliveries.
- ``"integer-program"`` (:mod:`.integer_program`): for independent units, whose band is affine in
  the delivery vector. Optimal in the objective; the payments of the chosen chunks are the fewest
  possible for those chunks. Its integer programs can take long on tight exchanges: with a
  ``time_limit`` the planner returns the best plan it has when the time is up, with
  :attr:`~.plans.PlanResult.proven` false and the count it proved no plan can beat
  (:attr:`~.plans.PlanResult.lower_bound`).

Every returned plan is re-checked by :func:`~.checker.check_plan` in exact integer arithmetic.
"""

from __future__ import annotations

import math
import time

import numpy as np

from trustmarket.analysis.safe_exchange.checker import check_plan
from trustmarket.analysis.safe_exchange.feasibility import (
    affine_blocked,
    lattice_blocked,
    start_blocked,
)
from trustmarket.analysis.safe_exchange.goods import IndependentUnits
from trustmarket.analysis.safe_exchange.integer_program import AffineBand, Shape, plan_affine
from trustmarket.analysis.safe_exchange.lattice import (
    Lattice,
    path_of_actions,
    path_of_steps,
    search_actions,
    search_steps,
)
from trustmarket.analysis.safe_exchange.plans import Objective, Plan, PlanResult, Step
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem
from trustmarket.analysis.safe_exchange.safety import Order, Safety, step_moments
from trustmarket.core.errors import InvalidExchange

State = tuple[int, ...]
Path = list[tuple[State, int]]

#: The largest lattice the exact state search takes: ``sum_x |{x' >= x}|``, the interval
#: operations of one sweep (a divisible item in 2,000 pieces has about 2 million).
MAX_LATTICE_PAIRS = 2_500_000
ENGINES = ("auto", "lattice", "integer-program")

#: Lexicographic (primary, secondary) cost of a delivery and of a payment, per action objective.
ACTION_COSTS: dict[Objective, tuple[tuple[int, int], tuple[int, int]]] = {
    Objective.DELIVERIES: ((1, 0), (0, 1)),
    Objective.PAYMENTS: ((0, 1), (1, 0)),
    Objective.DELIVERIES_AND_PAYMENTS: ((1, 1), (1, 0)),
}


def plan_exchange(
    problem: ExchangeProblem,
    objective: Objective | str = Objective.STEPS,
    safety: Safety | str = Safety.SEQUENTIAL,
    order: Order | str = Order.DELIVER_FIRST,
    engine: str = "auto",
    *,
    time_limit: float | None = None,
) -> PlanResult:
    """An optimal safe plan for ``problem``, or the reason none exists.

    Parameters
    ----------
    problem:
        The exchange.
    objective:
        ``"steps"`` (default), ``"deliveries"``, ``"payments"`` or ``"deliveries+payments"``.
    safety:
        ``"sequential"`` (default; SPEC 5) or ``"either-order"`` (the reading that reproduces the
        paper's step counts); see :mod:`.safety`.
    order:
        ``"deliver-first"`` (default) or ``"pay-first"``: which half of a two-action step comes
        first under sequential safety.
    engine:
        ``"auto"``, ``"lattice"`` or ``"integer-program"`` (independent units only).
    time_limit:
        Seconds (a positive, finite number) the integer-program engine may spend, all its
        programs together; None (default) waits for the optimum. When the time is up the
        result holds the best plan found (always a checked, safe plan) with ``proven`` false
        and ``lower_bound`` the least count not ruled out. The exact state search is bounded by
        its size instead (:data:`MAX_LATTICE_PAIRS`) and is always proven.
    """
    deadline = None if time_limit is None else time.monotonic() + check_time_limit(time_limit)
    if not isinstance(problem, ExchangeProblem):
        raise InvalidExchange(f"expected an ExchangeProblem, got {type(problem).__name__}")
    objective = Objective.coerce(objective)
    safety = Safety.coerce(safety)
    order = Order.coerce(order)
    if engine not in ENGINES:
        raise InvalidExchange(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    additive = isinstance(problem.goods, IndependentUnits)
    if engine == "integer-program" and not additive:
        raise InvalidExchange("the integer-program engine plans independent units only")
    use_program = additive and engine != "lattice"
    lattice = None if use_program else build_lattice(problem)
    lower_bound: int | None = None  # the least count not ruled out (None: proven by search)

    def no_plan(blocked: tuple[str, State]) -> PlanResult:
        return PlanResult(objective, safety, order, None, None, blocked[0], blocked[1])

    blocked = start_blocked(problem)
    if blocked is not None:
        return no_plan(blocked)
    if lattice is None:
        band = affine_band(problem)
        blocked = affine_blocked(problem, band)
        if blocked is not None:
            return no_plan(blocked)
        found = plan_affine(band, _shapes(objective), safety, order, deadline)
        if found is None:  # pragma: no cover - existence was established above
            raise AssertionError("a plan exists but the integer program found none")
        states = found.states
        lower_bound = found.lower_bound
        if objective is Objective.STEPS:
            plan = Plan.from_states(states, order)
        else:
            plan = _pair(problem, _actions(states), safety, order)
    elif objective is Objective.STEPS:
        search = search_steps(lattice, safety, order)
        if search.goal_cost is None:
            return no_plan(lattice_blocked(problem, lattice, search.settled))
        plan = Plan.from_states(path_of_steps(search, safety, order), order)
    else:
        deliver_cost, pay_cost = ACTION_COSTS[objective]
        search = search_actions(lattice, deliver_cost, pay_cost)
        if search.goal_cost is None:
            return no_plan(lattice_blocked(problem, lattice, search.settled))
        path = path_of_actions(search, deliver_cost, pay_cost)
        plan = _pair(problem, _actions(path), safety, order)
    verdict = check_plan(problem, plan, safety)
    if not verdict.safe:  # pragma: no cover - a planner bug, never an input problem
        raise AssertionError(f"planned an unsafe plan: {verdict.first_unsafe}")
    optimum = plan.count[objective.value]
    # Pairing actions into steps never lengthens a plan, so a count at or below the proven
    # bound is optimal even when the programs ran out of time.
    bound = optimum if lower_bound is None else min(lower_bound, optimum)
    return PlanResult(
        objective, safety, order, plan, optimum, proven=bound == optimum, lower_bound=bound
    )


def check_time_limit(time_limit: object) -> float:
    """``time_limit`` as float seconds, or :class:`InvalidExchange` unless it is a positive,
    finite number."""
    allowed = "a positive, finite number of seconds (e.g. 10); leave it out for no limit"
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float):
        raise InvalidExchange(f"the time limit must be {allowed}; got {time_limit!r}")
    try:
        seconds = float(time_limit)
    except OverflowError:
        raise InvalidExchange(
            f"the time limit must be {allowed}; got an integer too large for a float"
        ) from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidExchange(f"the time limit must be {allowed}; got {time_limit!r}")
    return seconds


def affine_band(problem: ExchangeProblem) -> AffineBand:
    """The band of independent units as ``L(x) = base_low + w.x``, ``U(x) = base_high + c.x``,
    with each unit's lowest value ``w`` and highest cost ``c`` (the worst case)."""
    goods = problem.goods
    if not isinstance(goods, IndependentUnits):
        raise InvalidExchange("an affine band needs independent units")
    cost = tuple(i.unit_cost.high for i in goods.items)
    value = tuple(i.unit_value.low for i in goods.items)
    counts = goods.counts
    return AffineBand(
        counts,
        cost,
        value,
        problem.price
        - problem.buyer_forgoes
        - sum(w * n for w, n in zip(value, counts, strict=True)),
        problem.price
        + problem.seller_forgoes
        - sum(c * n for c, n in zip(cost, counts, strict=True)),
        problem.price,
    )


def build_lattice(problem: ExchangeProblem) -> Lattice:
    """Every delivery state with its band clipped to ``[0, P]``, for the exact state search."""
    counts = problem.counts
    pairs = Lattice.pair_count(counts)
    if pairs > MAX_LATTICE_PAIRS:
        raise InvalidExchange(
            f"too many delivery states for the exact state search: {problem.goods.state_count} "
            f"states with {pairs} (state, later state) pairs; at most {MAX_LATTICE_PAIRS} pairs "
            "are allowed (a divisible item in up to 2,000 pieces); use fewer pieces, or the "
            "independent-units form if the units are independent"
        )
    goods = problem.goods
    price = problem.price
    low = np.fromiter(
        (max(price - problem.buyer_forgoes - goods.buyer_rest_low(x), 0) for x in goods.states()),
        dtype=np.int64,
    )
    high = np.fromiter(
        (
            min(price + problem.seller_forgoes - goods.seller_rest_high(x), price)
            for x in goods.states()
        ),
        dtype=np.int64,
    )
    return Lattice(counts, low, high, price)


def _shapes(objective: Objective) -> tuple[Shape, ...]:
    """Slot patterns with ``c`` units of the objective: "S" steps, "D"/"P" single actions."""
    if objective is Objective.STEPS:
        return (Shape("", "S", 1, 0),)
    if objective is Objective.DELIVERIES:
        return (Shape("P", "DP", 2, 1),)  # pay, then c times: deliver, pay
    if objective is Objective.PAYMENTS:
        return (Shape("D", "PD", 2, 1),)  # deliver, then c times: pay, deliver
    return (Shape("", "DP", 1, 0), Shape("", "PD", 1, 0))  # c alternating actions


def _actions(states: Path) -> Path:
    """The states of single-action moves: no-ops dropped, runs of one kind merged."""
    out: Path = [states[0]]
    kinds: list[str] = []
    for x, p in states[1:]:
        px, pp = out[-1]
        if (x, p) == (px, pp):
            continue
        if x != px and p != pp:  # pragma: no cover - action paths move one thing at a time
            raise AssertionError("an action path both delivered and paid in one move")
        kind = "D" if x != px else "P"
        if kinds and kinds[-1] == kind:
            out[-1] = (x, p)
        else:
            out.append((x, p))
            kinds.append(kind)
    return out


def _pair(problem: ExchangeProblem, states: Path, safety: Safety, order: Order) -> Plan:
    """Steps from single actions, pairing neighbours into one step wherever that step is safe."""

    def safe_step(before: tuple[State, int], after: tuple[State, int]) -> bool:
        return all(
            m.paid in problem.band(m.delivered) for m in step_moments(before, after, safety, order)
        )

    steps: list[Step] = []
    i = 0
    while i < len(states) - 1:
        j = i + 2 if i + 2 < len(states) and safe_step(states[i], states[i + 2]) else i + 1
        (x, p), (x2, p2) = states[i], states[j]
        steps.append(Step(tuple(b - a for a, b in zip(x, x2, strict=True)), p2 - p))
        i = j
    return Plan(tuple(steps), order)
