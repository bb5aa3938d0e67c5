"""Expected payoffs of a leveled commitment contract under threshold strategies.

Sandholm, eMediator, section 3.1.3 ("given an equilibrium, it is easy to compute the agents'
expected payoffs"). Measured against the status quo (contractor ``-a~``, contractee ``b~``), each
party gains the value of the performed contract plus the penalties received minus those paid
(module :mod:`~trustmarket.analysis.commitment.mechanisms`). The contract is performed iff
``a~ >= a*`` and ``b~ <= b*``; ``a~`` and ``b~`` are independent, so

    contractor gain = (1 - p_b) E[a~ - rho; a~ >= a*] - a P(he pays) + b P(she pays)
    contractee gain = (1 - p_a) E[rho - b~; b~ <= b*] + a P(he pays) - b P(she pays)

with ``E[X; A] = E[X 1_A]``, ``p_a = F(a*)``, ``1 - p_b = G(b*)`` and the payment probabilities
of the mechanism. The penalties are transfers, so the sum does not depend on the mechanism:

    benefit = G(b*) E[a~; a~ >= a*] - (1 - F(a*)) E[b~; b~ <= b*]
            = E[(a~ - b~) 1{a~ >= a*, b~ <= b*}].
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.commitment.distributions import Distribution
from trustmarket.analysis.commitment.mechanisms import Contract, Mechanism, rules

__all__ = ["benefit", "expected_gains", "status_quo"]

FloatArray = npt.NDArray[np.float64]


def status_quo(f: Distribution, g: Distribution) -> tuple[float, float]:
    """The expected payoffs without a contract: ``(-E[a~], E[b~])``."""
    return -f.mean, g.mean


def _upper(f: Distribution, a_star: npt.ArrayLike) -> FloatArray:
    """``E[a~; a~ >= a*]``."""
    return f.partial_expectation(a_star, np.inf)


def _lower(g: Distribution, b_star: npt.ArrayLike) -> FloatArray:
    """``E[b~; b~ <= b*]``."""
    return g.partial_expectation(-np.inf, b_star)


def expected_gains(
    f: Distribution,
    g: Distribution,
    contract: Contract,
    mechanism: Mechanism | str,
    a_star: npt.ArrayLike,
    b_star: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Each party's expected gain over the status quo when they play thresholds ``(a*, b*)``.

    Vectorised over ``a_star`` and ``b_star`` (``-inf`` / ``+inf`` mean "never decommits").
    Any thresholds may be given, not only equilibrium ones: this is what a best response is
    measured against.

    Returns
    -------
    (contractor_gain, contractee_gain)
    """
    a_arr, b_arr = np.broadcast_arrays(
        np.asarray(a_star, dtype=float), np.asarray(b_star, dtype=float)
    )
    p_a = f.cdf(a_arr)
    keep_b = g.cdf(b_arr)  # 1 - p_b
    p_b = 1 - keep_b
    pays_a, pays_b = rules(mechanism).penalty_probabilities(p_a, p_b)
    transfer = contract.a * pays_a - contract.b * pays_b
    contractor = keep_b * (_upper(f, a_arr) - contract.rho * (1 - p_a)) - transfer
    contractee = (1 - p_a) * (contract.rho * keep_b - _lower(g, b_arr)) + transfer
    return np.asarray(contractor, dtype=float), np.asarray(contractee, dtype=float)


def benefit(
    f: Distribution, g: Distribution, a_star: npt.ArrayLike, b_star: npt.ArrayLike
) -> FloatArray:
    """The sum of both gains, ``G(b*) E[a~; a~ >= a*] - (1 - F(a*)) E[b~; b~ <= b*]``.

    The same for every mechanism and every price: only the thresholds matter.
    """
    a_arr, b_arr = np.broadcast_arrays(
        np.asarray(a_star, dtype=float), np.asarray(b_star, dtype=float)
    )
    value = g.cdf(b_arr) * _upper(f, a_arr) - (1 - f.cdf(a_arr)) * _lower(g, b_arr)
    return np.asarray(value, dtype=float)
