"""The market simulator's speed (issue 8 targets: trades per second of the AVALANCHE model with
150 agents; a 100-run sweep with 2 local worker processes at least 1.7x as fast as with 1).

Trades: the AVALANCHE chain with 50 agents of each type, all cooperative, no reputation (the
paper's reference scenario), ``--steps`` steps (default 300) for each of 3 seeds; the clock
covers building the model and running it (the trades table built at the end included); trades
are negotiated trades between firms, consumer sales counted apart. For information, the same
with the central rating agency and one cheater.

Sweep: ``--runs`` runs (default 100: the cheater-central experiment with 3 agents per type,
``--sweep-steps`` steps, seeds 0 to 99) through :func:`trustmarket.sim.sweep.run_jobs` with 1
and with 2 worker processes (a fresh pool for each sweep, its start-up in the time; forked, as
this process runs no other thread), and in this process without a pool, the baseline of what a
pool costs. For the machine's own ceiling, the same pure-Python loop run twice in one process and
once in each of 2 processes. The results of the three are
checked to be identical.

Run: ``make bench`` or ``python bench/sim.py [--steps 300] [--runs 100] [--sweep-steps 600]``.
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from trustmarket.sim.avalanche.model import AvalancheModel
from trustmarket.sim.avalanche.params import AvalancheParams
from trustmarket.sim.params import build
from trustmarket.sim.sweep import Job, run_jobs

SPEEDUP_TARGET = 1.7


def trades_per_second(values: dict[str, object], steps: int, seeds: int) -> tuple[float, int, int]:
    params = build(AvalancheParams, values)
    trades = sales = 0
    elapsed = 0.0
    for seed in range(seeds):
        start = time.perf_counter()
        model = AvalancheModel(params, seed)
        table, _ = model.run(steps)
        elapsed += time.perf_counter() - start
        firm = table["buyer"] != "consumer"
        trades += int(firm.sum())
        sales += int((~firm).sum())
    return trades / elapsed, trades, sales


def sweep(jobs: list[Job], workers: int) -> tuple[float, list[object]]:
    start = time.perf_counter()
    results = run_jobs(jobs, workers=workers)
    return time.perf_counter() - start, list(results)


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_ceiling(n: int = 20_000_000) -> float:
    """How much faster two processes finish two equal pure-Python loops than one does."""
    import multiprocessing

    start = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_spin, [n, n])
        parallel = time.perf_counter() - start
    return serial / parallel


def identical(a: list[object], b: list[object]) -> bool:
    for x, y in zip(a, b, strict=True):
        if not pd.Series(dict(x.metrics)).equals(pd.Series(dict(y.metrics))):  # type: ignore[attr-defined]
            return False
        if not x.tables["trades"].equals(y.tables["trades"]):  # type: ignore[attr-defined]
            return False
    return len(a) == len(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--sweep-steps", type=int, default=600)
    args = parser.parse_args()

    print("AVALANCHE, 150 agents (50 per type), 3 seeds")
    rate, trades, sales = trades_per_second(
        {"agents_per_type": 50, "cheaters": 0, "record_every": 10}, args.steps, 3
    )
    print(
        f"  reference (no reputation): {rate:,.0f} trades/s ({trades:,} trades, "
        f"{sales:,} consumer sales, {args.steps} steps each)"
    )
    rate, trades, _ = trades_per_second(
        {"agents_per_type": 50, "cheaters": 1, "regime": "central", "record_every": 10},
        args.steps,
        3,
    )
    print(f"  central agency, one cheater: {rate:,.0f} trades/s ({trades:,} trades)")

    jobs = [
        Job("avalanche", "cheater-central", seed, args.sweep_steps, {"regime": "central"})
        for seed in range(args.runs)
    ]
    print(f"Sweep of {args.runs} runs (3 per type, central agency, {args.sweep_steps} steps)")
    inline, base = sweep(jobs, 0)
    one, with_one = sweep(jobs, 1)
    two, with_two = sweep(jobs, 2)
    same = identical(base, with_one) and identical(base, with_two)
    speedup = one / two
    print(f"  in this process:   {inline:6.2f} s")
    print(f"  1 worker process:  {one:6.2f} s")
    print(f"  2 worker processes: {two:6.2f} s")
    verdict = "met" if speedup >= SPEEDUP_TARGET else "NOT met"
    print(
        f"  speed-up 2 vs 1 workers: {speedup:.2f}x (target {SPEEDUP_TARGET}x: {verdict}); "
        f"results identical: {same}"
    )
    print(
        f"  this machine's ceiling for 2 processes (a pure-Python loop): {machine_ceiling():.2f}x"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
