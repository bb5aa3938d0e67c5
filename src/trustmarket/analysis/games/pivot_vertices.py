"""Every vertex of a simple best-response polytope by pivoting along its edges, compiled by numba.

For the float shortcut of vertex enumeration only the vertices of one polytope are needed, and the
shortcut applies only when that polytope is simple (nondegenerate: every vertex has exactly ``d``
labels). A simple polytope's vertices can then be listed without Qhull by walking its graph
(Balinski: the graph of a d-polytope is connected): start at the origin; at each vertex, drop each
of its d labels in turn, which moves along the edge carrying the other d - 1 labels until one more
constraint becomes tight - one pivot of the tableau, as in Lemke-Howson (von Stengel 2007,
section 3.4, with the same compact tableau as
:mod:`~trustmarket.analysis.games.lemke_howson_compiled`) - and record every label set not seen
before. Avis and Fukuda's reverse search (1992) lists vertices the same way; here a hash set of
label bitmasks replaces the reverse-search rule.

Nothing is taken on trust. A ratio-test tie (relative ``tie``), an unbounded edge, a basic
variable at zero or more vertices than ``max_vertices`` make the walk stop with
:data:`UNDECIDED`, and the caller enumerates with Qhull instead. When the walk ends, every
vertex's point is read again with the label rule of ``polytope.tight_constraints`` (relative
tolerance ``tol``): it must lie in the polytope and carry exactly the labels the walk says. A
feasible point with those d independent labels is a vertex, the other end of the edge it was
reached along (an edge of a simple polytope has two vertices), so the list is closed under
adjacency and therefore complete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

try:
    import numba
except ImportError:  # pragma: no cover - the optional "fast" extra is not installed
    HAVE_NUMBA = False
else:
    HAVE_NUMBA = True

#: The walk cannot vouch for its answer: enumerate with Qhull instead.
UNDECIDED = -2

Floats = npt.NDArray[np.float64]

_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing


def _slot(table: npt.NDArray[np.uint64], key: np.uint64) -> int:
    """The slot of ``key`` in the open-addressing table (linear probing; 0 marks a free slot,
    and no vertex has the empty label set), whether the key is there or not."""
    mask = int(table.shape[0]) - 1
    at = int((key * _SPREAD) >> np.uint64(40)) & mask
    while table[at] != 0 and table[at] != key:
        at = (at + 1) & mask
    return at


def _grown(array: npt.NDArray[Any], capacity: int) -> npt.NDArray[Any]:
    """``array`` with room for ``capacity`` items along its first axis (the rest uninitialised)."""
    grown = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    flat, old = grown.reshape(-1), array.reshape(-1)
    for k in range(old.shape[0]):
        flat[k] = old[k]
    return grown


def walk_vertices(
    g: Floats, h: Floats, first_bound: int, tie: float, tol: float, max_vertices: int
) -> tuple[int, Floats]:
    """Every vertex of ``{z : g z <= h}``, the origin first: ``(count, points)`` (one vertex per
    row), or ``(UNDECIDED, empty)``.

    ``g`` and ``h`` are built by ``polytope.constraint_system``: one row per label, the rows with
    ``h = 0`` are ``-z_k <= 0`` (variable k's at row ``first_bound + k``) and the others payoff
    rows with ``h = 1``. The tableau has a row per basic variable and a column per nonbasic one
    (``[M | 1]`` at the origin, M the payoff rows); labels are the bits of a uint64 (at most 64).
    """
    labels, dim = g.shape
    payoff_rows = labels - dim
    width = dim + 1
    empty = np.zeros((0, dim))
    # The labels of the payoff rows: the basic variables at the origin.
    payoff_label = np.empty(payoff_rows, dtype=np.int64)
    at = 0
    for r in range(labels):
        if h[r] > 0:
            if at == payoff_rows:
                return UNDECIDED, empty
            payoff_label[at] = r
            at += 1
    if at != payoff_rows:
        return UNDECIDED, empty
    capacity = 64
    tableaux = np.empty((capacity, payoff_rows, width))
    bases = np.empty((capacity, payoff_rows), dtype=np.int64)  # the label basic in each row
    columns = np.empty((capacity, dim), dtype=np.int64)  # the label nonbasic in each column
    masks = np.empty(capacity, dtype=np.uint64)
    for i in range(payoff_rows):
        for k in range(dim):
            tableaux[0, i, k] = g[payoff_label[i], k]
        tableaux[0, i, dim] = h[payoff_label[i]]
        bases[0, i] = payoff_label[i]
    origin = np.uint64(0)
    for k in range(dim):
        columns[0, k] = first_bound + k
        origin |= np.uint64(1) << np.uint64(first_bound + k)
    masks[0] = origin
    table = np.zeros(256, dtype=np.uint64)
    table[_slot(table, origin)] = origin
    count = 1
    # Depth first (the newest vertex next): its tableau, just written, is still in the cache.
    pending = np.empty(capacity, dtype=np.int64)
    pending[0] = 0
    waiting = 1
    while waiting > 0:
        waiting -= 1
        u = pending[waiting]
        for col in range(dim):
            # Ratio test for the entering column: the first row to reach zero leaves.
            best = np.inf
            second = np.inf
            row = -1
            for r in range(payoff_rows):
                c = tableaux[u, r, col]
                if c > 0.0:
                    ratio = tableaux[u, r, dim] / c
                    if ratio < best:
                        second = best
                        best = ratio
                        row = r
                    elif ratio < second:
                        second = ratio
            if row < 0 or not best > 0.0:
                return UNDECIDED, empty  # an unbounded edge, or a degenerate vertex
            if second - best <= tie * max(1.0, best):
                return UNDECIDED, empty  # two constraints tight at once: degenerate
            entering = columns[u, col]
            leaving = bases[u, row]
            key = masks[u] ^ (np.uint64(1) << np.uint64(entering))
            key |= np.uint64(1) << np.uint64(leaving)
            at = _slot(table, key)
            if table[at] == key:
                continue  # seen before
            if count == max_vertices:
                return UNDECIDED, empty
            table[at] = key
            if count == capacity:
                capacity = min(2 * capacity, max_vertices)
                tableaux = _grown(tableaux, capacity)
                bases = _grown(bases, capacity)
                columns = _grown(columns, capacity)
                pending = _grown(pending, capacity)
                grown_masks = np.empty(capacity, dtype=np.uint64)
                for v in range(count):
                    grown_masks[v] = masks[v]
                masks = grown_masks
            if 2 * (count + 1) > table.shape[0]:  # keep the hash table at most half full
                bigger = np.zeros(2 * table.shape[0], dtype=np.uint64)
                for k in range(table.shape[0]):
                    if table[k] != 0:
                        bigger[_slot(bigger, table[k])] = table[k]
                table = bigger
            w = count
            count += 1
            # The pivot, with the arithmetic of the full tableau (see lemke_howson_compiled).
            pivot = tableaux[u, row, col]
            for k in range(width):
                tableaux[w, row, k] = tableaux[u, row, k] / pivot
            tableaux[w, row, col] = 1.0 / pivot
            for r in range(payoff_rows):
                if r != row:
                    factor = tableaux[u, r, col]
                    for k in range(width):
                        tableaux[w, r, k] = tableaux[u, r, k] - factor * tableaux[w, row, k]
                    tableaux[w, r, col] = 0.0 - factor * tableaux[w, row, col]
            for r in range(payoff_rows):
                bases[w, r] = bases[u, r]
            bases[w, row] = entering
            for k in range(dim):
                columns[w, k] = columns[u, k]
            columns[w, col] = leaving
            masks[w] = key
            pending[waiting] = w
            waiting += 1
    points = np.zeros((count, dim))
    for v in range(count):
        for r in range(payoff_rows):
            label = bases[v, r]
            if first_bound <= label < first_bound + dim:
                points[v, label - first_bound] = tableaux[v, r, dim]
    # Check every vertex against the polytope itself, with the label rule of the callers.
    big = 1.0
    for v in range(count):
        for k in range(dim):
            big = max(big, abs(points[v, k]))
    for r in range(labels):
        norm = 0.0
        for k in range(dim):
            norm += abs(g[r, k])
        limit = tol * (1.0 + norm * big)
        bit = np.uint64(1) << np.uint64(r)
        for v in range(count):
            value = 0.0
            for k in range(dim):
                value += points[v, k] * g[r, k]
            slack = h[r] - value
            if slack < -limit or (abs(slack) <= limit) != ((masks[v] & bit) != 0):
                return UNDECIDED, empty
    return count, points


compiled_walk_vertices: Callable[..., tuple[int, Floats]] | None = None
if HAVE_NUMBA:
    _slot = numba.njit(cache=True, nogil=True)(_slot)
    _grown = numba.njit(cache=True, nogil=True)(_grown)
    compiled_walk_vertices = numba.njit(cache=True, nogil=True)(walk_vertices)
