"""The market simulator (SPEC section 8): Mesa models of the papers' experiments, sweeps over
parameters and seeds in local processes or on Ray, and reports that set our numbers beside the
papers'.

Start with :mod:`trustmarket.sim.registry` (the scenarios), :func:`trustmarket.sim.runner.plan`
and :func:`trustmarket.sim.runner.run_plan`; docs/sim.md has the tutorial.
"""

from trustmarket.sim.scenario import Comparison, Experiment, RunResult, Scenario
from trustmarket.sim.sweep import Job, run_jobs

__all__ = ["Comparison", "Experiment", "Job", "RunResult", "Scenario", "run_jobs"]
