"""All Nash equilibria (threshold pairs) of a leveled commitment contract.

Sandholm, eMediator, section 3.1.3: "eCommitter finds all the Nash equilibria", the threshold
pairs solving equations (3) and (4) together with ``p_a = F(a*)`` (1) and ``p_b = 1 - G(b*)`` (2).
Each best response depends on the other party only through her decommitting probability, so an
equilibrium is a fixed point of the scalar map

    phi(p_a) = F(a*(p_b)),   p_b = 1 - G(b*(p_a)),

on ``[0, 1]``, where ``a*(.)`` and ``b*(.)`` are the mechanism's thresholds
(:mod:`~trustmarket.analysis.commitment.mechanisms`). ``phi`` is non-decreasing in every mechanism
(a likelier contractor decommitment raises ``b*``, which lowers ``p_b``, which raises ``a*``), so a
fixed point always exists (Tarski); there may be several, or a whole interval of them. All are
found by :func:`trustmarket.analysis.fixed_points.fixed_points`; an interval is reported as a
continuum with its two ends. In the sequential mechanisms ``phi`` is constant: the equilibrium is
unique.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.commitment.distributions import Distribution
from trustmarket.analysis.commitment.mechanisms import Contract, Mechanism, as_mechanism, rules
from trustmarket.analysis.commitment.payoffs import expected_gains, status_quo
from trustmarket.analysis.fixed_points import fixed_points
from trustmarket.core.errors import InvalidContract

__all__ = [
    "Equilibria",
    "Equilibrium",
    "check_price",
    "equilibrium_at",
    "find_equilibria",
    "price_bounds",
]


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium of a contract under a mechanism, with its expected payoffs.

    Attributes
    ----------
    a_star, b_star:
        The thresholds: the contractor decommits iff ``a~ < a*``, the contractee iff
        ``b~ > b*``. ``-inf`` / ``+inf`` mean "never decommits" (the party facing certain
        decommitment, SPEC section 5).
    p_a, p_b:
        ``F(a*)`` and ``1 - G(b*)``. In a sequential mechanism the second mover's probability is
        conditional on the first not decommitting.
    contractor_payoff, contractee_payoff:
        Expected payoffs under the contract.
    contractor_gain, contractee_gain:
        The same minus the status quo (``-E[a~]`` and ``E[b~]``).
    """

    mechanism: Mechanism
    contract: Contract
    a_star: float
    b_star: float
    p_a: float
    p_b: float
    contractor_payoff: float
    contractee_payoff: float
    contractor_gain: float
    contractee_gain: float

    @property
    def gain(self) -> float:
        """The expected benefit: the sum of both gains over the status quo."""
        return self.contractor_gain + self.contractee_gain

    @property
    def performed(self) -> float:
        """The probability that the contract is carried out: ``(1 - p_a)(1 - p_b)``."""
        return (1 - self.p_a) * (1 - self.p_b)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; infinite thresholds become ``None`` (never decommits)."""
        return {
            "mechanism": self.mechanism.value,
            "contract": {"rho": self.contract.rho, "a": self.contract.a, "b": self.contract.b},
            "a_star": _finite_or_none(self.a_star),
            "b_star": _finite_or_none(self.b_star),
            "p_a": self.p_a,
            "p_b": self.p_b,
            "performed": self.performed,
            "contractor_payoff": self.contractor_payoff,
            "contractee_payoff": self.contractee_payoff,
            "contractor_gain": self.contractor_gain,
            "contractee_gain": self.contractee_gain,
            "gain": self.gain,
        }


@dataclass(frozen=True)
class Equilibria:
    """Every equilibrium of one contract under one mechanism.

    Attributes
    ----------
    points:
        The isolated equilibria, by increasing ``p_a``.
    continua:
        Intervals of equilibria (``phi(p) = p`` on a whole interval of ``p_a``), each given by the
        equilibria at its two ends. Rare: it needs ``F``, ``G`` and the contract to line up.
    """

    mechanism: Mechanism
    contract: Contract
    points: tuple[Equilibrium, ...]
    continua: tuple[tuple[Equilibrium, Equilibrium], ...] = ()

    def __iter__(self) -> Iterator[Equilibrium]:
        """The isolated equilibria, then both ends of every continuum."""
        yield from self.points
        for low, high in self.continua:
            yield low
            yield high

    def __len__(self) -> int:
        return len(self.points) + 2 * len(self.continua)

    @property
    def unique(self) -> bool:
        """Whether the contract has exactly one equilibrium."""
        return len(self.points) == 1 and not self.continua

    @property
    def best(self) -> Equilibrium:
        """The equilibrium with the largest expected benefit (ends of continua included)."""
        return max(self, key=lambda e: e.gain)

    @property
    def worst(self) -> Equilibrium:
        """The equilibrium with the smallest expected benefit (ends of continua included)."""
        return min(self, key=lambda e: e.gain)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism.value,
            "contract": {"rho": self.contract.rho, "a": self.contract.a, "b": self.contract.b},
            "equilibria": [e.as_dict() for e in self.points],
            "continua": [[low.as_dict(), high.as_dict()] for low, high in self.continua],
        }


def price_bounds(f: Distribution, g: Distribution) -> tuple[float, float]:
    """The prices a contract may have: the hull of both supports,
    ``[min(inf supp f, inf supp g), max(sup supp f, sup supp g)]``."""
    return min(f.support[0], g.support[0]), max(f.support[1], g.support[1])


def check_price(f: Distribution, g: Distribution, rho: float) -> None:
    """Raise :class:`InvalidContract` if ``rho`` lies outside :func:`price_bounds`."""
    lo, hi = price_bounds(f, g)
    if not lo <= rho <= hi:
        raise InvalidContract(
            f"the contract price rho = {rho:g} lies outside the support of the outside offers; "
            f"allowed: {lo:g} <= rho <= {hi:g}"
        )


def _finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _phi(f: Distribution, g: Distribution, contract: Contract, mechanism: Mechanism) -> Any:
    r = rules(mechanism)

    def phi(p_a: npt.ArrayLike) -> npt.NDArray[np.float64]:
        p_b = 1 - g.cdf(r.contractee_threshold(contract, p_a))
        return f.cdf(r.contractor_threshold(contract, p_b))

    return phi


def equilibrium_at(
    f: Distribution,
    g: Distribution,
    contract: Contract,
    mechanism: Mechanism | str,
    p_a: float,
) -> Equilibrium:
    """The threshold pair that best responds to a contractor decommitting with probability
    ``p_a``: ``b* = b*(p_a)``, ``p_b = 1 - G(b*)``, ``a* = a*(p_b)``, with expected payoffs.

    It is an equilibrium when ``F(a*) = p_a``, which :func:`find_equilibria` ensures; the
    reported ``p_a`` is ``F(a*)``.

    Raises
    ------
    InvalidContract
        Unknown mechanism, a price outside the supports, or ``p_a`` outside ``[0, 1]``.
    """
    mech = as_mechanism(mechanism)
    check_price(f, g, contract.rho)
    if not 0.0 <= p_a <= 1.0:
        raise InvalidContract(f"p_a is a probability in [0, 1], got {p_a}")
    r = rules(mech)
    b_star = float(r.contractee_threshold(contract, p_a))
    p_b = float(1 - g.cdf(b_star))
    a_star = float(r.contractor_threshold(contract, p_b))
    gain_a, gain_b = expected_gains(f, g, contract, mech, a_star, b_star)
    quo_a, quo_b = status_quo(f, g)
    return Equilibrium(
        mechanism=mech,
        contract=contract,
        a_star=a_star,
        b_star=b_star,
        p_a=float(f.cdf(a_star)),
        p_b=p_b,
        contractor_payoff=float(gain_a) + quo_a,
        contractee_payoff=float(gain_b) + quo_b,
        contractor_gain=float(gain_a),
        contractee_gain=float(gain_b),
    )


def find_equilibria(
    f: Distribution,
    g: Distribution,
    contract: Contract,
    mechanism: Mechanism | str,
    *,
    samples: int = 1025,
) -> Equilibria:
    """Every Nash equilibrium of ``contract`` under ``mechanism`` (eMediator section 3.1.3).

    Parameters
    ----------
    f, g:
        Distributions of the contractor's and the contractee's outside offers.
    contract:
        The contract; its price must lie in :func:`price_bounds`.
    mechanism:
        One of :class:`Mechanism` (or its name).
    samples:
        Resolution of the fixed-point search on ``p_a`` in ``[0, 1]``
        (:func:`~trustmarket.analysis.fixed_points.fixed_points`).

    Raises
    ------
    InvalidContract
        Unknown mechanism, or a price outside the supports.
    """
    mech = as_mechanism(mechanism)
    check_price(f, g, contract.rho)
    found = fixed_points(_phi(f, g, contract, mech), 0.0, 1.0, samples=samples, vectorized=True)
    points = tuple(equilibrium_at(f, g, contract, mech, p) for p in found.points)
    continua = tuple(
        (equilibrium_at(f, g, contract, mech, lo), equilibrium_at(f, g, contract, mech, hi))
        for lo, hi in found.intervals
    )
    return Equilibria(mech, contract, points, continua)
