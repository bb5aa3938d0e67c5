"""What the companies play: the scenario's parameters, the 2x2 sharing game they give, and the
game's replicator dynamics (Simmons, section B.4-B.5; SPEC sections 5 and 7).

The game comes from one of four sources (``payoffs``):

- ``matrix-1``, ``matrix-2``: the two matrices the paper prints (tables 1 and 2,
  :data:`trustmarket.analysis.incentives.PAPER_MATRICES`);
- ``parametric``: :class:`trustmarket.analysis.incentives.SharingGame` at the given knowledge,
  risk (or the ledger's risk), synergy and incentive rate. The rate is given, or the tool's
  least rate for (share, share) to be an equilibrium / the unique one / the risk-dominant one,
  plus a margin. Knowledge (3, 3), risk 0.5, no synergy and no incentive is the paper's matrix 1;
- ``exchange``: the exchange's :class:`trustmarket.sharing.rewards.RewardRules` pay each company
  for a verified report (its tier, the report's severity and scope), turned into the game by
  :func:`trustmarket.sharing.game.sharing_game`.

Company 1 is the row player (payoffs A), company 2 the column player (payoffs B); strategy 0 is
share (C), 1 withhold (D). With x the share of sharers among companies 1 and y among companies
2, the advantage of sharing is

    g_1(y) = y (A_CC - A_DC) + (1 - y) (A_CD - A_DD),
    g_2(x) = x (B_CC - B_CD) + (1 - x) (B_DC - B_DD),

and the two-population replicator dynamics, on the clock of pairwise proportional imitation
with payoff span S (the largest payoff minus the smallest) and with a share ``mutation`` of
revisions that pick a strategy at random (the replicator-mutator equation), is

    dx/dt = (1 - mutation) x (1 - x) g_1(y) / S + mutation (1/2 - x),
    dy/dt = (1 - mutation) y (1 - y) g_2(x) / S + mutation (1/2 - y).

:meth:`PopulationGame.replicator_map` is its Euler step of length 1, which is the expected
one-step change of the agent-based model for a large population;
:meth:`PopulationGame.replicator_ode` integrates the continuous equation (scipy ``solve_ivp``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.integrate import solve_ivp

from trustmarket.analysis.games import EquilibriumSet, Game
from trustmarket.analysis.incentives import PAPER_MATRICES, SharingGame
from trustmarket.core.errors import InvalidSimulation
from trustmarket.sharing.game import sharing_game
from trustmarket.sharing.members import Tier
from trustmarket.sharing.rewards import SCOPES, SEVERITIES, RewardRules
from trustmarket.sim.params import param

__all__ = [
    "INCENTIVES",
    "PAYOFFS",
    "PopulationGame",
    "SharingParams",
    "describe_equilibria",
    "population_game",
]

PAYOFFS = ("matrix-1", "matrix-2", "parametric", "exchange")
INCENTIVES = ("fixed", "equilibrium", "unique", "risk-dominance")
TIERS = tuple(t.value for t in Tier)

_GAME_FIELDS = ("knowledge_1", "knowledge_2", "risk", "ledger", "ledger_risk", "synergy", "base")
_RATE_FIELDS = ("incentive", "incentive_rate", "incentive_margin")
_EXCHANGE_FIELDS = (
    "tier_1",
    "tier_2",
    "severity",
    "scope",
    "reward_base",
    "reward_unit",
    "recent_incidents",
)

Matrix2 = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class SharingParams:
    """Parameters of the sharing-population scenario (see the module docstring)."""

    payoffs: str = param(
        "parametric",
        "the game: the paper's printed matrix-1 or matrix-2, parametric (SharingGame) or "
        "exchange (the exchange's rewards are the incentive)",
        choices=PAYOFFS,
    )
    companies: int = param(
        200,
        "companies in each role (company 1 = row player, company 2 = column)",
        low=2,
        high=100_000,
    )
    initial_share: float = param(0.5, "share of sharers in each role at step 0", low=0, high=1)
    mutation: float = param(
        0.001,
        "probability per step that a company experiments (takes a random strategy) instead "
        "of imitating",
        low=0,
        high=1,
    )
    knowledge_1: float = param(
        3.0,
        "value of company 1's knowledge to its partner (matrix 1: 3)",
        low=0,
        high=1e6,
        open_low=True,
    )
    knowledge_2: float = param(
        3.0,
        "value of company 2's knowledge to its partner (matrix 1: 3)",
        low=0,
        high=1e6,
        open_low=True,
    )
    risk: float = param(0.5, "expected loss from sharing (paper: 0.5)", low=0, high=1e6)
    ledger: bool = param(False, "share over the tamper-evident ledger: the risk is ledger_risk")
    ledger_risk: float = param(
        0.3, "risk of sharing over the ledger (paper's text: 0.3)", low=0, high=1e6
    )
    synergy: float = param(
        0.0,
        "extra payoff to each when both share (0: matrix 1; > 0: a stag hunt)",
        low=0,
        high=1e6,
    )
    base: float = param(1.0, "payoff when both withhold (paper: 1)", low=-1e6, high=1e6)
    incentive: str = param(
        "fixed",
        "parametric incentive rate: fixed (incentive_rate) or the least rate making (C, C) an "
        "equilibrium, the unique one or the risk-dominant one, plus incentive_margin",
        choices=INCENTIVES,
    )
    incentive_rate: float = param(
        0.0,
        "incentive per unit of one's own knowledge, incentive=fixed (paper's text: 0.2)",
        low=0,
        high=1e3,
    )
    incentive_margin: float = param(
        0.05,
        "added to the least rate (negative: below it; the rate is clipped at 0)",
        low=-1e3,
        high=1e3,
    )
    tier_1: str = param("core-business", "exchange tier of the companies 1", choices=TIERS)
    tier_2: str = param("small-business", "exchange tier of the companies 2", choices=TIERS)
    severity: str = param("medium", "severity of the reports (exchange)", choices=SEVERITIES)
    scope: str = param("specific", "scope of the reports (exchange)", choices=SCOPES)
    reward_base: int = param(
        100_000, "base reward of the exchange in minor units", low=0, high=10**12
    )
    reward_unit: int = param(
        100_000, "minor units of reward worth one payoff unit (exchange)", low=1, high=10**12
    )
    recent_incidents: int = param(
        0,
        "recent incidents in the reports' category (the exchange's dynamic factor)",
        low=0,
        high=10**6,
    )
    record_agents: bool = param(False, "also return the table of every company at every step")

    def check(self) -> None:
        """Refuse a parameter that the chosen ``payoffs`` would silently ignore."""
        changed = {f.name for f in dataclasses.fields(self) if getattr(self, f.name) != f.default}
        if self.payoffs in ("matrix-1", "matrix-2"):
            unused = sorted(changed & {*_GAME_FIELDS, *_RATE_FIELDS, *_EXCHANGE_FIELDS})
            if unused:
                raise InvalidSimulation(
                    f"payoffs={self.payoffs} is the paper's printed matrix; {', '.join(unused)} "
                    "apply only to payoffs=parametric or exchange"
                )
        elif self.payoffs == "parametric":
            unused = sorted(changed & set(_EXCHANGE_FIELDS))
            if unused:
                raise InvalidSimulation(
                    f"{', '.join(unused)} apply only to payoffs=exchange; with "
                    "payoffs=parametric the incentive is incentive_rate x knowledge"
                )
        else:
            unused = sorted(changed & set(_RATE_FIELDS))
            if unused:
                raise InvalidSimulation(
                    f"with payoffs=exchange the exchange's reward is the incentive; "
                    f"{', '.join(unused)} apply only to payoffs=parametric"
                )
        if "ledger_risk" in changed and not self.ledger:
            raise InvalidSimulation("ledger_risk applies only with ledger=true")
        if self.incentive == "fixed" and "incentive_margin" in changed:
            raise InvalidSimulation(
                "incentive_margin applies only with incentive=equilibrium, unique or "
                "risk-dominance; with incentive=fixed give incentive_rate"
            )
        if self.incentive != "fixed" and "incentive_rate" in changed:
            raise InvalidSimulation(
                f"incentive={self.incentive} computes the rate (least rate + incentive_margin); "
                "incentive_rate applies only with incentive=fixed"
            )


@dataclass(frozen=True)
class PopulationGame:
    """The 2x2 sharing game a population plays, with what the analysis tools say about it.

    ``incentive`` is what each role is paid per shared report in payoff units (NaN for the
    printed matrices), ``rate`` the parametric incentive rate (NaN otherwise), ``least_rates``
    the tool's least rates for (C, C) to be an equilibrium, the unique one, the risk-dominant
    one (NaN unless parametric)."""

    a: Matrix2
    b: Matrix2
    source: str
    equilibria: EquilibriumSet
    incentive: tuple[float, float] = (math.nan, math.nan)
    rate: float = math.nan
    least_rates: tuple[float, float, float] = (math.nan, math.nan, math.nan)

    @property
    def span(self) -> float:
        """S: the largest payoff minus the smallest, over both matrices (> 0 so that the
        imitation probability ``(pi_j - pi_i) / S`` is a probability)."""
        values = [v for m in (self.a, self.b) for row in m for v in row]
        return max(max(values) - min(values), 1e-12)

    def gains(self, x: float, y: float) -> tuple[float, float]:
        """``(g_1(y), g_2(x))``: each role's expected payoff advantage of sharing."""
        a, b = self.a, self.b
        g1 = y * (a[0][0] - a[1][0]) + (1 - y) * (a[0][1] - a[1][1])
        g2 = x * (b[0][0] - b[0][1]) + (1 - x) * (b[1][0] - b[1][1])
        return g1, g2

    def mean_payoffs(self, x: float, y: float) -> tuple[float, float]:
        """Each role's expected payoff when the shares of sharers are x and y."""
        p = np.array([x, 1 - x])
        q = np.array([y, 1 - y])
        return float(p @ np.array(self.a) @ q), float(p @ np.array(self.b) @ q)

    @property
    def sharing_is_equilibrium(self) -> bool:
        return any(_is_share(e.row) and _is_share(e.col) for e in self.equilibria.equilibria)

    @property
    def sharing_is_unique(self) -> bool:
        return len(self.equilibria) == 1 and self.sharing_is_equilibrium

    def velocity(self, x: float, y: float, mutation: float = 0.0) -> tuple[float, float]:
        """``(dx/dt, dy/dt)`` of the replicator-mutator equation (module docstring)."""
        g1, g2 = self.gains(x, y)
        keep, span = 1 - mutation, self.span
        return (
            keep * x * (1 - x) * g1 / span + mutation * (0.5 - x),
            keep * y * (1 - y) * g2 / span + mutation * (0.5 - y),
        )

    def replicator_map(self, x0: float, y0: float, steps: int, mutation: float = 0.0) -> np.ndarray:
        """``(steps + 1) x 2`` shares by the discrete map ``z' = z + velocity(z)``: the expected
        one-step change of pairwise proportional imitation (Schlag 1998) with experimentation,
        for a large population."""
        out = np.empty((steps + 1, 2))
        x, y = x0, y0
        out[0] = x, y
        for t in range(1, steps + 1):
            dx, dy = self.velocity(x, y, mutation)
            x, y = x + dx, y + dy
            out[t] = x, y
        return out

    def replicator_ode(self, x0: float, y0: float, steps: int, mutation: float = 0.0) -> np.ndarray:
        """``(steps + 1) x 2`` shares at t = 0..steps by the replicator-mutator equation
        (RK45, scipy ``solve_ivp``)."""

        def field(_t: float, z: np.ndarray) -> list[float]:
            return list(self.velocity(float(z[0]), float(z[1]), mutation))

        times = np.arange(steps + 1, dtype=float)
        solution = solve_ivp(
            field, (0.0, float(steps)), [x0, y0], t_eval=times, rtol=1e-9, atol=1e-12
        )
        shares: np.ndarray = np.clip(np.asarray(solution.y, dtype=float).T, 0.0, 1.0)
        return shares


