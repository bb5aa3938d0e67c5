"""The credit bureau as the shopping simulation uses it: T(L) read off a table, the profit
functions of the paper's figures 5 and 6, and their stable points (Wang, Khosla and Krishnan,
sections 3 and 4; SPEC section 4.1).

:class:`TabulatedReputation` is :class:`~trustmarket.reputation.bureau.ReputationFunction` with
``curve`` answered from a table: T is solved once, exactly, by the bureau on 1,401 losses
(0 and 100 per decade from 1e-8 to 1e6), and read off by monotone cubic (PCHIP) interpolation in
log L. T is non-decreasing (equation (7)'s right side rises with L_m), so the interpolation keeps
it so; for F and G uniform the largest error against ``L (1 - C) / (C + L)`` is about 2e-8.
M1, M2, ``stable_points`` and ``compare_bids`` of the bureau then run unchanged, only about a
thousand times faster: one exact ``curve`` call costs ~15 ms, and M1 calls it every period.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.interpolate import PchipInterpolator

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau import ProfitFunction, ReputationFunction, StablePoint
from trustmarket.reputation.bureau import stable_points as bureau_stable_points

__all__ = [
    "PROFILES",
    "PROFILE_NOTES",
    "TabulatedReputation",
    "profile_stable_points",
    "reputation_function",
]

FloatArray = npt.NDArray[np.float64]

#: The table's losses: 0, then 10**LOG_LOW .. 10**LOG_HIGH, PER_DECADE nodes a decade.
LOG_LOW, LOG_HIGH, PER_DECADE = -8, 6, 100


class TabulatedReputation(ReputationFunction):
    """T(L) for tracing cost ``cost`` and cdfs ``F``, ``G``, tabulated once (module docstring).

    ``curve`` interpolates; beyond the table's largest loss (1e6) it gives NaN, as the exact
    curve does where no reputation is consistent. If the exact solution has no value at some
    node of the table, ``curve`` falls back to the exact (slow) computation everywhere."""

    _nodes: FloatArray
    _values: FloatArray
    _interpolator: PchipInterpolator | None

    def __init__(self, cost: float, F: Any = "uniform:0,1", G: Any = "uniform:0,1") -> None:  # noqa: N803
        super().__init__(cost, F, G)
        count = (LOG_HIGH - LOG_LOW) * PER_DECADE + 1
        nodes = np.concatenate(([0.0], np.logspace(LOG_LOW, LOG_HIGH, count)))
        values = ReputationFunction.curve(self, nodes)
        exact = bool(np.all(np.isfinite(values)))
        interpolator = PchipInterpolator(np.log(nodes[1:]), values[1:]) if exact else None
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_interpolator", interpolator)

    def curve(self, losses: npt.ArrayLike, *, grid: int = 1025) -> FloatArray:
        """T at each of ``losses``, from the table (``grid`` only matters for the fallback)."""
        if self._interpolator is None:
            return ReputationFunction.curve(self, losses, grid=grid)
        values = np.asarray(losses, dtype=float).ravel()
        if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
            raise InvalidReputation("the merchant's losses L_m must be finite numbers >= 0")
        smallest, largest = self._nodes[1], self._nodes[-1]
        out = np.full(values.shape, np.nan)
        tiny = values < smallest
        # Between 0 and the first positive node T is linear to within rounding.
        out[tiny] = self._values[0] + (self._values[1] - self._values[0]) * values[tiny] / smallest
        inside = ~tiny & (values <= largest)
        out[inside] = self._interpolator(np.log(values[inside]))
        return out


@functools.lru_cache(maxsize=16)
def reputation_function(cost: float, F: str, G: str) -> TabulatedReputation:  # noqa: N803
    """The tabulated T for ``(C, F, G)``, built once per process (about 0.35 s) and shared by
    every model with the same three: a pure function of its arguments, so caching is safe."""
    return TabulatedReputation(cost, F, G)


#: The profit-reputation functions h of the M1/M2 experiments (section 4), chosen so that at
#: the paper's setting (F, G uniform on [0, 1], C = 0.02) and r_max = 0.95 each shows one of
#: the paper's figures.
PROFILES: dict[str, ProfitFunction] = {
    "a": ProfitFunction.linear(0.3),
    "b": ProfitFunction.points([(0.0, 0.0), (0.1, 0.004), (1.0, 0.006)]),
    "c": ProfitFunction.linear(1.0),
    "two-points": ProfitFunction(lambda r: 0.1 * np.asarray(r, dtype=float) ** 2, "h(r) = 0.1 r^2"),
}

#: What each profile shows at the paper's setting (r_max = 0.95).
PROFILE_NOTES: dict[str, str] = {
    "a": "figure 5 (a): h^-1 below T, M1 rises to the top intersection S (0.913)",
    "b": "figure 5 (b): h^-1 above T at high r, M1 falls to the bottom stable point (0.17)",
    "c": "figure 5 (c): no upper intersection below r_max, M1 reaches r_max",
    "two-points": "figure 6: stable points 0 and 0.69, repelling 0.29 between them",
}


@functools.lru_cache(maxsize=64)
def profile_stable_points(
    cost: float,
    F: str,  # noqa: N803
    G: str,  # noqa: N803
    profile: str,
    r_max: float,
) -> tuple[StablePoint, ...]:
    """Every stable point of M1 for a profile (the bureau's ``stable_points`` on the tabulated
    T), cached like :func:`reputation_function`."""
    return bureau_stable_points(reputation_function(cost, F, G), PROFILES[profile], r_max=r_max)
