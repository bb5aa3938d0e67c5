"""The credit bureau: T(L) against the uniform closed form, every fixed point, Theorem 1 by
Monte Carlo, M1's stable points and basins (paper figures 5 and 6), M2's punishment of
overbidding, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidDistribution, InvalidInput, InvalidReputation
from trustmarket.reputation.bureau import (
    ProfitFunction,
    ReputationFunction,
    as_cdf,
    check_theorem_1,
    compare_bids,
    customer_trusts,
    m2_update,
    merchant_tampers,
    parse_cdf,
    run_m1,
    simulate_m2,
    stable_points,
    tamper_threshold,
    unchecked_probability,
    uniform_reputation,
)
from trustmarket.reputation.bureau.plots import plot_m1, plot_reputation, save

C = 0.02
T = ReputationFunction(C)


# -- the strategies ---------------------------------------------------------------------------
def test_customer_trusts_iff_expected_loss_is_at_most_the_tracing_cost() -> None:
    assert customer_trusts(0.9, 0.2, 0.02)  # 0.1 * 0.2 = 0.02 <= 0.02
    assert not customer_trusts(0.9, 0.21, 0.02)
    assert customer_trusts(1.0, 1e9, 0.02)


def test_merchant_tampers_iff_gain_beats_the_expected_loss() -> None:
    q = unchecked_probability(0.8, 0.02, "uniform:0,1")
    assert q == pytest.approx(0.1)  # F(0.02 / 0.2)
    threshold = tamper_threshold(q, 0.1)
    assert threshold == pytest.approx(0.9)  # 0.1 * 0.9 / 0.1
    assert merchant_tampers(0.8, 0.91, 0.1, 0.02, "uniform:0,1")
    assert not merchant_tampers(0.8, 0.89, 0.1, 0.02, "uniform:0,1")
    assert tamper_threshold(0.0, 0.1) == math.inf


# -- T(L) ---------------------------------------------------------------------------------------
def test_the_papers_figure_4_values() -> None:
    assert round(T(0.1), 4) == 0.8167
    assert round(T(1.0), 4) == 0.9608
    assert round(uniform_reputation(0.02, 0.1), 4) == 0.8167
    assert round(uniform_reputation(0.02, 1.0), 4) == 0.9608


@settings(max_examples=40, deadline=None)
@given(st.floats(0.005, 1.0), st.floats(0.0, 1.0))
def test_the_general_solver_equals_the_closed_form(cost: float, loss: float) -> None:
    function = ReputationFunction(cost)
    expected = loss * (1 - cost) / (cost + loss)
    points = function.fixed_points(loss)
    assert len(points) == 1
    assert points[0] == pytest.approx(expected, abs=1e-9)
    assert function.curve([loss])[0] == pytest.approx(expected, abs=1e-9)


def test_curve_is_concave_and_increasing_as_the_paper_says() -> None:
    losses = np.linspace(0.0, 1.0, 101)
    values = T.curve(losses)
    assert np.all(np.diff(values) > 0)
    assert np.all(np.diff(values, 2) < 1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.01, 0.3),
    st.floats(0.01, 3.0),
    st.floats(0.05, 2.0),
    st.floats(0.0, 1.0),
    st.floats(0.02, 0.5),
)
def test_one_consistent_reputation_for_any_smooth_f_and_g(
    cost: float, loss: float, f_scale: float, g_mean: float, g_sd: float
) -> None:
    """q(R) = F(C / (1 - R)) never falls as R rises, so G(L (1 - q) / q) never rises: it
    crosses the diagonal once. The solver searches for every crossing and finds exactly one."""
    F = scipy.stats.expon(scale=f_scale)  # noqa: N806
    G = scipy.stats.norm(g_mean, g_sd)  # noqa: N806
    points = ReputationFunction(cost, F, G).fixed_points(loss)
    assert len(points) == 1
    (r,) = points
    q = F.cdf(cost / (1 - r))
    assert G.cdf(loss * (1 - q) / q) == pytest.approx(r, abs=1e-8)


def test_a_gain_distribution_with_a_jump_can_leave_no_consistent_reputation() -> None:
    def step(x: float) -> float:
        return 0.0 if x < 0.5 else 1.0

    function = ReputationFunction(0.02, "uniform:0,1", step)
    assert function.fixed_points(0.1) == ()
    with pytest.raises(InvalidReputation, match="no reputation in \\[0, 1\\) is consistent"):
        function(0.1)


def test_inverse_undoes_t() -> None:
    for loss in (0.01, 0.1, 0.5, 2.0):
        assert T.inverse(T(loss)) == pytest.approx(loss, rel=1e-7)


# -- Theorem 1 ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("F", "G"), [("uniform:0,1", "uniform:0,1"), ("expon:0,0.5", "norm:0.4,0.15")]
)
def test_monte_carlo_defection_rate_equals_one_minus_r(F: str, G: str) -> None:  # noqa: N803
    function = ReputationFunction(0.05, F, G)
    check = check_theorem_1(function, 0.2, draws=200_000, seed=11)
    assert check.seed == 11
    assert check.holds()
    assert abs(check.defection_rate - (1 - check.reputation)) < 4 * check.defection_stderr + 1e-12


def test_monte_carlo_fails_off_equilibrium() -> None:
    off = check_theorem_1(T, 0.1, draws=100_000, seed=3, reputation=0.5)
    assert not off.holds()


# -- M1 -----------------------------------------------------------------------------------------
def fig6_profit() -> ProfitFunction:
    """h = T^-1 o g with g(r) = min(r + 2 r (r - 0.3)(r - 0.7), 0.97): M1's map is g, whose
    fixed points are 0, 0.3, 0.7 and 0.97 by construction."""

    def h(r: np.ndarray) -> np.ndarray:
        g = np.minimum(r + 2 * r * (r - 0.3) * (r - 0.7), 0.97)
        return C * g / (1 - C - g)

    return ProfitFunction(h, "figure 6")


def test_figure_5a_h_inverse_below_t_converges_to_the_top_point() -> None:
    points = stable_points(T, ProfitFunction.linear(1.0))
    # T(r) = r (1 - C) / (C + r) = r  at  r = 1 - 2C for h(r) = r
    assert [p.reputation for p in points] == pytest.approx([0.0, 1 - 2 * C])
    top = points[1]
    assert top.attracting and not points[0].attracting
    for start in (0.01, 0.5, 0.99):
        assert top.contains(start)
        assert run_m1(T, ProfitFunction.linear(1.0), start).final == pytest.approx(0.96, abs=1e-6)


def test_figure_5b_h_inverse_above_t_converges_to_the_bottom() -> None:
    h = ProfitFunction.linear(0.01)  # T(0.01 r) < r for every r > 0
    points = stable_points(T, h)
    assert len(points) == 1 and points[0].reputation == 0.0 and points[0].attracting
    assert points[0].contains(0.9)
    assert run_m1(T, h, 0.9, periods=2000).final < 1e-6


def test_figure_5c_no_upper_intersection_reaches_the_highest_allowed_reputation() -> None:
    points = stable_points(T, ProfitFunction.linear(1.0), r_max=0.9)
    assert points[-1].reputation == pytest.approx(0.9) and points[-1].cap
    assert run_m1(T, ProfitFunction.linear(1.0), 0.3, r_max=0.9).final == pytest.approx(0.9)


def test_figure_6_two_intersections_split_the_basins() -> None:
    h = fig6_profit()
    points = stable_points(T, h)
    assert [round(p.reputation, 6) for p in points] == [0.0, 0.3, 0.7, 0.97]
    assert [p.attracting for p in points] == [False, True, False, True]
    lower, upper = points[1], points[3]
    assert (lower.low, lower.high) == pytest.approx((0.0, 0.7))
    assert lower.low_open and lower.high_open
    for start in (0.05, 0.2, 0.5, 0.69):
        assert lower.contains(start)
        assert run_m1(T, h, start).final == pytest.approx(0.3, abs=1e-6)
    for start in (0.71, 0.9, 1.0):
        assert upper.contains(start)
        assert run_m1(T, h, start).final == pytest.approx(0.97, abs=1e-6)


# -- M2 -----------------------------------------------------------------------------------------
def test_m2_confirms_a_bid_the_earnings_support_and_punishes_one_they_do_not() -> None:
    # earnings 1.0 with C_a = 0.01: T(1.01) = 1.01 * 0.98 / 1.03
    r, punished = m2_update(T, 0.9, 1.0, 0.01)
    assert not punished and r == pytest.approx(1.01 * 0.98 / 1.03)
    # bid 0.97 promises U = T^-1(0.97) = C 0.97 / (1 - C - 0.97) = 1.94; earnings 0.97
    r, punished = m2_update(T, 0.97, 0.97, 0.01)
    assert punished
    shortfall = 2 * 0.97 + 2 * 0.01 - 0.02 * 0.97 / 0.01
    assert r == pytest.approx(uniform_reputation(C, shortfall), abs=1e-9)


@pytest.mark.parametrize(
    ("profit", "start"), [(ProfitFunction.linear(1.0), 0.5), (fig6_profit(), 0.3)]
)
def test_overbidding_does_not_pay(profit: ProfitFunction, start: float) -> None:
    runs = {run.strategy: run for run in compare_bids(T, profit, start)}
    truthful = runs["bid the highest stable point"]
    overbids = [run for name, run in runs.items() if name.startswith("overbid")]
    assert overbids
    for run in overbids:
        assert run.punished
        assert run.payoff < truthful.payoff
    assert not truthful.punished
    assert truthful.payoff >= runs["underbid"].payoff


def test_from_a_low_stable_point_a_bid_escapes_it() -> None:
    h = fig6_profit()
    stay = simulate_m2(T, h, 0.3, None)
    jump = simulate_m2(T, h, 0.3, 0.97)
    assert stay.reputations[-1] == pytest.approx(0.3, abs=1e-6)
    assert jump.reputations[-1] == pytest.approx(0.97, abs=1e-6)
    assert jump.payoff > stay.payoff


# -- figures --------------------------------------------------------------------------------------
def test_figures_are_pngs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = save(plot_reputation(), tmp_path / "t.png")
    second = save(plot_m1(T, ProfitFunction.linear(1.0), [0.1, 0.5]), tmp_path / "m1.png")
    for path in (first, second):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: ReputationFunction(0), InvalidReputation, "tracing cost C must be > 0"),
        (lambda: ReputationFunction(-0.1), InvalidReputation, "> 0"),
        (lambda: ReputationFunction(float("nan")), InvalidReputation, "finite"),
        (lambda: ReputationFunction(0.02, choose="middle"), InvalidReputation, "smallest"),
        (lambda: T.fixed_points(-1), InvalidReputation, "L_m must be >= 0"),
        (lambda: uniform_reputation(0.02, 2.0), InvalidReputation, "(0, 1]"),
        (lambda: customer_trusts(1.5, 0.1, 0.02), InvalidReputation, "[0, 1]"),
        (lambda: tamper_threshold(1.5, 0.1), InvalidReputation, "probability"),
        (lambda: parse_cdf("uniform:1,0"), InvalidDistribution, "lo < hi"),
        (lambda: parse_cdf("nosuch:1"), InvalidDistribution, "unknown continuous distribution"),
        (lambda: parse_cdf("norm:a"), InvalidDistribution, "name:numbers"),
        (lambda: parse_cdf("garbage"), InvalidDistribution, "uniform:0,1"),
        (lambda: as_cdf(lambda x: 1 - min(max(x, 0), 1)), InvalidDistribution, "decreases"),
        (lambda: as_cdf(lambda x: 2.0), InvalidDistribution, "values must lie in [0, 1]"),
        (lambda: as_cdf(42), InvalidDistribution, "must be a scipy.stats distribution"),
        (lambda: ProfitFunction(lambda r: r + 1), InvalidReputation, "h(0) must be 0"),
        (lambda: ProfitFunction(lambda r: r * (1 - r)), InvalidReputation, "non-decreasing"),
        (lambda: ProfitFunction.points([(0, 0), (0.5, 1)]), InvalidReputation, "from 0 to 1"),
        (lambda: ProfitFunction.linear(-1), InvalidReputation, ">= 0"),
        (lambda: run_m1(T, ProfitFunction.linear(1), 1.5), InvalidReputation, "[0, 1]"),
        (lambda: stable_points(T, ProfitFunction.linear(1), r_max=0), InvalidReputation, "r_max"),
        (lambda: m2_update(T, 0.5, -1, 0.01), InvalidReputation, "earnings"),
        (lambda: simulate_m2(T, ProfitFunction.linear(1), 0.5, 1.5), InvalidReputation, "bid"),
        (lambda: check_theorem_1(T, 0.1, seed=-1), InvalidInput, "seed"),
        (lambda: check_theorem_1(T, 0.1, draws=0), InvalidReputation, "draws"),
        (
            lambda: check_theorem_1(
                ReputationFunction(0.02, "uniform:0,1", lambda x: min(max(x, 0), 1)), 0.1
            ),
            InvalidDistribution,
            "sampling needs a distribution",
        ),
    ],
)
def test_bad_input_is_a_specific_error(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_a_piecewise_cdf_from_its_points() -> None:
    cdf = parse_cdf("piecewise:0,0;0.5,0.8;1,1")
    assert cdf([0.25, 0.5, 0.75, 2.0]).tolist() == pytest.approx([0.4, 0.8, 0.9, 1.0])
    assert cdf.quantile([0.4, 0.9]).tolist() == pytest.approx([0.25, 0.75])
    function = ReputationFunction(0.02, "piecewise:0,0;0.5,0.8;1,1")
    assert check_theorem_1(function, 0.1, draws=50_000, seed=2).holds()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("piecewise:0,0;1,0.5", "F must rise from 0"),
        ("piecewise:0,0;0,1", "rise strictly"),
        ("piecewise:0,x", "x,F pairs"),
        ("expon:0,0.5,3", "expon takes the numbers loc, scale"),
        ("norm:0,-1", "scale > 0"),
    ],
)
def test_bad_distribution_texts_say_what_is_allowed(text: str, message: str) -> None:
    with pytest.raises(InvalidDistribution, match=message):
        parse_cdf(text)


def test_m1_stops_with_a_reason_when_t_is_undefined() -> None:
    def all_honest(x: float) -> float:
        return 1.0 if x >= 0 else 0.0

    function = ReputationFunction(0.02, "uniform:0,1", all_honest)
    with pytest.raises(InvalidReputation, match="M1 cannot go on"):
        run_m1(function, ProfitFunction.linear(1.0), 0.5)


def test_m2_refuses_a_bid_that_is_not_a_number() -> None:
    with pytest.raises(InvalidReputation, match="a bid must be a finite number"):
        simulate_m2(T, ProfitFunction.linear(1.0), 0.5, "high")  # type: ignore[arg-type]