def _is_share(strategy: tuple[object, ...]) -> bool:
    return float(strategy[0]) >= 1 - 1e-9  # type: ignore[arg-type]


def _floats(matrix: object) -> Matrix2:
    rows = [[float(v) for v in row] for row in matrix]  # type: ignore[attr-defined]
    return (rows[0][0], rows[0][1]), (rows[1][0], rows[1][1])


def _exact(value: float) -> Fraction:
    # The decimal the user typed (0.3), not the binary float nearest to it.
    return Fraction(repr(value))


def describe_equilibria(equilibria: EquilibriumSet) -> str:
    """``"(D, D)"``, ``"(C, C), (D, D), mixed (83% C, 83% C)"``: the equilibria in words."""
    names = {(1.0, 0.0): "C", (0.0, 1.0): "D"}
    parts = []
    for e in equilibria.equilibria:
        row = tuple(float(p) for p in e.row)
        col = tuple(float(p) for p in e.col)
        if row in names and col in names:
            parts.append(f"({names[row]}, {names[col]})")
        else:
            parts.append(f"mixed ({row[0]:.0%} C, {col[0]:.0%} C)")
    return ", ".join(sorted(parts, key=lambda p: (p.startswith("mixed"), p)))


def _rate(game: SharingGame, params: SharingParams) -> float:
    if params.incentive == "fixed":
        return params.incentive_rate
    least = {
        "equilibrium": game.least_rate_for_equilibrium,
        "unique": game.least_rate_for_unique,
        "risk-dominance": game.least_rate_for_risk_dominance,
    }[params.incentive]()
    return max(0.0, least + params.incentive_margin)


