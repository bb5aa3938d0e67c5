"""Piecewise-linear pdfs whose moments floating point cannot hold are refused with a reason,
never turned into NaN payoffs (which also made the CLI print invalid JSON)."""

from __future__ import annotations

import warnings

import pytest

from trustmarket.analysis.commitment.distributions import MAX_ABS_X, PiecewiseLinear
from trustmarket.core.errors import InvalidDistribution


@pytest.mark.parametrize(
    ("points", "says"),
    [
        ([(0, 0), (1e308, 2e-308)], "must lie within +-1e+100"),
        ([(-1e101, 0), (0, 1e-101)], "must lie within +-1e+100"),
        ([(0, 0), (1e-320, 1), (1, 1)], "too steep for floating point"),
    ],
)
def test_pdfs_beyond_floating_point_are_refused(
    points: list[tuple[float, float]], says: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the refusal
        with pytest.raises(InvalidDistribution) as refused:
            PiecewiseLinear.normalized(points)
    assert says in refused.value.message


def test_a_pdf_at_the_bound_has_finite_moments() -> None:
    pdf = PiecewiseLinear.normalized([(-MAX_ABS_X, 1), (MAX_ABS_X, 1)])
    assert pdf.mean == pytest.approx(0.0, abs=1e85)
    assert float(pdf.partial_expectation(-MAX_ABS_X, MAX_ABS_X)) == pytest.approx(0, abs=1e85)
