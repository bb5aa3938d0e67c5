"""Whitewashing: a cheater whose reputation has sunk leaves and rejoins under a new identity.

Friedman and Resnick, "The social cost of cheap pseudonyms" (2001); Hoffman, Zage and
Nita-Rotaru (2009). At the start of each day, every cheater whose published score is below the
honest sellers' median (it has been found out, in the sense of the bench's detection metric)
*and* below the score the model gives a newcomer leaves and rejoins as ``<cheater>.w<k>``. Its
history stays with the old id, which buyers no longer see. A model that gives newcomers nothing
(EigenTrust's 0, a coefficient starting at 0) removes the motive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from trustmarket.reputation.attacks.scenario import Attack, Market, Snapshot

__all__ = ["Whitewashing"]


@dataclass(frozen=True, slots=True)
class Whitewashing(Attack):
    """Cheaters found out (below the honest median) and worse off than a newcomer rejoin under
    a new id."""

    name: ClassVar[str] = "whitewashing"

    def leaves(
        self, market: Market, published: Snapshot, score: Callable[[str], float]
    ) -> tuple[str, ...]:
        median = published.honest_median
        leaving = []
        for seller, value, cheater in zip(
            published.sellers, published.scores, published.cheater, strict=True
        ):
            if cheater and value < median and value < score(market.next_identity(seller)):
                leaving.append(seller)
        return tuple(leaving)
