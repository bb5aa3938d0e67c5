"""The object a user holds: one contracting situation, ``CommitmentGame(f, g)``.

Each method is a thin door to a pure function of this package (Sandholm, eMediator, section 3).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy.typing as npt

from trustmarket.analysis.commitment.curve import PayoffCurve, payoff_curve
from trustmarket.analysis.commitment.distributions import Distribution, as_distribution
from trustmarket.analysis.commitment.equilibria import Equilibria, Equilibrium, find_equilibria
from trustmarket.analysis.commitment.mechanisms import Contract, Mechanism, as_mechanism
from trustmarket.analysis.commitment.optimize import (
    BenefitOptimum,
    FullCommitment,
    OptimalContract,
    full_commitment,
    optimal_contract,
    optimal_thresholds,
    tailored_contract,
)
from trustmarket.analysis.commitment.payoffs import status_quo

__all__ = ["CommitmentGame"]


class CommitmentGame:
    """A contractor and a contractee who may make a leveled commitment contract.

    Parameters
    ----------
    contractor:
        The distribution of the contractor's best outside offer ``a~`` (pdf ``f``): a
        :class:`~trustmarket.analysis.commitment.distributions.Distribution`, a frozen
        ``scipy.stats`` distribution, or ``(x, density)`` pairs of a piecewise-linear pdf.
    contractee:
        The same for the contractee's ``b~`` (pdf ``g``).

    Raises
    ------
    InvalidDistribution
        If either distribution is malformed.
    """

    def __init__(self, contractor: Any, contractee: Any) -> None:
        self.f: Distribution = as_distribution(contractor)
        self.g: Distribution = as_distribution(contractee)

    def __repr__(self) -> str:
        return f"CommitmentGame(contractor={self.f!r}, contractee={self.g!r})"

    @property
    def status_quo(self) -> tuple[float, float]:
        """Expected payoffs without a contract: ``(-E[a~], E[b~])``."""
        return status_quo(self.f, self.g)

    def equilibria(self, contract: Contract, mechanism: Mechanism | str) -> Equilibria:
        """Every Nash equilibrium of ``contract`` under ``mechanism`` (section 3.1.3)."""
        return find_equilibria(self.f, self.g, contract, mechanism)

    def all_equilibria(self, contract: Contract) -> dict[Mechanism, Equilibria]:
        """:meth:`equilibria` under each of the four mechanisms."""
        return {m: self.equilibria(contract, m) for m in Mechanism}

    @cached_property
    def optimum(self) -> BenefitOptimum:
        """The thresholds with the largest expected benefit (the same for every mechanism)."""
        return optimal_thresholds(self.f, self.g)

    def optimal_contract(self, mechanism: Mechanism | str) -> OptimalContract:
        """The optimal contracts of ``mechanism`` and the fair one (section 3.2)."""
        return optimal_contract(self.f, self.g, as_mechanism(mechanism), optimum=self.optimum)

    def optimal_contracts(self) -> dict[Mechanism, OptimalContract]:
        """:meth:`optimal_contract` for each of the four mechanisms."""
        return {m: self.optimal_contract(m) for m in Mechanism}

    def full_commitment(self) -> FullCommitment:
        """The best full commitment contract, for comparison."""
        return full_commitment(self.f, self.g)

    def tailored_contract(self, mechanism: Mechanism | str, rho: float) -> Equilibrium:
        """The benefit-maximising penalties at price ``rho`` and the resulting equilibrium."""
        return tailored_contract(self.f, self.g, mechanism, rho, optimum=self.optimum)

    def payoff_curve(
        self, mechanism: Mechanism | str, rhos: npt.ArrayLike | None = None, *, points: int = 41
    ) -> PayoffCurve:
        """Each party's gain against ``rho`` with tailored penalties (section 3.2)."""
        return payoff_curve(self.f, self.g, mechanism, rhos, points=points)
