"""All extreme Nash equilibria of a bimatrix game by vertex enumeration.

von Stengel (2007), "Equilibrium computation for two-player games in strategic and extensive
form", Algorithm 3.5 (section 3.3): enumerate the vertices x of P and y of Q (see
:mod:`trustmarket.analysis.games.polytope`) and keep every pair whose labels cover all m + n
strategies; the normalised pairs are the extreme equilibria. In a degenerate game the equilibria
form convex components (Nash subsets); they are the maximal sets X x Y of extreme equilibria in
which every pair matches (Avis, Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash
equilibria for two-player games", section 4), reported as :class:`Component`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.games.equilibrium import Component, Equilibrium, EquilibriumSet
from trustmarket.analysis.games.payoff_matrix import Matrix, Number, as_number
from trustmarket.analysis.games.polytope import (
    exact_vertex,
    shifted_positive,
    vertices,
)
from trustmarket.core.errors import InvalidGame


def matching_pairs(
    labels_x: npt.NDArray[np.uint64],
    labels_y: npt.NDArray[np.uint64],
    full: int,
    *,
    degenerate: bool,
) -> list[tuple[int, int]]:
    """Index pairs whose label sets together cover ``full``.

    Without degeneracy a vertex's partner must carry exactly the complementary labels, found by
    hashing in linear time; otherwise every pair is tested at once.
    """
    if labels_x.size == 0 or labels_y.size == 0:
        return []
    full_mask = np.uint64(full)
    if not degenerate:  # labels_y is sorted (np.unique) and each mask names one vertex
        wanted = labels_x ^ full_mask
        at = np.minimum(np.searchsorted(labels_y, wanted), labels_y.size - 1)
        hit = np.flatnonzero(labels_y[at] == wanted)
        return list(zip(hit.tolist(), at[hit].tolist(), strict=True))
    covered = (labels_x[:, None] | labels_y[None, :]) == full_mask
    return [(int(i), int(j)) for i, j in np.argwhere(covered)]


def _components(pairs: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Maximal bicliques of the bipartite graph of matching pairs (each is a Nash subset)."""
    neighbours: dict[int, set[int]] = {}
    for i, j in pairs:
        neighbours.setdefault(i, set()).add(j)
    found: set[tuple[frozenset[int], frozenset[int]]] = set()
    # Every maximal biclique is determined by its column set, which is an intersection of some
    # rows' neighbourhoods; close each neighbourhood intersection under the rows that contain it.
    frontier = {frozenset(cols) for cols in neighbours.values()}
    closed: set[frozenset[int]] = set()
    while frontier:
        cols = frontier.pop()
        if cols in closed or not cols:
            continue
        closed.add(cols)
        rows = frozenset(i for i, nb in neighbours.items() if cols <= nb)
        found.add((rows, cols))
        for i, nb in neighbours.items():
            if i not in rows:
                meet = frozenset(cols & nb)
                if meet and meet not in closed:
                    frontier.add(meet)
    maximal = [
        (r, c)
        for r, c in found
        if not any(r <= r2 and c <= c2 and (r, c) != (r2, c2) for r2, c2 in found)
    ]
    return [
        (sorted(r), sorted(c)) for r, c in sorted(maximal, key=lambda rc: (min(rc[0]), min(rc[1])))
    ]


MAX_STRATEGIES = 64


MAX_STRATEGIES = 64


def _float_strategies(
    points: npt.NDArray[np.float64], labels: npt.NDArray[np.uint64], start: int
) -> npt.NDArray[np.float64]:
    """Vertices normalised to mixed strategies, with exact zeros where a vertex carries the label
    of that strategy (labels ``start``.. belong to this player's own strategies)."""
    dim = points.shape[1]
    own = np.left_shift(np.uint64(1), np.arange(start, start + dim, dtype=np.uint64))
    zero = (labels[:, None] & own[None, :]) != 0
    cleaned = np.where(zero, 0.0, np.maximum(points, 0.0))
    return np.asarray(cleaned / cleaned.sum(axis=1, keepdims=True))


