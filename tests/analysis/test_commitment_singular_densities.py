"""scipy distributions whose density is infinite at an edge of the support (beta or gamma with a
shape parameter below 1, arcsine): partial expectations match their closed forms, the density
overflows to ``inf`` instead of raising, the commitment game is solved with them, and the
distributions that cannot be integrated accurately in floating point are refused with the
reason and what to do instead."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
)
from trustmarket.core.errors import InvalidDistribution


def beta_lower(a: float, b: float, scale: float, t: np.ndarray) -> np.ndarray:
    """``E[X; X <= t]`` of ``scale * Beta(a, b)``: ``scale a / (a + b) I_{t/scale}(a + 1, b)``."""
    return np.asarray(
        scale * a / (a + b) * special.betainc(a + 1, b, np.clip(t / scale, 0.0, 1.0)), dtype=float
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy's own beta ppf near the edges
@pytest.mark.parametrize(
    ("a", "b", "scale"),
    [
        (0.5, 0.5, 1.0),
        (0.5, 2.0, 10.0),
        (2.0, 0.5, 10.0),
        (0.2, 0.3, 5.0),
        (1.0, 0.05, 1.0),  # 16% of the mass within 1e-16 of the upper edge
        (0.01, 1.0, 1.0),
        (0.001, 1.0, 1.0),  # scipy's pdf raises OverflowError near 0
    ],
)
def test_beta_with_an_infinite_density_matches_the_closed_form(
    a: float, b: float, scale: float
) -> None:
    dist = ScipyDistribution(stats.beta(a, b, scale=scale))
    mean = a / (a + b) * scale
    ts = np.concatenate(([0.0, 5e-324, 1e-300, 1e-20], np.linspace(0, scale, 41)))
    ts = np.concatenate((ts, [scale * (1 - 1e-12), scale, 2 * scale]))
    lower = dist.partial_expectation(-math.inf, ts)
    upper = dist.partial_expectation(ts, math.inf)
    assert np.isfinite(lower).all() and np.isfinite(upper).all()
    exact = beta_lower(a, b, scale, ts)
    assert lower == pytest.approx(exact, abs=1e-9 * mean)
    assert upper == pytest.approx(mean - exact, abs=1e-9 * mean)
    # At the edges themselves (a zero-width integral where the density is infinite).
    assert float(dist.partial_expectation(-math.inf, 0.0)) == 0.0
    assert float(dist.partial_expectation(0.0, scale)) == pytest.approx(mean, rel=1e-9)
    assert float(dist.partial_expectation(scale, math.inf)) == 0.0


def test_gamma_and_arcsine_match_their_closed_forms() -> None:
    for k in (0.5, 0.1):
        dist = ScipyDistribution(stats.gamma(k, scale=2.0))
        ts = np.array([0.0, 1e-300, 1e-8, 0.01, 0.5, 2.0, 10.0, 100.0])
        exact = 2.0 * k * special.gammainc(k + 1, ts / 2.0)  # k theta P(k + 1, t / theta)
        assert dist.partial_expectation(-math.inf, ts) == pytest.approx(exact, abs=1e-9)
    arcsine = ScipyDistribution(stats.arcsine())
    ts = np.linspace(0, 1, 11)
    assert arcsine.partial_expectation(-math.inf, ts) == pytest.approx(
        beta_lower(0.5, 0.5, 1.0, ts), abs=1e-10
    )


def test_an_overflowing_density_is_infinite() -> None:
    frozen = stats.beta(0.001, 1)
    with pytest.raises(OverflowError):
        frozen.pdf(1e-310)  # scipy itself raises
    dist = ScipyDistribution(frozen)
    values = dist.pdf(np.array([[1e-310, 0.5], [0.0, 1.0]]))
    assert values.shape == (2, 2)
    assert values[0, 0] == math.inf and values[1, 0] == math.inf
    assert values[0, 1] == pytest.approx(frozen.pdf(0.5)) and values[1, 1] == pytest.approx(0.001)
    assert float(dist.pdf(1e-310)) == math.inf


@pytest.mark.parametrize("mechanism", list(Mechanism))
def test_the_game_is_solved_with_a_u_shaped_contractee(mechanism: Mechanism) -> None:
    contractor = ScipyDistribution(stats.beta(2, 2, scale=10))
    contractee = ScipyDistribution(stats.beta(0.5, 0.5, scale=10))  # infinite at 0 and at 10
    game = CommitmentGame(contractor, contractee)
    assert game.status_quo == pytest.approx((-5.0, 5.0))
    result = game.equilibria(Contract(5, 1, 1), mechanism)
    assert len(result) > 0
    for eq in result:
        values = [eq.p_a, eq.p_b, eq.contractor_payoff, eq.contractee_payoff]
        assert all(math.isfinite(v) for v in values)
        assert 0 <= eq.p_a <= 1 and 0 <= eq.p_b <= 1
    optimal = game.optimal_contract(mechanism)
    assert math.isfinite(optimal.gain) and optimal.gain > 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    ("frozen", "fragment"),
    [
        (stats.beta(1e-5, 1), "off by 8.5e-06 of its scale"),  # 99% of the mass below 1e-300
        (stats.pareto(1.1), "off by 5.8e-02 of its scale"),  # the tail left out holds 6%
    ],
    ids=["beta-1e-5", "pareto-1.1"],
)
def test_what_cannot_be_integrated_accurately_is_refused(frozen: object, fragment: str) -> None:
    with pytest.raises(InvalidDistribution, match="cannot integrate x f\\(x\\) accurately") as err:
        ScipyDistribution(frozen)
    assert fragment in err.value.message
    assert "at most 1e-06 is allowed" in err.value.message
    assert "give such a distribution as piecewise-linear (x, density) points" in err.value.message
    # The alternative the message names works.
    xs = np.linspace(1, 20, 200)
    points = np.column_stack((xs, stats.pareto(1.1).pdf(xs)))
    assert PiecewiseLinear.normalized(points).mean > 1


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_values_near_the_float_limit_are_refused_without_warnings() -> None:
    with pytest.raises(InvalidDistribution, match="limits of floating point"):
        ScipyDistribution(stats.uniform(0, 1e308))
    assert ScipyDistribution(stats.norm(1e307, 1e306)).mean == 1e307
