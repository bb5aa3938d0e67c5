"""Optimal leveled commitment contracts, the fair one, and full commitment (eCommitter).

Sandholm, eMediator, section 3.2: choose ``(rho, a, b)`` to maximise the expected benefit, the
sum of both parties' expected payoffs minus the status quo, taking into account that the agents
decommit (insincerely) in Nash equilibrium.

**Method.** The benefit depends on the thresholds only (module
:mod:`~trustmarket.analysis.commitment.payoffs`):
``S(a*, b*) = E[(a~ - b~) 1{a~ >= a*, b~ <= b*}]``. Its partial derivatives are

    dS/da* = -f(a*) G(b*) (a* - m(b*)),        m(b*) = E[b~ | b~ <= b*],
    dS/db* =  g(b*) (1 - F(a*)) (M(a*) - b*),  M(a*) = E[a~ | a~ >= a*],

so for a fixed ``b*`` the benefit rises in ``a*`` up to ``m(b*)`` and falls after it, and for a
fixed ``a*`` it rises in ``b*`` up to ``M(a*)``. A maximiser therefore satisfies ``a* = m(b*)``
and ``b* = M(a*)``: ``a*`` is a fixed point of the non-decreasing map ``a -> m(M(a))``, which
maps the real line into ``[m(E[a~]), E[b~]]``. :func:`optimal_thresholds` finds **all** those
fixed points (:func:`~trustmarket.analysis.fixed_points.fixed_points`) and keeps the best; no grid
over three dimensions is needed. At the optimum ``S* = (1 - p_a)(1 - p_b)(b* - a*)``.

Every mechanism reaches these thresholds: its tailored penalties
(:meth:`~trustmarket.analysis.commitment.mechanisms.MechanismRules.tailored_penalties`) are
non-negative on a whole interval of prices
(:meth:`~trustmarket.analysis.commitment.mechanisms.MechanismRules.price_range`), the optimal
contracts of that mechanism. So the four mechanisms have the same optimal benefit: the surplus
equivalence of Sandholm and Zhou (2002). Along that interval the benefit is constant and the
contractor's share falls linearly in ``rho`` from at least ``S*`` to at most 0; the **fair**
optimal contract is the price where both gain ``S* / 2`` (eMediator section 3.2, footnote 10).

**Which equilibrium.** An optimal contract is built for the equilibrium ``(a*, b*)``, the best
any equilibrium of any contract can do. A simultaneous-mechanism contract may have other, worse,
equilibria too: :class:`OptimalContract` lists all equilibria of the fair contract and their
worst benefit (``worst_gain``); it does not pick contracts by their worst equilibrium.

**Full commitment** (``a = b = infinity``: nobody decommits): the benefit is
``E[a~] - E[b~]`` at any price, individually rational for both when
``E[b~] <= rho <= E[a~]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.commitment.distributions import Distribution
from trustmarket.analysis.commitment.equilibria import (
    Equilibria,
    Equilibrium,
    check_price,
    equilibrium_at,
    find_equilibria,
)
from trustmarket.analysis.commitment.mechanisms import Contract, Mechanism, as_mechanism, rules
from trustmarket.analysis.commitment.payoffs import benefit
from trustmarket.analysis.fixed_points import fixed_points
from trustmarket.core.errors import InvalidContract

__all__ = [
    "BenefitOptimum",
    "FullCommitment",
    "OptimalContract",
    "full_commitment",
    "optimal_contract",
    "optimal_thresholds",
    "tailored_contract",
]

FloatArray = npt.NDArray[np.float64]

#: Probability mass below which a conditional mean is not computed (the threshold is kept).
_TINY_MASS = 1e-12


@dataclass(frozen=True)
class BenefitOptimum:
    """The thresholds that maximise the expected benefit, and that benefit.

    ``gain`` is ``S* = max S(a*, b*)``, at least ``max(0, E[a~] - E[b~])``.
    """

    a_star: float
    b_star: float
    p_a: float
    p_b: float
    gain: float

    @property
    def beneficial(self) -> bool:
        """Whether some leveled commitment contract beats the status quo."""
        return self.gain > 0


@dataclass(frozen=True)
class FullCommitment:
    """The best full commitment contract (``a = b = infinity``; nobody decommits).

    ``gain = E[a~] - E[b~]`` at every price; ``prices = (E[b~], E[a~])`` are the prices that
    leave both better off than the status quo, ``None`` when that interval is empty.
    """

    gain: float
    prices: tuple[float, float] | None

    @property
    def beneficial(self) -> bool:
        return self.gain > 0

    @property
    def fair_price(self) -> float | None:
        """The price that splits ``gain`` equally: ``(E[a~] + E[b~]) / 2``."""
        return None if self.prices is None else (self.prices[0] + self.prices[1]) / 2


@dataclass(frozen=True)
class OptimalContract:
    """The optimal leveled commitment contracts of one mechanism, and the fair one.

    Attributes
    ----------
    mechanism:
        The decommitting mechanism.
    gain:
        The largest expected benefit of any equilibrium of any contract, ``S*``.
    a_star, b_star, p_a, p_b:
        The thresholds (and decommitting probabilities) that attain it.
    prices:
        The prices ``rho`` at which tailored penalties attain ``S*`` (``None`` if no contract is
        beneficial).
    fair:
        The fair optimal contract's designed equilibrium (its ``contract``, both payoffs), where
        both parties gain ``S* / 2``; ``None`` if no contract is beneficial.
    equilibria:
        All equilibria of the fair contract (``None`` if no contract is beneficial).
    full_commitment:
        The best full commitment contract, for comparison.
    """

    mechanism: Mechanism
    gain: float
    a_star: float
    b_star: float
    p_a: float
    p_b: float
    prices: tuple[float, float] | None
    fair: Equilibrium | None
    equilibria: Equilibria | None
    full_commitment: FullCommitment

    @property
    def beneficial(self) -> bool:
        """Whether a contract beats the status quo."""
        return self.fair is not None

    @property
    def advantage(self) -> float:
        """How much more the leveled contract yields than the best full commitment contract
        (or than no contract, when no full commitment contract is individually rational)."""
        return self.gain - max(0.0, self.full_commitment.gain)

    @property
    def worst_gain(self) -> float:
        """The benefit of the fair contract's worst equilibrium (= ``gain`` if unique)."""
        return 0.0 if self.equilibria is None else self.equilibria.worst.gain

    def penalties(self, rho: float) -> tuple[float, float]:
        """The tailored penalties ``(a, b)`` that make price ``rho`` optimal.

        Raises
        ------
        InvalidContract
            If ``rho`` is outside :attr:`prices` (no contract at that price attains ``S*``).
        """
        if self.prices is None:
            raise InvalidContract("no leveled commitment contract beats the status quo here")
        lo, hi = self.prices
        if not lo - 1e-12 * (1 + abs(lo)) <= rho <= hi + 1e-12 * (1 + abs(hi)):
            raise InvalidContract(
                f"no penalties make rho = {rho:g} optimal under {self.mechanism.value}; "
                f"allowed: {lo:g} <= rho <= {hi:g}"
            )
        a, b = rules(self.mechanism).tailored_penalties(
            rho, self.a_star, self.b_star, self.p_a, self.p_b
        )
        return max(float(a), 0.0), max(float(b), 0.0)

    def contract(self, rho: float) -> Contract:
        """The optimal contract at price ``rho``: ``Contract(rho, *penalties(rho))``."""
        return Contract(rho, *self.penalties(rho))

    def as_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism.value,
            "gain": self.gain,
            "a_star": self.a_star,
            "b_star": self.b_star,
            "p_a": self.p_a,
            "p_b": self.p_b,
            "prices": None if self.prices is None else list(self.prices),
            "fair": None if self.fair is None else self.fair.as_dict(),
            "equilibria": None
            if self.equilibria is None
            else [e.as_dict() for e in self.equilibria],
            "unique": None if self.equilibria is None else self.equilibria.unique,
            "worst_gain": self.worst_gain,
            "full_commitment": {
                "gain": self.full_commitment.gain,
                "prices": None
                if self.full_commitment.prices is None
                else list(self.full_commitment.prices),
            },
            "advantage": self.advantage,
        }


