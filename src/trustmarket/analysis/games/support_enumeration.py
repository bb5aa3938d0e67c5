"""All equilibria of a nondegenerate bimatrix game by support enumeration.

Nisan, Roughgarden, Tardos and Vazirani (eds.), Algorithmic Game Theory (2007), chapter 3
(von Stengel), Algorithm 3.4: for every pair of supports I (rows) and J (columns) of equal size k,
solve the indifference equations

    sum_{j in J} A[i, j] y_j = u  (i in I),   sum_{i in I} x_i B[i, j] = v  (j in J),
    sum y = 1,  sum x = 1,

and keep the solution when x, y > 0 on their supports and no strategy outside a support earns
more than u (rows) or v (columns). In a nondegenerate game every equilibrium has supports of equal
size and a unique solution, so the list is complete; in a degenerate game it may not be, and the
result says so (use vertex enumeration, which is complete for every game).

All the systems of one support size are solved together with numpy's batched solver, chunked to
bound memory. The float systems are built from each player's normalised payoffs
(:func:`~trustmarket.analysis.games.payoff_matrix.solver_view`), so that scaling or shifting a
player's payoffs changes nothing. Exact games are screened in floats with a loose tolerance and
every candidate is then solved and checked in rational arithmetic.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.games.equilibrium import Equilibrium, EquilibriumSet
from trustmarket.analysis.games.exact_linear import solve_exact
from trustmarket.analysis.games.payoff_matrix import Matrix, Number, solver_view
from trustmarket.analysis.games.vertex_enumeration import equilibrium
from trustmarket.core.errors import SolverLimit

#: Pairs of supports solved per numpy batch.
CHUNK = 20_000
_SCREEN = 1e-7  # loose screening tolerance for exact games (they are re-checked exactly)
_FLOAT = 1e-9
#: The most support pairs tried, sum over k of C(m, k) C(n, k) = C(m + n, m) - 1 (about 14 x 13
#: strategies): past it the run would take hours, so it is refused before it starts.
MAX_SUPPORT_PAIRS = 20_000_000


def _indifference(
    payoff: npt.NDArray[np.float64], rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Solve ``payoff[I, J] w = value * 1, sum w = 1`` for a batch of support pairs.

    ``rows`` and ``cols`` are (batch, k) index arrays. Returns w (batch, k), value (batch) and a
    mask of the systems that were regular.
    """
    batch, k = rows.shape
    system = np.empty((batch, k + 1, k + 1))
    system[:, :k, :k] = payoff[rows[:, :, None], cols[:, None, :]]
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    system[:, k, k] = 0.0
    scale = np.abs(system).max(axis=(1, 2))
    regular = np.abs(np.linalg.det(system / scale[:, None, None])) > 1e-12
    system[~regular] = np.eye(k + 1)
    rhs = np.zeros((batch, k + 1))
    rhs[:, k] = 1.0
    solution = np.linalg.solve(system, rhs[:, :, None])[:, :, 0]
    return solution[:, :k], solution[:, k], regular


