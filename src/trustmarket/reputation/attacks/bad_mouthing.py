"""Bad-mouthing: cheaters give honest sellers unfairly negative ratings.

The counterpart of ballot stuffing in Hoffman, Zage and Nita-Rotaru's taxonomy (2009):
attackers lower their competitors' reputations so that buyers turn to them. Here, in each round,
``per_round`` attacks are expected; in each a random cheater buys from a random honest seller and
rates it -1 (with low attribute scores) whatever happened. Only the attacker's feedback is
recorded: the counterpart's would be about the attacker as a buyer, a role the bench does not
score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustmarket.reputation.attacks.scenario import Attack, Market, check_rate, occurrences
from trustmarket.reputation.feedback import Feedback

__all__ = ["BadMouthing"]


@dataclass(frozen=True, slots=True)
class BadMouthing(Attack):
    """Cheaters rate random honest sellers -1 (``per_round`` expected per round, default 1)."""

    name: ClassVar[str] = "bad-mouthing"
    per_round: float = 1.0

    def __post_init__(self) -> None:
        check_rate(self.per_round, "per_round")

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        cheaters = market.cheaters()
        honest = market.honest_sellers()
        out: list[Feedback] = []
        for _ in range(occurrences(self.per_round, rng)):
            attacker = cheaters[int(rng.integers(len(cheaters)))]
            victim = honest[int(rng.integers(len(honest)))]
            tx, value = market.transaction(), market.value(rng)
            out.append(market.rate(tx, attacker, victim, -1, time, value))
        return out
