"""The trust/trace game and the credit bureau's reputation function T(L) (Wang, Khosla and
Krishnan, section 3; SPEC section 4.1).

A customer's agent recommends merchant m of reputation R, the probability that m did not tamper
with it. Buying after tampering costs the customer L_c (cdf F); tracing the itinerary costs C and
exposes a cheater, who then loses L_m. A merchant gains V_m (cdf G) from an undetected cheat.

- Customer's strategy (Definition 1): trust iff ``(1 - R) L_c <= C``.
- Merchant's strategy (Definition 2): with ``q = F(C / (1 - R))``, the chance of not being
  traced, tamper iff ``q V_m - (1 - q) L_m > 0``, i.e. ``V_m > L_m (1 - q) / q``.
- Theorem 1: the strategies are a Nash equilibrium when the bureau's R is consistent with the
  merchants' behaviour, ``R = G(L_m (1 - q(R)) / q(R))`` (equation (7)). T(L) is that R.

How many solutions: ``q(R)`` never falls as R rises, so the threshold ``L (1 - q) / q`` never
rises and the right side ``G(...)`` never rises either, while the left side R does. There is
therefore at most one fixed point, for any F and G; :meth:`ReputationFunction.fixed_points`
still searches all of [0, 1) and returns what it finds (none when G jumps across the diagonal,
a flat piece's two ends if F and G make the right side equal R on an interval).

``q = 0`` (every customer traces) makes the threshold infinite and nobody tampers: ``G(inf)`` is
1. ``R = 1`` makes ``C / (1 - R)`` infinite: ``q = F(inf) = 1``, threshold 0, ``R = G(0)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from trustmarket.analysis.fixed_points import fixed_points
from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau.cdf import Cdf, as_cdf
from trustmarket.reputation.checks import at_least, finite_number, unit_number, whole_number

__all__ = [
    "ReputationFunction",
    "customer_trusts",
    "merchant_tampers",
    "tamper_threshold",
    "unchecked_probability",
    "uniform_reputation",
]

#: The most samples :class:`ReputationFunction` searches [0, 1) with (default 2,049): each is
#: one evaluation of F and G, and the arrays of a million take tens of megabytes.
MAX_SAMPLES = 1_000_000

FloatArray = npt.NDArray[np.float64]
Choice = Literal["smallest", "largest"]


def _number(value: object, what: str, *, low: float | None = None, open_low: bool = False) -> float:
    if low is None:
        return finite_number(value, what)
    return at_least(value, what, low, strict=open_low)


def _reputation(value: object) -> float:
    return unit_number(value, "the reputation R")


def _floats(values: npt.ArrayLike, what: str, allowed: str) -> FloatArray:
    """``values`` as a float array; :class:`InvalidReputation` saying ``what`` must be
    ``allowed`` when they are not numbers (or hold an int too large for a float)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InvalidReputation(f"{what} must be {allowed}") from None


def tracing_cost(value: object) -> float:
    """C, checked: a positive finite number (C <= 0 would make tracing free)."""
    return _number(value, "the tracing cost C", low=0.0, open_low=True)


def customer_trusts(reputation: float, loss: float, cost: float) -> bool:
    """Definition 1: buy without tracing iff ``(1 - R) L_c <= C``."""
    r = _reputation(reputation)
    loss_c = _number(loss, "the customer's loss L_c", low=0.0)
    return (1.0 - r) * loss_c <= tracing_cost(cost)


def unchecked_probability(reputation: float, cost: float, F: Any) -> float:  # noqa: N803
    """``q = F(C / (1 - R))``: the share of customers who trust, so a cheat goes untraced."""
    r = _reputation(reputation)
    c = tracing_cost(cost)
    cdf = as_cdf(F, "F")
    return 1.0 if r == 1.0 else float(cdf(c / (1.0 - r)))


