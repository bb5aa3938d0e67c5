"""The attack bench (SPEC section 4): seeded market scenarios under attack, and the metrics
that score any reputation model in them.

- :mod:`.scenario`: the market (honest buyers and sellers, cheaters, fake identities), the
  :class:`Attack` hooks and the deterministic generator of rounds;
- one module per attack: :mod:`.ballot_stuffing`, :mod:`.bad_mouthing`, :mod:`.sybil`,
  :mod:`.whitewashing`, :mod:`.oscillation`, :mod:`.collusion`, :mod:`.shill`;
- :mod:`.metrics`: MAE, Kendall's tau, cheaters' share of trades, honest welfare, detection time;
- :mod:`.runner`: :func:`run_bench` and the :class:`BenchTable` it returns (CSV, heatmap).
"""

from trustmarket.reputation.attacks.bad_mouthing import BadMouthing
from trustmarket.reputation.attacks.ballot_stuffing import BallotStuffing
from trustmarket.reputation.attacks.collusion import CollusionRing
from trustmarket.reputation.attacks.metrics import (
    Metrics,
    cheater_share,
    detection_time,
    detection_times,
    evaluate,
    kendall_tau,
    mean_absolute_error,
    welfare,
)
from trustmarket.reputation.attacks.oscillation import Oscillation
from trustmarket.reputation.attacks.runner import (
    ATTACKS,
    HIGHER_IS_BETTER,
    METRICS,
    BenchResult,
    BenchTable,
    ModelSpec,
    attack_names,
    make_attack,
    run_bench,
)
from trustmarket.reputation.attacks.scenario import (
    Agent,
    Attack,
    Market,
    NoAttack,
    Round,
    Scenario,
    Snapshot,
    Trade,
    make_scenario,
)
from trustmarket.reputation.attacks.shill import ShillBidding
from trustmarket.reputation.attacks.sybil import SybilAttack
from trustmarket.reputation.attacks.whitewashing import Whitewashing

__all__ = [
    "ATTACKS",
    "HIGHER_IS_BETTER",
    "METRICS",
    "Agent",
    "Attack",
    "BadMouthing",
    "BallotStuffing",
    "BenchResult",
    "BenchTable",
    "CollusionRing",
    "Market",
    "Metrics",
    "ModelSpec",
    "NoAttack",
    "Oscillation",
    "Round",
    "Scenario",
    "ShillBidding",
    "Snapshot",
    "SybilAttack",
    "Trade",
    "Whitewashing",
    "attack_names",
    "cheater_share",
    "detection_time",
    "detection_times",
    "evaluate",
    "kendall_tau",
    "make_attack",
    "make_scenario",
    "mean_absolute_error",
    "run_bench",
    "welfare",
]
