"""Shill bidding by control agents: a seller's own accounts win its cheap listings and praise it.

eMediator's agent templates (Sandholm, the eAgents section) include the *control agent*, which
enters an auction with very low, noncompetitive bids to inflate the number of bidders others
see; a seller has every reason to send its own. The bench turns the same shill accounts on the
reputation system: a cheater lists cheap items, its control agents place the low bids that win
them and leave +1, the "reputation squeeze" of small sales that value weighting is meant to stop
(SPEC section 4). Each cheater has ``shills`` accounts (``<cheater>.shill<k>``); in each round
``per_round`` shill sales are expected, each a random shill of a random cheater winning a sale of
``value`` minor units (default 100, a 1.00 sale against ordinary trades of 10.00 to 100.00) and
rating its seller +1. Value-weighted models discount it; value-blind ones do not."""

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

__all__ = ["ShillBidding"]


@dataclass(frozen=True, slots=True)
class ShillBidding(Attack):
    """``shills`` control accounts per cheater (default 3) win its ``value``-minor-unit
    listings (default 100) and rate it +1 (``per_round`` expected per round, default 1)."""

    name: ClassVar[str] = "shill"
    shills: int = 3
    value: int = 100
    per_round: float = 1.0

    def __post_init__(self) -> None:
        check_count(self.shills, "shills")
        check_count(self.value, "value (minor units)", 0)
        check_rate(self.per_round, "per_round")

    def identities(self, cheaters: Sequence[Agent]) -> tuple[Agent, ...]:
        return fake_identities(cheaters, "shill", self.shills)

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        return praise_from_fakes(market, time, rng, self.per_round, lambda: self.value)
