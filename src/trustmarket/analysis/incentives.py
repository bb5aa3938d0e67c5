"""Incentive design for threat-indicator sharing (Simmons, "Mechanism Design for Cooperation in
Cybersecurity", section B: the stag-hunt sharing game).

Two parties each choose to share (C) or withhold (D) their threat knowledge. Our parameterisation
(the paper prints two matrices but no formula; SPEC section 5):

    u_i = base + [j shares] * k_j + [i shares] * (rate * k_i - risk) + [both share] * synergy

``k_i`` is the value of party i's knowledge to the other, ``risk`` the expected loss from sharing
(``ledger_risk`` replaces it when the sharing runs over a tamper-evident ledger), ``rate`` the
incentive paid per unit of one's own knowledge, ``synergy`` the extra each gains when both share
(what makes the game a stag hunt). With ``d_i = rate * k_i - risk`` (gain from sharing alone) and
``c_i = d_i + synergy`` (gain from sharing when the other does):

- (C, C) is an equilibrium iff ``c_1 >= 0`` and ``c_2 >= 0``, i.e.
  ``rate >= (risk - synergy) / k_i`` for both;
- it is the unique equilibrium iff one party strictly prefers sharing whatever the other does
  (``d_i > 0``) and the other strictly prefers sharing when the first shares (``c_j > 0``);
- when (C, C) and (D, D) are both equilibria, (C, C) risk-dominates (Harsanyi and Selten 1988)
  iff ``c_1 c_2 > d_1 d_2``, i.e. ``rate (k_1 + k_2) > 2 risk - synergy`` (for synergy > 0).

The paper's matrix 1 is this model with k = (3, 3), risk = 0.5, synergy = 0, base = 1; its
printed matrix 2 fits no single parameter set. Both have withholding strictly dominant for the row
player, so (D, D) is their only equilibrium, whatever the paper's text says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trustmarket.analysis.games import EquilibriumSet, Game
from trustmarket.core.errors import InvalidGame

SHARE, WITHHOLD = 0, 1


def _check(value: object, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidGame(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidGame(f"{name} must be finite, got {value!r}")
    if number < 0 or (positive and number == 0):
        bound = "> 0" if positive else ">= 0"
        raise InvalidGame(f"{name} must be {bound}, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class SharingGame:
    """The parameterised 2x2 sharing game; strategy 0 is share (C), 1 is withhold (D)."""

    knowledge: tuple[float, float]
    risk: float
    incentive_rate: float = 0.0
    synergy: float = 0.0
    base: float = 1.0
    ledger_risk: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.knowledge, tuple | list) or len(self.knowledge) != 2:
            raise InvalidGame(f"knowledge must be a pair (k1, k2), got {self.knowledge!r}")
        object.__setattr__(
            self,
            "knowledge",
            (
                _check(self.knowledge[0], "knowledge[0]", positive=True),
                _check(self.knowledge[1], "knowledge[1]", positive=True),
            ),
        )
        _check(self.risk, "risk")
        _check(self.incentive_rate, "incentive_rate")
        _check(self.synergy, "synergy")
        if isinstance(self.base, bool) or not isinstance(self.base, int | float):
            raise InvalidGame(f"base must be a number, got {self.base!r}")
        if self.ledger_risk is not None:
            _check(self.ledger_risk, "ledger_risk")

    @property
    def effective_risk(self) -> float:
        """The risk of sharing: ``ledger_risk`` when given, else ``risk``."""
        return self.risk if self.ledger_risk is None else self.ledger_risk

    def gains(self, rate: float | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
        """``(d_1, d_2), (c_1, c_2)``: each party's gain from sharing when the other withholds,
        and when the other shares."""
        r = self.incentive_rate if rate is None else rate
        d = tuple(r * k - self.effective_risk for k in self.knowledge)
        return (d[0], d[1]), (d[0] + self.synergy, d[1] + self.synergy)

    def game(self) -> Game:
        """The bimatrix game (rows: party 1, columns: party 2; strategy 0 = share)."""
        (d1, d2), _ = self.gains()
        k1, k2 = self.knowledge
        s, b = self.synergy, float(self.base)
        a = [[b + k2 + d1 + s, b + d1], [b + k2, b]]
        bb = [[b + k1 + d2 + s, b + k1], [b + d2, b]]
        return Game(a, bb)

    def equilibria(self) -> EquilibriumSet:
        return self.game().vertex_enumeration()

    def least_rate_for_equilibrium(self) -> float:
        """The least incentive rate at which (share, share) is an equilibrium (weakly)."""
        return max(0.0, *((self.effective_risk - self.synergy) / k for k in self.knowledge))

    def least_rate_for_unique(self) -> float:
        """The infimum of the rates at which (share, share) is the unique equilibrium: every rate
        strictly above it works."""
        risk, s = self.effective_risk, self.synergy
        k1, k2 = self.knowledge
        return max(0.0, min(max(risk / k1, (risk - s) / k2), max(risk / k2, (risk - s) / k1)))

    def least_rate_for_risk_dominance(self) -> float:
        """The infimum of the rates at which (share, share) is an equilibrium that risk-dominates
        (D, D) or is the only equilibrium: every rate strictly above it works."""
        risk, s = self.effective_risk, self.synergy
        k1, k2 = self.knowledge
        if s == 0:  # no coordination region: sharing must be weakly dominant for both
            return self.least_rate_for_equilibrium()
        dominance = (2 * risk - s) / (k1 + k2)
        return max(0.0, dominance, self.least_rate_for_equilibrium())

    def with_rate(self, rate: float) -> SharingGame:
        return SharingGame(
            self.knowledge, self.risk, rate, self.synergy, self.base, self.ledger_risk
        )


#: The two matrices printed in Simmons' section B (tables 1 and 2), as (A, B).
PAPER_MATRICES: tuple[tuple[list[list[float]], list[list[float]]], ...] = (
    ([[3.5, 0.5], [4.0, 1.0]], [[3.5, 4.0], [0.5, 1.0]]),
    ([[3.9, 0.9], [4.0, 1.0]], [[4.3, 3.0], [0.9, 1.0]]),
)
