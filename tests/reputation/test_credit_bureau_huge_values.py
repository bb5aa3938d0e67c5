"""Integers too large for a float, and counts too large to run, in the credit bureau: every
numeric parameter refuses them with InvalidReputation naming the parameter and its allowed
range (``float(10**400)`` raised OverflowError from the shared checks; ``periods=10**400`` ran
M2 for ever; ``samples`` and ``draws`` ended in numpy's ValueError)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau import (
    ProfitFunction,
    ReputationFunction,
    check_theorem_1,
    compare_bids,
    customer_trusts,
    m2_update,
    merchant_tampers,
    run_m1,
    simulate_m2,
    stable_points,
    tamper_threshold,
    unchecked_probability,
    uniform_reputation,
)
from trustmarket.reputation.checks import at_least, finite_number, unit_number, whole_number

HUGE = [10**400, -(10**400), 10**5000]  # 10**5000 cannot even be printed in decimal
HUGE_IDS = ["1e400", "-1e400", "1e5000"]

T = ReputationFunction(0.02)
H = ProfitFunction.linear(1.0)

#: (call with the value, the start of the message: the parameter and its allowed range).
NUMBERS: list[tuple[Callable[[int], object], str]] = [
    (lambda v: ReputationFunction(v), "the tracing cost C must be a finite number > 0"),
    (lambda v: T.fixed_points(v), "the merchant's loss L_m must be a finite number >= 0"),
    (lambda v: T(v), "the merchant's loss L_m must be a finite number >= 0"),
    (lambda v: T.consistent([0.5], v), "the merchant's loss L_m must be a finite number >= 0"),
    (lambda v: T.inverse(v), "the reputation R must be a finite number in [0, 1]"),
    (lambda v: T.inverse(0.5, upper=v), "the upper end of the search must be a finite number > 0"),
    (lambda v: customer_trusts(v, 0.1, 0.02), "the reputation R must be a finite number in [0, 1]"),
    (
        lambda v: customer_trusts(0.5, v, 0.02),
        "the customer's loss L_c must be a finite number >= 0",
    ),
    (lambda v: customer_trusts(0.5, 0.1, v), "the tracing cost C must be a finite number > 0"),
    (
        lambda v: unchecked_probability(0.5, v, "uniform:0,1"),
        "the tracing cost C must be a finite number > 0",
    ),
    (lambda v: tamper_threshold(v, 0.1), "q must be a probability in [0, 1]"),
    (lambda v: tamper_threshold(0.5, v), "the merchant's loss L_m must be a finite number >= 0"),
    (
        lambda v: merchant_tampers(0.5, v, 0.1, 0.02, "uniform:0,1"),
        "the merchant's gain V_m must be a finite number >= 0",
    ),
    (lambda v: uniform_reputation(v, 0.1), "the tracing cost C must be a finite number > 0"),
    (lambda v: ProfitFunction.linear(v), "the slope of h must be a finite number >= 0"),
    (lambda v: run_m1(T, H, v), "the starting reputation must be a number in [0, 1]"),
    (
        lambda v: run_m1(T, H, 0.5, r_max=v),
        "r_max, the highest allowed reputation, must be a number in (0, 1]",
    ),
    (lambda v: run_m1(T, H, 0.5, tolerance=v), "the tolerance must be a finite number >= 0"),
    (
        lambda v: stable_points(T, H, r_max=v),
        "r_max, the highest allowed reputation, must be a number in (0, 1]",
    ),
    (lambda v: m2_update(T, v, 0.1, 0.01), "a bid must be a finite number in [0, 1]"),
    (lambda v: m2_update(T, 0.5, v, 0.01), "the earnings e must be a finite number >= 0"),
    (lambda v: m2_update(T, 0.5, 0.1, v), "the audit cost C_a must be a finite number >= 0"),
    (lambda v: simulate_m2(T, H, v, None), "the start must be a finite number >= 0"),
    (lambda v: simulate_m2(T, H, 0.5, v), "a bid must be a finite number >= 0"),
    (lambda v: simulate_m2(T, H, 0.5, None, discount=v), "the discount must be a finite number"),
    (
        lambda v: simulate_m2(T, H, 0.5, None, r_max=v),
        "r_max, the highest allowed reputation, must be a number in (0, 1]",
    ),
    (lambda v: compare_bids(T, H, 0.5, overbids=(v,)), "an overbid must be a finite number > 0"),
    (lambda v: check_theorem_1(T, v), "the merchant's loss L_m must be a finite number >= 0"),
    (
        lambda v: check_theorem_1(T, 0.1, reputation=v),
        "the reputation must be a number in [0, 1)",
    ),
]

#: (call with the count, the message's start): counts bounded so one call cannot run for ever.
COUNTS: list[tuple[Callable[[int], object], str]] = [
    (
        lambda v: ReputationFunction(0.02, samples=v),
        "samples must be an integer from 3 to 1,000,000",
    ),
    (lambda v: stable_points(T, H, samples=v), "samples must be an integer from 3 to 1,000,000"),
    (lambda v: run_m1(T, H, 0.5, periods=v), "periods must be an integer from 1 to 10,000"),
    (lambda v: simulate_m2(T, H, 0.5, None, periods=v), "periods must be an integer from 1 to"),
    (lambda v: check_theorem_1(T, 0.1, draws=v), "draws must be an integer from 1 to 10,000,000"),
]


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
@pytest.mark.parametrize(("call", "message"), NUMBERS)
def test_huge_integers_are_refused_naming_the_parameter_and_its_range(
    call: Callable[[int], object], message: str, value: int
) -> None:
    with pytest.raises(InvalidReputation) as refusal:
        call(value)
    text = refusal.value.message
    assert text.startswith(message), text
    assert "digits, beyond the range of a float (about 1.8e308)" in text
    assert len(text) < 200


@pytest.mark.parametrize("value", [*HUGE, 10_000_001], ids=[*HUGE_IDS, "10000001"])
@pytest.mark.parametrize(("call", "message"), COUNTS)
def test_counts_too_large_to_run_are_refused(
    call: Callable[[int], object], message: str, value: int
) -> None:
    with pytest.raises(InvalidReputation) as refusal:
        call(value)
    text = refusal.value.message
    assert text.startswith(message), text
    assert len(text) < 120


def test_arrays_holding_a_huge_integer_are_refused() -> None:
    with pytest.raises(InvalidReputation, match="losses L_m must be finite numbers >= 0"):
        T.curve([0.1, 10**400])
    with pytest.raises(InvalidReputation, match="reputations R must be numbers in"):
        T.consistent([0.5, 10**400], 0.1)
    with pytest.raises(InvalidReputation, match="one is an integer beyond the range of a float"):
        ProfitFunction.points([(0, 0), (1, 10**5000)])


def test_the_largest_float_sized_integer_is_an_ordinary_value() -> None:
    # 10**300 converts: it is checked against the range like any number.
    with pytest.raises(InvalidReputation, match="the tracing cost C must be > 0, got -1e\\+300"):
        ReputationFunction(-(10**300))
    assert ReputationFunction(10**300).cost == 1e300
    assert T.fixed_points(0) == pytest.approx((0.0,))  # an int loss is still accepted


def refusal(call: Callable[[], object]) -> str:
    with pytest.raises(InvalidReputation) as refused:
        call()
    return refused.value.message


def test_the_shared_checks_give_the_allowed_range() -> None:
    for check in (
        lambda: finite_number(10**400, "x"),
        lambda: at_least(10**400, "x", 0.0),
        lambda: unit_number(10**400, "x"),
    ):
        assert "beyond the range of a float" in refusal(check)
    inf, nan = float("inf"), float("nan")
    assert refusal(lambda: at_least(inf, "x", 0.0, strict=True)) == (
        "x must be a finite number > 0, got inf"
    )
    assert refusal(lambda: unit_number(nan, "x")) == "x must be a finite number in [0, 1], got nan"
    assert refusal(lambda: finite_number(True, "x")) == "x must be a finite number, got True"
    assert refusal(lambda: whole_number(2.0, "n", 1, 10)) == (
        "n must be an integer from 1 to 10, got 2.0"
    )
    assert whole_number(10, "n", 1, 10) == 10