def tamper_threshold(q: float, merchant_loss: float) -> float:
    """``L_m (1 - q) / q``: a merchant tampers iff his gain exceeds it (``inf`` when q = 0)."""
    q = finite_number(q, "q", "a probability in [0, 1]")
    if not 0.0 <= q <= 1.0:
        raise InvalidReputation(f"q is a probability in [0, 1], got {q:g}")
    loss_m = _number(merchant_loss, "the merchant's loss L_m", low=0.0)
    return math.inf if q == 0.0 else loss_m * (1.0 - q) / q


def merchant_tampers(
    reputation: float,
    gain: float,
    merchant_loss: float,
    cost: float,
    F: Any,  # noqa: N803
) -> bool:
    """Definition 2: tamper iff ``q V_m - (1 - q) L_m > 0`` with ``q = F(C / (1 - R))``."""
    q = unchecked_probability(reputation, cost, F)
    v = _number(gain, "the merchant's gain V_m", low=0.0)
    loss_m = _number(merchant_loss, "the merchant's loss L_m", low=0.0)
    return q * v - (1.0 - q) * loss_m > 0.0


def uniform_reputation(cost: float, merchant_loss: float) -> float:
    """The closed form for F, G uniform on [0, 1] and C, L_m in (0, 1]:
    ``T(L) = L (1 - C) / (C + L)`` (concave and increasing in L)."""
    c = tracing_cost(cost)
    loss_m = _number(merchant_loss, "the merchant's loss L_m", low=0.0)
    if c > 1.0 or loss_m > 1.0:
        raise InvalidReputation(
            f"the closed form holds for C and L_m in (0, 1]; got C = {c:g}, L_m = {loss_m:g} "
            "(use ReputationFunction for other values)"
        )
    return loss_m * (1.0 - c) / (c + loss_m)