def full_commitment(f: Distribution, g: Distribution) -> FullCommitment:
    """The best full commitment contract: benefit ``E[a~] - E[b~]`` at any price."""
    gain = f.mean - g.mean
    return FullCommitment(gain, (g.mean, f.mean) if gain >= 0 else None)


def _conditional_above(f: Distribution, a: FloatArray) -> FloatArray:
    """``M(a) = E[a~ | a~ >= a]``, and ``a`` itself where no mass lies above."""
    tail = 1 - f.cdf(a)
    mass = np.where(tail > _TINY_MASS, tail, 1.0)
    value = np.minimum(np.maximum(f.partial_expectation(a, np.inf) / mass, a), f.support[1])
    return np.asarray(np.where(tail > _TINY_MASS, value, a), dtype=float)


def _conditional_below(g: Distribution, b: FloatArray) -> FloatArray:
    """``m(b) = E[b~ | b~ <= b]``, and ``b`` itself where no mass lies below."""
    head = g.cdf(b)
    mass = np.where(head > _TINY_MASS, head, 1.0)
    value = np.minimum(g.partial_expectation(-np.inf, b) / mass, b)
    return np.asarray(np.where(head > _TINY_MASS, value, b), dtype=float)


def optimal_thresholds(f: Distribution, g: Distribution, *, samples: int = 1025) -> BenefitOptimum:
    """The thresholds maximising the expected benefit over all threshold pairs.

    The maximiser is a fixed point of ``a -> m(M(a))`` (module docstring); every fixed point on
    ``[m(E[a~]), E[b~]]`` is found and the best is kept.
    """

    def best_response_map(a: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(a, dtype=float)
        return _conditional_below(g, _conditional_above(f, arr))

    lo = float(_conditional_below(g, np.asarray(f.mean)))
    hi = float(g.mean)
    lo = min(lo, hi)
    found = fixed_points(best_response_map, lo, hi, samples=samples, vectorized=True)
    candidates = list(found.points)
    for left, right in found.intervals:
        candidates.extend((left, (left + right) / 2, right))
    if not candidates:  # pragma: no cover - a monotone map into [lo, hi] has a fixed point
        candidates = [lo, hi]
    a_cand = np.asarray(candidates, dtype=float)
    b_cand = _conditional_above(f, a_cand)
    values = benefit(f, g, a_cand, b_cand)
    k = int(np.argmax(values))
    a_star, b_star, gain = float(a_cand[k]), float(b_cand[k]), float(values[k])
    scale = max(1.0, abs(f.mean), abs(g.mean))
    if gain <= 1e-12 * scale:
        gain = 0.0
    return BenefitOptimum(
        a_star=a_star,
        b_star=b_star,
        p_a=float(f.cdf(a_star)),
        p_b=float(1 - g.cdf(b_star)),
        gain=gain,
    )


def _contractor_gain(
    f: Distribution, mechanism: Mechanism, opt: BenefitOptimum, rho: float
) -> float:
    """The contractor's gain at the optimal thresholds with the tailored penalties at ``rho``."""
    r = rules(mechanism)
    a, b = r.tailored_penalties(rho, opt.a_star, opt.b_star, opt.p_a, opt.p_b)
    pays_a, pays_b = r.penalty_probabilities(opt.p_a, opt.p_b)
    upper = float(f.partial_expectation(opt.a_star, np.inf))
    performed = (1 - opt.p_b) * (upper - rho * (1 - opt.p_a))
    return float(performed - a * pays_a + b * pays_b)


def optimal_contract(
    f: Distribution,
    g: Distribution,
    mechanism: Mechanism | str,
    *,
    optimum: BenefitOptimum | None = None,
    samples: int = 1025,
) -> OptimalContract:
    """The optimal contracts of a mechanism, the fair one, and the full-commitment comparison.

    Parameters
    ----------
    f, g:
        Distributions of the contractor's and the contractee's outside offers.
    mechanism:
        One of :class:`Mechanism` (or its name).
    optimum:
        :func:`optimal_thresholds` of ``(f, g)``, if already computed (it is the same for every
        mechanism).
    samples:
        Resolution of the fixed-point searches.
    """
    mech = as_mechanism(mechanism)
    opt = optimum if optimum is not None else optimal_thresholds(f, g, samples=samples)
    full = full_commitment(f, g)
    if not opt.beneficial:
        return OptimalContract(
            mech, 0.0, opt.a_star, opt.b_star, opt.p_a, opt.p_b, None, None, None, full
        )
    lo, hi = rules(mech).price_range(opt.a_star, opt.b_star, opt.p_a, opt.p_b)
    share_lo = _contractor_gain(f, mech, opt, lo)
    share_hi = _contractor_gain(f, mech, opt, hi)
    if hi > lo and share_lo != share_hi:
        # The contractor's share is affine in rho along the tailored line (module docstring).
        rho = lo + (opt.gain / 2 - share_lo) * (hi - lo) / (share_hi - share_lo)
        rho = min(max(rho, lo), hi)
    else:
        rho = lo
    a, b = rules(mech).tailored_penalties(rho, opt.a_star, opt.b_star, opt.p_a, opt.p_b)
    contract = Contract(rho, max(float(a), 0.0), max(float(b), 0.0))
    fair = equilibrium_at(f, g, contract, mech, opt.p_a)
    found = find_equilibria(f, g, contract, mech, samples=samples)
    return OptimalContract(
        mechanism=mech,
        gain=opt.gain,
        a_star=opt.a_star,
        b_star=opt.b_star,
        p_a=opt.p_a,
        p_b=opt.p_b,
        prices=(lo, hi),
        fair=fair,
        equilibria=found,
        full_commitment=full,
    )


def _threshold_grid(dist: Distribution, probs: FloatArray, extra: float) -> FloatArray:
    lo_q, hi_q = (1e-12 if math.isinf(dist.support[0]) else 0.0), 1 - 1e-12
    q = np.clip(probs, lo_q, hi_q if math.isinf(dist.support[1]) else 1.0)
    return np.unique(np.concatenate((dist.quantile(q), [extra])))


def tailored_contract(
    f: Distribution,
    g: Distribution,
    mechanism: Mechanism | str,
    rho: float,
    *,
    optimum: BenefitOptimum | None = None,
    grid: int = 129,
    samples: int = 1025,
) -> Equilibrium:
    """The penalties that maximise the expected benefit at a given price ``rho``.

    Inside the optimal price range the tailored penalties are exact. Outside it, the best
    threshold pair ``(a*, b*)`` whose tailored penalties at this price are ``>= 0`` is searched:

    - on a grid of thresholds (``grid`` quantiles of ``f`` and of ``g``, plus ``rho``), refined
      by three zooms around the best pair;
    - beyond the supports: a threshold outside its support has the same benefit wherever it
      lies, and the penalties are affine in it, so it is pushed just far enough for the
      penalty to reach zero (this is how "never decommits" is bought at the least penalty);

    among equally good pairs the one with the smallest ``a + b`` is kept, and the result is
    compared with the penalty-free contract ``(rho, 0, 0)``. The contract found is then solved
    with :func:`find_equilibria` and its **best** equilibrium is returned, so the payoffs are
    always those of a genuine equilibrium.

    Raises
    ------
    InvalidContract
        Unknown mechanism, or a price outside the supports.
    """
    mech = as_mechanism(mechanism)
    check_price(f, g, rho)
    r = rules(mech)
    opt = optimum if optimum is not None else optimal_thresholds(f, g, samples=samples)
    if opt.beneficial:
        lo, hi = r.price_range(opt.a_star, opt.b_star, opt.p_a, opt.p_b)
        if lo <= rho <= hi:
            a, b = r.tailored_penalties(rho, opt.a_star, opt.b_star, opt.p_a, opt.p_b)
            contract = Contract(rho, max(float(a), 0.0), max(float(b), 0.0))
            return equilibrium_at(f, g, contract, mech, opt.p_a)

    scale = max(1.0, abs(rho), abs(f.mean), abs(g.mean))
    candidates: list[tuple[float, float, float]] = []  # (benefit, a, b)

    def consider(alpha: FloatArray, beta: FloatArray) -> tuple[int, ...] | None:
        """Record the best feasible pair of the (broadcast) grid; return its index."""
        alpha, beta = np.broadcast_arrays(alpha, beta)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            p_a = f.cdf(alpha)
            p_b = 1 - g.cdf(beta)
            pen_a, pen_b = r.tailored_penalties(rho, alpha, beta, p_a, p_b)
            values = benefit(f, g, alpha, beta)
        ok = (p_a < 1) & (p_b < 1) & np.isfinite(pen_a) & np.isfinite(pen_b) & np.isfinite(values)
        ok &= (pen_a >= -1e-12 * scale) & (pen_b >= -1e-12 * scale)
        if not ok.any():
            return None
        feasible = np.where(ok, values, -np.inf)
        near = feasible >= feasible.max() - 1e-12 * scale  # ties: the smallest penalties
        k = np.unravel_index(int(np.argmin(np.where(near, pen_a + pen_b, np.inf))), values.shape)
        candidates.append((float(values[k]), float(pen_a[k]), float(pen_b[k])))
        return tuple(int(v) for v in k)

    probs = np.linspace(0.0, 1.0, grid)
    a_grid = _threshold_grid(f, probs[:-1], rho)
    b_grid = _threshold_grid(g, 1 - probs[:-1], rho)

    # Beyond the supports (p_b = 0 or p_a = 0).
    lo_f = f.support[0] if math.isfinite(f.support[0]) else float(f.quantile(1e-12))
    hi_g = g.support[1] if math.isfinite(g.support[1]) else float(g.quantile(1 - 1e-12))
    beta0, alpha0 = max(hi_g, rho), min(lo_f, rho)
    p_b0, p_a0 = 1 - float(g.cdf(beta0)), float(f.cdf(alpha0))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        p_a = f.cdf(a_grid)
        b_at = [r.tailored_penalties(rho, a_grid, beta0 + d, p_a, p_b0)[1] for d in (0.0, 1.0)]
        slope = b_at[1] - b_at[0]
        far_b = np.where(b_at[0] >= 0, beta0, np.where(slope > 0, beta0 - b_at[0] / slope, np.nan))
        p_b = 1 - g.cdf(b_grid)
        a_at = [r.tailored_penalties(rho, alpha0 - d, b_grid, p_a0, p_b)[0] for d in (0.0, 1.0)]
        slope = a_at[1] - a_at[0]
        far_a = np.where(
            a_at[0] >= 0, alpha0, np.where(slope > 0, alpha0 - a_at[0] / slope, np.nan)
        )
    consider(a_grid, far_b)
    consider(far_a, b_grid)
    consider(np.array([alpha0]), np.array([beta0]))

    # The grid, zoomed three times around its best pair.
    for _ in range(4):
        k = consider(a_grid[:, None], b_grid[None, :])
        if k is None:
            break
        a_grid, b_grid = _zoom(a_grid, k[0]), _zoom(b_grid, k[1])

    contracts = [Contract(rho, 0.0, 0.0)]
    if candidates:
        _, pen_a, pen_b = max(candidates, key=lambda c: (c[0], -(c[1] + c[2])))
        contracts.append(Contract(rho, max(pen_a, 0.0), max(pen_b, 0.0)))
    return max(
        (find_equilibria(f, g, c, mech, samples=samples).best for c in contracts),
        key=lambda e: e.gain,
    )


def _zoom(values: FloatArray, k: int, points: int = 33) -> FloatArray:
    lo = values[max(k - 1, 0)]
    hi = values[min(k + 1, len(values) - 1)]
    return np.unique(np.concatenate((np.linspace(lo, hi, points), [values[k]])))
