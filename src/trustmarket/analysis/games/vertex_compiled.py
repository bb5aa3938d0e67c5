"""The one-polytope shortcut of float vertex enumeration, compiled by numba when it is installed.

:func:`partner_equilibria` is the shortcut of :mod:`trustmarket.analysis.games.vertex_enumeration`
(von Stengel 2007, Algorithm 3.5, with the vertices of the smaller polytope given, and each
vertex's only possible partner solved for) written over scalars, so that numba compiles it into one
call: reading the vertices' labels, solving every partner system, checking each partner against
the other polytope and normalising the equilibrium strategies cost a few microseconds instead of
the two dozen numpy calls of the numpy version. It takes the same decisions with the same
tolerances (``polytope.TIGHT`` for labels, the condition-number test for partners near the
polytope) and gives up in the same cases, so both versions return the same equilibria. Two
differences, neither of which changes an answer: each partner system is solved in its reduced form
(``A[I, J] y_J = 1``), so an exactly singular one is met as a zero pivot where LAPACK on the whole
system may round past it (the shortcut then gives up and the two-polytope method answers); and
the condition number is first bounded by ``|M|_F |M^-1|_F``, leaving the rare systems that bound
cannot clear to the numpy version (:data:`UNDECIDED`). numba is optional (the ``fast`` extra);
without it :data:`compiled_partner_equilibria` is None and the numpy version runs instead.
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

#: The shortcut does not apply (returned as the count of equilibria).
GIVE_UP = -1
#: A partner system near the polytope may be ill-conditioned: only its condition number (an SVD,
#: left to the numpy version) can tell whether the shortcut applies.
UNDECIDED = -2

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


def own_labels(points: Floats, g_own: Floats, h_own: Floats, tol: float, tight_own: Bools) -> int:
    """Read the labels of every vertex into ``tight_own`` and check that the polytope is simple
    (no vertex with more labels than the dimension): the number of vertices other than the
    origin, or :data:`GIVE_UP`."""
    count = points.shape[0]
    total, own_dim = g_own.shape
    read_labels(g_own, h_own, points, count, tol, tight_own)
    reals = 0
    for v in range(count):
        labels = 0
        real = False
        for r in range(total):
            if tight_own[v, r]:
                labels += 1
                real = real or h_own[r] > 0  # a payoff constraint: not the origin
        if labels > own_dim:
            return GIVE_UP
        reals += real
    return reals if reals > 0 else GIVE_UP


def solve_partners(
    tight_own: Bools, h_own: Floats, g: Floats, h: Floats, first_bound: int, solved: Floats
) -> int:
    """Each real vertex's partner into a row of ``solved`` (:data:`GIVE_UP` when a vertex does
    not miss exactly ``dim`` labels or its system is exactly singular; else 0). The other
    polytope's variable k has its non-negativity constraint at row ``first_bound + k``."""
    count, total = tight_own.shape
    dim = g.shape[1]
    system = np.empty((dim, dim))
    rhs = np.empty(dim)
    equal = np.empty(dim, dtype=np.int64)
    free = np.empty(dim, dtype=np.int64)
    at = 0
    for v in range(count):
        real = False
        missing = 0
        for r in range(total):
            missing += not tight_own[v, r]
            real = real or (tight_own[v, r] and h_own[r] > 0)
        if not real:
            continue
        if missing != dim:
            return GIVE_UP
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
            return GIVE_UP
        for i in range(size):
            rhs[i] = h[equal[i]]
            for j in range(size):
                system[i, j] = g[equal[i], free[j]]
        if not solve_in_place(system, rhs, size):
            return GIVE_UP
        for j in range(size):
            if not math.isfinite(rhs[j]):
                return GIVE_UP
            solved[at, free[j]] = rhs[j]
        at += 1
    return 0


