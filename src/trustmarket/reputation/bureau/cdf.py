"""The two distributions of the credit bureau (SPEC section 4.1): F, the cdf of a customer's
loss L_c (known to merchants), and G, the cdf of a merchant's gain V_m from cheating (known to
the bureau).

Either is a :class:`~trustmarket.analysis.commitment.distributions.Distribution` (a frozen
scipy.stats distribution, a piecewise-linear pdf), or a plain Python function ``x -> P(X <= x)``,
which is checked to be a cdf (values in [0, 1], non-decreasing) on a grid before it is used.
On the command line a distribution is written ``name:arguments``: ``uniform:0,1`` (uniform on
[0, 1], lower and upper end), ``norm:0.5,0.1``, ``expon:0,2`` (loc, scale) or any continuous
scipy.stats name with its positional arguments.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.stats

from trustmarket.analysis.commitment.distributions import (
    Distribution,
    PiecewiseLinear,
    ScipyDistribution,
    as_distribution,
)
from trustmarket.core.errors import InvalidDistribution

__all__ = ["Cdf", "as_cdf", "parse_cdf"]

FloatArray = npt.NDArray[np.float64]


class Cdf:
    """A checked cdf, evaluated on arrays; ``quantile`` exists when the source has one."""

    __slots__ = ("_cdf", "distribution", "label")

    def __init__(
        self,
        cdf: Callable[[FloatArray], FloatArray],
        label: str,
        distribution: Distribution | None = None,
    ) -> None:
        self._cdf = cdf
        self.label = label
        self.distribution = distribution

    def __call__(self, x: npt.ArrayLike) -> FloatArray:
        return np.asarray(self._cdf(np.asarray(x, dtype=float)), dtype=float)

    def quantile(self, q: npt.ArrayLike) -> FloatArray:
        """The inverse cdf (for sampling); needs a distribution, not a bare function."""
        if self.distribution is None:
            raise InvalidDistribution(
                f"{self.label} is a bare cdf function; sampling needs a distribution with a "
                "quantile (a scipy.stats distribution or a piecewise-linear pdf)"
            )
        return np.asarray(self.distribution.quantile(q), dtype=float)

    def __repr__(self) -> str:
        return self.label


def as_cdf(value: Any, what: str = "distribution") -> Cdf:
    """A :class:`Cdf` from a distribution, a frozen scipy distribution, a spec string or a
    function ``x -> P(X <= x)``; a function that is not a cdf is refused."""
    if isinstance(value, Cdf):
        return value
    if isinstance(value, str):
        return parse_cdf(value, what)
    if isinstance(value, PiecewiseLinear | ScipyDistribution) or hasattr(value, "ppf"):
        distribution = as_distribution(value)
        return Cdf(distribution.cdf, f"{what} {distribution!r}", distribution)
    if callable(value):
        return _checked_function(value, what)
    raise InvalidDistribution(
        f"{what} must be a scipy.stats distribution, a piecewise-linear pdf, a cdf function or "
        f"a text such as 'uniform:0,1'; got {type(value).__name__}"
    )


def _checked_function(function: Callable[..., Any], what: str) -> Cdf:
    grid = np.concatenate((-np.logspace(6, -6, 61), [0.0], np.logspace(-6, 6, 241)))
    try:
        values = np.array([float(function(x)) for x in grid])
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidDistribution(f"{what}: the cdf function failed: {exc}") from None
    if not np.all(np.isfinite(values)) or values.min() < 0.0 or values.max() > 1.0:
        raise InvalidDistribution(
            f"{what} is not a cdf: its values must lie in [0, 1], found "
            f"{values.min():.4g} to {values.max():.4g}"
        )
    drops = np.flatnonzero(np.diff(values) < -1e-12)
    if drops.size:
        at = grid[drops[0] + 1]
        raise InvalidDistribution(
            f"{what} is not a cdf: it decreases at x = {at:.4g}; a cdf is non-decreasing"
        )

    def vectorised(x: FloatArray) -> FloatArray:
        return np.array([float(function(v)) for v in np.ravel(x)], dtype=float).reshape(np.shape(x))

    return Cdf(vectorised, f"{what} {getattr(function, '__name__', 'function')}")


def _piecewise_cdf(points: str, text: str, what: str) -> Cdf:
    """``piecewise:x,F;x,F;...``: a cdf linear between the points, from F = 0 to F = 1."""
    try:
        pairs = [tuple(float(v) for v in pair.split(",")) for pair in points.split(";") if pair]
        array = np.array(pairs, dtype=float)
    except ValueError:
        raise InvalidDistribution(
            f"cannot read {text!r}: a piecewise cdf is x,F pairs separated by ';', such as "
            "'piecewise:0,0;0.5,0.8;1,1'"
        ) from None
    if array.ndim != 2 or array.shape[1] != 2 or len(array) < 2:
        raise InvalidDistribution(f"{text!r}: a piecewise cdf needs at least two x,F pairs")
    x, y = array[:, 0], array[:, 1]
    if not np.all(np.isfinite(array)) or np.any(np.diff(x) <= 0):
        raise InvalidDistribution(f"{text!r}: the x values must be finite and rise strictly")
    if y[0] != 0.0 or y[-1] != 1.0 or np.any(np.diff(y) < 0):
        raise InvalidDistribution(
            f"{text!r} is not a cdf: F must rise from 0 at the first point to 1 at the last "
            "and never fall"
        )

    def cdf(v: FloatArray) -> FloatArray:
        return np.asarray(np.interp(v, x, y, left=0.0, right=1.0), dtype=float)

    class _Quantile:
        @staticmethod
        def quantile(q: npt.ArrayLike) -> FloatArray:
            return np.asarray(np.interp(np.asarray(q, dtype=np.float64), y, x), dtype=np.float64)

    return Cdf(cdf, f"{what} {text}", _Quantile())  # type: ignore[arg-type]


def parse_cdf(text: str, what: str = "distribution") -> Cdf:
    """``name:a,b,...``: a continuous scipy.stats distribution with its positional arguments
    (``uniform:lo,hi`` takes the two ends)."""
    text = text.strip()
    name, sep, rest = text.partition(":")
    if sep and name == "piecewise":
        return _piecewise_cdf(rest, text, what)
    if sep and name.isidentifier():
        try:
            args = [float(a) for a in rest.split(",") if a.strip()] if rest.strip() else []
        except ValueError:
            raise InvalidDistribution(
                f"cannot read {text!r}: write name:numbers such as 'uniform:0,1' or 'norm:0.5,0.1'"
            ) from None
        if any(not math.isfinite(a) for a in args):
            raise InvalidDistribution(f"{text!r}: the arguments must be finite numbers")
        family = getattr(scipy.stats, name, None)
        if not isinstance(family, scipy.stats.rv_continuous):
            raise InvalidDistribution(
                f"unknown continuous distribution {name!r}; use a scipy.stats name such as "
                "uniform, norm, expon, beta, lognorm"
            )
        if name == "uniform":
            if len(args) != 2 or not args[0] < args[1]:
                raise InvalidDistribution(
                    f"uniform takes its two ends lo < hi, as in 'uniform:0,1'; got {text!r}"
                )
            args = [args[0], args[1] - args[0]]
        try:
            # Floating point trouble (a zero or subnormal scale) is an invalid parameter too,
            # refused here rather than printed as warnings by every later evaluation.
            with np.errstate(all="raise"):
                frozen = family(*args)
                valid = bool(np.isfinite(frozen.cdf(frozen.ppf([0.25, 0.5, 0.75]))).all())
        except (TypeError, ValueError, ArithmeticError):
            valid = False
        if not valid:
            shapes = f"{family.shapes}, " if family.shapes else ""
            raise InvalidDistribution(
                f"{text!r}: {name} takes the numbers {shapes}loc, scale (scale > 0, above "
                "1e-300), in that order, the later ones optional"
            )
        return as_cdf(frozen, what)
    raise InvalidDistribution(
        f"cannot read {what} {text!r}: write a scipy.stats name and its numbers, such as "
        "'uniform:0,1', 'norm:0.5,0.1' or 'expon:0,2'"
    )
