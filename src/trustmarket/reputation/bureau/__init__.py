"""The credit bureau of Wang, Khosla and Krishnan (SPEC section 4.1): the trust/trace game, the
reputation function T(L), a Monte Carlo check of Theorem 1, and the mechanisms M1 and M2.

- :mod:`.cdf`: the distributions F (customer's loss) and G (merchant's gain);
- :mod:`.reputation_function`: both strategies, T(L) for any F and G, the uniform closed form;
- :mod:`.monte_carlo`: the check of Theorem 1;
- :mod:`.m1`, :mod:`.m2`: the mechanisms; :mod:`.plots`: the figures.
"""

from trustmarket.reputation.bureau.cdf import Cdf, as_cdf, parse_cdf
from trustmarket.reputation.bureau.m1 import (
    M1Path,
    ProfitFunction,
    StablePoint,
    run_m1,
    stable_points,
)
from trustmarket.reputation.bureau.m2 import M2Run, compare_bids, m2_update, simulate_m2
from trustmarket.reputation.bureau.monte_carlo import EquilibriumCheck, check_theorem_1
from trustmarket.reputation.bureau.reputation_function import (
    ReputationFunction,
    customer_trusts,
    merchant_tampers,
    tamper_threshold,
    unchecked_probability,
    uniform_reputation,
)

__all__ = [
    "Cdf",
    "EquilibriumCheck",
    "M1Path",
    "M2Run",
    "ProfitFunction",
    "ReputationFunction",
    "StablePoint",
    "as_cdf",
    "check_theorem_1",
    "compare_bids",
    "customer_trusts",
    "m2_update",
    "merchant_tampers",
    "parse_cdf",
    "run_m1",
    "simulate_m2",
    "stable_points",
    "tamper_threshold",
    "unchecked_probability",
    "uniform_reputation",
]