def population_game(params: SharingParams) -> PopulationGame:
    """The game the companies play under ``params`` (see the module docstring)."""
    risk = params.ledger_risk if params.ledger else params.risk
    if params.payoffs in ("matrix-1", "matrix-2"):
        a, b = PAPER_MATRICES[0 if params.payoffs == "matrix-1" else 1]
        game = Game(a, b)
        source = f"the paper's printed {params.payoffs.replace('-', ' ')}"
        return PopulationGame(_floats(a), _floats(b), source, game.vertex_enumeration())
    if params.payoffs == "parametric":
        model = SharingGame(
            (params.knowledge_1, params.knowledge_2),
            params.risk,
            0.0,
            params.synergy,
            params.base,
            params.ledger_risk if params.ledger else None,
        )
        rate = _rate(model, params)
        priced = model.with_rate(rate)
        least = (
            model.least_rate_for_equilibrium(),
            model.least_rate_for_unique(),
            model.least_rate_for_risk_dominance(),
        )
        return PopulationGame(
            _floats(priced.game().A),
            _floats(priced.game().B),
            f"SharingGame(k=({params.knowledge_1:g}, {params.knowledge_2:g}), risk={risk:g}, "
            f"synergy={params.synergy:g}, rate={rate:.4g})",
            priced.equilibria(),
            (rate * params.knowledge_1, rate * params.knowledge_2),
            rate,
            least,
        )
    analysis = sharing_game(
        RewardRules(base=params.reward_base),
        knowledge=(_exact(params.knowledge_1), _exact(params.knowledge_2)),
        risk=_exact(risk),
        tiers=(params.tier_1, params.tier_2),
        severity=params.severity,
        scope=params.scope,
        synergy=_exact(params.synergy),
        base=_exact(params.base),
        unit=params.reward_unit,
        recent_incidents=params.recent_incidents,
    )
    rewards = analysis.rewards
    return PopulationGame(
        _floats(analysis.game.A),
        _floats(analysis.game.B),
        f"the exchange's rewards ({params.tier_1}, {params.tier_2}; {params.severity}, "
        f"{params.scope}): {rewards[0]} and {rewards[1]} minor units",
        analysis.equilibria,
        (rewards[0] / params.reward_unit, rewards[1] / params.reward_unit),
    )
