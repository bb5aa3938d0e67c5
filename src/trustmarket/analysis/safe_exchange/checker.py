"""Check a given exchange plan: is it safe, and if not, where does it first fail?

Walks the plan from ``(0, 0)``; at the start and at every state each step passes through
(:func:`~.safety.step_moments`: under :attr:`~.safety.Safety.SEQUENTIAL` the state after the
step's first half in its stated order, under :attr:`~.safety.Safety.EITHER_ORDER` both
half-states, then the state after the step) it tests ``low <= p <= high`` of the band (Sandholm,
eMediator, section 4; SPEC 5). Exact integer arithmetic throughout.

A plan that does not fit the exchange (wrong number of items, more units or money than the
contract, or not ending at everything delivered and the price paid) is bad input and raises
:class:`~trustmarket.core.errors.InvalidExchange`; a plan that fits but lets someone gain by
vanishing is reported, not raised.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from trustmarket.analysis.safe_exchange.plans import Plan
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem
from trustmarket.analysis.safe_exchange.safety import Band, Safety, step_moments
from trustmarket.core.errors import InvalidExchange

State = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UnsafeState:
    """The first state of a plan where a party gains by vanishing.

    ``step`` is 1-based (0 is the start, before any step); ``moment`` says where in the step;
    ``defector`` is ``"buyer"`` (paid too little: she would keep the goods) or ``"seller"``
    (paid too much: he would keep the money).
    """

    step: int
    moment: str
    delivered: State
    paid: int
    band: Band
    defector: str
    message: str


@dataclass(frozen=True, slots=True)
class SafetyCheck:
    """The verdict on a plan: ``safe``, its counts, and the first unsafe state if any."""

    safe: bool
    safety: Safety
    steps: int
    deliveries: int
    payments: int
    first_unsafe: UnsafeState | None = None


def validate_plan(problem: ExchangeProblem, plan: Plan) -> list[tuple[State, int]]:
    """The plan's states after each step (from ``(0, 0)``), or :class:`InvalidExchange` if the
    plan does not fit ``problem``."""
    if not isinstance(plan, Plan):
        raise InvalidExchange(f"expected a Plan, got {type(plan).__name__}")
    items = len(problem.counts)
    states = plan.states(items)
    for k, (x, p) in enumerate(states[1:], start=1):
        for name, have, total in zip(problem.items, x, problem.counts, strict=True):
            if have > total:
                raise InvalidExchange(
                    f"step {k} brings the units of {name!r} delivered to {have}; "
                    f"the exchange has only {total}"
                )
        if p > problem.price:
            raise InvalidExchange(
                f"step {k} brings the payments to {problem.format(p)}; "
                f"the price is {problem.format(problem.price)}"
            )
    x, p = states[-1]
    if x != problem.counts or p != problem.price:
        raise InvalidExchange(
            f"the plan ends with {problem.describe(x)} delivered and {problem.format(p)} paid; "
            f"a plan must end with everything delivered ({problem.describe(problem.counts)}) "
            f"and the price ({problem.format(problem.price)}) paid"
        )
    return states


def _unsafe(
    problem: ExchangeProblem, step: int, moment: str, x: State, p: int, band: Band
) -> UnsafeState:
    who = band.defector(p)
    assert who is not None
    f = problem.format
    where = f"step {step}, {moment}" if step else "the start"
    state = f"{problem.describe(x)} delivered, {f(p)} paid"
    if band.empty:
        detail = (
            f"no payment is safe there: the buyer needs at least {f(band.low)} paid and the "
            f"seller can be trusted with at most {f(band.high)}"
        )
    elif who == "buyer":
        detail = (
            f"the buyer gains by vanishing: the {f(problem.price - p)} she still owes exceeds "
            f"the {f(problem.goods.buyer_rest_low(x))} the goods still to come are worth to her "
            f"plus the {f(problem.buyer_forgoes)} she forgoes by vanishing; at least "
            f"{f(band.low)} must be paid by then"
        )
    else:
        detail = (
            f"the seller gains by vanishing: the {f(problem.price - p)} still owed to him is "
            f"less than the {f(problem.goods.seller_rest_high(x))} the goods still to deliver "
            f"cost him minus the {f(problem.seller_forgoes)} he forgoes by vanishing; at most "
            f"{f(band.high)} may be paid by then"
        )
    return UnsafeState(step, moment, x, p, band, who, f"{where} ({state}): {detail}")


def check_plan(
    problem: ExchangeProblem, plan: Plan, safety: Safety | str = Safety.SEQUENTIAL
) -> SafetyCheck:
    """Whether every state ``plan`` passes through is in its band (section 4; SPEC 5).

    Returns the verdict with the plan's counts and, if unsafe, the first unsafe state; raises
    :class:`InvalidExchange` if the plan does not fit the exchange.
    """
    safety = Safety.coerce(safety)
    states = validate_plan(problem, plan)
    verdict = SafetyCheck(True, safety, len(plan.steps), plan.deliveries, plan.payments)
    x0, p0 = states[0]
    band = problem.band(x0)
    if p0 not in band:
        return _with_unsafe(verdict, _unsafe(problem, 0, "the start", x0, p0, band))
    for k, (before, after) in enumerate(itertools.pairwise(states), start=1):
        for moment in step_moments(before, after, safety, plan.order):
            band = problem.band(moment.delivered)
            if moment.paid not in band:
                found = _unsafe(problem, k, moment.label, moment.delivered, moment.paid, band)
                return _with_unsafe(verdict, found)
    return verdict


def _with_unsafe(verdict: SafetyCheck, found: UnsafeState) -> SafetyCheck:
    return SafetyCheck(
        False, verdict.safety, verdict.steps, verdict.deliveries, verdict.payments, found
    )
