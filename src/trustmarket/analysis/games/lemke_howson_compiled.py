"""The Lemke-Howson pivoting loop for float games, compiled by numba when it is installed.

The loop is the one of :mod:`trustmarket.analysis.games.lemke_howson` (von Stengel 2007,
Algorithm 3.6, with the same lexicographic ratio test and the same tolerances), written over
scalars so that numba can compile it: a pivot then costs a few microseconds instead of the tens a
sequence of numpy calls needs. numba is optional (the ``fast`` extra); without it
:data:`compiled_solve` is None and the numpy loop runs instead, with the same result.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

try:
    import numba
except ImportError:  # pragma: no cover - the optional "fast" extra is not installed
    HAVE_NUMBA = False
else:
    HAVE_NUMBA = True

#: The loop ran into ``max_pivots`` (returned instead of a pivot count).
PIVOT_LIMIT = -1
#: No row has a positive entry in the entering column (cannot happen on a bounded polytope).
UNBOUNDED = -2


def pivot_loop(
    tab_x: npt.NDArray[np.float64],
    basis_x: npt.NDArray[np.int64],
    tab_y: npt.NDArray[np.float64],
    basis_y: npt.NDArray[np.int64],
    initial_label: int,
    max_pivots: int,
    m: int,
    eps: float,
    tie: float,
) -> int:
    """Pivot both tableaux in place from ``initial_label`` until that label leaves a basis.

    ``tab_x`` is ``[B^T | I_n | 1]`` (rows: column strategies; its initial basis holds labels
    m..m+n-1), ``tab_y`` is ``[I_m | A | 1]`` (initial basis labels 0..m-1). Returns the number
    of pivots, or :data:`PIVOT_LIMIT` / :data:`UNBOUNDED`.
    """
    n = tab_x.shape[0]
    width = tab_x.shape[1]
    rhs = width - 1
    entering = initial_label
    use_x = entering < m
    pivots = 0
    candidates = np.empty(max(m, n), dtype=np.int64)
    pivot_row = np.empty(width, dtype=np.float64)
    while True:
        if pivots >= max_pivots:
            return PIVOT_LIMIT
        t = tab_x if use_x else tab_y
        basis = basis_x if use_x else basis_y
        slack_start = m if use_x else 0
        slack_count = n if use_x else m
        rows = t.shape[0]
        # Minimum ratio, then ties broken on the initial basis columns in order (lexicographic).
        best = np.inf
        for r in range(rows):
            c = t[r, entering]
            if c > eps:
                ratio = t[r, rhs] / c
                if ratio < best:
                    best = ratio
        if best == np.inf:
            return UNBOUNDED
        tol = tie * max(1.0, abs(best))
        count = 0
        for r in range(rows):
            c = t[r, entering]
            if c > eps and t[r, rhs] / c <= best + tol:
                candidates[count] = r
                count += 1
        key = 0
        while count > 1 and key < slack_count:
            column = slack_start + key
            low = np.inf
            for q in range(count):
                r = candidates[q]
                value = t[r, column] / t[r, entering]
                if value < low:
                    low = value
            tol = tie * max(1.0, abs(low))
            kept = 0
            for q in range(count):
                r = candidates[q]
                if t[r, column] / t[r, entering] <= low + tol:
                    candidates[kept] = r
                    kept += 1
            count = kept
            key += 1
        row = candidates[0]
        pivot = t[row, entering]
        for j in range(width):
            value = t[row, j] / pivot
            pivot_row[j] = value
            t[row, j] = value
        for r in range(rows):
            if r != row:
                factor = t[r, entering]
                if factor != 0.0:
                    # Reading the pivot row from a copy lets the compiler vectorise this loop
                    # (no aliasing with the row being written).
                    for j in range(width):
                        t[r, j] -= factor * pivot_row[j]
        left = basis[row]
        basis[row] = entering
        pivots += 1
        if left == initial_label:
            return pivots
        entering = left
        use_x = not use_x


def solve(
    a_pos: npt.NDArray[np.float64],
    b_pos: npt.NDArray[np.float64],
    initial_label: int,
    max_pivots: int,
    eps: float,
    tie: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Build both tableaux from the positive payoffs, run :func:`pivot_loop`, and read the
    normalised strategies off the final bases: ``(x, y, pivots)`` (x and y are empty when
    ``pivots`` is :data:`PIVOT_LIMIT` or :data:`UNBOUNDED`)."""
    m, n = a_pos.shape
    width = m + n + 1
    tab_x = np.zeros((n, width))
    tab_y = np.zeros((m, width))
    for j in range(n):
        for i in range(m):
            tab_x[j, i] = b_pos[i, j]
        tab_x[j, m + j] = 1.0
        tab_x[j, width - 1] = 1.0
    for i in range(m):
        tab_y[i, i] = 1.0
        for j in range(n):
            tab_y[i, m + j] = a_pos[i, j]
        tab_y[i, width - 1] = 1.0
    basis_x = np.arange(m, m + n)
    basis_y = np.arange(m)
    pivots = pivot_loop(tab_x, basis_x, tab_y, basis_y, initial_label, max_pivots, m, eps, tie)
    if pivots < 0:
        return np.zeros(0), np.zeros(0), pivots
    x = np.zeros(m)
    y = np.zeros(n)
    for r in range(n):
        if basis_x[r] < m:
            x[basis_x[r]] = max(tab_x[r, width - 1], 0.0)
    for r in range(m):
        if basis_y[r] >= m:
            y[basis_y[r] - m] = max(tab_y[r, width - 1], 0.0)
    return x / x.sum(), y / y.sum(), pivots


compiled_solve: Callable[..., tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]] | None
compiled_solve = None
if HAVE_NUMBA:
    pivot_loop = numba.njit(cache=True, nogil=True)(pivot_loop)
    compiled_solve = numba.njit(cache=True, nogil=True)(solve)
