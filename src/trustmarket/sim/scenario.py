"""What a scenario is: parameters, a run, the paper's experiments and how to compare with them.

A :class:`Scenario` bundles one simulation with its typed parameters (a frozen dataclass, see
:mod:`trustmarket.sim.params`), a ``run(params, seed, steps)`` that returns a :class:`RunResult`
(tidy tables and per-run metrics), the experiments that reproduce its paper (named parameter
settings), a ``compare`` that sets the summary beside the paper's numbers, and a ``plot``.
Runs are pure functions of (params, seed, steps): the same inputs give the same result in any
process, which is what lets a sweep run locally or on Ray with identical results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Comparison", "Experiment", "RunResult", "Scenario"]


@dataclass(frozen=True)
class RunResult:
    """One run: its inputs (scenario, label, params, seed, steps), its tidy tables (one row per
    step and agent, or per trade) and its scalar metrics."""

    scenario: str
    label: str
    params: Mapping[str, Any]
    seed: int
    steps: int
    tables: Mapping[str, pd.DataFrame]
    metrics: Mapping[str, float]

    @classmethod
    def of(
        cls,
        scenario: str,
        params: Any,
        seed: int,
        steps: int,
        tables: Mapping[str, pd.DataFrame],
        metrics: Mapping[str, float],
    ) -> RunResult:
        """A run of ``params`` (a parameter dataclass), labelled later by the runner."""
        return cls(scenario, "", dataclasses.asdict(params), seed, steps, tables, metrics)


@dataclass(frozen=True)
class Experiment:
    """A named parameter setting of a scenario (``values`` override the defaults) run over
    ``seeds`` seeds for ``steps`` steps (``None``: the scenario's default)."""

    label: str
    values: Mapping[str, Any] = field(default_factory=dict)
    steps: int | None = None


@dataclass(frozen=True)
class Comparison:
    """One number (or claim) of a paper beside ours.

    ``agrees`` is ``True`` when ours supports the paper's, ``False`` when it does not (``note``
    then says why), ``None`` when the paper gives nothing to compare with."""

    scenario: str
    figure: str
    paper: str
    ours: str
    agrees: bool | None
    note: str = ""


Runner = Callable[[Any, int, int], RunResult]
Comparer = Callable[["pd.DataFrame", Sequence[RunResult]], list[Comparison]]
Plotter = Callable[[Sequence[RunResult], Path], list[Path]]


@dataclass(frozen=True)
class Scenario:
    """One simulation and everything needed to reproduce its paper.

    ``run(params, seed, steps)`` must be a module-level function (it is sent to worker
    processes) and deterministic in its inputs. ``compare(summary, results)`` gets the table of
    :func:`trustmarket.sim.stats.summarise` and the runs; ``plot(results, directory)`` writes
    PNG and SVG files and returns their paths."""

    name: str
    title: str
    paper: str
    params: type
    run: Runner
    default_steps: int
    experiments: tuple[Experiment, ...]
    compare: Comparer
    plot: Plotter
    default_seeds: int = 20
    description: str = ""
