"""A Monte Carlo check of Theorem 1 (Wang, Khosla and Krishnan, section 3; SPEC section 4.1).

At the bureau's R = T(L_m), draw merchants' gains V_m from G and customers' losses L_c from F.
Customers play Definition 1 (trust iff ``(1 - R) L_c <= C``) and merchants Definition 2 (tamper
iff ``q V_m > (1 - q) L_m`` with ``q = F(C / (1 - R))``). In equilibrium the merchants'
defection rate equals ``1 - R`` and the customers' trust rate equals ``q``: the check reports
both with their binomial standard errors, and the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from trustmarket.core.errors import InvalidReputation
from trustmarket.core.randomness import check_seed
from trustmarket.reputation.bureau.reputation_function import ReputationFunction
from trustmarket.reputation.checks import at_least, finite_number, whole_number

__all__ = ["EquilibriumCheck", "check_theorem_1"]

#: The most draws of one check (default 100,000): four float arrays of that length.
MAX_DRAWS = 10_000_000


@dataclass(frozen=True)
class EquilibriumCheck:
    """What the draws gave beside what Theorem 1 predicts."""

    seed: int
    draws: int
    reputation: float
    unchecked: float
    defection_rate: float
    defection_expected: float
    defection_stderr: float
    trust_rate: float
    trust_stderr: float

    def holds(self, sigmas: float = 4.0) -> bool:
        """Both rates within ``sigmas`` standard errors of the prediction."""
        return abs(self.defection_rate - self.defection_expected) <= sigmas * max(
            self.defection_stderr, 1e-12
        ) and abs(self.trust_rate - self.unchecked) <= sigmas * max(self.trust_stderr, 1e-12)


def check_theorem_1(
    function: ReputationFunction,
    merchant_loss: float,
    *,
    draws: int = 100_000,
    seed: int = 0,
    reputation: Any = None,
) -> EquilibriumCheck:
    """Simulate ``draws`` merchants and customers at ``R = T(L_m)`` (or at a given
    ``reputation``, to see the check fail off equilibrium)."""
    check_seed(seed)
    draws = whole_number(draws, "draws", 1, MAX_DRAWS)
    merchant_loss = at_least(merchant_loss, "the merchant's loss L_m", 0.0)
    r = (
        function(merchant_loss)
        if reputation is None
        else finite_number(reputation, "the reputation", "a number in [0, 1)")
    )
    if not 0.0 <= r < 1.0:
        raise InvalidReputation(f"the reputation must be in [0, 1), got {r:g}")
    rng = np.random.default_rng(seed)
    gains = function.G.quantile(rng.random(draws))
    losses = function.F.quantile(rng.random(draws))
    q = float(function.F(function.cost / (1.0 - r)))
    tamper = q * gains - (1.0 - q) * merchant_loss > 0.0
    trust = (1.0 - r) * losses <= function.cost
    defection = float(tamper.mean())
    expected = 1.0 - r
    trusted = float(trust.mean())
    return EquilibriumCheck(
        seed=seed,
        draws=draws,
        reputation=r,
        unchecked=q,
        defection_rate=defection,
        defection_expected=expected,
        defection_stderr=math.sqrt(expected * (1.0 - expected) / draws),
        trust_rate=trusted,
        trust_stderr=math.sqrt(q * (1.0 - q) / draws),
    )
