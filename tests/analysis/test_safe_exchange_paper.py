"""The two worked examples of Sandholm, eMediator, section 4 (eExchangeHouse): the published
5-step plan of the dependent-items example is safe and our plan is no longer; the stock example
is planned under both readings of safety, which give the paper's 16 steps and our 9."""

from __future__ import annotations

import pytest

from trustmarket.analysis.safe_exchange import (
    PAPER_STEPS,
    ExchangeProblem,
    Objective,
    Order,
    Plan,
    Safety,
    Step,
    dependent_items_example,
    published_dependent_plan,
    stock_example,
)

OBJECTIVES = list(Objective)


@pytest.fixture(scope="module")
def software() -> ExchangeProblem:
    return dependent_items_example()


@pytest.fixture(scope="module")
def stocks() -> ExchangeProblem:
    return stock_example()


def test_table_2_band(software: ExchangeProblem) -> None:
    # P = 22, e = 2, v_s(X) = 19, v_d(X) = 26: band = [v_d(x) - 6, v_s(x) + 5] dollars.
    assert software.band((0, 0)).low == -600 and software.band((0, 0)).high == 500
    assert (software.band((0, 2)).low, software.band((0, 2)).high) == (0, 1400)
    assert (software.band((1, 4)).low, software.band((1, 4)).high) == (2000, 2400)


@pytest.mark.parametrize("safety", list(Safety))
def test_published_plan_is_safe(software: ExchangeProblem, safety: Safety) -> None:
    verdict = software.check(published_dependent_plan(), safety)
    assert verdict.safe and verdict.first_unsafe is None
    # "completed safely in five steps, containing four deliveries and four payments"
    assert (verdict.steps, verdict.deliveries, verdict.payments) == (5, 4, 4)


def test_our_plan_is_no_longer_than_the_published_one(software: ExchangeProblem) -> None:
    published = len(published_dependent_plan().steps)
    assert published == PAPER_STEPS["dependent-items"]
    for safety in Safety:
        result = software.plan(Objective.STEPS, safety)
        assert result.plan is not None
        assert len(result.plan.steps) <= published
        assert software.check(result.plan, safety).safe
    paper = software.plan(Objective.STEPS, Safety.EITHER_ORDER)
    assert paper.optimum == PAPER_STEPS["dependent-items"]
    assert software.plan(Objective.STEPS, Safety.SEQUENTIAL).optimum == 3


def test_published_plan_is_optimal_only_under_either_order(software: ExchangeProblem) -> None:
    # Our 3-step sequential plan is not safe when either half of a step may land first...
    fast = software.plan(Objective.STEPS, Safety.SEQUENTIAL).plan
    assert fast is not None
    assert not software.check(fast, Safety.EITHER_ORDER).safe
    # ...and a 4-step plan under either-order safety does not exist: 5 is the least.
    assert software.plan(Objective.STEPS, Safety.EITHER_ORDER).optimum == 5


def test_unsafe_variant_of_published_plan(software: ExchangeProblem) -> None:
    # Paying $6 instead of $5 in step 1 leaves the seller ahead if he vanishes with the money
    # before delivering (either order), while deliver-first is still safe ($6 <= $14).
    steps = list(published_dependent_plan().steps)
    steps[0], steps[1] = Step((0, 2), 600), Step((0, 1), 800)
    plan = Plan(tuple(steps), Order.DELIVER_FIRST)
    assert software.check(plan, Safety.SEQUENTIAL).safe
    verdict = software.check(plan, Safety.EITHER_ORDER)
    assert not verdict.safe and verdict.first_unsafe is not None
    assert verdict.first_unsafe.step == 1 and verdict.first_unsafe.defector == "seller"
    assert verdict.first_unsafe.delivered == (0, 0) and verdict.first_unsafe.paid == 600


def test_stock_example_both_counts(stocks: ExchangeProblem) -> None:
    assert stocks.price == 2586460 and sum(stocks.counts) == 240
    paper = stocks.plan(Objective.STEPS, Safety.EITHER_ORDER)
    ours = stocks.plan(Objective.STEPS, Safety.SEQUENTIAL)
    assert paper.optimum == PAPER_STEPS["stocks"] == 16
    assert ours.optimum == 9
    for result in (paper, ours):
        assert result.plan is not None
        assert stocks.check(result.plan, result.safety).safe
        assert len(result.plan.steps) == result.optimum


@pytest.mark.parametrize("safety", list(Safety))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_stock_example_every_objective(
    stocks: ExchangeProblem, objective: Objective, safety: Safety
) -> None:
    result = stocks.plan(objective, safety)
    assert result.plan is not None and result.optimum is not None
    assert result.plan.count[objective.value] == result.optimum
    assert stocks.check(result.plan, safety).safe
    # Single actions are safe under both readings, so only the step count differs.
    if objective is not Objective.STEPS:
        other = stocks.plan(
            objective, Safety.SEQUENTIAL if safety is Safety.EITHER_ORDER else Safety.EITHER_ORDER
        )
        assert other.optimum == result.optimum
