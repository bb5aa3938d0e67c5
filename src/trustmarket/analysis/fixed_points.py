"""Every fixed point of a scalar map on an interval (and every root of a scalar function).

Equilibria of the leveled commitment contracts (SPEC section 5), of the trust/trace game and of
the credit bureau's reputation function are all fixed points ``x = f(x)`` of a continuous-ish map
of one variable. :func:`fixed_points` finds **all** of them on ``[lo, hi]``, including the awkward
ones a single ``brentq`` call misses:

- *crossings*, where ``g(x) = f(x) - x`` changes sign: found from sign changes between samples
  and refined by Brent's method to ``xtol``;
- *tangent* roots, where ``g`` touches zero without changing sign (``g(x) = (x - c)^2``): found
  from local minima of ``|g|`` over the samples, refined by a bounded Brent minimisation; the same
  step finds a pair of crossings that fall inside one sampling cell;
- *flat* pieces, where ``g == 0`` on a whole interval: reported as intervals, not as thousands of
  points, with edges located by bisection to ``xtol``;
- roots at the end points, which are sampled directly.

A sign change at a jump of ``g`` (a discontinuity) is not a root: after refinement ``|g|`` must be
at most ``jump_tol``, else the sign change is dropped.

Guarantees, honestly: the search is exhaustive at the sampling resolution
``(hi - lo) / (samples - 1)``. Every crossing that is alone in its sampling cell is found; every
tangent root, or close pair of crossings, that shows as a local minimum of ``|g|`` at the samples is
found; every flat zero piece that covers two consecutive samples is reported as an interval.
Roots closer together than a sampling cell whose ``|g|`` shows no sampled local minimum, flat
pieces shorter than a cell, and oscillations faster than the sampling can be missed: raise
``samples`` if the function may do that.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq, minimize_scalar

from trustmarket.core.errors import InvalidInput, SolverLimit

__all__ = ["Roots", "fixed_points", "roots"]

ScalarFunction = Callable[[Any], Any]


@dataclass(frozen=True)
class Roots:
    """The zero set found on ``[lo, hi]``: isolated points and flat intervals.

    Attributes
    ----------
    points:
        Isolated roots (or fixed points), sorted ascending. None lies inside an interval.
    intervals:
        Closed intervals ``(left, right)`` on which the function is zero within ``ftol``,
        sorted ascending.
    """

    points: tuple[float, ...]
    intervals: tuple[tuple[float, float], ...] = ()

    def __len__(self) -> int:
        return len(self.points) + len(self.intervals)

    def __bool__(self) -> bool:
        return len(self) > 0

    def contains(self, x: float, tol: float = 1e-9) -> bool:
        """Whether ``x`` is one of the points or lies in one of the intervals, within ``tol``."""
        return any(abs(p - x) <= tol for p in self.points) or any(
            left - tol <= x <= right + tol for left, right in self.intervals
        )


def fixed_points(
    f: ScalarFunction,
    lo: float,
    hi: float,
    *,
    samples: int = 1025,
    xtol: float = 1e-12,
    ftol: float | None = None,
    jump_tol: float = 1e-6,
    vectorized: bool = False,
) -> Roots:
    """Every ``x`` in ``[lo, hi]`` with ``f(x) = x``: the roots of ``g(x) = f(x) - x``.

    Parameters are those of :func:`roots`; ``ftol`` defaults to ``1e-10 * max(1, |lo|, |hi|)``
    because ``f(x) - x`` carries rounding error proportional to ``|x|``.
    """
    if ftol is None:
        ftol = 1e-10 * max(1.0, abs(float(lo)), abs(float(hi)))
    if vectorized:

        def g(x: Any) -> Any:
            arr = np.asarray(x, dtype=float)
            return np.asarray(f(arr), dtype=float) - arr

    else:

        def g(x: Any) -> Any:
            return float(f(x)) - float(x)

    return roots(
        g,
        lo,
        hi,
        samples=samples,
        xtol=xtol,
        ftol=ftol,
        jump_tol=jump_tol,
        vectorized=vectorized,
    )


def roots(
    g: ScalarFunction,
    lo: float,
    hi: float,
    *,
    samples: int = 1025,
    xtol: float = 1e-12,
    ftol: float = 1e-10,
    jump_tol: float = 1e-6,
    vectorized: bool = False,
) -> Roots:
    """Every root of ``g`` on ``[lo, hi]``: crossings, tangent roots, flat pieces, end points.

    Parameters
    ----------
    g:
        The function. With ``vectorized=True`` it is called once on the array of samples and must
        return an array of the same shape; it is always also called on single floats.
    lo, hi:
        The interval, finite, ``lo <= hi``.
    samples:
        Number of equally spaced samples (at least 3): the resolution of the search.
    xtol:
        Absolute tolerance on the location of a crossing or an interval edge.
    ftol:
        ``|g(x)| <= ftol`` counts as zero (a root, a tangent touch, a flat piece).
    jump_tol:
        A refined sign change with ``|g| > jump_tol`` is a discontinuity, not a root.
    vectorized:
        Evaluate the samples in one call.

    Returns
    -------
    Roots
        Isolated roots and flat intervals, sorted.

    Raises
    ------
    InvalidInput
        Bad interval, tolerances or sample count, or ``g`` returned a value that is not a finite
        number.
    SolverLimit
        Brent's method did not converge within its iteration limit.
    """
    lo, hi = _check_interval(lo, hi)
    if samples < 3:
        raise InvalidInput(f"samples must be at least 3, got {samples}")
    for name, tol in (("xtol", xtol), ("ftol", ftol), ("jump_tol", jump_tol)):
        if not (math.isfinite(tol) and tol >= 0):
            raise InvalidInput(f"{name} must be a finite number >= 0, got {tol}")

    def at(x: float) -> float:
        value = g(x) if not vectorized else np.asarray(g(np.asarray([x])), dtype=float)[0]
        y = float(value)
        if not math.isfinite(y):
            raise InvalidInput(f"the function returned {y} at x = {x!r}; it must be finite")
        return y

    if lo == hi:
        return Roots((lo,)) if abs(at(lo)) <= ftol else Roots(())

    xs = np.linspace(lo, hi, samples)
    if vectorized:
        gs = np.asarray(g(xs), dtype=float).reshape(-1)
        if gs.shape != xs.shape:
            raise InvalidInput(
                f"a vectorized function must return {samples} values, got {gs.shape[0]}"
            )
        bad = ~np.isfinite(gs)
        if bad.any():
            x_bad = float(xs[np.argmax(bad)])
            raise InvalidInput(f"the function returned {gs[bad][0]} at x = {x_bad!r}")
    else:
        gs = np.array([at(float(x)) for x in xs])
    return _search(at, xs, gs, xtol=xtol, ftol=ftol, jump_tol=jump_tol)


def _check_interval(lo: float, hi: float) -> tuple[float, float]:
    lo_f, hi_f = float(lo), float(hi)
    if not (math.isfinite(lo_f) and math.isfinite(hi_f)):
        raise InvalidInput(f"the interval must be finite, got [{lo_f}, {hi_f}]")
    if lo_f > hi_f:
        raise InvalidInput(f"the interval is empty: lo = {lo_f} > hi = {hi_f}")
    return lo_f, hi_f


def _search(
    at: Callable[[float], float],
    xs: npt.NDArray[np.float64],
    gs: npt.NDArray[np.float64],
    *,
    xtol: float,
    ftol: float,
    jump_tol: float,
) -> Roots:
    n = len(xs)
    zero = np.abs(gs) <= ftol
    sign = np.sign(gs)
    points: list[float] = []
    intervals: list[tuple[float, float]] = []

    def is_zero(x: float) -> bool:
        return abs(at(x)) <= ftol

    def brent(a: float, b: float) -> float:
        try:
            return float(brentq(at, a, b, xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=200))
        except RuntimeError as exc:  # pragma: no cover - brentq converges on any bracket
            raise SolverLimit(f"Brent's method did not converge on [{a}, {b}]: {exc}") from None

    def edge(nonzero_x: float, zero_x: float) -> float:
        """Bisect for the edge of a flat piece between a non-zero and a zero sample."""
        a, b = nonzero_x, zero_x
        for _ in range(200):
            if abs(b - a) <= xtol:
                break
            mid = 0.5 * (a + b)
            if is_zero(mid):
                b = mid
            else:
                a = mid
        return b

    def touch(a: float, b: float, s: float) -> list[float]:
        """The roots in [a, b] where g, of sign ``s`` at both ends, comes closest to zero: a
        tangent root, two crossings (the minimum of ``s g`` is below zero), or none."""
        found = minimize_scalar(
            lambda x: s * at(float(x)),
            bounds=(a, b),
            method="bounded",
            options={"xatol": max(xtol, 1e-14 * max(1.0, abs(a), abs(b)))},
        )
        xm, vm = float(found.x), float(found.fun)
        if vm < -ftol:
            return [brent(x0, x1) for x0, x1 in ((a, xm), (xm, b)) if x0 < x1]
        return [xm] if vm <= ftol else []

    # 1. Runs of zero samples: one sample is a point, two or more a flat interval.
    i = 0
    while i < n:
        if not zero[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and zero[j + 1]:
            j += 1
        if j > i:
            left = edge(float(xs[i - 1]), float(xs[i])) if i > 0 else float(xs[0])
            right = edge(float(xs[j + 1]), float(xs[j])) if j < n - 1 else float(xs[-1])
            intervals.append((left, right))
        elif 0 < i < n - 1 and sign[i - 1] * sign[i + 1] < 0:
            points.append(brent(float(xs[i - 1]), float(xs[i + 1])))
        elif 0 < i < n - 1 and sign[i - 1] == sign[i + 1]:
            # Near a tangent root |g| is below ftol some way off the root (g ~ (x - r)^2): the
            # sample is a hint, and the root is where |g| is least between its neighbours.
            touched = touch(float(xs[i - 1]), float(xs[i + 1]), float(sign[i - 1]))
            points.extend(touched or [float(xs[i])])
        else:
            points.append(float(xs[i]))
        i = j + 1

    # 2. Sign changes between non-zero samples: crossings, unless a jump.
    for c in np.flatnonzero((sign[:-1] * sign[1:] < 0) & ~zero[:-1] & ~zero[1:]).tolist():
        r = brent(float(xs[c]), float(xs[c + 1]))
        if abs(at(r)) <= jump_tol:
            points.append(r)

    # 3. Local minima of |g| without a sign change: tangent roots, or two crossings in one cell.
    mag = np.abs(gs)
    for k in range(n):
        lo_k, hi_k = max(k - 1, 0), min(k + 1, n - 1)
        window = slice(lo_k, hi_k + 1)
        if zero[window].any() or len(set(sign[window].tolist())) != 1:
            continue
        left_ok = k == 0 or mag[k] < mag[k - 1]
        right_ok = k == n - 1 or mag[k] <= mag[k + 1]
        if not (left_ok and right_ok):
            continue
        points.extend(touch(float(xs[lo_k]), float(xs[hi_k]), float(sign[k])))

    return _tidy(points, intervals, span=float(xs[-1] - xs[0]), xtol=xtol)


def _tidy(
    points: list[float], intervals: list[tuple[float, float]], *, span: float, xtol: float
) -> Roots:
    merge = max(1e3 * xtol, 1.5e-8 * span)
    intervals.sort()
    kept: list[float] = []
    for p in sorted(points):
        if any(left - merge <= p <= right + merge for left, right in intervals):
            continue
        if kept and p - kept[-1] <= merge:
            continue
        kept.append(p)
    return Roots(tuple(kept), tuple(intervals))
