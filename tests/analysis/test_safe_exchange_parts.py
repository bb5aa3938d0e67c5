"""The pieces under the safe exchange planner: integer interval sets, the fewest-payments rule
for fixed deliveries, the worst-case band over bounds (Sandholm, eMediator, section 4: "the
exchange plan will still be safe"), exact rounding of accrual curves, and JSON round trips."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.safe_exchange import (
    ExchangeProblem,
    Objective,
    Safety,
    dependent_items_example,
    plan_exchange,
    plan_from_json,
    result_to_json,
    stock_example,
)
from trustmarket.analysis.safe_exchange.intervals import (
    clip,
    contains,
    largest_below,
    normalize,
    subtract,
    union,
)
from trustmarket.analysis.safe_exchange.payments import fewest_payments

pieces = st.lists(st.tuples(st.integers(-5, 15), st.integers(-5, 15)), max_size=4)


def members(intervals: tuple[tuple[int, int], ...]) -> set[int]:
    return {v for a, b in intervals for v in range(a, b + 1)}


@given(pieces, pieces, st.integers(-6, 16), st.integers(-6, 16))
def test_interval_sets_behave_like_sets(
    first: list[tuple[int, int]], second: list[tuple[int, int]], low: int, high: int
) -> None:
    a, b = normalize(first), normalize(second)
    assert members(a) == {v for x, y in first for v in range(x, y + 1)}
    assert all(y + 1 < x2 for (_, y), (x2, _) in itertools.pairwise(a))  # canonical
    assert members(union(a, b)) == members(a) | members(b)
    assert members(subtract(a, b)) == members(a) - members(b)
    assert members(clip(a, low, high)) == {v for v in members(a) if low <= v <= high}
    assert contains(a, low) == (low in members(a))
    below = [v for v in members(a) if v < high]
    assert largest_below(a, high) == (max(below) if below else None)


@settings(max_examples=150)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=5),
    st.lists(st.sampled_from("DPS"), min_size=4, max_size=4),
)
def test_fewest_payments_is_least_and_feasible(
    raw: list[tuple[int, int]], kinds: list[str]
) -> None:
    bounds = [(min(a, b), max(a, b)) for a, b in raw]
    slots = kinds[: len(bounds) - 1]
    best: int | None = None
    for values in itertools.product(range(7), repeat=len(bounds)):
        if list(values) != sorted(values):
            continue
        if any(not lo <= v <= hi for v, (lo, hi) in zip(values, bounds, strict=True)):
            continue
        if any(s == "D" and values[t] != values[t + 1] for t, s in enumerate(slots)):
            continue
        changes = sum(a != b for a, b in itertools.pairwise(values))
        best = changes if best is None else min(best, changes)
    found = fewest_payments(bounds, slots)
    if best is None:
        assert found is None
        return
    assert found is not None
    assert found == sorted(found)
    assert all(lo <= v <= hi for v, (lo, hi) in zip(found, bounds, strict=True))
    assert all(s != "D" or found[t] == found[t + 1] for t, s in enumerate(slots))
    assert sum(a != b for a, b in itertools.pairwise(found)) == best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 2), st.integers(0, 5), st.integers(0, 3), st.integers(0, 5),
                  st.integers(0, 3)),
        min_size=1, max_size=2,
    ),
    st.integers(0, 20), st.integers(0, 4), st.integers(0, 4),
)  # fmt: skip
def test_unit_band_is_the_worst_case_over_the_bounds(
    items: list[tuple[int, int, int, int, int]], price: int, es: int, ed: int
) -> None:
    problem = ExchangeProblem.independent_units(
        [(f"i{k}", n, [str(c), str(c + dc)], [str(w), str(w + dw)])
         for k, (n, c, dc, w, dw) in enumerate(items)],
        price=str(price), seller_forgoes=str(es), buyer_forgoes=str(ed), currency="PTS",
    )  # fmt: skip
    counts = problem.counts
    choices = [((c, c + dc), (w, w + dw)) for _, c, dc, w, dw in items]
    for x in itertools.product(*(range(n + 1) for n in counts)):
        lows, highs = [], []
        for pick in itertools.product(*[itertools.product(*ch) for ch in choices]):
            rest_cost = sum(c * (n - k) for (c, _), n, k in zip(pick, counts, x, strict=True))
            rest_value = sum(w * (n - k) for (_, w), n, k in zip(pick, counts, x, strict=True))
            lows.append(price - ed - rest_value)
            highs.append(price + es - rest_cost)
        band = problem.band(x)
        assert (band.low, band.high) == (max(lows), min(highs))


def test_table_band_uses_high_accrual_and_low_total() -> None:
    rows = {(0,): ("0", "0"), (1,): (["2", "3"], ["4", "6"]), (2,): (["8", "9"], ["10", "11"])}
    problem = ExchangeProblem.dependent(
        [("a", 2)], rows, price="10", seller_forgoes="1", buyer_forgoes="1", currency="PTS"
    )
    # x = 1: low = P - e_d - (low v_d(X) - high v_d(x)) = 10 - 1 - (10 - 6) = 5;
    #        high = P + e_s - (high v_s(X) - low v_s(x)) = 10 + 1 - (9 - 2) = 4.
    band = problem.band((1,))
    assert (band.low, band.high) == (5, 4) and band.empty
    assert (problem.band((2,)).low, problem.band((2,)).high) == (9, 11)
    result = problem.plan()
    assert not result.found and result.reason is not None
    assert "no safe plan exists" in result.reason and result.stuck_at == (0,)


@settings(max_examples=80)
@given(
    st.integers(1, 12),
    st.lists(st.integers(0, 997), min_size=3, max_size=3),
    st.integers(0, 2000),
)
def test_divisible_curves_round_exactly(pieces: int, values: list[int], price: int) -> None:
    mid = max(1, pieces // 2)
    points = [(0, 0), (mid, values[0]), (pieces, values[1])] if mid < pieces else [
        (0, 0), (pieces, values[1])]  # fmt: skip
    problem = ExchangeProblem.divisible(
        "data", pieces, [(k, f"{v / 100:.2f}") for k, v in points],
        [(k, f"{v * 3 / 100:.2f}") for k, v in points],
        price=f"{price / 100:.2f}", seller_forgoes="0.07", buyer_forgoes="0.05", currency="USD",
    )  # fmt: skip

    def exact(k: int, scale: int) -> Fraction:
        for (a, va), (b, vb) in itertools.pairwise(points):
            if a <= k <= b:
                return Fraction(va * scale) + Fraction((vb - va) * scale * (k - a), b - a)
        raise AssertionError

    for k in range(pieces + 1):
        low = price - 5 - (exact(pieces, 3) - exact(k, 3))
        high = price + 7 - (exact(pieces, 1) - exact(k, 1))
        band = problem.band((k,))
        assert band.low == math.ceil(low) and band.high == math.floor(high)


def test_result_json_feeds_back_into_the_checker() -> None:
    for problem in (dependent_items_example(), stock_example()):
        for safety in Safety:
            result = problem.plan(Objective.STEPS, safety)
            data = result_to_json(result, problem)
            assert data["found"] and data["optimum"] == result.optimum
            assert data["counts"]["steps"] == result.optimum
            plan = plan_from_json(data["plan"], problem)
            assert plan == result.plan
            assert problem.check(plan, safety).safe
            assert data["states"][-1]["paid"] == problem.format(problem.price)


def test_no_plan_json_names_the_stuck_state() -> None:
    problem = ExchangeProblem.independent_units(
        [("a", 3, "1", "5"), ("b", 1, "4", "4")],
        price="10", seller_forgoes="0", buyer_forgoes="0", currency="PTS",
    )  # fmt: skip
    # Slack U - L starts at 12, each 'a' takes 4 and needs 5: after 'b' and two 'a' it is 4.
    result = problem.plan()
    data = result_to_json(result, problem)
    assert data["found"] is False and "no safe plan exists" in data["reason"]
    assert data["stuck_at"] == {"a": 2, "b": 1}
    assert "one more unit of 'a' needs at least 10 paid" in data["reason"]
    assert "most the seller can be trusted with" in data["reason"]
    # The lattice engine agrees that no plan exists.
    assert not plan_exchange(problem, engine="lattice").found
