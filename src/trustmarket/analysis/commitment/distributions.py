"""Distributions of the outside offers: piecewise-linear pdfs (as eCommitter) or scipy.stats.

The contractor's best outside offer ``a~`` has pdf ``f`` and the contractee's ``b~`` has pdf
``g`` (Sandholm, eMediator, section 3). Everything the analysis needs from a distribution is in
the small :class:`Distribution` protocol: the pdf, the cdf ``F``, the quantile ``F^{-1}``, the
support and the partial expectation

    E[X; lo < X <= hi] = integral_lo^hi x f(x) dx,

all vectorised over numpy arrays. :class:`PiecewiseLinear` computes every one of them exactly, in
closed form on each linear piece (the paper's footnote 9); :class:`ScipyDistribution` wraps any
frozen continuous ``scipy.stats`` distribution and integrates numerically.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from trustmarket.core.errors import InvalidDistribution

__all__ = [
    "Distribution",
    "PiecewiseLinear",
    "ScipyDistribution",
    "as_distribution",
]

FloatArray = npt.NDArray[np.float64]

#: A piecewise-linear pdf must integrate to 1 within this.
INTEGRAL_TOLERANCE = 1e-9


@runtime_checkable
class Distribution(Protocol):
    """What the leveled commitment analysis needs from the distribution of an outside offer.

    Every method takes a float or an array and returns an array of the broadcast shape (0-d for
    a float); ``float(...)`` of a 0-d result is the number.
    """

    @property
    def support(self) -> tuple[float, float]:
        """The smallest closed interval holding all the mass (ends may be infinite)."""
        ...

    @property
    def mean(self) -> float:
        """``E[X]``, finite."""
        ...

    def pdf(self, x: npt.ArrayLike) -> FloatArray:
        """The density ``f(x)``."""
        ...

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        """``F(x) = P(X <= x)``."""
        ...

    def quantile(self, q: npt.ArrayLike) -> FloatArray:
        """The smallest ``x`` with ``F(x) >= q``, for ``q`` in ``[0, 1]``."""
        ...

    def partial_expectation(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> FloatArray:
        """``E[X; lo < X <= hi] = integral_lo^hi x f(x) dx`` (zero when ``hi <= lo``)."""
        ...


class PiecewiseLinear:
    """A pdf that is linear between consecutive points ``(x_i, f(x_i))`` and zero outside.

    This is how eCommitter's users draw ``f`` and ``g`` (Sandholm, eMediator, section 3.1.3 and
    footnote 9). On the piece ``[x_i, x_{i+1}]`` with slope ``s_i`` and ``h = x - x_i``:

    - ``F(x) = C_i + f_i h + s_i h^2 / 2`` (``C_i`` the mass left of ``x_i``);
    - ``E[X; X <= x] = M_i + x_i f_i h + (x_i s_i + f_i) h^2 / 2 + s_i h^3 / 3``;
    - the quantile solves ``f_i h + s_i h^2 / 2 = q - C_i`` for ``h`` in ``[0, x_{i+1} - x_i]``,
      as ``h = 2 r / (f_i + sqrt(f_i^2 + 2 s_i r))`` with ``r = q - C_i`` (no cancellation).

    Parameters
    ----------
    points:
        At least two ``(x, density)`` pairs, ``x`` strictly increasing, densities finite and
        ``>= 0``, integrating to 1 within 1e-9 (use :meth:`normalized` to rescale a shape).

    Raises
    ------
    InvalidDistribution
        If any of the above does not hold; the message names the integral when that is the fault.
    """

    def __init__(self, points: Sequence[tuple[float, float]] | npt.ArrayLike) -> None:
        xs, ds = _check_points(points)
        widths = np.diff(xs)
        with np.errstate(over="ignore", invalid="ignore"):  # checked below, with a message
            slopes = np.diff(ds) / widths
        mass = widths * (ds[:-1] + ds[1:]) / 2
        total = float(mass.sum())
        if abs(total - 1.0) > INTEGRAL_TOLERANCE:
            raise InvalidDistribution(
                f"the pdf integrates to {total:.12g}, not 1 (allowed error "
                f"{INTEGRAL_TOLERANCE:g}); rescale the densities, e.g. with "
                "PiecewiseLinear.normalized(points)"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            moment = xs[:-1] * ds[:-1] * widths + (xs[:-1] * slopes + ds[:-1]) * widths**2 / 2
            moment += slopes * widths**3 / 3
        if not (np.isfinite(slopes).all() and np.isfinite(moment).all()):
            # Points a subnormal distance apart with a density jump: the slope overflows.
            raise InvalidDistribution(
                "the pdf's pieces are too steep for floating point (points too close together "
                "for the change of density between them); space the x values further apart"
            )
        self._xs = xs
        self._ds = ds
        self._w = widths
        self._s = slopes
        self._c = np.concatenate(([0.0], np.cumsum(mass)))
        self._m = np.concatenate(([0.0], np.cumsum(moment)))

    @classmethod
    def normalized(cls, points: Sequence[tuple[float, float]] | npt.ArrayLike) -> PiecewiseLinear:
        """The pdf of this shape: the densities scaled so that they integrate to 1."""
        xs, ds = _check_points(points)
        total = float((np.diff(xs) * (ds[:-1] + ds[1:]) / 2).sum())
        if total <= 0:
            raise InvalidDistribution("the shape has zero area; some density must be positive")
        return cls(np.column_stack((xs, ds / total)))

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        """The ``(x, density)`` pairs."""
        return tuple(zip(self._xs.tolist(), self._ds.tolist(), strict=True))

    @property
    def support(self) -> tuple[float, float]:
        return float(self._xs[0]), float(self._xs[-1])

    @property
    def mean(self) -> float:
        return float(self._m[-1])

    def __repr__(self) -> str:
        pairs = ", ".join(f"({x:g}, {d:g})" for x, d in self.points)
        return f"PiecewiseLinear([{pairs}])"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PiecewiseLinear) and self.points == other.points

    def __hash__(self) -> int:
        return hash(self.points)

    def _locate(self, x: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], FloatArray]:
        arr = np.asarray(x, dtype=float)
        i = np.clip(np.searchsorted(self._xs, arr, side="right") - 1, 0, len(self._w) - 1)
        h = np.clip(arr - self._xs[i], 0.0, self._w[i])
        return i, h

    def pdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=float)
        return np.asarray(np.interp(arr, self._xs, self._ds, left=0.0, right=0.0), dtype=float)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=float)
        i, h = self._locate(arr)
        value = (self._c[i] + self._ds[i] * h + self._s[i] * h * h / 2) / self._c[-1]
        value = np.where(arr >= self._xs[-1], 1.0, value)
        return np.asarray(np.clip(value, 0.0, 1.0), dtype=float)

    def _lower_moment(self, x: npt.ArrayLike) -> FloatArray:
        i, h = self._locate(x)
        xi, di, si = self._xs[i], self._ds[i], self._s[i]
        return np.asarray(
            self._m[i] + xi * di * h + (xi * si + di) * h * h / 2 + si * h**3 / 3, dtype=float
        )

    def partial_expectation(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> FloatArray:
        lo_a, hi_a = np.broadcast_arrays(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
        value = self._lower_moment(hi_a) - self._lower_moment(lo_a)
        return np.asarray(np.where(hi_a > lo_a, value, 0.0), dtype=float)

    def quantile(self, q: npt.ArrayLike) -> FloatArray:
        target = _check_probabilities(q) * self._c[-1]
        i = np.clip(np.searchsorted(self._c, target, side="left") - 1, 0, len(self._w) - 1)
        r = np.maximum(target - self._c[i], 0.0)
        di, si = self._ds[i], self._s[i]
        root = np.sqrt(np.maximum(di * di + 2 * si * r, 0.0))
        denom = di + root
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(denom > 0, 2 * r / np.where(denom > 0, denom, 1.0), 0.0)
        x = self._xs[i] + np.clip(h, 0.0, self._w[i])
        # The end of a piece exactly (the sqrt is ill-conditioned where the density is zero).
        return np.asarray(np.where(target >= self._c[i + 1], self._xs[i + 1], x), dtype=float)


class ScipyDistribution:
    """Any frozen continuous ``scipy.stats`` distribution, e.g. ``ScipyDistribution(norm(5, 1))``.

    ``pdf``, ``cdf``, ``quantile`` (``ppf``) and the support come from scipy. The partial
    expectation ``E[X; X <= t] = integral x f(x) dx`` is integrated once, at construction, over
    2,048 cells whose edges are quantiles of the distribution (so cells are narrow where the mass
    is), each by 16-point Gauss-Legendre; a query adds the integral from the last edge to ``t``
    by the same rule. Tails beyond the ``1e-15`` and ``1 - 1e-15`` quantiles are left out. For a
    smooth pdf the result is exact to rounding; a kink in the pdf costs about ``1e-10`` relative
    (the cell around it is narrow). Every query is vectorised: one call of the pdf.

    A density that is infinite at an edge of its support (beta or gamma with a shape parameter
    below 1, arcsine) is handled: a cell where Gauss-Legendre misses the mass that the cdf gives
    (by more than ``1e-9`` relative), or where ``x f(x)`` overflows, is integrated by parts,
    ``integral_a^b x f(x) dx = a (F(b) - F(a)) + integral_a^b (F(b) - F(x)) dx``, from the
    bounded cdf (error at most ``(b - a) (F(b) - F(a))``); beta(0.5, 0.5) is then exact to
    ``1e-10``. ``pdf`` is ``inf`` where the density overflows.

    Raises
    ------
    InvalidDistribution
        If the object is not a continuous distribution (e.g. a discrete one with a ``pmf``), its
        mean is not finite (the expected payoffs would not exist), or the table's ``E[X]`` is
        off its mean by more than ``1e-6`` of its scale (``max(|mean|, standard deviation)``,
        the interquartile range for an infinite deviation): a tail beyond the ``1e-15``
        quantiles too heavy to leave out (pareto with ``b`` near 1) or mass closer to an edge
        than floating point resolves (beta(1e-5, 1)). Give those as piecewise-linear points.
    """

    def __init__(self, frozen: Any, *, cells: int = 2048) -> None:
        missing = [m for m in ("pdf", "cdf", "ppf", "support", "mean") if not hasattr(frozen, m)]
        if missing:
            kind = "a discrete distribution" if hasattr(frozen, "pmf") else type(frozen).__name__
            raise InvalidDistribution(
                f"expected a frozen continuous scipy.stats distribution (e.g. norm(5, 1)), got "
                f"{kind} without {', '.join(missing)}"
            )
        try:
            with np.errstate(all="ignore"):
                mean = float(frozen.mean())
                lo, hi = (float(v) for v in frozen.support())
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InvalidDistribution(f"cannot evaluate the distribution: {exc}") from None
        if not math.isfinite(mean):
            raise InvalidDistribution(
                f"the distribution's mean is {mean}; outside offers need a finite mean"
            )
        if not lo < hi:
            raise InvalidDistribution(f"the support [{lo}, {hi}] is empty or a single point")
        self.frozen = frozen
        self._mean = mean
        self._support = (lo, hi)
        tails = np.array([1e-15, 1e-12, 1e-9, 1e-6, 1e-4])
        probs = np.concatenate((tails, np.linspace(0.0, 1.0, cells + 1)[1:-1], 1 - tails[::-1]))
        try:
            with np.errstate(all="ignore"):
                inner = np.asarray(frozen.ppf(probs), dtype=float)
                spread = float(frozen.std()) if hasattr(frozen, "std") else math.inf
                if not math.isfinite(spread):  # a heavy tail: the interquartile range
                    spread = float(np.subtract(*frozen.ppf([0.75, 0.25])))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InvalidDistribution(f"cannot evaluate the distribution: {exc}") from None
        edges = np.concatenate(([lo] if math.isfinite(lo) else [], inner))
        edges = np.concatenate((edges, [hi] if math.isfinite(hi) else []))
        self._edges = np.unique(edges[np.isfinite(edges)])
        a, b = self._edges[:-1], self._edges[1:]
        moments, masses = self._gauss_legendre(a, b, np.zeros(len(a), dtype=bool))
        # Where Gauss-Legendre misses a cell's mass, the density is singular there (infinite at
        # an edge of the support, such as beta with a parameter below 1): such cells, and any
        # query inside them, are integrated by parts instead.
        cdf = self._cdf(self._edges)
        exact = np.diff(cdf)
        self._singular = ~(np.abs(masses - exact) <= _MASS_TOLERANCE * exact + 1e-15)
        if self._singular.any():
            moments[self._singular] = self._by_parts(a[self._singular], b[self._singular])
        if not (np.isfinite(moments).all() and np.isfinite(cdf).all()):
            raise InvalidDistribution(
                "cannot integrate x f(x) for this distribution: its cdf or density is not a "
                "finite number on its support in floating point; allowed are distributions "
                "whose cdf is finite everywhere and whose density is finite inside the support "
                "(it may be infinite at an edge)"
            )
        self._moments = np.concatenate(([0.0], np.cumsum(moments)))
        # The table's E[X] must be the mean: it is not when the tails left out carry too much
        # (a heavy tail) or the mass sits closer to an edge than floating point resolves.
        total = float(self._moments[-1])
        scale = max(abs(mean), spread if math.isfinite(spread) else 0.0, 1e-300)
        if not abs(total - mean) <= _MEAN_TOLERANCE * scale:
            raise InvalidDistribution(
                f"cannot integrate x f(x) accurately for this distribution: the integral over "
                f"its support is {total:.10g} but its mean is {mean:.10g}, off by "
                f"{abs(total - mean) / scale:.1e} of its scale (at most {_MEAN_TOLERANCE:g} is "
                "allowed). This happens when the tail beyond the 1e-15 quantiles is too heavy "
                "(e.g. pareto with b near 1) or the mass sits closer to an edge than floating "
                "point resolves (e.g. beta with a parameter of 1e-5), or the values come near the "
                "limits of floating point (1e308); give such a distribution as piecewise-linear "
                "(x, density) points"
            )

    def _density(self, x: FloatArray) -> FloatArray:
        """The pdf at ``x``; ``inf`` where scipy raises OverflowError (its beta pdf does so
        very near an edge where the density is infinite, e.g. beta(0.001, 1) at 1e-300)."""
        try:
            with np.errstate(all="ignore"):
                return np.asarray(self.frozen.pdf(x), dtype=float)
        except OverflowError:
            if x.size <= 1:
                return np.full(x.shape, np.inf)
        flat = x.ravel()
        middle = flat.size // 2  # bisect: the overflowing points are few, near an edge
        return np.concatenate((self._density(flat[:middle]), self._density(flat[middle:])))

    def _cdf(self, x: FloatArray) -> FloatArray:
        with np.errstate(all="ignore"):
            return np.asarray(self.frozen.cdf(x), dtype=float)

    def _gauss_legendre(
        self, a: FloatArray, b: FloatArray, singular: npt.NDArray[np.bool_]
    ) -> tuple[FloatArray, FloatArray]:
        """``integral_a^b x f(x) dx`` and ``integral_a^b f(x) dx`` by 16-point Gauss-Legendre,
        elementwise (1-d arrays); the first by parts (:meth:`_by_parts`) where ``singular`` or
        where ``x f(x)`` is not finite at a node (a density infinite at an edge of the support,
        evaluated at that edge or so close to it that it overflows)."""
        half, x = _nodes(a, b)
        density = self._density(x).reshape(x.shape)
        with np.errstate(all="ignore"):
            moment = np.asarray(half * ((density * x) @ _GL_WEIGHTS), dtype=float)
            mass = np.asarray(half * (density @ _GL_WEIGHTS), dtype=float)
        redo = singular | ~np.isfinite(moment)
        if redo.any():
            moment[redo] = self._by_parts(a[redo], b[redo])
        return moment, mass

    def _by_parts(self, a: FloatArray, b: FloatArray) -> FloatArray:
        """``integral_a^b x f(x) dx = a (F(b) - F(a)) + integral_a^b (F(b) - F(x)) dx``, the
        last by Gauss-Legendre: only the bounded cdf is evaluated, and the error is at most
        ``(b - a) (F(b) - F(a))`` however singular the density."""
        half, x = _nodes(a, b)
        fa, fb, fx = self._cdf(a), self._cdf(b), self._cdf(x)
        return np.asarray(a * (fb - fa) + half * ((fb[:, None] - fx) @ _GL_WEIGHTS), dtype=float)

    def _lower_moment(self, t: FloatArray) -> FloatArray:
        """``E[X; X <= t]`` (tails beyond the table left out)."""
        edges = self._edges
        clipped = np.clip(t, edges[0], edges[-1]).ravel()
        k = np.clip(np.searchsorted(edges, clipped, side="right") - 1, 0, len(edges) - 2)
        inside, _ = self._gauss_legendre(edges[k], clipped, self._singular[k])
        return np.asarray(self._moments[k] + inside, dtype=float).reshape(np.shape(t))

    @property
    def support(self) -> tuple[float, float]:
        return self._support

    @property
    def mean(self) -> float:
        return self._mean

    def __repr__(self) -> str:
        dist = getattr(self.frozen, "dist", None)
        name = getattr(dist, "name", type(self.frozen).__name__)
        args = ", ".join(
            [repr(a) for a in getattr(self.frozen, "args", ())]
            + [f"{k}={v!r}" for k, v in getattr(self.frozen, "kwds", {}).items()]
        )
        return f"ScipyDistribution({name}({args}))"

    def pdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=float)
        return self._density(arr).reshape(arr.shape)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        return np.asarray(self.frozen.cdf(np.asarray(x, dtype=float)), dtype=float)

    def quantile(self, q: npt.ArrayLike) -> FloatArray:
        return np.asarray(self.frozen.ppf(_check_probabilities(q)), dtype=float)

    def partial_expectation(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> FloatArray:
        lo_a, hi_a = np.broadcast_arrays(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
        value = self._lower_moment(hi_a) - self._lower_moment(lo_a)
        return np.asarray(np.where(hi_a > lo_a, value, 0.0), dtype=float)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)
#: A cell whose Gauss-Legendre mass is off the cdf's by more than this (relative) is singular.
_MASS_TOLERANCE = 1e-9
#: The table's E[X] may differ from the distribution's mean by this much of its scale (the
#: larger of |mean| and the standard deviation, or the interquartile range if that is infinite).
_MEAN_TOLERANCE = 1e-6


def _nodes(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Half the width of each cell ``[a, b]`` and its 16 Gauss-Legendre nodes (rows); cells
    near the float range may overflow to ``inf`` (the caller then refuses the distribution)."""
    with np.errstate(over="ignore", invalid="ignore"):
        half = (b - a) / 2
        return half, ((a + b) / 2)[:, None] + half[:, None] * _GL_NODES


