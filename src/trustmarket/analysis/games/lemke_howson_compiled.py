"""The Lemke-Howson pivoting loop for float games, compiled by numba when it is installed.

The loop is the one of :mod:`trustmarket.analysis.games.lemke_howson` (von Stengel 2007,
Algorithm 3.6, with the same lexicographic ratio test and the same tolerances), written over
scalars so that numba can compile it: a pivot then costs a few microseconds instead of the tens a
sequence of numpy calls needs. numba is optional (the ``fast`` extra); without it
:data:`compiled_solve` is None and the numpy loop runs instead, with the same result.
"""

from __future__ import annotations

import math
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


def key_entry(
    t: npt.NDArray[np.float64], basis: npt.NDArray[np.int64], row: int, column: int, label: int
) -> float:
    """The entry in ``row`` of the column of ``label`` in a compact tableau: stored at ``column``
    when the label is nonbasic (``column >= 0``), else the unit vector of the row it is basic in."""
    if column >= 0:
        return float(t[row, column])
    return 1.0 if basis[row] == label else 0.0


def pivot_loop(
    tab_x: npt.NDArray[np.float64],
    basis_x: npt.NDArray[np.int64],
    slot_x: npt.NDArray[np.int64],
    tab_y: npt.NDArray[np.float64],
    basis_y: npt.NDArray[np.int64],
    slot_y: npt.NDArray[np.int64],
    initial_label: int,
    max_pivots: int,
    m: int,
    eps: float,
    tie: float,
) -> int:
    """Pivot both compact tableaux in place from ``initial_label`` until that label leaves a
    basis.

    A compact tableau keeps only the columns of the nonbasic variables (a basic variable's column
    is a unit vector) and the rhs last: ``tab_x`` starts as ``[B^T | 1]`` (rows: the slacks r_j,
    labels m..m+n-1; columns: x_i, labels 0..m-1) and ``tab_y`` as ``[A | 1]`` (rows: s_i, labels
    0..m-1; columns: y_j, labels m..m+n-1). ``basis[row]`` is the label basic in a row and
    ``slot[label]`` the column of a nonbasic label (-1 when basic). A pivot exchanges the entering
    and leaving variables' roles (the leaving variable takes the entering one's column), with the
    arithmetic of the full tableau, so the values (and the pivots) are exactly those of
    von Stengel's Algorithm 3.6 on ``[B^T | I | 1]`` and ``[I | A | 1]``. Returns the number of
    pivots, or :data:`PIVOT_LIMIT` / :data:`UNBOUNDED`.
    """
    entering = initial_label
    use_x = entering < m
    pivots = 0
    candidates = np.empty(max(tab_x.shape[0], tab_y.shape[0]), dtype=np.int64)
    ratios = np.empty(max(tab_x.shape[0], tab_y.shape[0]))
    pivot_row = np.empty(max(tab_x.shape[1], tab_y.shape[1]), dtype=np.float64)
    while True:
        if pivots >= max_pivots:
            return PIVOT_LIMIT
        t = tab_x if use_x else tab_y
        basis = basis_x if use_x else basis_y
        slot = slot_x if use_x else slot_y
        # the labels of this tableau's initial basis, the keys of the lexicographic rule
        slack_start = m if use_x else 0
        slack_count = tab_x.shape[0] if use_x else tab_y.shape[0]
        rows, width = t.shape
        rhs = width - 1
        col = slot[entering]
        # Minimum ratio, then ties broken on the initial basis columns in order (lexicographic).
        best = np.inf
        for r in range(rows):
            c = t[r, col]
            ratio = t[r, rhs] / c if c > eps else np.inf
            ratios[r] = ratio
            if ratio < best:
                best = ratio
        if best == np.inf:
            return UNBOUNDED
        tol = tie * max(1.0, abs(best))
        count = 0
        for r in range(rows):
            if ratios[r] <= best + tol:
                candidates[count] = r
                count += 1
        key = 0
        while count > 1 and key < slack_count:
            label = slack_start + key
            key_col = slot[label]
            low = np.inf
            for q in range(count):
                r = candidates[q]
                value = key_entry(t, basis, r, key_col, label) / t[r, col]
                if value < low:
                    low = value
            tol = tie * max(1.0, abs(low))
            kept = 0
            for q in range(count):
                r = candidates[q]
                if key_entry(t, basis, r, key_col, label) / t[r, col] <= low + tol:
                    candidates[kept] = r
                    kept += 1
            count = kept
            key += 1
        row = candidates[0]
        pivot = t[row, col]
        for j in range(width):
            pivot_row[j] = t[row, j] / pivot
        # The leaving variable's unit column becomes the entering one's: 1 / pivot in the pivot
        # row and -factor / pivot elsewhere, as the full tableau's update makes it.
        pivot_row[col] = 1.0 / pivot
        for j in range(width):
            t[row, j] = pivot_row[j]
        for r in range(rows):
            if r != row:
                factor = t[r, col]
                if factor != 0.0:
                    # Reading the pivot row from a copy lets the compiler vectorise this loop
                    # (no aliasing with the row being written).
                    for j in range(width):
                        t[r, j] -= factor * pivot_row[j]
                    t[r, col] = 0.0 - factor * pivot_row[col]
        left = basis[row]
        basis[row] = entering
        slot[left] = col
        slot[entering] = -1
        pivots += 1
        if left == initial_label:
            return pivots
        entering = left
        use_x = not use_x


