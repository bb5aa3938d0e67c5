"""The plan checker (Sandholm, eMediator, section 4; SPEC 5): the first unsafe state, who would
vanish, which intermediate states each reading of safety tests, and plans that do not fit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.safe_exchange import (
    ExchangeProblem,
    Order,
    Plan,
    Safety,
    Step,
    check_plan,
    dependent_items_example,
)
from trustmarket.core.errors import InvalidExchange


@pytest.fixture(scope="module")
def software() -> ExchangeProblem:
    return dependent_items_example()


def one_unit(price: str, cost: str, value: str, es: str = "0", ed: str = "0") -> ExchangeProblem:
    return ExchangeProblem.independent_units(
        [("book", 1, cost, value)],
        price=price,
        seller_forgoes=es,
        buyer_forgoes=ed,
        currency="PTS",
    )


def test_buyer_defects_after_delivery_without_payment() -> None:
    # Deliver everything first, then pay: after the delivery the buyer owes 10 for nothing.
    problem = one_unit("10", "4", "12", es="1", ed="1")
    plan = Plan((Step((1,), 0), Step((0,), 10)))
    verdict = problem.check(plan)
    assert not verdict.safe and verdict.first_unsafe is not None
    unsafe = verdict.first_unsafe
    assert (unsafe.step, unsafe.delivered, unsafe.paid, unsafe.defector) == (1, (1,), 0, "buyer")
    assert unsafe.band.low == 9 and "buyer gains by vanishing" in unsafe.message
    assert unsafe.moment == "at the end of the step"


def test_seller_defects_after_prepayment() -> None:
    problem = one_unit("10", "4", "12", es="1", ed="1")
    plan = Plan((Step((0,), 10), Step((1,), 0)))
    unsafe = problem.check(plan).first_unsafe
    assert unsafe is not None
    # Before delivery the seller may hold at most P + e_s - cost = 7.
    assert (unsafe.step, unsafe.defector, unsafe.band.high) == (1, "seller", 7)
    assert "seller gains by vanishing" in unsafe.message


def test_two_action_step_checks_the_stated_order() -> None:
    # One step: deliver and pay 10. Deliver-first passes through (1, 0): the buyer owes 10 for
    # goods she has (unsafe if e_d < 10 - 0); pay-first passes through (0, 10), unsafe for the
    # seller if 10 > 10 + e_s - 4.
    problem = one_unit("10", "4", "12", es="1", ed="1")
    step = Plan((Step((1,), 10),), Order.DELIVER_FIRST)
    first = problem.check(step).first_unsafe
    assert first is not None and first.defector == "buyer"
    assert first.moment == "after the delivery, before the payment"
    pay_first = Plan((Step((1,), 10),), Order.PAY_FIRST)
    second = problem.check(pay_first).first_unsafe
    assert second is not None and second.defector == "seller"
    assert second.moment == "after the payment, before the delivery"
    # With large enough e both are fine; either-order needs both.
    generous = one_unit("10", "4", "12", es="6", ed="10")
    assert generous.check(step, Safety.EITHER_ORDER).safe
    half = one_unit("10", "4", "12", es="6", ed="9")
    assert half.check(pay_first, Safety.SEQUENTIAL).safe
    assert not half.check(pay_first, Safety.EITHER_ORDER).safe


def test_unsafe_start_is_step_zero() -> None:
    # The seller's cost exceeds price + e_s: he walks away before anything happens.
    problem = one_unit("5", "9", "12", es="1")
    unsafe = problem.check(Plan((Step((1,), 5),))).first_unsafe
    assert unsafe is not None and unsafe.step == 0 and unsafe.defector == "seller"
    assert unsafe.message.startswith("the start")


def test_check_plan_function_and_counts(software: ExchangeProblem) -> None:
    plan = Plan((Step((0, 2), 500), Step((1, 2), 1700)))
    verdict = check_plan(software, plan, "sequential")
    assert (verdict.steps, verdict.deliveries, verdict.payments) == (2, 2, 2)
    assert verdict.safety is Safety.SEQUENTIAL
    assert not verdict.safe and verdict.first_unsafe is not None
    assert verdict.first_unsafe.step == 2


@pytest.mark.parametrize(
    ("steps", "fragment"),
    [
        ((Step((0, 5), 2200), Step((1, 0), 0)), "only 4"),
        ((Step((1, 4), 2300),), "the price is 22.00"),
        ((Step((1, 4), 2100),), "must end with everything delivered"),
        ((Step((0, 4), 2200),), "1 plug-in, 4 package"),
        ((Step((1, 4, 0), 2200),), "3 item counts; the exchange has 2"),
    ],
)
def test_plans_that_do_not_fit_are_refused(
    software: ExchangeProblem, steps: tuple[Step, ...], fragment: str
) -> None:
    with pytest.raises(InvalidExchange, match=fragment):
        software.check(Plan(steps))


def test_bad_check_arguments(software: ExchangeProblem) -> None:
    plan = Plan((Step((1, 4), 2200),))
    with pytest.raises(InvalidExchange, match="unknown safety 'strict'; allowed: sequential"):
        software.check(plan, "strict")
    with pytest.raises(InvalidExchange, match="expected a Plan"):
        software.check([(1, 4)])  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(0, 900)),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(list(Safety)),
    st.sampled_from(list(Order)),
)
def test_checker_agrees_with_the_band_everywhere(
    software: ExchangeProblem,
    chunks: list[tuple[int, int, int]],
    safety: Safety,
    order: Order,
) -> None:
    # Random plans that complete the exchange: the verdict is "safe" iff every state the
    # definition lists is inside its band, and the first unsafe state is the first such.
    x, p = [0, 0], 0
    steps = []
    for plug, pack, pay in chunks:
        d = (min(plug, 1 - x[0]), min(pack, 4 - x[1]))
        pay = min(pay, 2200 - p)
        if any(d) or pay:
            steps.append(Step(d, pay))
            x, p = [x[0] + d[0], x[1] + d[1]], p + pay
    rest = (1 - x[0], 4 - x[1])
    if any(rest) or p < 2200:
        steps.append(Step(rest, 2200 - p))
    plan = Plan(tuple(steps), order)
    verdict = software.check(plan, safety)
    visited = []
    states = plan.states(2)
    for k, ((x0, p0), (x1, p1)) in enumerate(itertools.pairwise(states), start=1):
        if x0 != x1 and p0 != p1:
            if safety is Safety.EITHER_ORDER or order is Order.DELIVER_FIRST:
                visited.append((k, x1, p0))
            if safety is Safety.EITHER_ORDER or order is Order.PAY_FIRST:
                visited.append((k, x0, p1))
        visited.append((k, x1, p1))
    bad = [(k, xs, ps) for k, xs, ps in visited if ps not in software.band(xs)]
    assert verdict.safe == (not bad)
    if bad:
        assert verdict.first_unsafe is not None
        k, xs, ps = bad[0]
        assert (verdict.first_unsafe.step, verdict.first_unsafe.delivered) == (k, xs)
        assert verdict.first_unsafe.paid == ps
