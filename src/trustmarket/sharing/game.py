"""From the exchange's reward parameters to the sharing game (SPEC sections 5 and 7).

Two members each share an indicator (C) or withhold it (D). With the payoffs of
:mod:`trustmarket.analysis.incentives` (knowledge ``k_i`` gained from the other's report, the
risk of sharing, a synergy when both share), the incentive is what the exchange's rules pay
member i for a verified report of the given severity and scope, in payoff units (``unit`` minor
units = 1):

    u_i = base + [j shares] k_j + [i shares] (reward_i / unit - risk) + [both share] synergy

The game's equilibria say whether the rules make sharing the equilibrium.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from trustmarket.analysis.games import EquilibriumSet, Game
from trustmarket.core.errors import InvalidInput
from trustmarket.sharing.members import Tier
from trustmarket.sharing.rewards import RewardRules

__all__ = ["SharingAnalysis", "sharing_game"]


@dataclass(frozen=True)
class SharingAnalysis:
    """The game built from the rules, each member's reward, and its equilibria."""

    game: Game
    rewards: tuple[int, int]
    equilibria: EquilibriumSet

    @property
    def sharing_is_an_equilibrium(self) -> bool:
        return any(e.row[0] == 1 and e.col[0] == 1 for e in self.equilibria.equilibria)

    @property
    def sharing_is_the_only_equilibrium(self) -> bool:
        return len(self.equilibria) == 1 and self.sharing_is_an_equilibrium


def sharing_game(
    rules: RewardRules,
    *,
    knowledge: tuple[int | Fraction, int | Fraction],
    risk: int | Fraction,
    tiers: tuple[Tier | str, Tier | str],
    severity: str = "medium",
    scope: str = "specific",
    synergy: int | Fraction = 0,
    base: int | Fraction = 1,
    unit: int = 100_000,
    recent_incidents: int = 0,
) -> SharingAnalysis:
    """The 2x2 sharing game the rules induce, solved exactly (Fractions)."""
    if isinstance(unit, bool) or not isinstance(unit, int) or unit <= 0:
        raise InvalidInput(f"unit must be a positive number of minor units, got {unit!r}")
    if len(knowledge) != 2 or len(tiers) != 2:
        raise InvalidInput("knowledge and tiers are pairs, one per member")
    rewards = tuple(
        rules.reward(severity, scope, t, novel=True, recent_incidents=recent_incidents)
        for t in tiers
    )
    k1, k2 = (Fraction(k) for k in knowledge)
    r = Fraction(risk)
    s, b = Fraction(synergy), Fraction(base)
    d1, d2 = (Fraction(w, unit) - r for w in rewards)
    a = [[b + k2 + d1 + s, b + d1], [b + k2, b]]
    bb = [[b + k1 + d2 + s, b + k1], [b + d2, b]]
    game = Game(a, bb)
    return SharingAnalysis(game, (rewards[0], rewards[1]), game.equilibria())
