"""Leveled commitment contracts: eCommitter (Sandholm, eMediator, section 3; SPEC section 5).

A contractor and a contractee sign a contract ``(rho, a, b)`` that either may break by paying
his or her penalty. :class:`CommitmentGame` holds the two outside-offer distributions and
answers the questions of eCommitter:

- :meth:`CommitmentGame.equilibria`: every Nash equilibrium (threshold pair) of a contract under
  each of the four decommitting mechanisms, with both parties' expected payoffs;
- :meth:`CommitmentGame.optimal_contract`: the contracts that maximise the expected benefit,
  the fair one, and the comparison with the best full commitment contract;
- :meth:`CommitmentGame.payoff_curve` and :func:`plot_payoffs`: each party's payoff against the
  price, with penalties tailored to each price.

One module per job: ``distributions`` (f and g), ``mechanisms`` (the thresholds), ``payoffs``,
``equilibria``, ``optimize``, ``curve``, ``plot``, ``game``.
"""

from trustmarket.analysis.commitment.curve import PayoffCurve, default_prices, payoff_curve
from trustmarket.analysis.commitment.distributions import (
    Distribution,
    PiecewiseLinear,
    ScipyDistribution,
    as_distribution,
)
from trustmarket.analysis.commitment.equilibria import (
    Equilibria,
    Equilibrium,
    check_price,
    equilibrium_at,
    find_equilibria,
    price_bounds,
)
from trustmarket.analysis.commitment.game import CommitmentGame
from trustmarket.analysis.commitment.mechanisms import (
    Contract,
    Mechanism,
    MechanismRules,
    as_mechanism,
    rules,
)
from trustmarket.analysis.commitment.optimize import (
    BenefitOptimum,
    FullCommitment,
    OptimalContract,
    full_commitment,
    optimal_contract,
    optimal_thresholds,
    tailored_contract,
)
from trustmarket.analysis.commitment.payoffs import benefit, expected_gains, status_quo
from trustmarket.analysis.commitment.plot import plot_payoffs

__all__ = [
    "BenefitOptimum",
    "CommitmentGame",
    "Contract",
    "Distribution",
    "Equilibria",
    "Equilibrium",
    "FullCommitment",
    "Mechanism",
    "MechanismRules",
    "OptimalContract",
    "PayoffCurve",
    "PiecewiseLinear",
    "ScipyDistribution",
    "as_distribution",
    "as_mechanism",
    "benefit",
    "check_price",
    "default_prices",
    "equilibrium_at",
    "expected_gains",
    "find_equilibria",
    "full_commitment",
    "optimal_contract",
    "optimal_thresholds",
    "payoff_curve",
    "plot_payoffs",
    "price_bounds",
    "rules",
    "status_quo",
    "tailored_contract",
]