def screen_partners(
    tight_own: Bools,
    h_own: Floats,
    g: Floats,
    h: Floats,
    solved: Floats,
    tight_tol: float,
    near_tol: float,
    max_condition: float,
    inside: Bools,
) -> int:
    """Mark the partners that lie in the other polytope (``inside``, within ``tight_tol``) and
    return how many, after checking the system of every partner within ``near_tol`` of it: a
    singular system can still have solutions (a face carrying all those labels: a continuum of
    equilibria), and a nearly singular one may put a true partner just outside. The Frobenius
    bound settles the common, well-conditioned case; otherwise :data:`UNDECIDED` leaves the
    decision to the numpy version, which computes the condition number itself (an SVD)."""
    total, dim = g.shape
    # Payoffs are positive, so no coordinate of a point of the polytope exceeds h / g over its
    # payoff rows: that bound scales the tolerance.
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
    # Only partners within near_tol matter: stop at the first constraint violated by more (most
    # partners lie far outside).
    far = max(tight_tol, near_tol)
    full = np.empty((dim, dim))
    inverse = np.empty((dim, dim))
    insides = 0
    q = 0
    for v in range(tight_own.shape[0]):
        real = False
        for r in range(total):
            real = real or (tight_own[v, r] and h_own[r] > 0)
        if not real:
            continue
        worst = -np.inf
        for r in range(total):
            value = 0.0
            for k in range(dim):
                value += solved[q, k] * g[r, k]
            worst = max(worst, (value - h[r]) / scales[r])
            if worst > far:
                break
        inside[q] = worst <= tight_tol
        insides += inside[q]
        if worst <= near_tol:
            row = 0
            for r in range(total):
                if not tight_own[v, r]:
                    for k in range(dim):
                        full[row, k] = g[r, k]
                    row += 1
            if not condition_bound(full, inverse) <= max_condition:
                return UNDECIDED
        q += 1
    return insides


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

    Returns ``(count, rows, cols, payoffs)``: ``count`` equilibria (or :data:`GIVE_UP` /
    :data:`UNDECIDED`), their row and column strategies and both players' expected payoffs
    ``x^T A y``, ``x^T B y`` (interleaved, two per equilibrium). The partner of a vertex with
    support I and best responses J solves ``A[I, J] y_J = 1``, ``y = 0`` off J (side 0; with
    ``B^T`` and rows and columns swapped for side 1), as in ``vertex_enumeration._solve_partners``.
    """
    m = a.shape[0]
    total, own_dim = g_own.shape
    dim = g.shape[1]
    tight_own = np.zeros((points.shape[0], total), dtype=np.bool_)
    reals = own_labels(points, g_own, h_own, tight_tol, tight_own)
    solved = np.zeros((max(reals, 0), dim))
    inside = np.zeros(max(reals, 0), dtype=np.bool_)
    status = reals
    if status >= 0:
        status = solve_partners(tight_own, h_own, g, h, m if side == 0 else 0, solved)
    if status >= 0:
        status = screen_partners(
            tight_own, h_own, g, h, solved, tight_tol, near_tol, max_condition, inside
        )
    insides = max(status, 0)
    partners = np.empty((insides, dim))
    picked = np.empty(insides, dtype=np.int64)
    at = 0
    q = 0
    for v in range(points.shape[0] if status >= 0 else 0):
        real = False
        for r in range(total):
            real = real or (tight_own[v, r] and h_own[r] > 0)
        if real:
            if inside[q]:
                for k in range(dim):
                    partners[at, k] = solved[q, k]
                picked[at] = v
                at += 1
            q += 1
    tight = np.zeros((insides, total), dtype=np.bool_)
    read_labels(g, h, partners, insides, tight_tol, tight)
    keep = np.zeros(insides, dtype=np.bool_)
    kept = 0
    for q in range(insides):
        for r in range(total):
            if tight[q, r] == tight_own[picked[q], r]:
                status = GIVE_UP  # a partner with extra labels: degenerate at an equilibrium
            keep[q] = keep[q] or (tight[q, r] and h[r] > 0)  # not the other polytope's origin
        kept += keep[q]
    for i in range(insides):  # each vertex once: otherwise not the simple polytope assumed
        for j in range(i):
            if keep[i] and keep[j]:
                same = True
                for r in range(total):
                    same = same and tight_own[picked[i], r] == tight_own[picked[j], r]
                if same:
                    status = GIVE_UP
    if status < 0:
        kept = 0
    n = total - m
    rows = np.zeros((kept, m))
    cols = np.zeros((kept, n))
    payoffs = np.zeros(2 * kept)
    own_start = 0 if side == 0 else m  # the label of the own polytope's variable 0
    other_start = m if side == 0 else 0
    own = np.empty(own_dim)
    other = np.empty(dim)
    i = 0
    for q in range(insides if status >= 0 else 0):
        if not keep[q]:
            continue
        v = picked[q]
        # A strategy is exactly zero where its vertex carries that strategy's own label.
        own_sum = 0.0
        for k in range(own_dim):
            own[k] = 0.0 if tight_own[v, own_start + k] else max(points[v, k], 0.0)
            own_sum += own[k]
        other_sum = 0.0
        for k in range(dim):
            other[k] = 0.0 if tight[q, other_start + k] else max(partners[q, k], 0.0)
            other_sum += other[k]
        for k in range(m):
            rows[i, k] = own[k] / own_sum if side == 0 else other[k] / other_sum
        for k in range(n):
            cols[i, k] = other[k] / other_sum if side == 0 else own[k] / own_sum
        for r in range(m):
            for c in range(n):
                weight = rows[i, r] * cols[i, c]
                payoffs[2 * i] += weight * a[r, c]
                payoffs[2 * i + 1] += weight * b[r, c]
        i += 1
    return (kept if status >= 0 else status), rows, cols, payoffs


compiled_partner_equilibria: Callable[..., tuple[int, Floats, Floats, Floats]] | None = None
if HAVE_NUMBA:
    read_labels = numba.njit(cache=True, nogil=True)(read_labels)
    solve_in_place = numba.njit(cache=True, nogil=True)(solve_in_place)
    condition_bound = numba.njit(cache=True, nogil=True)(condition_bound)
    own_labels = numba.njit(cache=True, nogil=True)(own_labels)
    solve_partners = numba.njit(cache=True, nogil=True)(solve_partners)
    screen_partners = numba.njit(cache=True, nogil=True)(screen_partners)
    compiled_partner_equilibria = numba.njit(cache=True, nogil=True)(partner_equilibria)
