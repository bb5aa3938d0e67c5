"""Collusion ring: cheaters praise each other and bad-mouth everyone outside the ring.

Hoffman, Zage and Nita-Rotaru (2009) and Jøsang and Golbeck (2009) treat collusion as attackers
combining the basic attacks; this ring combines ballot stuffing inside with bad-mouthing outside.
In each round ``per_round`` events are expected; each, with probability ``praise``, is a fake
transaction between two distinct ring members who rate each other +1, and otherwise a ring
member rating a random honest seller -1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.attacks.scenario import Attack, Market, check_rate, occurrences
from trustmarket.reputation.feedback import Feedback

__all__ = ["CollusionRing"]


@dataclass(frozen=True, slots=True)
class CollusionRing(Attack):
    """The cheaters' ring praises members (share ``praise`` of the events, default 0.5) and
    bad-mouths honest sellers (the rest); ``per_round`` events expected per round (default 1)."""

    name: ClassVar[str] = "collusion"
    per_round: float = 1.0
    praise: float = 0.5

    def __post_init__(self) -> None:
        check_rate(self.per_round, "per_round")
        if isinstance(self.praise, bool) or not isinstance(self.praise, int | float):
            raise InvalidReputation(f"praise must be a share in [0, 1], got {self.praise!r}")
        if not 0.0 <= self.praise <= 1.0:
            raise InvalidReputation(f"praise must be a share in [0, 1], got {self.praise}")

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        ring = market.cheaters()
        n = len(ring)
        out: list[Feedback] = []
        for _ in range(occurrences(self.per_round, rng)):
            a = int(rng.integers(n))
            tx, value = market.transaction(), market.value(rng)
            if rng.random() < self.praise:
                b = (a + 1 + int(rng.integers(n - 1))) % n
                out.append(market.rate(tx, ring[a], ring[b], 1, time, value))
                out.append(market.rate(tx, ring[b], ring[a], 1, time, value))
            else:
                honest = market.honest_sellers()
                victim = honest[int(rng.integers(len(honest)))]
                out.append(market.rate(tx, ring[a], victim, -1, time, value))
        return out
