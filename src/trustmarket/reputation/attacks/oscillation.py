"""Oscillating behaviour: a cheater builds a reputation, then spends it cheating, again and again.

The "on-off" or "traitor" attack of Hoffman, Zage and Nita-Rotaru (2009) and Sun et al. ("Defense
of trust management vulnerabilities in distributed networks", 2008): behave well long enough to
be trusted, then defect while the good name lasts. Each cheater cycles through ``build`` rounds
of cooperating with probability ``high`` (default 0.95) and ``cheat`` rounds at its own low
cooperation probability. The cycles are staggered (cheater ``k`` of ``n`` starts ``k / n`` of a
period in) so that some cheater is always cheating. The truth the metrics compare with is the
probability of the current phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.attacks.scenario import Agent, Attack, check_count

__all__ = ["Oscillation"]


@dataclass(frozen=True, slots=True)
class Oscillation(Attack):
    """Cheaters alternate ``build`` rounds at cooperation ``high`` with ``cheat`` rounds at
    their own (low) cooperation (defaults 300, 100, 0.95)."""

    name: ClassVar[str] = "oscillation"
    build: int = 300
    cheat: int = 100
    high: float = 0.95

    def __post_init__(self) -> None:
        check_count(self.build, "build (rounds of good behaviour)")
        check_count(self.cheat, "cheat (rounds of cheating)")
        if isinstance(self.high, bool) or not isinstance(self.high, int | float):
            raise InvalidReputation(f"high must be a probability in [0, 1], got {self.high!r}")
        if not 0.0 <= self.high <= 1.0:
            raise InvalidReputation(f"high must be a probability in [0, 1], got {self.high}")

    def building(self, rank: int, count: int, time: int) -> bool:
        """Whether cheater ``rank`` of ``count`` is in its building phase at ``time``."""
        period = self.build + self.cheat
        return (time + rank * period // count) % period < self.build

    def cooperation(self, cheater: Agent, rank: int, count: int, time: int) -> float:
        return float(self.high) if self.building(rank, count, time) else cheater.cooperation
