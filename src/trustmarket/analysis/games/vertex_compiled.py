"""The one-polytope shortcut of float vertex enumeration, compiled by numba when it is installed.

:func:`partner_equilibria` is the shortcut of :mod:`trustmarket.analysis.games.vertex_enumeration`
(von Stengel 2007, Algorithm 3.5, with the vertices of the smaller polytope from Qhull and each
vertex's only possible partner solved for) written over scalars, so that numba compiles it into one
call: reading the vertices' labels, solving every partner system, checking each partner against
the other polytope and normalising the equilibrium strategies cost a few microseconds instead of
the two dozen numpy calls of the numpy version. It takes the same decisions with the same
tolerances (``polytope.TIGHT`` for labels, the condition-number test for partners near the
polytope) and gives up in the same cases, so both versions return the same equilibria. numba is
optional (the ``fast`` extra); without it :data:`compiled_partner_equilibria` is None and the numpy
version runs instead.
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

#: The shortcut does not apply (returned as the count of equilibria).
GIVE_UP = -1

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def read_labels(g: Floats, h: Floats, points: Floats, rows: int, tol: float, tight: Bools) -> None:
    """``tight[v, r]``: constraint r of ``g z <= h`` holds with equality at point v (of the first
    ``rows`` points), within ``tol`` relative to ``1 + |g_r|_1 max(1, max |points|)``: the label
    rule of :func:`trustmarket.analysis.games.polytope.tight_constraints`."""
    labels, dim = g.shape
    big = 1.0
    for v in range(rows):
        for k in range(dim):
            big = max(big, abs(points[v, k]))
    for r in range(labels):
        norm = 0.0
        for k in range(dim):
            norm += abs(g[r, k])
        limit = tol * (1.0 + norm * big)
        for v in range(rows):
            value = 0.0
            for k in range(dim):
                value += points[v, k] * g[r, k]
            tight[v, r] = abs(h[r] - value) <= limit


def solve_in_place(system: Floats, rhs: Floats, size: int) -> bool:
    """Solve the leading ``size`` x ``size`` block of ``system`` against ``rhs`` by Gaussian
    elimination with partial pivoting (the solution is left in ``rhs``); False when a pivot is
    exactly zero (an exactly singular system, which LAPACK refuses too)."""
    for col in range(size):
        best, at = abs(system[col, col]), col
        for r in range(col + 1, size):
            if abs(system[r, col]) > best:
                best, at = abs(system[r, col]), r
        if best == 0.0:
            return False
        if at != col:
            for k in range(col, size):
                system[col, k], system[at, k] = system[at, k], system[col, k]
            rhs[col], rhs[at] = rhs[at], rhs[col]
        pivot = system[col, col]
        for r in range(col + 1, size):
            factor = system[r, col] / pivot
            if factor != 0.0:
                for k in range(col + 1, size):
                    system[r, k] -= factor * system[col, k]
                rhs[r] -= factor * rhs[col]
    for col in range(size - 1, -1, -1):
        value = rhs[col]
        for k in range(col + 1, size):
            value -= system[col, k] * rhs[k]
        rhs[col] = value / system[col, col]
    return True


def condition_bound(matrix: Floats, inverse: Floats) -> float:
    """An upper bound on the 2-norm condition number of the square ``matrix``: ``|M|_F |M^-1|_F``
    (at most ``dim`` times the condition number itself), with ``M^-1`` by Gauss-Jordan elimination
    with partial pivoting into ``inverse``; infinity when a pivot is exactly zero. ``matrix`` is
    overwritten."""
    dim = matrix.shape[0]
    norm = 0.0
    for i in range(dim):
        for k in range(dim):
            norm += matrix[i, k] * matrix[i, k]
            inverse[i, k] = 1.0 if i == k else 0.0
    for col in range(dim):
        best, at = abs(matrix[col, col]), col
        for r in range(col + 1, dim):
            if abs(matrix[r, col]) > best:
                best, at = abs(matrix[r, col]), r
        if best == 0.0:
            return np.inf
        if at != col:
            for k in range(dim):
                matrix[col, k], matrix[at, k] = matrix[at, k], matrix[col, k]
                inverse[col, k], inverse[at, k] = inverse[at, k], inverse[col, k]
        pivot = matrix[col, col]
        for k in range(dim):
            matrix[col, k] /= pivot
            inverse[col, k] /= pivot
        for r in range(dim):
            factor = matrix[r, col]
            if r != col and factor != 0.0:
                for k in range(dim):
                    matrix[r, k] -= factor * matrix[col, k]
                    inverse[r, k] -= factor * inverse[col, k]
    norm_inverse = 0.0
    for i in range(dim):
        for k in range(dim):
            norm_inverse += inverse[i, k] * inverse[i, k]
    return float(np.sqrt(norm * norm_inverse))


def partner_equilibria(
    points: Floats,
    g_own: Floats,
    h_own: Floats,
    g: Floats,
    h: Floats,
    a: Floats,
    b: Floats,
    side: int,
    tight_tol: float,
    near_tol: float,
    max_condition: float,
) -> tuple[int, Floats, Floats, Floats]:
    """The extreme equilibria from the vertices ``points`` of the polytope ``g_own z <= h_own`` of
    player ``side`` (the origin among them) and their partners in ``g z <= h`` (the other
    player's polytope; both systems as built by ``polytope.constraint_system``, one row per label).

    Returns ``(count, rows, cols, payoffs)``: ``count`` equilibria (or :data:`GIVE_UP`), their
    row and column strategies and both players' expected payoffs ``x^T A y``, ``x^T B y`` (one
    row per equilibrium). The partner of a vertex with support I and best responses J solves
    ``A[I, J] y_J = 1``, ``y = 0`` off J (side 0; with ``B^T`` and rows and columns swapped for
    side 1), as in ``vertex_enumeration._solve_partners``.
    """
    m = a.shape[0]
    total, own_dim = g_own.shape
    dim = g.shape[1]
    count = points.shape[0]
    empty = np.zeros((0, 0))
    tight_own = np.zeros((count, total), dtype=np.bool_)
    read_labels(g_own, h_own, points, count, tight_tol, tight_own)
    # The polytope must be simple: no vertex with more labels than the dimension.
    real = np.zeros(count, dtype=np.bool_)
    reals = 0
    for v in range(count):
        labels = 0
        for r in range(total):
            if tight_own[v, r]:
                labels += 1
                if h_own[r] > 0:
                    real[v] = True  # a payoff constraint: not the origin
        if labels > own_dim:
            return GIVE_UP, empty, empty, np.zeros(0)
        reals += real[v]
    if reals == 0:
        return GIVE_UP, empty, empty, np.zeros(0)
    # The other polytope's variable k has its non-negativity constraint at row first_bound + k.
    first_bound = m if side == 0 else 0
    solved = np.zeros((reals, dim))
    own_of = np.empty(reals, dtype=np.int64)
    system = np.empty((dim, dim))
    rhs = np.empty(dim)
    equal = np.empty(dim, dtype=np.int64)
    free = np.empty(dim, dtype=np.int64)
    at = 0
    for v in range(count):
        if not real[v]:
            continue
        own_of[at] = v
        missing = 0
        for r in range(total):
            missing += not tight_own[v, r]
        if missing != dim:
            return GIVE_UP, empty, empty, np.zeros(0)
        size = 0
        for r in range(total):
            if h[r] > 0 and not tight_own[v, r]:
                equal[size] = r
                size += 1
        width = 0
        for k in range(dim):
            if tight_own[v, first_bound + k]:
                free[width] = k
                width += 1
        if size != width:  # cannot happen with missing == dim; kept as a guard
            return GIVE_UP, empty, empty, np.zeros(0)
        for i in range(size):
            rhs[i] = h[equal[i]]
            for j in range(size):
                system[i, j] = g[equal[i], free[j]]
        if not solve_in_place(system, rhs, size):
            return GIVE_UP, empty, empty, np.zeros(0)
        for j in range(size):
            if not np.isfinite(rhs[j]):
                return GIVE_UP, empty, empty, np.zeros(0)
            solved[at, free[j]] = rhs[j]
        at += 1
    # Payoffs are positive, so no coordinate of a point of the polytope exceeds h / g over its
    # payoff rows: that bound scales the tolerance of the inside test.
    bound = 0.0
    for k in range(dim):
        top = -np.inf
        for r in range(total):
            if h[r] > 0:
                top = max(top, g[r, k])
        bound = max(bound, 1.0 / top)
    scale = max(1.0, bound)
    scales = np.empty(total)
    for r in range(total):
        norm = 0.0
        for k in range(dim):
            norm += abs(g[r, k])
        scales[r] = 1.0 + norm * scale
    # Only partners within ``near_tol`` of the polytope matter: stop at the first constraint a
    # partner violates by more (most partners lie far outside).
    far = max(tight_tol, near_tol)
    inside = np.zeros(reals, dtype=np.bool_)
    insides = 0
    full = np.empty((dim, dim))
    inverse = np.empty((dim, dim))
    for q in range(reals):
        worst = -np.inf
        for r in range(total):
            value = 0.0
            for k in range(dim):
                value += solved[q, k] * g[r, k]
            worst = max(worst, (value - h[r]) / scales[r])
            if worst > far:
                break
        if worst <= tight_tol:
            inside[q] = True
            insides += 1
        if worst <= near_tol:
            # A singular system can still have solutions (a face of the other polytope carrying
            # all those labels: a continuum of equilibria), and a nearly singular one may put a
            # true partner just outside: check the whole system's condition number.
            # The Frobenius bound settles the common, well-conditioned case without an SVD.
            for copy in range(2):
                row = 0
                v = own_of[q]
                for r in range(total):
                    if not tight_own[v, r]:
                        for k in range(dim):
                            full[row, k] = g[r, k]
                        row += 1
                if copy == 0 and condition_bound(full, inverse) <= max_condition:
                    break
                if copy == 1 and not np.linalg.cond(full) <= max_condition:
                    return GIVE_UP, empty, empty, np.zeros(0)
    partners = np.empty((insides, dim))
    picked = np.empty(insides, dtype=np.int64)
    at = 0
    for q in range(reals):
        if inside[q]:
            partners[at] = solved[q]
            picked[at] = own_of[q]
            at += 1
    tight = np.zeros((insides, total), dtype=np.bool_)
    read_labels(g, h, partners, insides, tight_tol, tight)
    keep = np.zeros(insides, dtype=np.bool_)
    kept = 0
    for q in range(insides):
        v = picked[q]
        for r in range(total):
            if tight[q, r] == tight_own[v, r]:
                return GIVE_UP, empty, empty, np.zeros(0)  # extra labels: degenerate there
            if tight[q, r] and h[r] > 0:
                keep[q] = True  # not the other polytope's origin
        kept += keep[q]
    chosen = np.empty(kept, dtype=np.int64)
    at = 0
    for q in range(insides):
        if keep[q]:
            chosen[at] = q
            at += 1
    for i in range(kept):  # each vertex once: otherwise not the simple polytope assumed
        for j in range(i):
            same = True
            for r in range(total):
                if tight_own[picked[chosen[i]], r] != tight_own[picked[chosen[j]], r]:
                    same = False
                    break
            if same:
                return GIVE_UP, empty, empty, np.zeros(0)
    n = total - m
    rows = np.zeros((kept, m))
    cols = np.zeros((kept, n))
    payoffs = np.zeros(2 * kept)
    own_start = 0 if side == 0 else m  # the label of the own polytope's variable 0
    other_start = m if side == 0 else 0
    for i in range(kept):
        q = chosen[i]
        v = picked[q]
        own = rows[i] if side == 0 else cols[i]
        other = cols[i] if side == 0 else rows[i]
        # A strategy is exactly zero where its vertex carries that strategy's own label.
        total_own = 0.0
        for k in range(own_dim):
            own[k] = 0.0 if tight_own[v, own_start + k] else max(points[v, k], 0.0)
            total_own += own[k]
        total_other = 0.0
        for k in range(dim):
            other[k] = 0.0 if tight[q, other_start + k] else max(partners[q, k], 0.0)
            total_other += other[k]
        for k in range(own_dim):
            own[k] /= total_own
        for k in range(dim):
            other[k] /= total_other
        row_payoff = 0.0
        col_payoff = 0.0
        for r in range(m):
            for c in range(n):
                weight = rows[i, r] * cols[i, c]
                row_payoff += weight * a[r, c]
                col_payoff += weight * b[r, c]
        payoffs[2 * i] = row_payoff
        payoffs[2 * i + 1] = col_payoff
    return kept, rows, cols, payoffs


compiled_partner_equilibria: Callable[..., tuple[int, Floats, Floats, Floats]] | None = None
if HAVE_NUMBA:
    read_labels = numba.njit(cache=True, nogil=True)(read_labels)
    solve_in_place = numba.njit(cache=True, nogil=True)(solve_in_place)
    condition_bound = numba.njit(cache=True, nogil=True)(condition_bound)
    compiled_partner_equilibria = numba.njit(cache=True, nogil=True)(partner_equilibria)
