"""Mechanism M1: reputation evolution by earnings (Wang, Khosla and Krishnan, section 4;
SPEC section 4.1).

A merchant's profit in a period is ``h(r)`` at reputation r (``h`` non-decreasing, ``h(0) = 0``:
nobody buys from a merchant of reputation 0), and his loss from losing his reputation is
``L_m = h(r)``. At the end of each period the bureau sets ``r <- T(h(r))``, capped at the
highest reputation it allows, ``r_max``. A *stable point* is a fixed point of that map: an
intersection of ``h^-1`` and T, or ``r_max`` itself when the map pushes past it.

Because T and h are non-decreasing, the map ``g(r) = min(T(h(r)), r_max)`` is too, and its
iteration moves monotonically: from r with ``g(r) > r`` up to the next fixed point above, from
``g(r) < r`` down to the next one below. So the fixed points and the sign of ``g(r) - r``
between them give every stable point's basin exactly (paper figures 5 and 6): an attracting
point collects the neighbouring intervals that flow into it; a repelling one (``g`` crosses the
diagonal upwards) is its own basin only.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.fixed_points import roots
from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau.reputation_function import MAX_SAMPLES, ReputationFunction
from trustmarket.reputation.checks import at_least, finite_number, whole_number

__all__ = ["M1Path", "ProfitFunction", "StablePoint", "run_m1", "stable_points"]

FloatArray = npt.NDArray[np.float64]

#: The longest run of M1 or M2 in periods: each period solves T once (about 20 ms exactly).
MAX_PERIODS = 10_000


class ProfitFunction:
    """A merchant's profit-reputation function h, checked: finite, non-negative,
    non-decreasing on [0, 1], and ``h(0) = 0``.

    Build it from points ``[(r, profit), ...]`` (piecewise linear, r from 0 to 1), with
    :meth:`linear` (``h(r) = k r``) or from any vectorised function.
    """

    __slots__ = ("_function", "label")

    def __init__(self, function: Callable[[FloatArray], Any], label: str = "h") -> None:
        grid = np.linspace(0.0, 1.0, 1001)
        try:
            values = np.asarray(function(grid), dtype=float)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InvalidReputation(f"{label}: the profit function failed: {exc}") from None
        if values.shape != grid.shape or not np.all(np.isfinite(values)):
            raise InvalidReputation(f"{label} must give a finite profit for every r in [0, 1]")
        if abs(values[0]) > 1e-12:
            raise InvalidReputation(
                f"h(0) must be 0 (nobody buys from a merchant of reputation 0), got "
                f"{values[0]:g} for {label}"
            )
        drops = np.flatnonzero(np.diff(values) < -1e-12)
        if drops.size:
            raise InvalidReputation(
                f"h must be non-decreasing in the reputation; {label} falls after "
                f"r = {grid[drops[0]]:.4g}"
            )
        self._function = function
        self.label = label

    @classmethod
    def linear(cls, slope: float) -> ProfitFunction:
        """``h(r) = slope * r``."""
        k = at_least(slope, "the slope of h", 0.0)
        return cls(lambda r: k * np.asarray(r, dtype=float), f"h(r) = {k:g} r")

    @classmethod
    def points(cls, points: Any) -> ProfitFunction:
        """Piecewise linear through ``[(r, profit), ...]``, r strictly increasing from 0 to 1."""
        try:
            array = np.asarray(points, dtype=float)
        except OverflowError:  # an int beyond the float range, whose repr may not even print
            raise InvalidReputation(
                "profit points must be (r, profit) pairs of finite numbers; one is an integer "
                "beyond the range of a float (about 1.8e308)"
            ) from None
        except (TypeError, ValueError):
            raise InvalidReputation(
                f"profit points must be (r, profit) pairs of numbers, got {points!r}"
            ) from None
        if array.ndim != 2 or array.shape[1] != 2 or len(array) < 2:
            raise InvalidReputation("profit points must be at least two (r, profit) pairs")
        r, profit = array[:, 0], array[:, 1]
        if r[0] != 0.0 or r[-1] != 1.0 or np.any(np.diff(r) <= 0):
            raise InvalidReputation(
                "the reputations of the profit points must rise strictly from 0 to 1, got "
                f"{r.tolist()}"
            )
        label = "h through " + " ".join(f"({a:g}, {b:g})" for a, b in array)
        return cls(lambda x: np.interp(np.asarray(x, dtype=float), r, profit), label)

    def __call__(self, reputation: npt.ArrayLike) -> FloatArray:
        return np.asarray(self._function(np.asarray(reputation, dtype=float)), dtype=float)

    def __repr__(self) -> str:
        return self.label


@dataclass(frozen=True)
class StablePoint:
    """A fixed point of M1's map with its basin ``[low, high]`` (``low_open``/``high_open`` say
    whether an end is excluded); ``attracting`` is False for a point only it converges to.
    ``cap`` marks the highest allowed reputation reached from below (paper figure 5 (c))."""

    reputation: float
    attracting: bool
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    cap: bool = False

    def contains(self, start: float) -> bool:
        above = start > self.low if self.low_open else start >= self.low
        below = start < self.high if self.high_open else start <= self.high
        return above and below


@dataclass(frozen=True)
class M1Path:
    """The reputations period by period, from the start; ``converged`` when the last change was
    below the tolerance (or the cap was reached)."""

    path: tuple[float, ...]
    converged: bool

    @property
    def final(self) -> float:
        return self.path[-1]


def check_cap(r_max: object) -> float:
    """``r_max``, the highest reputation the bureau allows, checked: a number in (0, 1]."""
    what = "r_max, the highest allowed reputation,"
    cap = finite_number(r_max, what, "a number in (0, 1]")
    if not 0.0 < cap <= 1.0:
        raise InvalidReputation(f"{what} must be in (0, 1], got {cap:g}")
    return cap


def _start(value: object) -> float:
    start = finite_number(value, "the starting reputation", "a number in [0, 1]")
    if not 0.0 <= start <= 1.0:
        raise InvalidReputation(f"the starting reputation must be in [0, 1], got {start:g}")
    return start


def run_m1(
    function: ReputationFunction,
    h: ProfitFunction,
    start: float,
    *,
    r_max: float = 1.0,
    periods: int = 500,
    tolerance: float = 1e-9,
) -> M1Path:
    """Iterate ``r <- min(T(h(r)), r_max)`` from ``start`` for at most ``periods`` periods."""
    cap = check_cap(r_max)
    r = min(_start(start), cap)
    periods = whole_number(periods, "periods", 1, MAX_PERIODS)
    tolerance = at_least(tolerance, "the tolerance", 0.0)
    path = [r]
    for _ in range(periods):
        earned = float(h(r))
        value = float(function.curve([earned])[0])
        if math.isnan(value):
            raise InvalidReputation(
                f"no reputation in [0, 1) is consistent for L_m = h({r:g}) = {earned:g} "
                f"(C = {function.cost:g}, {function.F!r}, {function.G!r}): M1 cannot go on"
            )
        following = min(value, cap)
        path.append(following)
        if abs(following - r) <= tolerance:
            return M1Path(tuple(path), True)
        r = following
    return M1Path(tuple(path), False)


def stable_points(
    function: ReputationFunction,
    h: ProfitFunction,
    *,
    r_max: float = 1.0,
    samples: int = 2049,
) -> tuple[StablePoint, ...]:
    """Every fixed point of ``g(r) = min(T(h(r)), r_max)`` on ``[0, r_max]`` with its basin
    (found by :func:`trustmarket.analysis.fixed_points.roots`: crossings, touching points and
    flat pieces at the resolution of ``samples``)."""
    cap = check_cap(r_max)
    samples = whole_number(samples, "samples", 3, MAX_SAMPLES)

    def gap(r: npt.ArrayLike) -> FloatArray:
        x = np.atleast_1d(np.asarray(r, dtype=float))
        return np.asarray(np.minimum(function.curve(h(x)), cap) - x, dtype=float)

    found = roots(gap, 0.0, cap, samples=samples, ftol=1e-10, vectorized=True)
    points = list(found.points)
    for left, right in found.intervals:  # g = r on a whole piece: report its ends
        points += [left, right]
    points = sorted(set(points))
    # The sign of g - r between consecutive fixed points (and beyond the outer ones).
    edges = [0.0, *points, cap]
    signs = []
    for left, right in itertools.pairwise(edges):
        if right - left <= 1e-12:
            signs.append(0.0)
            continue
        middle = np.linspace(left, right, 7)[1:-1]
        signs.append(float(np.sign(np.median(gap(middle)))))
    result = []
    for i, point in enumerate(points):
        below, above = signs[i], signs[i + 1]  # interval left of the point, right of it
        low = edges[i] if below > 0 else point
        high = edges[i + 2] if above < 0 else point
        # A touching point (g - r of one sign on both sides) attracts from one side only.
        attracting = low < point or high > point
        result.append(
            StablePoint(
                reputation=point,
                attracting=attracting,
                low=low,
                high=high,
                low_open=below > 0 and i > 0,
                high_open=above < 0 and i + 2 < len(edges) - 1,
                cap=abs(point - cap) <= 1e-12 and below > 0,
            )
        )
    return tuple(result)