def _candidates(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], k: int, tol: float, exact: bool
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The support pairs of size k whose indifference systems pass the float checks. For a
    float game: regular, probabilities above ``tol``, no better reply (within ``tol``). For an
    exact game the screen only drops what floats can rule out, and the rational check decides:
    a system too close to singular for floats is kept, and so is a probability near 0 (a
    probability of 1e-15 is a probability)."""
    m, n = a.shape
    row_sets = np.array(list(itertools.combinations(range(m), k)), dtype=np.intp)
    col_sets = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
    n_cols = len(col_sets)
    total = len(row_sets) * n_cols
    scale_a = max(1.0, float(np.abs(a).max()))
    scale_b = max(1.0, float(np.abs(b).max()))
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for start in range(0, total, CHUNK):
        # Pair number p is (row set p // n_cols, column set p % n_cols), built chunk by chunk.
        row_index, col_index = np.divmod(np.arange(start, min(start + CHUNK, total)), n_cols)
        rows, cols = row_sets[row_index], col_sets[col_index]
        # Column player's mix y makes the rows in I indifferent (and best).
        y, u, ok_y = _indifference(a, rows, cols)
        full_y = np.zeros((len(rows), n))
        np.put_along_axis(full_y, cols, y, axis=1)
        best_y = ((full_y @ a.T) <= u[:, None] + tol * scale_a).all(axis=1)
        if exact:
            ok = ~ok_y | ((y > -tol).all(axis=1) & best_y)
        else:
            ok = ok_y & (y > tol).all(axis=1) & best_y
        if not ok.any():
            continue
        keep = np.flatnonzero(ok)
        rows, cols = rows[keep], cols[keep]
        x, v, ok_x = _indifference(b.T, cols, rows)
        full_x = np.zeros((len(keep), m))
        np.put_along_axis(full_x, rows, x, axis=1)
        best_x = ((full_x @ b) <= v[:, None] + tol * scale_b).all(axis=1)
        if exact:
            good = ~ok_x | ((x > -tol).all(axis=1) & best_x)
        else:
            good = ok_x & (x > tol).all(axis=1) & best_x
        found.extend(
            (tuple(r.tolist()), tuple(c.tolist()))
            for r, c in zip(rows[good], cols[good], strict=True)
        )
    return found


def _exact_pair(
    a: Matrix, b: Matrix, rows: tuple[int, ...], cols: tuple[int, ...]
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
    """Solve the support pair in rationals and check it is an equilibrium; None if not."""
    m, n = a.shape
    k = len(rows)
    one, zero = Fraction(1), Fraction(0)
    sys_y = [[a[i, j] for j in cols] + [-one] for i in rows] + [[one] * k + [zero]]
    sol_y = solve_exact(sys_y, [zero] * k + [one])
    sys_x = [[b[i, j] for i in rows] + [-one] for j in cols] + [[one] * k + [zero]]
    sol_x = solve_exact(sys_x, [zero] * k + [one])
    if sol_y is None or sol_x is None:
        return None
    if any(p <= 0 for p in sol_y[:k]) or any(p <= 0 for p in sol_x[:k]):
        return None
    y = [zero] * n
    for j, p in zip(cols, sol_y, strict=False):
        y[j] = p
    x = [zero] * m
    for i, p in zip(rows, sol_x, strict=False):
        x[i] = p
    u, v = sol_y[k], sol_x[k]
    if any(sum(a[i, j] * y[j] for j in range(n)) > u for i in range(m)):
        return None
    if any(sum(x[i] * b[i, j] for i in range(m)) > v for j in range(n)):
        return None
    return tuple(x), tuple(y)


def support_enumeration(a: Matrix, b: Matrix, *, degenerate: bool) -> EquilibriumSet:
    """Every equilibrium with supports of equal size (all of them in a nondegenerate game).

    ``degenerate`` is the game's degeneracy, determined by the caller (from the best-response
    polytopes), and decides whether the result can promise completeness.
    """
    m, n = a.shape
    work = math.comb(m + n, m) - 1
    if work > MAX_SUPPORT_PAIRS:
        raise SolverLimit(
            f"support enumeration of a {m}x{n} game would try {work:,} support pairs, more than "
            f"the {MAX_SUPPORT_PAIRS:,} allowed; use vertex enumeration (all equilibria) or "
            "Lemke-Howson (one)"
        )
    exact = a.dtype == object
    # Each player's payoffs normalised (the same equilibria, tolerances that mean the same in
    # every game); payoffs are reported from the original matrices.
    af, bf = solver_view(a), solver_view(b)
    equilibria: list[Equilibrium] = []
    for k in range(1, min(m, n) + 1):
        for rows, cols in _candidates(af, bf, k, _SCREEN if exact else _FLOAT, exact):
            if exact:
                pair = _exact_pair(a, b, rows, cols)
                if pair is None:
                    continue
                x: tuple[Number, ...] = pair[0]
                y: tuple[Number, ...] = pair[1]
            else:
                x, y = _float_pair(af, bf, rows, cols)
            equilibria.append(equilibrium(a, b, x, y, exact))
    note = (
        "the game is degenerate: support enumeration may miss equilibria whose supports differ in "
        "size or that form a continuum; vertex enumeration finds them all"
        if degenerate
        else ""
    )
    return EquilibriumSet(
        equilibria=tuple(equilibria),
        degenerate=degenerate,
        complete=not degenerate,
        method="support",
        exact=exact,
        note=note,
    )


def _float_pair(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    rows: tuple[int, ...],
    cols: tuple[int, ...],
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    idx_r = np.array([rows], dtype=np.intp)
    idx_c = np.array([cols], dtype=np.intp)
    y, _, _ = _indifference(a, idx_r, idx_c)
    x, _, _ = _indifference(b.T, idx_c, idx_r)
    full_x = np.zeros(a.shape[0])
    full_x[list(rows)] = x[0] / x[0].sum()  # a pure strategy is exactly 1, not 1 - 1e-16
    full_y = np.zeros(a.shape[1])
    full_y[list(cols)] = y[0] / y[0].sum()
    return tuple(float(v) for v in full_x), tuple(float(v) for v in full_y)
