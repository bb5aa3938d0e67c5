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
    fake_identities,
    praise_from_fakes,
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
        return fake_identities(cheaters, "sybil", self.sybils)

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        return praise_from_fakes(market, time, rng, self.per_round, lambda: market.value(rng))