def as_distribution(value: Any) -> Distribution:
    """A :class:`Distribution` from one, a frozen scipy distribution or ``(x, density)`` pairs."""
    if isinstance(value, PiecewiseLinear | ScipyDistribution):
        return value
    if hasattr(value, "ppf") or hasattr(value, "pmf"):
        return ScipyDistribution(value)
    if isinstance(value, Distribution):
        return value
    if isinstance(value, str | bytes):
        raise InvalidDistribution(
            f"expected a distribution or (x, density) pairs, got the string {value!r}"
        )
    return PiecewiseLinear(value)


#: The largest |x| of a piecewise-linear pdf's points: x^3 stays far inside the float range.
MAX_ABS_X = 1e100


def _check_points(points: Any) -> tuple[FloatArray, FloatArray]:
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise InvalidDistribution(
            "a piecewise-linear pdf is a list of (x, density) pairs of numbers"
        ) from None
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 2:
        raise InvalidDistribution(
            f"a piecewise-linear pdf needs at least two (x, density) pairs, got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise InvalidDistribution("the points of a piecewise-linear pdf must be finite numbers")
    if (np.abs(arr[:, 0]) > MAX_ABS_X).any():
        raise InvalidDistribution(
            f"the x values of a piecewise-linear pdf must lie within +-{MAX_ABS_X:g} (its moments "
            f"grow as x^3 and must stay finite); got {float(np.abs(arr[:, 0]).max()):g}"
        )
    xs, ds = arr[:, 0].copy(), arr[:, 1].copy()
    steps = np.diff(xs)
    if (steps <= 0).any():
        k = int(np.argmax(steps <= 0))
        raise InvalidDistribution(
            f"the x values must be strictly increasing; x = {xs[k + 1]:g} follows x = {xs[k]:g}"
        )
    if (ds < 0).any():
        k = int(np.argmax(ds < 0))
        raise InvalidDistribution(
            f"densities must be >= 0; the density at x = {xs[k]:g} is {ds[k]:g}"
        )
    return xs, ds


def _check_probabilities(q: npt.ArrayLike) -> FloatArray:
    qs = np.asarray(q, dtype=float)
    if not ((qs >= 0) & (qs <= 1)).all():
        raise InvalidDistribution("a quantile needs probabilities in [0, 1]")
    return qs
