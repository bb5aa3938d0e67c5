"""Planning and running a scenario's experiments, optionally over a parameter grid.

``trustmarket sim run`` and ``sim reproduce`` come down to :func:`plan` (which jobs: the
scenario's paper experiments, or some of them, each with the user's parameter overrides, over
seeds) and :func:`run_plan` (run them, write the report). With a grid (a parameter given several
values) every experiment runs at every point, and the report compares each point with the paper
on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.params import build
from trustmarket.sim.report import ScenarioReport, check_format, write_scenario_report
from trustmarket.sim.scenario import Comparison, Experiment, RunResult, Scenario
from trustmarket.sim.stats import summarise
from trustmarket.sim.sweep import Job, Progress, check_steps, run_jobs, seeds_from

__all__ = ["POINT_SEPARATOR", "Plan", "plan", "run_plan"]

#: Between an experiment's label and its grid point in a run's label.
POINT_SEPARATOR = " | "


@dataclass(frozen=True)
class Plan:
    """The jobs of one scenario: ``points`` are the grid points (``[{}]`` without a grid)."""

    scenario: Scenario
    jobs: list[Job]
    points: list[dict[str, object]]
    seeds: list[int]


def _point_label(point: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _experiments(scenario: Scenario, names: Sequence[str] | None) -> list[Experiment]:
    if not names:
        return list(scenario.experiments)
    known = {e.label: e for e in scenario.experiments}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidSimulation(
            f"{scenario.name} has no experiment {', '.join(unknown)}; "
            f"its experiments are {', '.join(known)}"
        )
    return [known[n] for n in dict.fromkeys(names)]


def plan(
    scenario: Scenario,
    *,
    experiments: Sequence[str] | None = None,
    grid: Mapping[str, Sequence[object]] | None = None,
    seeds: int | None = None,
    first_seed: int = 0,
    steps: int | None = None,
) -> Plan:
    """The jobs for ``scenario``: each chosen experiment (default: all of the paper's) at each
    point of ``grid`` (parameter overrides; a list of values makes a sweep), for ``seeds``
    seeds from ``first_seed`` (default: the scenario's own number). Every parameter set is
    checked here: bad input fails before any run."""
    chosen = _experiments(scenario, experiments)
    seed_list = seeds_from(scenario.default_seeds if seeds is None else seeds, first_seed)
    if steps is not None:
        check_steps(steps)
    axes: dict[str, Sequence[object]] = dict(grid or {})
    for name, values in axes.items():
        if not values:
            raise InvalidSimulation(f"parameter {name} has no values")
    names = list(axes)
    points = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())]
    jobs: list[Job] = []
    for point in points:
        for experiment in chosen:
            settings: dict[str, object] = {**experiment.values, **point}
            build(scenario.params, settings)
            label = experiment.label
            if point:
                label += POINT_SEPARATOR + _point_label(point)
            run_steps = steps or experiment.steps or scenario.default_steps
            jobs.extend(Job(scenario.name, label, s, run_steps, settings) for s in seed_list)
    return Plan(scenario, jobs, points, seed_list)


def _split(results: Sequence[RunResult], point: Mapping[str, object]) -> list[RunResult]:
    if not point:
        return list(results)
    suffix = POINT_SEPARATOR + _point_label(point)
    return [
        replace(r, label=r.label.removesuffix(suffix)) for r in results if r.label.endswith(suffix)
    ]


def run_plan(
    the_plan: Plan,
    directory: Path,
    *,
    fmt: str = "csv",
    workers: int | None = None,
    ray: str | None = None,
    progress: Progress | None = None,
    command: str = "",
) -> ScenarioReport:
    """Run the plan's jobs and write the scenario's report into ``directory``. With a grid,
    each point is compared with the paper separately (its figures are prefixed with the
    point)."""
    check_format(fmt)
    results = run_jobs(the_plan.jobs, workers=workers, ray=ray, progress=progress)
    comparisons: list[Comparison] | None = None
    if the_plan.points != [{}]:
        comparisons = []
        for point in the_plan.points:
            subset = _split(results, point)
            prefix = _point_label(point)
            for c in the_plan.scenario.compare(summarise(subset), subset):
                comparisons.append(replace(c, figure=f"[{prefix}] {c.figure}"))
    return write_scenario_report(
        the_plan.scenario, results, directory, fmt=fmt, command=command, comparisons=comparisons
    )