def normalised(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``payoff_matrix.solver_view`` of a float matrix, entry by entry with the same floating-point
    operations (so the same bits): ``1 + (M - min M) * 2**-e`` with ``2**e`` the power of two just
    above the range (halved first when the range overflows), all ones for constant payoffs."""
    rows, cols = matrix.shape
    low, high = np.inf, -np.inf
    for i in range(rows):
        for j in range(cols):
            low = min(low, matrix[i, j])
            high = max(high, matrix[i, j])
    out = np.ones((rows, cols))
    if low == high:
        return out
    half = not math.isfinite(high - low)
    span = high * 0.5 - low * 0.5 if half else high - low
    e = math.frexp(span)[1]
    normal = -1021 <= e <= 1021
    scale = math.ldexp(1.0, -e) if normal else 1.0
    for i in range(rows):
        for j in range(cols):
            shifted = matrix[i, j] * 0.5 - low * 0.5 if half else matrix[i, j] - low
            shifted = shifted * scale if normal else math.ldexp(shifted, -e)
            out[i, j] = shifted + 1.0
    return out


def solve(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    initial_label: int,
    max_pivots: int,
    eps: float,
    tie: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float, float, float, int]:
    """Normalise each player's payoffs (:func:`normalised`), build both compact tableaux from them,
    run :func:`pivot_loop`, and read the normalised strategies off the final bases:
    ``(x, y, x^T A y, x^T B y, regret, pivots)`` with the payoffs of the original ``a`` and ``b``,
    and ``regret`` the most either player could gain by deviating, on the normalised payoffs (x
    and y are empty when ``pivots`` is :data:`PIVOT_LIMIT` or :data:`UNBOUNDED`)."""
    m, n = a.shape
    a_pos = normalised(a)
    b_pos = normalised(b)
    tab_x = np.empty((n, m + 1))
    tab_y = np.empty((m, n + 1))
    for j in range(n):
        for i in range(m):
            tab_x[j, i] = b_pos[i, j]
        tab_x[j, m] = 1.0
    for i in range(m):
        for j in range(n):
            tab_y[i, j] = a_pos[i, j]
        tab_y[i, n] = 1.0
    labels = m + n
    basis_x = np.empty(n, dtype=np.int64)
    basis_y = np.empty(m, dtype=np.int64)
    slot_x = np.empty(labels, dtype=np.int64)
    slot_y = np.empty(labels, dtype=np.int64)
    for label in range(labels):
        slot_x[label] = label if label < m else -1
        slot_y[label] = label - m if label >= m else -1
    for j in range(n):
        basis_x[j] = m + j
    for i in range(m):
        basis_y[i] = i
    pivots = pivot_loop(
        tab_x, basis_x, slot_x, tab_y, basis_y, slot_y, initial_label, max_pivots, m, eps, tie
    )
    if pivots < 0:
        return np.zeros(0), np.zeros(0), 0.0, 0.0, np.inf, pivots
    x = np.zeros(m)
    y = np.zeros(n)
    for r in range(n):
        if basis_x[r] < m:
            x[basis_x[r]] = max(tab_x[r, m], 0.0)
    for r in range(m):
        if basis_y[r] >= m:
            y[basis_y[r] - m] = max(tab_y[r, n], 0.0)
    x_sum = 0.0
    for i in range(m):
        x_sum += x[i]
    y_sum = 0.0
    for j in range(n):
        y_sum += y[j]
    for i in range(m):
        x[i] /= x_sum
    for j in range(n):
        y[j] /= y_sum
    row_payoff = 0.0
    col_payoff = 0.0
    for i in range(m):
        if x[i] != 0.0:
            for j in range(n):
                row_payoff += x[i] * a[i, j] * y[j]
                col_payoff += x[i] * b[i, j] * y[j]
    # The regret at the end point: the best pure reply's gain over the strategy played.
    row_values = np.zeros(m)
    col_values = np.zeros(n)
    for i in range(m):
        for j in range(n):
            row_values[i] += a_pos[i, j] * y[j]
            col_values[j] += x[i] * b_pos[i, j]
    row_played, col_played = 0.0, 0.0
    for i in range(m):
        row_played += x[i] * row_values[i]
    for j in range(n):
        col_played += col_values[j] * y[j]
    regret = max(row_values.max() - row_played, col_values.max() - col_played)
    return x, y, row_payoff, col_payoff, regret, pivots


compiled_solve: (
    Callable[
        ...,
        tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float, float, float, int],
    ]
    | None
)
compiled_solve = None
if HAVE_NUMBA:
    key_entry = numba.njit(cache=True, nogil=True, inline="always")(key_entry)
    pivot_loop = numba.njit(cache=True, nogil=True)(pivot_loop)
    normalised = numba.njit(cache=True, nogil=True)(normalised)
    compiled_solve = numba.njit(cache=True, nogil=True)(solve)
