"""The generic root / fixed-point finder: crossings, tangent roots, flat pieces, end points,
discontinuities and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.fixed_points import Roots, fixed_points, roots
from trustmarket.core.errors import InvalidInput


def test_transversal_roots() -> None:
    found = roots(lambda x: math.sin(5 * x), 0.1, 3.0)
    assert found.points == pytest.approx([k * math.pi / 5 for k in range(1, 5)], abs=1e-12)
    assert found.intervals == ()


def test_fixed_point_of_cosine() -> None:
    found = fixed_points(math.cos, 0.0, 1.0)
    assert len(found.points) == 1
    assert math.cos(found.points[0]) == pytest.approx(found.points[0], abs=1e-12)


def test_tangent_root() -> None:
    found = roots(lambda x: (x - 0.3) ** 2, -1.0, 1.0)
    assert found.points == pytest.approx([0.3], abs=1e-6)
    # A tangent and a crossing together.
    found = roots(lambda x: (x - 0.25) ** 2 * (x - 0.7), 0.0, 1.0)
    assert found.points == pytest.approx([0.25, 0.7], abs=1e-6)


def test_tangent_fixed_point() -> None:
    """f(x) = x + (x - c)^2 touches the diagonal at c only."""
    found = fixed_points(lambda x: x + (x - 0.6) ** 2, 0.0, 1.0)
    assert found.points == pytest.approx([0.6], abs=1e-6)


def test_two_crossings_inside_one_sampling_cell() -> None:
    """Closer together than the sample spacing (1/8): found through the local minimum of |g|."""
    found = roots(lambda x: (x - 0.52) ** 2 - 0.01**2, 0.0, 1.0, samples=9)
    assert found.points == pytest.approx([0.51, 0.53], abs=1e-10)


def test_flat_piece_is_one_interval() -> None:
    def g(x: float) -> float:
        if x < 0.2:
            return x - 0.2
        if x <= 0.6:
            return 0.0
        return (x - 0.6) * (x - 0.9)

    found = roots(g, 0.0, 1.0)
    assert len(found.intervals) == 1
    left, right = found.intervals[0]
    assert left == pytest.approx(0.2, abs=1e-9)
    assert right == pytest.approx(0.6, abs=1e-9)
    assert found.points == pytest.approx([0.9], abs=1e-12)
    assert found.contains(0.4) and found.contains(0.9) and not found.contains(0.7)
    assert len(found) == 2 and bool(found)


def test_flat_fixed_points_vectorized() -> None:
    found = fixed_points(
        lambda x: np.minimum(x, 0.5) + 0.1 * np.maximum(x - 0.5, 0) + 0.05,
        0.0,
        1.0,
        vectorized=True,
    )
    # f(x) = x + 0.05 below 0.5: no fixed point there; above: 0.55 + 0.1 (x - 0.5) = x at 5/9.
    assert found.points == pytest.approx([0.5 + 0.05 / 0.9], abs=1e-12)
    identity_piece = fixed_points(
        lambda x: np.clip(x, 0.2, 0.6) * 0.5 + np.clip(x, 0.2, 0.6) * 0.5, 0.0, 1.0, vectorized=True
    )
    assert identity_piece.intervals == (pytest.approx((0.2, 0.6), abs=1e-9),)
    assert identity_piece.points == ()


def test_roots_at_the_end_points() -> None:
    assert roots(lambda x: x, 0.0, 1.0).points == (0.0,)
    assert roots(lambda x: x - 1, 0.0, 1.0).points == (1.0,)
    assert roots(lambda x: x * x, 0.0, 1.0).points == (0.0,)
    found = roots(lambda x: 0.0, 0.0, 1.0)
    assert found.intervals == ((0.0, 1.0),) and found.points == ()


def test_degenerate_interval() -> None:
    assert roots(lambda x: x - 2, 2.0, 2.0).points == (2.0,)
    assert roots(lambda x: x, 2.0, 2.0) == Roots(())


def test_no_roots_and_jumps_are_not_roots() -> None:
    assert not roots(lambda x: x * x + 1, -1.0, 1.0)
    # A sign change at a jump: brentq converges to the jump, where |g| stays 1.
    assert roots(lambda x: 1.0 if x > 0.3 else -1.0, 0.0, 1.0) == Roots(())
    # A near miss that never reaches zero.
    assert not roots(lambda x: (x - 0.5) ** 2 + 1e-6, 0.0, 1.0)


def test_vectorized_agrees_with_scalar() -> None:
    def g(x: float) -> float:
        return math.sin(7 * x) * (x - 0.5)

    a = roots(g, 0.0, 2.0)
    b = roots(lambda x: np.sin(7 * x) * (x - 0.5), 0.0, 2.0, vectorized=True)
    assert a.points == pytest.approx(b.points, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=0, max_size=6, unique=True).filter(
        lambda r: all(abs(a - b) > 0.02 for i, a in enumerate(r) for b in r[i + 1 :])
    ),
    st.floats(0.5, 3.0),
)
def test_every_simple_root_of_a_polynomial(rs: list[float], scale: float) -> None:
    def g(x: float) -> float:
        return scale * math.prod(10 * (x - r) for r in rs) if rs else scale

    found = roots(g, 0.0, 1.0)
    assert found.points == pytest.approx(sorted(rs), abs=1e-9)
    assert found.intervals == ()


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.5, 5.0))
def test_tangent_plus_crossing(tangent: float, crossing: float, scale: float) -> None:
    if abs(tangent - crossing) < 0.05:
        return

    def g(x: float) -> float:
        return scale * (x - tangent) ** 2 * (x - crossing + 2)

    found = roots(lambda x: g(x) * (x - crossing), 0.0, 1.0)
    assert found.points == pytest.approx(sorted([tangent, crossing]), abs=1e-5)


def test_bad_input() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        roots(lambda x: x, 1.0, 0.0)
    with pytest.raises(InvalidInput, match="finite"):
        roots(lambda x: x, 0.0, math.inf)
    with pytest.raises(InvalidInput, match="samples"):
        roots(lambda x: x, 0.0, 1.0, samples=2)
    with pytest.raises(InvalidInput, match="ftol"):
        roots(lambda x: x, 0.0, 1.0, ftol=-1.0)
    with pytest.raises(InvalidInput, match="returned nan"):
        roots(lambda x: math.nan, 0.0, 1.0)
    with pytest.raises(InvalidInput, match="returned nan"):
        fixed_points(lambda x: np.where(x > 0.5, np.nan, x), 0.0, 1.0, vectorized=True)
    with pytest.raises(InvalidInput, match="must return 1025 values"):
        roots(lambda x: np.zeros(3), 0.0, 1.0, vectorized=True)


def test_a_tangent_root_just_off_a_sample_is_refined() -> None:
    # Found by hypothesis: |g| at the sample 0.703125 is below ftol although the double root is
    # 3e-5 away; the sample used to be reported as the root.
    tangent, crossing, scale = 0.7030944400689731, 0.625, 0.5

    def g(x: float) -> float:
        return scale * (x - tangent) ** 2 * (x - crossing + 2) * (x - crossing)

    assert abs(g(0.703125)) <= 1e-10
    found = roots(g, 0.0, 1.0)
    assert found.points == pytest.approx([crossing, tangent], abs=1e-6)
