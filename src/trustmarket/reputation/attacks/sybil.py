"""Sybil attack: each cheater creates many fake identities that praise it.

Douceur's Sybil attack ("The Sybil attack", 2002), in the reputation setting of Hoffman, Zage and
Nita-Rotaru (2009): identities are cheap, so one agent controls many and makes them vouch for
it. Each cheater gets ``sybils`` fake accounts (``<cheater>.sybil<k>``) that never sell; in
each round ``per_round`` fake transactions are expected, each a random Sybil of a random cheater
rating its owner +1 at an ordinary trade value. Unlike ballot stuffing the raters are throwaway
accounts with no history of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustmarket.reputation.attacks.scenario import (
    Agent,
    Attack,
    Market,
    check_count,
    check_rate,
    occurrences,
)
from trustmarket.reputation.feedback import Feedback

__all__ = ["SybilAttack"]


@dataclass(frozen=True, slots=True)
class SybilAttack(Attack):
    """``sybils`` fake identities per cheater (default 10) praise their owner (``per_round``
    expected fake ratings per round, default 1)."""

    name: ClassVar[str] = "sybil"
    sybils: int = 10
    per_round: float = 1.0

    def __post_init__(self) -> None:
        check_count(self.sybils, "sybils")
        check_rate(self.per_round, "per_round")

    def identities(self, cheaters: Sequence[Agent]) -> tuple[Agent, ...]:
        return tuple(
            Agent(f"{c.id}.sybil{k}", "fake", 0.0, False, owner=c.id)
            for c in cheaters
            for k in range(self.sybils)
        )

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        cheaters = market.cheaters()
        out: list[Feedback] = []
        for _ in range(occurrences(self.per_round, rng)):
            owner = cheaters[int(rng.integers(len(cheaters)))]
            sybils = market.fakes(owner)
            sybil = sybils[int(rng.integers(len(sybils)))]
            tx, value = market.transaction(), market.value(rng)
            out.append(market.rate(tx, sybil, owner, 1, time, value))
        return out
