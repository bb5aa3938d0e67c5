"""Bilateral negotiation by the monotonic concession protocol (AVALANCHE, section 2.1).

Padovan et al. describe the negotiation phase as: the buyer asks the seller for an offer, then
offer and counter-offer alternate, each side conceding, until they agree or the negotiation is
broken off ("monotonic concession protocol", Rosenschein and Zlotkin 1994). The paper gives no
numbers; this module fixes a simple, documented form of it:

- The seller opens with an ask and the buyer answers with an offer (the caller's strategy sets
  both); ``floor`` is the least price the seller takes and ``limit`` the most the buyer pays
  (minor units). An opening ask below the floor is raised to it, an offer above the limit
  lowered to it.
- Turns alternate, seller first. On its turn a side accepts the other's standing proposal if it
  is acceptable (the seller: ``offer >= ask``; the buyer: ``ask <= offer``), else it concedes
  with probability ``concede_probability`` a share ``concession`` of the distance from its
  proposal to its own bound (at least one minor unit, never past the bound: the concessions are
  monotonic), else stands still.
- Agreement is at the accepted proposal. The negotiation breaks off when both sides stood still
  on consecutive turns (the protocol's conflict rule), when neither can concede any more, or
  after ``max_rounds`` rounds.

Prices are integer minor units; a concession is rounded down to whole units, so neither side
ever crosses its own bound.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["Outcome", "Strategy", "negotiate"]


@dataclass(frozen=True, slots=True)
class Strategy:
    """The few numbers a negotiating agent's strategy consists of."""

    concession: float = 0.25
    concede_probability: float = 0.8
    max_rounds: int = 12


@dataclass(frozen=True, slots=True)
class Outcome:
    """``price`` (minor units) when ``agreed``; ``rounds`` proposals exchanged either way."""

    agreed: bool
    price: int
    rounds: int


def negotiate(
    ask: int, floor: int, offer: int, limit: int, strategy: Strategy, rng: random.Random
) -> Outcome:
    """Negotiate between a seller who opens with ``ask`` and takes no less than ``floor`` and a
    buyer who answers ``offer`` and pays no more than ``limit``. If ``limit < floor`` no price
    suits both and the negotiation breaks off."""
    ask = max(floor, ask)
    offer = min(limit, offer)
    if offer >= ask:  # the buyer's first answer already covers the ask
        return Outcome(True, ask, 2)
    still = 0
    rounds = 2
    sellers_turn = True
    while rounds < 2 * strategy.max_rounds:
        rounds += 1
        if sellers_turn:
            if offer >= ask:
                return Outcome(True, offer, rounds)
            moved = ask > floor and rng.random() < strategy.concede_probability
            if moved:
                ask = max(floor, ask - max(1, math.floor(strategy.concession * (ask - floor))))
                if offer >= ask:
                    return Outcome(True, offer, rounds)
        else:
            if ask <= offer:
                return Outcome(True, ask, rounds)
            moved = offer < limit and rng.random() < strategy.concede_probability
            if moved:
                offer = min(
                    limit, offer + max(1, math.floor(strategy.concession * (limit - offer)))
                )
                if ask <= offer:
                    return Outcome(True, ask, rounds)
        if ask <= floor and offer >= limit:
            break  # both at their bounds and still apart
        still = 0 if moved else still + 1
        if still >= 2:
            break
        sellers_turn = not sellers_turn
    return Outcome(False, 0, rounds)
