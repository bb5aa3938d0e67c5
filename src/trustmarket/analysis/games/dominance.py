"""Iterated elimination of strictly dominated strategies in a bimatrix game.

A row i is strictly dominated when another row (or, with ``mixed=True``, a mixture of the other
surviving rows) pays the row player strictly more against every surviving column (Osborne and
Rubinstein 1994, definitions 60.2 and 61.1); columns likewise for the column player. Strict
dominance never removes an equilibrium strategy, and the order of elimination does not change the
result. Mixed dominance is decided by a linear programme (maximise the least margin) on the
player's normalised payoffs (:func:`~trustmarket.analysis.games.payoff_matrix.solver_view`: a
margin must exceed about 1e-9 of the player's payoff range, whatever the scale or offset of the
payoffs); for exact games its certificate is re-checked in rational arithmetic before a strategy
is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from trustmarket.analysis.games.payoff_matrix import Matrix, solver_view


@dataclass(frozen=True, slots=True)
class Reduction:
    """What survives iterated elimination, and the eliminations in the order they were made:
    ``("row" | "col", strategy, dominated by)`` where "dominated by" is a strategy index (pure) or
    a mixed strategy over the original strategies."""

    rows: tuple[int, ...]
    cols: tuple[int, ...]
    steps: tuple[tuple[str, int, int | tuple[float, ...]], ...]


def _pure_dominator(
    payoff: npt.NDArray[Any], keep: list[int], against: list[int], k: int
) -> int | None:
    sub = payoff[np.ix_(keep, against)]
    target = payoff[k, against]
    for pos, other in enumerate(keep):
        if other != k and all(sub[pos] > target):
            return other
    return None


def _mixed_dominator(
    payoff: npt.NDArray[Any],
    view: npt.NDArray[np.float64],
    keep: list[int],
    against: list[int],
    k: int,
) -> tuple[float, ...] | None:
    """A mixture of the other strategies in ``keep`` that strictly dominates ``k``, or None. The
    linear programme runs on ``view`` (the player's normalised payoffs, where its tolerance means
    the same in every game); exact ``payoff`` re-checks the mixture in rationals."""
    others = [i for i in keep if i != k]
    if len(others) < 2:
        return None
    sub = view[np.ix_(others, against)]
    target = view[k, against]
    # maximise t: sum_i w_i sub[i, j] - t >= target[j], sum w = 1, w >= 0.
    count = len(others)
    c = np.zeros(count + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-sub.T, np.ones((len(against), 1))])
    b_ub = -target
    a_eq = np.hstack([np.ones((1, count)), np.zeros((1, 1))])
    result = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * count + [(None, None)],
        method="highs",
    )
    if result.status != 0 or result.x is None or result.fun is None:
        return None
    if -result.fun <= 1e-9 * max(1.0, float(np.abs(sub).max())):
        return None
    weights = np.maximum(result.x[:count], 0.0)
    weights /= weights.sum()
    if payoff.dtype == object:  # re-check the certificate exactly
        exact = [Fraction(float(w)).limit_denominator(10**9) for w in weights]
        total = sum(exact, Fraction(0))
        exact = [w / total for w in exact]
        for j in against:
            if sum(w * payoff[i, j] for w, i in zip(exact, others, strict=True)) <= payoff[k, j]:
                return None
    mix = [0.0] * payoff.shape[0]
    for w, i in zip(weights, others, strict=True):
        mix[i] = float(w)
    return tuple(mix)


def eliminate_dominated(a: Matrix, b: Matrix, *, mixed: bool = False) -> Reduction:
    """Iterated elimination of strictly dominated strategies (pure, or also mixed dominators)."""
    rows = list(range(a.shape[0]))
    cols = list(range(a.shape[1]))
    # Pure dominance compares the payoffs themselves (no tolerance); the linear programmes of
    # mixed dominance run on each player's normalised payoffs.
    a_view, b_view = (solver_view(a), solver_view(b)) if mixed else (a, b)
    steps: list[tuple[str, int, int | tuple[float, ...]]] = []
    changed = True
    while changed:
        changed = False
        for player in ("row", "col"):
            keep, against = (rows, cols) if player == "row" else (cols, rows)
            payoff = a if player == "row" else b.T
            view = a_view if player == "row" else b_view.T
            for k in list(keep):
                if len(keep) == 1:
                    break
                by: int | tuple[float, ...] | None = _pure_dominator(payoff, keep, against, k)
                if by is None and mixed:
                    by = _mixed_dominator(payoff, view, keep, against, k)
                if by is not None:
                    keep.remove(k)
                    steps.append((player, k, by))
                    changed = True
    return Reduction(rows=tuple(rows), cols=tuple(cols), steps=tuple(steps))