@dataclass(frozen=True)
class ReputationFunction:
    """T(L) for a tracing cost ``C`` and the cdfs ``F`` (customer's loss) and ``G`` (merchant's
    gain): every R in [0, 1) with ``R = G(L (1 - q(R)) / q(R))``, ``q(R) = F(C / (1 - R))``.

    ``choose`` picks one value when there are several: ``"smallest"`` (default, the cautious
    reading: the least trust consistent with the merchants' behaviour) or ``"largest"``.
    ``samples`` is the resolution of the fixed-point search
    (:func:`trustmarket.analysis.fixed_points.fixed_points`).
    """

    cost: float
    F: Cdf
    G: Cdf
    choose: Choice = "smallest"
    samples: int = 2049

    def __init__(
        self,
        cost: float,
        F: Any = "uniform:0,1",  # noqa: N803
        G: Any = "uniform:0,1",  # noqa: N803
        *,
        choose: Choice = "smallest",
        samples: int = 2049,
    ) -> None:
        object.__setattr__(self, "cost", tracing_cost(cost))
        object.__setattr__(self, "F", as_cdf(F, "F"))
        object.__setattr__(self, "G", as_cdf(G, "G"))
        if choose not in ("smallest", "largest"):
            raise InvalidReputation(f"choose must be 'smallest' or 'largest', got {choose!r}")
        object.__setattr__(self, "choose", choose)
        object.__setattr__(self, "samples", whole_number(samples, "samples", 3, MAX_SAMPLES))

    def consistent(self, reputation: npt.ArrayLike, merchant_loss: float) -> FloatArray:
        """The right side of equation (7), ``G(L (1 - q(R)) / q(R))``, for an array of R < 1."""
        r = _floats(reputation, "the reputations R", "numbers in [0, 1)")
        loss_m = _number(merchant_loss, "the merchant's loss L_m", low=0.0)
        return self._consistent_array(r, np.full_like(r, loss_m))

    def fixed_points(self, merchant_loss: float) -> tuple[float, ...]:
        """Every R in [0, 1) with ``R = G(L (1 - q(R)) / q(R))``, ascending."""
        loss_m = _number(merchant_loss, "the merchant's loss L_m", low=0.0)
        hi = 1.0 - 1e-12
        found = fixed_points(
            lambda r: self.consistent(r, loss_m),
            0.0,
            hi,
            samples=self.samples,
            vectorized=True,
        )
        points = list(found.points)
        for left, right in found.intervals:  # a flat piece: report its ends
            points += [left, right]
        return tuple(sorted(p for p in points if p < 1.0 - 1e-9))

    def __call__(self, merchant_loss: float) -> float:
        """T(L): the chosen fixed point (see ``choose``)."""
        points = self.fixed_points(merchant_loss)
        if not points:
            raise InvalidReputation(
                f"no reputation in [0, 1) is consistent for L_m = {merchant_loss:g} with "
                f"C = {self.cost:g}, {self.F!r}, {self.G!r}"
            )
        return points[0] if self.choose == "smallest" else points[-1]

    def curve(self, losses: npt.ArrayLike, *, grid: int = 1025) -> FloatArray:
        """T at each of ``losses`` at once (the paper's figure 4; mechanism M1's map).

        Vectorised over the losses: the residual ``G(...) - R`` is sampled on ``grid`` values
        of R for every loss, the chosen sign change of each column is refined by 60 steps of
        bisection together. Unlike :meth:`fixed_points` it does not look for tangent roots; a
        loss whose residual never changes sign gets NaN.
        """
        values = _floats(losses, "the merchant's losses L_m", "finite numbers >= 0").ravel()
        if values.size == 0:
            return values
        if not np.all(np.isfinite(values)) or values.min() < 0:
            raise InvalidReputation("the merchant's losses L_m must be finite numbers >= 0")
        r = np.linspace(0.0, 1.0 - 1e-12, grid)
        residual = self._residual(r[:, None], values[None, :])
        exact = residual == 0.0
        change = (np.sign(residual[:-1]) * np.sign(residual[1:]) < 0) | exact[:-1]
        found = change.any(axis=0)
        if self.choose == "smallest":
            k = np.argmax(change, axis=0)
        else:
            k = grid - 2 - np.argmax(change[::-1], axis=0)
        columns = np.arange(values.size)
        lo, hi = r[k].copy(), r[k + 1].copy()
        at_lo = exact[k, columns]
        sign_lo = np.sign(residual[k, columns])
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            value = self._residual(mid, values)
            same = np.sign(value) == sign_lo
            lo = np.where(same, mid, lo)
            hi = np.where(same, hi, mid)
        out = np.where(at_lo, r[k], 0.5 * (lo + hi))
        return np.asarray(np.where(found, out, np.nan), dtype=float)

    def _residual(self, reputation: FloatArray, losses: FloatArray) -> FloatArray:
        r, loss = np.broadcast_arrays(reputation, losses)
        return np.asarray(self._consistent_array(r, loss) - r, dtype=float)

    def _consistent_array(self, r: FloatArray, loss: FloatArray) -> FloatArray:
        # A threshold that overflows is infinite, which the next line treats as such.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q = np.where(r < 1.0, self.F(self.cost / np.maximum(1.0 - r, 1e-300)), 1.0)
            threshold = np.where(q > 0.0, loss * (1.0 - q) / np.maximum(q, 1e-300), np.inf)
        infinite = np.isinf(threshold)
        return np.where(infinite, 1.0, self.G(np.where(infinite, 0.0, threshold)))

    def inverse(self, reputation: float, *, upper: float = 1e6) -> float:
        """``T^-1(R)``: the loss L with ``T(L) = R`` (needed by mechanism M2), by Brent's method
        on [0, upper]; T must be increasing there (it is for the uniform case)."""
        r = _reputation(reputation)
        upper = _number(upper, "the upper end of the search", low=0.0, open_low=True)

        def t(loss: float) -> float:
            return float(self.curve([loss])[0])

        if r <= t(0.0):
            return 0.0
        if not t(upper) >= r:
            raise InvalidReputation(
                f"no loss up to {upper:g} gives reputation {r:g}: T stays below it "
                f"(T({upper:g}) = {t(upper):.6g})"
            )
        return float(brentq(lambda loss: t(loss) - r, 0.0, upper, xtol=1e-13, rtol=1e-12))
