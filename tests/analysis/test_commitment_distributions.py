"""Piecewise-linear pdfs are exact; scipy distributions integrate accurately; bad pdfs are
refused with the reason."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.integrate import quad

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Distribution,
    PiecewiseLinear,
    ScipyDistribution,
    as_distribution,
)
from trustmarket.core.errors import InvalidDistribution

shapes = st.lists(
    st.tuples(st.floats(0.05, 3.0), st.floats(0.0, 2.0)), min_size=2, max_size=7
).filter(lambda pts: sum(d for _, d in pts) > 0.1)


def from_shape(pts: list[tuple[float, float]]) -> PiecewiseLinear:
    xs = np.cumsum([w for w, _ in pts]) - 1.0
    return PiecewiseLinear.normalized(list(zip(xs.tolist(), [d for _, d in pts], strict=True)))


def numeric(pdf: PiecewiseLinear, fn: object, lo: float, hi: float) -> float:
    kinks = [x for x, _ in pdf.points if lo < x < hi]
    return quad(fn, lo, hi, points=kinks or None, epsabs=1e-13, epsrel=1e-12, limit=200)[0]  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(shapes, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_piecewise_linear_is_exact(pts: list[tuple[float, float]], u: float, v: float) -> None:
    pdf = from_shape(pts)
    lo, hi = pdf.support
    s, t = sorted((lo + u * (hi - lo), lo + v * (hi - lo)))
    assert float(pdf.cdf(t)) == pytest.approx(numeric(pdf, pdf.pdf, lo, t), abs=1e-10)
    assert float(pdf.partial_expectation(s, t)) == pytest.approx(
        numeric(pdf, lambda x: x * pdf.pdf(x), s, t), abs=1e-10
    )
    assert pdf.mean == pytest.approx(numeric(pdf, lambda x: x * pdf.pdf(x), lo, hi), abs=1e-10)
    # The quantile inverts the cdf wherever there is mass.
    q = float(pdf.cdf(t))
    assert float(pdf.cdf(pdf.quantile(q))) == pytest.approx(q, abs=1e-12)
    assert float(pdf.cdf(lo)) == 0.0 and float(pdf.cdf(hi)) == 1.0
    assert float(pdf.cdf(hi + 1)) == 1.0 and float(pdf.cdf(-math.inf)) == 0.0


def test_piecewise_linear_matches_scipy_uniform_and_triangle() -> None:
    uniform = PiecewiseLinear([(2, 0.1), (12, 0.1)])
    triangle = PiecewiseLinear([(0, 0), (3, 0.2), (10, 0)])
    xs = np.linspace(-1, 13, 57)
    for ours, theirs in ((uniform, stats.uniform(2, 10)), (triangle, stats.triang(0.3, 0, 10))):
        assert ours.cdf(xs) == pytest.approx(theirs.cdf(xs), abs=1e-12)
        assert ours.pdf(xs[1:-1]) == pytest.approx(theirs.pdf(xs[1:-1]), abs=1e-12)
        assert ours.mean == pytest.approx(theirs.mean(), abs=1e-12)
        qs = np.linspace(0, 1, 11)
        assert ours.quantile(qs) == pytest.approx(theirs.ppf(qs), abs=1e-12)
    # Vectorised, with infinite bounds.
    values = uniform.partial_expectation(-math.inf, np.array([2.0, 7.0, math.inf]))
    assert values == pytest.approx([0.0, (49 - 4) / 20, 7.0])
    assert float(uniform.partial_expectation(7.0, 3.0)) == 0.0  # empty interval


@pytest.mark.parametrize(
    "frozen",
    [stats.norm(6, 1.5), stats.expon(1, 2), stats.triang(0.3, 0, 10), stats.norm(1000, 0.5)],
    ids=["normal", "exponential", "triangle", "far-normal"],
)
def test_scipy_partial_expectation(frozen: object) -> None:
    dist = ScipyDistribution(frozen)
    assert isinstance(dist, Distribution)
    ts = np.asarray(frozen.ppf([0.01, 0.2, 0.5, 0.8, 0.99]))  # type: ignore[attr-defined]
    lo = frozen.support()[0]  # type: ignore[attr-defined]
    lo = lo if math.isfinite(lo) else frozen.ppf(1e-16)  # type: ignore[attr-defined]
    pdf = frozen.pdf  # type: ignore[attr-defined]
    for t in ts:
        pts = [p for p in np.asarray(frozen.ppf([0.3, 0.5, 0.7])) if lo < p < t]  # type: ignore[attr-defined]
        exact = quad(lambda x: x * pdf(x), lo, t, points=pts or None, epsabs=1e-12, limit=200)[0]
        assert float(dist.partial_expectation(-math.inf, t)) == pytest.approx(exact, abs=1e-8)
    # Vectorised equals one by one.
    many = dist.partial_expectation(ts[0], ts)
    assert many == pytest.approx([float(dist.partial_expectation(ts[0], t)) for t in ts])
    assert float(dist.partial_expectation(-math.inf, math.inf)) == pytest.approx(
        dist.mean, rel=1e-9
    )


def test_normal_closed_form() -> None:
    dist = ScipyDistribution(stats.norm(5, 2))
    z = np.linspace(-3, 3, 13)
    exact = 5 * stats.norm.cdf(z) - 2 * stats.norm.pdf(z)  # E[X; X <= 5 + 2z]
    assert dist.partial_expectation(-math.inf, 5 + 2 * z) == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        ([(0, 0.5), (1, 0.5)], "integrates to 0.5"),
        ([(0, 1), (1, 1), (2, 1)], "integrates to 2, not 1"),
        ([(0, 0.5), (2, 1.5), (1, 0)], "strictly increasing"),
        ([(0, 0.5), (0, 0.5)], "strictly increasing"),
        ([(0, -0.5), (1, 2.5)], "densities must be >= 0; the density at x = 0 is -0.5"),
        ([(0, 1)], "at least two"),
        ([(0, 1), (1, math.nan)], "finite"),
        ([(0, "a"), (1, 1)], "pairs of numbers"),
    ],
)
def test_bad_piecewise_linear_pdfs(points: object, fragment: str) -> None:
    with pytest.raises(InvalidDistribution, match=fragment):
        PiecewiseLinear(points)  # type: ignore[arg-type]


def test_normalized_and_its_errors() -> None:
    pdf = PiecewiseLinear.normalized([(0, 0), (1, 3), (2, 0)])
    assert pdf.points == ((0.0, 0.0), (1.0, 1.0), (2.0, 0.0))
    assert pdf == PiecewiseLinear([(0, 0), (1, 1), (2, 0)]) and hash(pdf) == hash(pdf)
    assert "PiecewiseLinear" in repr(pdf)
    with pytest.raises(InvalidDistribution, match="zero area"):
        PiecewiseLinear.normalized([(0, 0), (1, 0)])
    with pytest.raises(InvalidDistribution, match=r"probabilities in \[0, 1\]"):
        pdf.quantile(1.5)
    with pytest.raises(InvalidDistribution, match=r"probabilities in \[0, 1\]"):
        ScipyDistribution(stats.norm()).quantile(-0.1)


def test_bad_scipy_distributions() -> None:
    with pytest.raises(InvalidDistribution, match="a discrete distribution"):
        ScipyDistribution(stats.poisson(3))
    with pytest.raises(InvalidDistribution, match="finite mean"):
        ScipyDistribution(stats.cauchy())
    with pytest.raises(InvalidDistribution, match="expected a frozen continuous"):
        ScipyDistribution(object())


def test_as_distribution() -> None:
    pdf = PiecewiseLinear([(0, 1), (1, 1)])
    assert as_distribution(pdf) is pdf
    assert isinstance(as_distribution(stats.norm()), ScipyDistribution)
    assert isinstance(as_distribution([(0, 1), (1, 1)]), PiecewiseLinear)
    assert "norm" in repr(as_distribution(stats.norm(0, 1)))
    with pytest.raises(InvalidDistribution, match="string"):
        as_distribution("norm")
    with pytest.raises(InvalidDistribution, match="a discrete distribution"):
        as_distribution(stats.binom(3, 0.5))
    with pytest.raises(InvalidDistribution, match="integrates to"):
        CommitmentGame([(0, 1), (2, 1)], stats.norm())
