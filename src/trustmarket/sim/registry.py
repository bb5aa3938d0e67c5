"""The scenarios ``trustmarket sim`` knows, by name."""

from __future__ import annotations

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.avalanche.scenario import SCENARIO as AVALANCHE
from trustmarket.sim.scenario import Scenario
from trustmarket.sim.sharing_population.scenario import SCENARIO as SHARING
from trustmarket.sim.shopping.scenario import SCENARIO as SHOPPING

__all__ = ["SCENARIOS", "get_scenario"]

#: In the order ``sim reproduce`` runs and reports them.
SCENARIOS: dict[str, Scenario] = {s.name: s for s in (AVALANCHE, SHOPPING, SHARING)}


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; :class:`InvalidSimulation` lists the known ones."""
    try:
        return SCENARIOS[name]
    except (KeyError, TypeError):
        raise InvalidSimulation(
            f"unknown scenario {name!r}; the scenarios are {', '.join(SCENARIOS)}"
        ) from None
