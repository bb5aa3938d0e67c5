"""The online-auction trust paper's heuristics (section 4.2, equations (ii) to (iv)): hand values,
independent recomputation, and bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.models.auction_heuristics import (
    experience,
    optimal_price,
    time_component,
    trust_value,
)
from trustmarket.reputation.models.rater_weighted import weight_against

# -- (ii) optimal price: P0 + sum_{d=1..n_days} (0.1 P0 - (pi - 0.5) priority) -------------------


@pytest.mark.parametrize(
    ("p0", "days", "priority", "pressure", "expected"),
    [
        (100, 3, 0.4, 0.9, 100 + 3 * (10 - 0.4 * 0.4)),  # 129.52
        (100, 3, 1.0, 0.5, 130.0),  # pi = 0.5: the priority term vanishes
        (100, 0, 1.0, 1.0, 100.0),  # no days: the initial price
        (50, 2, 1.0, 0.0, 50 + 2 * (5 + 0.5)),  # low pressure raises the price: 61
        (50, 2, 0.0, 1.0, 60.0),  # no priority: 10% a day
        (0, 5, 1.0, 1.0, -2.5),  # as stated: the priority is added to money, units disagree
    ],
)
def test_optimal_price_by_hand(
    p0: float, days: int, priority: float, pressure: float, expected: float
) -> None:
    assert optimal_price(p0, days, priority, pressure) == pytest.approx(expected)


def test_optimal_price_default_pressure_is_one_half() -> None:
    assert optimal_price(200, 4, 0.7) == pytest.approx(200 + 4 * 20)
    assert optimal_price(100, 3, 0.4, 0.9) == pytest.approx(129.52)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=0, max_value=1e6),
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_optimal_price_is_the_sum_over_days(
    p0: float, days: int, priority: float, pressure: float
) -> None:
    total = p0
    for _ in range(1, days + 1):
        total += 0.1 * p0 - (pressure - 0.5) * priority
    assert optimal_price(p0, days, priority, pressure) == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 3, 0.5), "initial_price must be >= 0"),
        ((float("nan"), 3, 0.5), "initial_price must be a finite number"),
        ((float("inf"), 3, 0.5), "initial_price must be a finite number"),
        ((True, 3, 0.5), "initial_price must be a finite number"),
        (("100", 3, 0.5), "initial_price must be a finite number"),
        ((100, -1, 0.5), "days must be a whole number"),
        ((100, 1.5, 0.5), "days must be a whole number"),
        ((100, True, 0.5), "days must be a whole number"),
        ((100, "3", 0.5), "days must be a whole number"),
        ((100, 3, 1.1), r"priority must be in \[0, 1\]"),
        ((100, 3, -0.1), r"priority must be in \[0, 1\]"),
        ((100, 3, float("nan")), "priority must be a finite number"),
        ((100, 3, 0.5, 1.5), r"pressure must be in \[0, 1\]"),
        ((100, 3, 0.5, -0.5), r"pressure must be in \[0, 1\]"),
        ((100, 3, 0.5, None), "pressure must be a finite number"),
    ],
)
def test_optimal_price_refuses_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        optimal_price(*args)  # type: ignore[arg-type]


# -- (iii) time component: f_prev - f_prev / (time since last auction) ---------------------------


@pytest.mark.parametrize(
    ("f_prev", "elapsed", "expected"),
    [
        (10, 2, 5.0),
        (10, 1, 0.0),
        (10, 0.5, -10.0),
        (0, 5, 0.0),
        (-4, 4, -3.0),
        (12.5, 10, 11.25),
    ],
)
def test_time_component_by_hand(f_prev: float, elapsed: float, expected: float) -> None:
    assert time_component(f_prev, elapsed) == pytest.approx(expected)


def test_time_component_tends_to_the_previous_feedback_as_time_passes() -> None:
    values = [time_component(8.0, t) for t in (1, 2, 4, 8, 1000)]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(8.0, abs=0.01)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 0), "time_since_last must be > 0"),
        ((10, -3), "time_since_last must be > 0"),
        ((10, float("nan")), "time_since_last must be a finite number"),
        ((10, True), "time_since_last must be a finite number"),
        ((float("inf"), 2), "previous_feedback must be a finite number"),
        (("10", 2), "previous_feedback must be a finite number"),
    ],
)
def test_time_component_refuses_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        time_component(*args)  # type: ignore[arg-type]


# -- experience: auctions won / auctions taken part in -------------------------------------------


@pytest.mark.parametrize(
    ("won", "taken", "expected"), [(3, 4, 0.75), (0, 5, 0.0), (5, 5, 1.0), (1, 3, 1 / 3)]
)
def test_experience_by_hand(won: int, taken: int, expected: float) -> None:
    assert experience(won, taken) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("won", "taken", "message"),
    [
        (0, 0, "at least one auction"),
        (4, 3, "cannot exceed"),
        (-1, 3, "won must be a whole number"),
        (1, -3, "taken_part must be a whole number"),
        (1.0, 3, "won must be a whole number"),
        (1, 3.0, "taken_part must be a whole number"),
        (True, 3, "won must be a whole number"),
        (1, None, "taken_part must be a whole number"),
    ],
)
def test_experience_refuses_bad_input(won: object, taken: object, message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        experience(won, taken)  # type: ignore[arg-type]


# -- (iv) trust value: exp(W_x * W_price * time * experience) ------------------------------------


def test_trust_value_by_hand() -> None:
    assert trust_value(1.7472, 0.5, 5.0, 0.75) == pytest.approx(math.exp(1.7472 * 0.5 * 5 * 0.75))
    assert trust_value(2.0, 1.0, 1.0, 0.5) == pytest.approx(math.e)
    assert trust_value(0.0, 3.0, 4.0, 1.0) == 1.0
    assert trust_value(1.0, 1.0, -2.0, 1.0) == pytest.approx(math.exp(-2.0))


def test_trust_value_from_the_papers_table2_weight() -> None:
    x = {"a": (3.5, 4, 5), "b": (3, 5, 2), "c": (5, 5, 5), "d": (1, 4.5, 4)}
    y = {"a": (4, 2, 4), "b": (2.5, 4, 3), "c": (1, 0, 5), "d": (2, 5, 4)}
    w_x = weight_against(x, y)
    t = time_component(4.0, 2.0)  # 4 - 4 / 2 = 2
    e = experience(3, 4)  # 0.75
    assert trust_value(w_x, 0.8, t, e) == pytest.approx(math.exp(1.7471991 * 0.8 * 2 * 0.75))


def test_trust_value_refuses_an_overflowing_exponent() -> None:
    assert trust_value(700.0, 1.0, 1.0, 1.0) == pytest.approx(math.exp(700.0))
    with pytest.raises(InvalidReputation, match="overflows"):
        trust_value(710.0, 1.0, 1.0, 1.0)
    with pytest.raises(InvalidReputation, match="overflows"):
        trust_value(100.0, 10.0, 1.0, 1.0)


def test_trust_value_refuses_a_product_that_overflows_to_infinity() -> None:
    with pytest.raises(InvalidReputation, match="overflows"):
        trust_value(1e200, 1e200, 1.0, 1.0)


def test_trust_value_never_returns_nan() -> None:
    try:
        value = trust_value(1e200, 1e200, 0.0, 1.0)
    except InvalidReputation:
        return
    assert math.isfinite(value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((float("nan"), 1, 1, 1), "rater_weight must be a finite number"),
        ((1, float("inf"), 1, 1), "price_weight must be a finite number"),
        ((1, 1, True, 1), "time must be a finite number"),
        ((1, 1, 1, "0.5"), "experience_value must be a finite number"),
        ((None, 1, 1, 1), "rater_weight must be a finite number"),
    ],
)
def test_trust_value_refuses_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        trust_value(*args)  # type: ignore[arg-type]