def vertex_enumeration(a: Matrix, b: Matrix) -> EquilibriumSet:
    """Every extreme equilibrium of the game (A, B), and its components when degenerate.

    Floats: labels are read with a relative tolerance (``polytope.TIGHT``). Fractions: the
    candidate pairs found in floats are recomputed and re-checked in rational arithmetic, so
    every reported equilibrium is exact and verified.
    """
    exact = a.dtype == object
    m, n = a.shape
    if m + n > MAX_STRATEGIES:
        raise InvalidGame(
            f"vertex enumeration handles up to {MAX_STRATEGIES} strategies in all (m + n); this "
            f"game has {m + n}: use support enumeration or Lemke-Howson"
        )
    b_pos, a_pos = shifted_positive(b), shifted_positive(a)
    p = vertices(b_pos, 0)
    q = vertices(a_pos, 1)
    full = (1 << (m + n)) - 1
    degenerate = p.degenerate or q.degenerate
    # Exact games: match loosely in floats (as if degenerate), then confirm each pair exactly.
    pairs = matching_pairs(p.labels, q.labels, full, degenerate=degenerate or exact)
    rows: dict[int, tuple[Number, ...]] = {}
    cols: dict[int, tuple[Number, ...]] = {}
    if exact:
        exact_rows: dict[int, tuple[list[Fraction], int] | None] = {}
        exact_cols: dict[int, tuple[list[Fraction], int] | None] = {}
        confirmed: list[tuple[int, int]] = []
        for i, j in pairs:
            if i not in exact_rows:
                exact_rows[i] = exact_vertex(b_pos, 0, int(p.labels[i]))
            if j not in exact_cols:
                exact_cols[j] = exact_vertex(a_pos, 1, int(q.labels[j]))
            vx, vy = exact_rows[i], exact_cols[j]
            if vx is not None and vy is not None and vx[1] | vy[1] == full:
                confirmed.append((i, j))
                rows[i] = _exact_strategy(vx[0])
                cols[j] = _exact_strategy(vy[0])
        pairs = confirmed
        degenerate = (
            any(
                v is not None and bin(v[1]).count("1") > len(v[0])
                for v in (*exact_rows.values(), *exact_cols.values())
            )
            or degenerate
        )
    elif pairs:
        used_i = sorted({i for i, _ in pairs})
        used_j = sorted({j for _, j in pairs})
        xs = _float_strategies(p.points[used_i], p.labels[used_i], 0)
        ys = _float_strategies(q.points[used_j], q.labels[used_j], m)
        rows = dict(zip(used_i, map(tuple, xs.tolist()), strict=True))
        cols = dict(zip(used_j, map(tuple, ys.tolist()), strict=True))
    equilibria = [equilibrium(a, b, rows[i], cols[j], exact) for i, j in pairs]
    components: tuple[Component, ...] = ()
    if degenerate:
        components = tuple(
            Component(rows=tuple(rows[i] for i in r), cols=tuple(cols[j] for j in c))
            for r, c in _components(pairs)
        )
    note = ""
    if any(c.infinite for c in components):
        note = (
            "the game is degenerate and has infinitely many equilibria: every convex combination "
            "within a component is one; the list holds the extreme equilibria"
        )
    return EquilibriumSet(
        equilibria=tuple(sorted(equilibria, key=_order)),
        degenerate=degenerate,
        complete=True,
        method="vertex",
        exact=exact,
        components=components,
        note=note,
    )


def _exact_strategy(point: list[Fraction]) -> tuple[Fraction, ...]:
    total = sum(point, Fraction(0))
    return tuple(v / total for v in point)


def _order(e: Equilibrium) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(-float(v) for v in e.row), tuple(-float(v) for v in e.col)


def equilibrium(
    a: Matrix, b: Matrix, row: tuple[Number, ...], col: tuple[Number, ...], exact: bool
) -> Equilibrium:
    """An :class:`Equilibrium` with both expected payoffs ``x^T A y`` and ``x^T B y``."""
    x = np.array(row, dtype=object if exact else float)
    y = np.array(col, dtype=object if exact else float)
    return Equilibrium(
        row=row,
        col=col,
        row_payoff=as_number(x @ a @ y, exact),
        col_payoff=as_number(x @ b @ y, exact),
    )
