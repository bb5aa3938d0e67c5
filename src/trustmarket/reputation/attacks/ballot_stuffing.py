"""Ballot stuffing: colluding cheaters trade fake transactions and praise each other.

In the taxonomy of attacks on reputation systems (Hoffman, Zage and Nita-Rotaru, "A survey of
attack and defense techniques for reputation systems", 2009; Jøsang and Golbeck, "Challenges for
robust trust and reputation systems", 2009) ballot stuffing is unfairly *high* ratings: a group
inflates its members' reputations with feedback on trades that never happened. Here, in each
round, ``per_round`` fake transactions are expected; each is between two distinct cheaters drawn
at random, who rate each other +1 (with high attribute scores), at an ordinary trade value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustmarket.reputation.attacks.scenario import Attack, Market, check_rate, occurrences
from trustmarket.reputation.feedback import Feedback

__all__ = ["BallotStuffing"]


@dataclass(frozen=True, slots=True)
class BallotStuffing(Attack):
    """Pairs of cheaters praise each other on fake transactions (``per_round`` expected per
    round, default 1)."""

    name: ClassVar[str] = "ballot-stuffing"
    per_round: float = 1.0

    def __post_init__(self) -> None:
        check_rate(self.per_round, "per_round")

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        cheaters = market.cheaters()
        n = len(cheaters)
        out: list[Feedback] = []
        for _ in range(occurrences(self.per_round, rng)):
            a = int(rng.integers(n))
            b = (a + 1 + int(rng.integers(n - 1))) % n  # a partner other than a
            tx, value = market.transaction(), market.value(rng)
            out.append(market.rate(tx, cheaters[a], cheaters[b], 1, time, value))
            out.append(market.rate(tx, cheaters[b], cheaters[a], 1, time, value))
        return out
