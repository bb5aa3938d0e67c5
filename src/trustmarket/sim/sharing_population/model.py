"""A population of companies that share or withhold threat knowledge, as a Mesa model
(Simmons, section B.4: the sharing game played over and over in a population; SPEC section 8,
"Sharing game").

There are two roles, as in the paper's game: ``companies`` companies 1 (the row player) and as
many companies 2 (the column player). Every step:

1. *play*: the companies 1 are matched with the companies 2 by a uniformly random perfect
   matching, and each pair plays the 2x2 sharing game once (payoffs A for company 1, B for
   company 2, :class:`trustmarket.sim.sharing_population.setting.PopulationGame`);
2. *revise*: with probability ``mutation`` a company experiments (takes share or withhold at
   random); otherwise it looks at one other company of its own role, drawn uniformly, and
   copies its strategy with probability ``max(0, pi_other - pi_own) / S`` (pairwise
   proportional imitation, Schlag 1998), S the span of the payoffs. Revisions use this step's
   payoffs and are applied together, after everyone has revised.

Imitation stays within a role because the two roles' payoffs differ (matrix 2 is asymmetric).
The expected change of the share of sharers is then
``(1 - mutation) x (1 - x) g(y) / S + mutation (1/2 - x)``, the replicator(-mutator) dynamics
(``setting`` module), which the model follows as the population grows. Experimentation matters
in a finite population only: imitation alone can never bring back a strategy that nobody plays
any more, so a role that happens to fix on sharing would stay there even when withholding pays
more, where the replicator equation (an infinite population) moves on.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from trustmarket.sim.sharing_population.setting import PopulationGame

__all__ = ["ROLES", "SHARE", "STRATEGIES", "WITHHOLD", "Company", "SharingPopulation"]

SHARE, WITHHOLD = 0, 1
STRATEGIES = ("share", "withhold")
ROLES = ("company-1", "company-2")


class Company(mesa.Agent):  # type: ignore[misc]
    """A company of one role with a strategy (share or withhold) and its last payoff."""

    def __init__(self, model: SharingPopulation, role: int, index: int, strategy: int) -> None:
        super().__init__(model)
        self.role = role
        self.index = index
        self.strategy = strategy
        self.next_strategy = strategy
        self.payoff = 0.0

    def revise(self, pick: int, coin: float, experiment: int | None) -> None:
        """Experiment (``experiment`` is the strategy drawn), or else pairwise proportional
        imitation: copy peer number ``pick`` of the others of the same role with probability
        ``(pi_peer - pi_own)^+ / S`` (``coin`` uniform on [0, 1)). The model draws the random
        numbers, all at once per step."""
        if experiment is not None:
            self.next_strategy = experiment
            return
        peers: list[Company] = self.model.roles[self.role]
        peer = peers[pick + 1 if pick >= self.index else pick]  # anyone but oneself
        gain = peer.payoff - self.payoff
        if gain > 0 and coin * self.model.game.span < gain:
            self.next_strategy = peer.strategy
        else:
            self.next_strategy = self.strategy


class SharingPopulation(mesa.Model):  # type: ignore[misc]
    """Companies 1 and 2 matched at random each step to play ``game``, revising by imitation.

    ``rows`` holds one record per step (0 = the initial state) and role: the share of sharers
    after the step's revision, and the payoffs and switches of that step's games (payoffs are
    NaN at step 0); ``agent_rows`` (with ``record_agents``) one per step and company."""

    def __init__(
        self,
        game: PopulationGame,
        companies: int,
        initial_share: float,
        *,
        mutation: float = 0.0,
        record_agents: bool = False,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self.game = game
        self.mutation = mutation
        self.record_agents = record_agents
        sharers = round(initial_share * companies)
        roles: list[list[Company]] = []
        for role in range(len(ROLES)):
            order = self.rng.permutation(companies)
            roles.append(
                [
                    Company(self, role, i, SHARE if order[i] < sharers else WITHHOLD)
                    for i in range(companies)
                ]
            )
        self.roles: tuple[list[Company], list[Company]] = (roles[0], roles[1])
        self.rows: list[dict[str, Any]] = []
        self.agent_rows: list[dict[str, Any]] = []
        self._record(switches=None)

    def step(self) -> None:
        first, second = self.roles
        a, b = self.game.a, self.game.b
        partners = self.rng.permutation(len(second))
        for company, k in zip(first, partners, strict=True):
            other = second[int(k)]
            company.payoff = a[company.strategy][other.strategy]
            other.payoff = b[company.strategy][other.strategy]
        if self.record_agents:
            self._record_agents()
        size = (len(self.roles), len(first))
        picks = self.rng.integers(0, len(first) - 1, size=size).tolist()
        coins = self.rng.random(size).tolist()
        experiments: list[list[int | None]] = [[None] * size[1] for _ in range(size[0])]
        if self.mutation > 0:
            who = self.rng.random(size) < self.mutation
            drawn = self.rng.integers(0, len(STRATEGIES), size=size)
            for role, index in zip(*np.nonzero(who), strict=True):
                experiments[role][index] = int(drawn[role, index])
        switches = [[0, 0], [0, 0]]
        for role, companies in enumerate(self.roles):
            for company, pick, coin, experiment in zip(
                companies, picks[role], coins[role], experiments[role], strict=True
            ):
                company.revise(pick, coin, experiment)
            for company in companies:
                if company.next_strategy != company.strategy:
                    switches[role][company.next_strategy] += 1
                    company.strategy = company.next_strategy
        self._record(switches=switches)

    def shares(self) -> tuple[float, float]:
        """The share of sharers among companies 1 and among companies 2."""
        first, second = self.roles
        return (
            sum(c.strategy == SHARE for c in first) / len(first),
            sum(c.strategy == SHARE for c in second) / len(second),
        )

    def _record(self, switches: list[list[int]] | None) -> None:
        nan = float("nan")
        for role, companies in enumerate(self.roles):
            sharers = sum(c.strategy == SHARE for c in companies)
            played = switches is not None
            payoffs = [c.payoff for c in companies]
            self.rows.append(
                {
                    "step": self.steps,
                    "role": ROLES[role],
                    "companies": len(companies),
                    "sharers": sharers,
                    "share": sharers / len(companies),
                    "mean_payoff": sum(payoffs) / len(payoffs) if played else nan,
                    "to_share": switches[role][SHARE] if switches is not None else 0,
                    "to_withhold": switches[role][WITHHOLD] if switches is not None else 0,
                }
            )

    def _record_agents(self) -> None:
        for company in self.agents:
            self.agent_rows.append(
                {
                    "step": self.steps,
                    "company": company.unique_id,
                    "role": ROLES[company.role],
                    "strategy": STRATEGIES[company.strategy],
                    "payoff": company.payoff,
                }
            )

    def population_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def agent_table(self) -> pd.DataFrame:
        columns = ["step", "company", "role", "strategy", "payoff"]
        return pd.DataFrame(self.agent_rows, columns=columns)
