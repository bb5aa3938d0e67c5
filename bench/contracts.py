"""Optimal leveled commitment contract search (issue target: under 2 s), measured in one run.

For each paper-style pair of piecewise-linear pdfs (eMediator section 3: users draw f and g as a
few linear pieces), the optimal and fair contracts of all four decommitting mechanisms are found
from scratch (``CommitmentGame(f, g).optimal_contracts()``: the benefit optimum, four fair
contracts and all equilibria of each) ``--repeats`` times; the median time is printed against
the 2 s target.

Baseline, in the same run: the naive search over a grid of contracts (rho, a, b), solving every
contract's equilibria and keeping the best, on the first input (``--grid`` points per axis, all
four mechanisms). Printed: its time, the ratio baseline / ours, and the share of the optimal
benefit the grid reaches (the script stops with an error if a grid contract beats the optimum).

Run: ``make bench`` or ``python bench/contracts.py [--repeats 5] [--grid 8]``.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

import numpy as np

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Mechanism,
    PiecewiseLinear,
    find_equilibria,
)

TARGET_SECONDS = 2.0

INPUTS: dict[str, tuple[PiecewiseLinear, PiecewiseLinear]] = {
    "trapezoids": (
        PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)]),
        PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)]),
    ),
    "triangles": (
        PiecewiseLinear.normalized([(2, 0), (7, 1), (14, 0)]),
        PiecewiseLinear.normalized([(0, 0), (5, 1), (11, 0)]),
    ),
    "skewed": (
        PiecewiseLinear.normalized([(3, 0), (4, 2), (9, 0.2), (14, 0)]),
        PiecewiseLinear.normalized([(1, 1), (5, 0.5), (7, 0)]),
    ),
    "bimodal, 8 pieces": (
        PiecewiseLinear.normalized(
            [(0, 0), (1, 1), (2, 1.5), (3, 0.2), (6, 0.1), (8, 1), (9, 1.2), (10, 0.4), (12, 0)]
        ),
        PiecewiseLinear.normalized(
            [(0, 0.2), (1, 1), (2, 0.6), (4, 0.1), (5, 0.8), (6, 1.4), (7, 0.3), (9, 0.1), (10, 0)]
        ),
    ),
}


def time_ours(f: PiecewiseLinear, g: PiecewiseLinear, repeats: int) -> tuple[float, float, int]:
    times = []
    gain = 0.0
    equilibria = 0
    for _ in range(repeats):
        start = time.perf_counter()
        contracts = CommitmentGame(f, g).optimal_contracts()
        times.append(time.perf_counter() - start)
        gains = [c.gain for c in contracts.values()]
        if max(gains) - min(gains) > 1e-9:
            sys.exit(f"the mechanisms disagree on the optimal benefit: {gains}")
        gain = gains[0]
        equilibria = sum(len(c.equilibria or ()) for c in contracts.values())
    return statistics.median(times), gain, equilibria


def time_grid(f: PiecewiseLinear, g: PiecewiseLinear, points: int) -> tuple[float, float]:
    lo = min(f.support[0], g.support[0])
    hi = max(f.support[1], g.support[1])
    rhos = np.linspace(lo, hi, points)
    penalties = np.linspace(0, (hi - lo) / 2, points)
    best = 0.0
    start = time.perf_counter()
    for mech in Mechanism:
        for rho, a, b in itertools.product(rhos, penalties, penalties):
            found = find_equilibria(f, g, Contract(float(rho), float(a), float(b)), mech)
            best = max(best, found.best.gain)
    return time.perf_counter() - start, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--grid", type=int, default=8, help="grid points per axis (baseline)")
    args = parser.parse_args()

    print(f"optimal contracts, all four mechanisms (median of {args.repeats}; target < 2 s)")
    print(f"{'input':<20} {'seconds':>9} {'benefit':>9} {'equilibria':>11} {'target':>7}")
    worst = 0.0
    first: tuple[str, float, float] | None = None
    for name, (f, g) in INPUTS.items():
        seconds, gain, equilibria = time_ours(f, g, args.repeats)
        worst = max(worst, seconds)
        met = "met" if seconds < TARGET_SECONDS else "MISSED"
        print(f"{name:<20} {seconds:>9.4f} {gain:>9.4f} {equilibria:>11d} {met:>7}")
        if first is None:
            first = (name, seconds, gain)
    print(f"slowest: {worst:.4f} s = {worst / TARGET_SECONDS:.1%} of the 2 s target")

    assert first is not None
    name, ours, gain = first
    seconds, found = time_grid(*INPUTS[name], args.grid)
    if found > gain + 1e-9:
        sys.exit(f"a grid contract beats the optimum: {found} > {gain}")
    print(
        f"baseline on {name!r}: a {args.grid}^3 grid of contracts x 4 mechanisms "
        f"({4 * args.grid**3} equilibrium solves) took {seconds:.2f} s = {seconds / ours:.0f}x "
        f"ours, and reached {found / gain:.3%} of the optimal benefit"
    )
    if worst >= TARGET_SECONDS:
        sys.exit("target missed")


if __name__ == "__main__":
    main()
