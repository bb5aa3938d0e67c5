"""Each party's expected payoff against the contract price, with tailored penalties.

Sandholm, eMediator, section 3.2: "eCommitter visualizes how each agent's payoff changes as a
function of the contract price rho, and shows how the decommitment penalties (a and b) should be
tailored to the contract price so as to maximize the expected benefit." :func:`payoff_curve`
computes those data; :func:`~trustmarket.analysis.commitment.plot.plot_payoffs` draws them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.commitment.distributions import Distribution
from trustmarket.analysis.commitment.equilibria import check_price, price_bounds
from trustmarket.analysis.commitment.mechanisms import Mechanism, as_mechanism
from trustmarket.analysis.commitment.optimize import (
    OptimalContract,
    optimal_contract,
    optimal_thresholds,
    tailored_contract,
)
from trustmarket.core.errors import InvalidContract

__all__ = ["PayoffCurve", "default_prices", "payoff_curve"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class PayoffCurve:
    """For each price ``rho``: the tailored penalties and the resulting equilibrium.

    All arrays have the length of ``rho``. ``contractor_gain`` and ``contractee_gain`` are the
    expected gains over the status quo at the best equilibrium of the contract
    ``(rho, a, b)``; their sum, :attr:`gain`, equals ``optimum.gain`` on ``optimum.prices``.
    """

    mechanism: Mechanism
    rho: FloatArray
    a: FloatArray
    b: FloatArray
    a_star: FloatArray
    b_star: FloatArray
    p_a: FloatArray
    p_b: FloatArray
    contractor_gain: FloatArray
    contractee_gain: FloatArray
    optimum: OptimalContract

    @property
    def gain(self) -> FloatArray:
        """The expected benefit at each price."""
        return self.contractor_gain + self.contractee_gain

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per price (infinite thresholds become ``None``)."""

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return [
            {
                "rho": float(self.rho[k]),
                "a": float(self.a[k]),
                "b": float(self.b[k]),
                "a_star": num(self.a_star[k]),
                "b_star": num(self.b_star[k]),
                "p_a": float(self.p_a[k]),
                "p_b": float(self.p_b[k]),
                "contractor_gain": float(self.contractor_gain[k]),
                "contractee_gain": float(self.contractee_gain[k]),
                "gain": float(self.gain[k]),
            }
            for k in range(len(self.rho))
        ]


def default_prices(f: Distribution, g: Distribution, points: int = 41) -> FloatArray:
    """``points`` prices spread over the hull of both supports (an infinite end is replaced
    by the 0.1% or 99.9% quantile)."""
    lo, hi = price_bounds(f, g)
    if math.isinf(lo):
        lo = min(float(f.quantile(1e-3)), float(g.quantile(1e-3)))
    if math.isinf(hi):
        hi = max(float(f.quantile(1 - 1e-3)), float(g.quantile(1 - 1e-3)))
    return np.linspace(lo, hi, points)


def payoff_curve(
    f: Distribution,
    g: Distribution,
    mechanism: Mechanism | str,
    rhos: npt.ArrayLike | None = None,
    *,
    points: int = 41,
    samples: int = 1025,
) -> PayoffCurve:
    """Each party's expected gain against ``rho``, with penalties tailored to each price.

    Parameters
    ----------
    f, g:
        Distributions of the contractor's and the contractee's outside offers.
    mechanism:
        One of :class:`Mechanism` (or its name).
    rhos:
        The prices; by default :func:`default_prices` with ``points`` prices.
    samples:
        Resolution of the fixed-point searches.

    Raises
    ------
    InvalidContract
        Unknown mechanism, no price, or a price outside the supports.
    """
    mech = as_mechanism(mechanism)
    prices = default_prices(f, g, points) if rhos is None else np.asarray(rhos, dtype=float).ravel()
    if len(prices) == 0:
        raise InvalidContract("give at least one price rho")
    for rho in prices:
        if not math.isfinite(rho):
            raise InvalidContract(f"rho must be finite, got {rho}")
        check_price(f, g, float(rho))
    opt = optimal_thresholds(f, g, samples=samples)
    best = optimal_contract(f, g, mech, optimum=opt, samples=samples)
    found = [
        tailored_contract(f, g, mech, float(rho), optimum=opt, samples=samples) for rho in prices
    ]

    def column(name: str) -> FloatArray:
        return np.array([float(getattr(e, name)) for e in found])

    return PayoffCurve(
        mechanism=mech,
        rho=prices,
        a=np.array([e.contract.a for e in found]),
        b=np.array([e.contract.b for e in found]),
        a_star=column("a_star"),
        b_star=column("b_star"),
        p_a=column("p_a"),
        p_b=column("p_b"),
        contractor_gain=column("contractor_gain"),
        contractee_gain=column("contractee_gain"),
        optimum=best,
    )
