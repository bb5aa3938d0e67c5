"""The sweep runner: a grid of parameters x seeds, in local processes or on a Ray cluster.

Every run is a :class:`Job` - scenario, label, parameter values, seed, steps - and its result a
pure function of the job, so the same jobs give identical results in one process, in a pool of
local worker processes or on Ray; results always come back in job order. Everything that can be
wrong with a request (an unknown scenario or parameter, a bad value, zero seeds, an unreachable
Ray address) raises :class:`InvalidSimulation` before the first run starts.
"""

from __future__ import annotations

import concurrent.futures as futures
import itertools
import multiprocessing
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.params import build
from trustmarket.sim.scenario import RunResult, Scenario

__all__ = ["Job", "grid_jobs", "run_job", "run_jobs", "seeds_from"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Job:
    """One run to do: ``values`` override the scenario's default parameters."""

    scenario: str
    label: str
    seed: int
    steps: int
    values: Mapping[str, Any] = field(default_factory=dict)


#: The most seeds per point and steps per run: bounds far past any paper's settings (the papers
#: use at most 100 seeds and 10,000 steps) that keep a typo from filling memory with jobs or
#: starting a run that would not end.
MAX_SEEDS = 10_000
MAX_STEPS = 1_000_000


def seeds_from(count: int, first: int = 0) -> list[int]:
    """``count`` seeds ``first, first + 1, ...``; at least one, at most :data:`MAX_SEEDS`."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEEDS:
        raise InvalidSimulation(
            f"the number of seeds must be an integer from 1 to {MAX_SEEDS:,}, got {count!r}"
        )
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise InvalidSimulation(f"the first seed must be an integer >= 0, got {first!r}")
    return list(range(first, first + count))


def check_steps(steps: object) -> int:
    """A run's number of steps: an integer from 1 to :data:`MAX_STEPS`."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise InvalidSimulation(f"steps must be an integer from 1 to {MAX_STEPS:,}, got {steps!r}")
    return steps


def _scenario(name: str) -> Scenario:
    from trustmarket.sim.registry import get_scenario

    return get_scenario(name)


def grid_jobs(
    scenario: Scenario,
    grid: Mapping[str, Sequence[object]],
    seeds: Sequence[int],
    steps: int | None = None,
    *,
    base: Mapping[str, object] | None = None,
    label: str | None = None,
) -> list[Job]:
    """One job per point of the grid (the cartesian product of ``grid``'s value lists, over
    ``base``) and seed. Every point is checked (:func:`trustmarket.sim.params.build`) here, so
    a bad value fails before any run. The label is ``label`` or ``k=v, ...`` of the point."""
    if not seeds:
        raise InvalidSimulation("a sweep needs at least one seed")
    steps = check_steps(scenario.default_steps if steps is None else steps)
    names = list(grid)
    for name in names:
        if not grid[name]:
            raise InvalidSimulation(f"parameter {name} has no values")
    jobs: list[Job] = []
    for point in itertools.product(*(grid[n] for n in names)):
        values = {**dict(base or {}), **dict(zip(names, point, strict=True))}
        build(scenario.params, values)
        name = label or (", ".join(f"{n}={v}" for n, v in zip(names, point, strict=True)))
        jobs.extend(Job(scenario.name, name or "default", seed, steps, values) for seed in seeds)
    return jobs


def run_job(job: Job) -> RunResult:
    """Do one job in this process."""
    scenario = _scenario(job.scenario)
    params: object = build(scenario.params, job.values)
    result = scenario.run(params, job.seed, job.steps)
    # The label is the sweep's name for the setting, not something the run knows.
    return RunResult(
        result.scenario,
        job.label,
        result.params,
        result.seed,
        result.steps,
        result.tables,
        result.metrics,
    )


def _check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise InvalidSimulation(
            f"workers must be an integer >= 0 (0: run in this process), got {workers!r}"
        )
    return workers


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    ray: str | None = None,
    progress: Progress | None = None,
) -> list[RunResult]:
    """Run ``jobs`` and return their results in job order.

    ``ray=None`` runs in local processes: ``workers`` of them (default: one per core; 0 runs
    in this process). ``ray`` is a Ray address (``auto``, ``local`` for a cluster started here,
    ``host:port`` or ``ray://host:port``); Ray must be installed (``pip install
    'trustmarket[ray]'``) and the cluster reachable. ``progress(done, total)`` is called after
    each finished run."""
    for job in jobs:
        build(_scenario(job.scenario).params, job.values)
    total = len(jobs)
    if ray is not None:
        return _run_on_ray(jobs, ray, progress)
    count = default_workers() if workers is None else _check_workers(workers)
    if count == 0 or total <= 1:
        results = []
        for done, job in enumerate(jobs, start=1):
            results.append(run_job(job))
            if progress:
                progress(done, total)
        return results
    context = _pool_context()
    out: list[RunResult | None] = [None] * total
    with futures.ProcessPoolExecutor(max_workers=min(count, total), mp_context=context) as pool:
        pending = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
        for done, future in enumerate(futures.as_completed(pending), start=1):
            out[pending[future]] = future.result()
            if progress:
                progress(done, total)
    return [r for r in out if r is not None]


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` when this process runs no other thread (a worker then starts with the
    scenarios already imported, in milliseconds), else ``spawn`` (a clean interpreter: forking
    a process with other threads can copy a lock another thread held)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _probe(address: str) -> None:
    """Fail fast on a ``host:port`` no one listens on (Ray itself retries for a long time)."""
    target = address.removeprefix("ray://")
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise InvalidSimulation(
            f"a Ray address is auto, local, host:port or ray://host:port, got {address!r}"
        )
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=3):
            pass
    except OSError as exc:
        raise InvalidSimulation(f"cannot reach the Ray cluster at {address}: {exc}") from None


def connect_ray(address: str) -> Any:
    """The ``ray`` module, connected to ``address``; :class:`InvalidSimulation` when Ray is
    missing or the cluster cannot be reached."""
    try:
        import ray as ray_module
    except ImportError:
        raise InvalidSimulation(
            "Ray is not installed; install it with pip install 'trustmarket[ray]'"
        ) from None
    if not isinstance(address, str) or not address.strip():
        raise InvalidSimulation("a Ray address is auto, local, host:port or ray://host:port")
    if address not in ("auto", "local"):
        _probe(address)
    if ray_module.is_initialized():
        return ray_module
    try:
        ray_module.init(
            address=address,
            ignore_reinit_error=True,
            log_to_driver=False,
            include_dashboard=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise InvalidSimulation(f"cannot reach the Ray cluster at {address}: {exc}") from None
    return ray_module


def _run_on_ray(jobs: Sequence[Job], address: str, progress: Progress | None) -> list[RunResult]:
    ray_module = connect_ray(address)
    remote = ray_module.remote(run_job)
    refs = [remote.remote(job) for job in jobs]
    index = {ref: i for i, ref in enumerate(refs)}
    out: list[RunResult | None] = [None] * len(refs)
    waiting = list(refs)
    done = 0
    while waiting:
        ready, waiting = ray_module.wait(waiting, num_returns=1)
        for ref in ready:
            out[index[ref]] = ray_module.get(ref)
            done += 1
            if progress:
                progress(done, len(refs))
    return [r for r in out if r is not None]
