"""The scenarios ``trustmarket sim`` knows, by name.

A scenario's module is imported when it is first asked for, so that a worker process running one
scenario's jobs imports that scenario alone (and the ``trustmarket`` command starts fast).
"""

from __future__ import annotations

from importlib import import_module

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.scenario import Scenario

__all__ = ["SCENARIO_NAMES", "all_scenarios", "get_scenario"]

_MODULES = {
    "avalanche": "trustmarket.sim.avalanche.scenario",
    "shopping": "trustmarket.sim.shopping.scenario",
    "bidding": "trustmarket.sim.bidding.scenario",
    "sharing": "trustmarket.sim.sharing_population.scenario",
}
#: In the order ``sim reproduce`` runs and reports them.
SCENARIO_NAMES = tuple(_MODULES)


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; :class:`InvalidSimulation` lists the known ones."""
    module = _MODULES.get(name) if isinstance(name, str) else None
    if module is None:
        raise InvalidSimulation(
            f"unknown scenario {name!r}; the scenarios are {', '.join(SCENARIO_NAMES)}"
        )
    scenario = import_module(module).SCENARIO
    assert isinstance(scenario, Scenario) and scenario.name == name, module
    return scenario


def all_scenarios() -> dict[str, Scenario]:
    """Every scenario, by name, in :data:`SCENARIO_NAMES` order."""
    return {name: get_scenario(name) for name in SCENARIO_NAMES}
