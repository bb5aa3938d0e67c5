"""The AVALANCHE scenario's parameters (Padovan et al., sections 2 and 4).

The paper gives the structure (three stages of the wood chain, 3 or 50 agents per type, one
cheating carpenter, alpha-weighted reputation coefficients, unknown = 0.5 in the decentralized
run) but no prices, costs or strategy numbers; the defaults below are ours, chosen so that every
stage earns a margin when all cooperate and so that an unknown partner (R = 0.5) can still be
traded with. Money is integer minor units (cents).
"""

from __future__ import annotations

from dataclasses import dataclass

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.params import param

__all__ = ["REGIMES", "AvalancheParams"]

REGIMES = ("none", "decentralized", "central")


@dataclass(frozen=True)
class AvalancheParams:
    """Parameters of :class:`trustmarket.sim.avalanche.model.AvalancheModel`."""

    agents_per_type: int = param(
        3, "woodcutters, carpenters and furniture makers, each (paper: 3 or 50)", low=1, high=1000
    )
    cheaters: int = param(
        1, "carpenters with reputation constant 0 (never deliver, never pay)", low=0, high=1000
    )
    regime: str = param(
        "none",
        "reputation: none, decentralized (own experience) or central (rating agency)",
        choices=REGIMES,
    )
    alpha: float = param(
        0.3,
        "weight of the newest outcome in R <- R + alpha (r - R)",
        low=0.0,
        high=1.0,
        open_low=True,
    )
    unknown: float = param(
        0.5,
        "coefficient of an unknown partner, decentralized regime (paper 4.1: 0.5)",
        low=0.0,
        high=1.0,
    )
    start_cash: int = param(100_000, "each agent's starting cash, cents", low=0, high=10**12)
    wood_cost: int = param(
        1_000, "a woodcutter's cost to cut one unit of wood, cents", low=1, high=10**9
    )
    board_cost: int = param(
        1_000, "a carpenter's cost to make boards from one wood, cents", low=1, high=10**9
    )
    furniture_cost: int = param(
        1_500, "a furniture maker's cost per piece, cents", low=1, high=10**9
    )
    consumer_price: int = param(
        12_000, "mean price consumers pay for a piece, cents", low=1, high=10**9
    )
    consumer_spread: float = param(
        0.2, "consumers' price is uniform in consumer_price (1 +- spread)", low=0.0, high=0.9
    )
    capacity: int = param(
        4, "the most units of input and of output an agent stores", low=1, high=10**6
    )
    markup: float = param(
        0.3, "seller's opening ask above its expected sale price", low=0.0, high=10.0
    )
    discount: float = param(0.3, "buyer's opening offer below its limit", low=0.0, high=0.99)
    concession: float = param(
        0.25,
        "share of the distance to its bound a side concedes per turn",
        low=0.0,
        high=1.0,
        open_low=True,
    )
    concede_probability: float = param(
        0.8, "chance a side concedes on its turn (else it stands still)", low=0.0, high=1.0
    )
    max_rounds: int = param(12, "rounds before a negotiation breaks off", low=1, high=1000)
    partners: int = param(
        2, "sellers a buyer negotiates with in turn, best modified ask first", low=1, high=1000
    )
    buy_weight: float = param(
        0.45, "weight of the action buy in the stochastic choice", low=0.0, high=1e6
    )
    produce_weight: float = param(0.35, "weight of the action produce", low=0.0, high=1e6)
    sell_weight: float = param(
        0.35, "weight of the action sell (furniture to consumers)", low=0.0, high=1e6
    )
    idle_weight: float = param(0.1, "weight of doing nothing this step", low=0.0, high=1e6)
    learning: float = param(
        0.2,
        "weight of the newest sale price in an agent's expected price",
        low=0.0,
        high=1.0,
        open_low=True,
    )

    record_every: int = param(
        1,
        "record the agents' table every this many steps (the trades are all recorded)",
        low=1,
        high=10**6,
    )

    def check(self) -> None:
        """Cross-field rules: at most every carpenter cheats; some action has weight."""
        if self.cheaters > self.agents_per_type:
            raise InvalidSimulation(
                f"cheaters must be at most agents_per_type ({self.agents_per_type}) carpenters, "
                f"got {self.cheaters}"
            )
        if self.buy_weight + self.produce_weight + self.sell_weight + self.idle_weight <= 0:
            raise InvalidSimulation("at least one action weight must be positive")
