"""All extreme Nash equilibria of a bimatrix game by vertex enumeration.

von Stengel (2007), "Equilibrium computation for two-player games in strategic and extensive
form", Algorithm 3.5 (section 3.3): enumerate the vertices x of P and y of Q (see
:mod:`trustmarket.analysis.games.polytope`) and keep every pair whose labels cover all m + n
strategies; the normalised pairs are the extreme equilibria. In a degenerate game the equilibria
form convex components (Nash subsets); they are the maximal sets X x Y of extreme equilibria in
which every pair matches (Avis, Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash
equilibria for two-player games", section 4), reported as :class:`Component`.

Float games take a shortcut that needs one vertex enumeration instead of two. If the smaller
polytope (say P) is nondegenerate, every vertex x carries exactly m labels, so its partner y must
carry the n missing ones: y is the solution of those n constraints of Q as equalities, computed for
all vertices in one batched solve and kept when it lies in Q. When a partner carries more labels
than that, or a system is singular, the shortcut gives up and both polytopes are enumerated.
With numba installed the shortcut runs compiled: P's vertices come from a walk along its edges
(:mod:`~trustmarket.analysis.games.pivot_vertices`, Qhull when the walk cannot vouch for them) and
the partners from :mod:`~trustmarket.analysis.games.vertex_compiled`, with the same decisions.

All float work is done on each player's payoffs normalised
(:func:`~trustmarket.analysis.games.payoff_matrix.solver_view`: the same equilibria, tolerances
that mean the same whatever the scale or offset of the payoffs); payoffs are reported from the
original matrices.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.games import pivot_vertices, vertex_compiled
from trustmarket.analysis.games.equilibrium import Component, Equilibrium, EquilibriumSet
from trustmarket.analysis.games.payoff_matrix import Matrix, Number, as_number, solver_view
from trustmarket.analysis.games.polytope import (
    TIGHT,
    constraint_system,
    exact_vertices,
    label_masks,
    raw_vertices,
    shifted_positive,
    tight_constraints,
    vertex_points,
    vertices,
)
from trustmarket.core.errors import InvalidGame, SolverLimit

#: A degenerate game's vertex pairs are tested all against all: at most this many tests (a bound
#: on the work), in blocks of at most MATCH_BLOCK pairs so that memory stays small.
MAX_PAIR_TESTS = 2_000_000_000
MATCH_BLOCK = 1 << 22


def matching_pairs(
    labels_x: npt.NDArray[np.uint64],
    labels_y: npt.NDArray[np.uint64],
    full: int,
    *,
    degenerate: bool,
) -> list[tuple[int, int]]:
    """Index pairs whose label sets together cover ``full``.

    Without degeneracy a vertex's partner must carry exactly the complementary labels, found by
    hashing in linear time; otherwise every pair is tested, block by block.
    """
    if labels_x.size == 0 or labels_y.size == 0:
        return []
    full_mask = np.uint64(full)
    if not degenerate:  # labels_y is sorted (np.unique) and each mask names one vertex
        wanted = labels_x ^ full_mask
        at = np.minimum(np.searchsorted(labels_y, wanted), labels_y.size - 1)
        hit = np.flatnonzero(labels_y[at] == wanted)
        return list(zip(hit.tolist(), at[hit].tolist(), strict=True))
    tests = labels_x.size * labels_y.size
    if tests > MAX_PAIR_TESTS:
        raise SolverLimit(
            f"this degenerate game's polytopes have {labels_x.size:,} and {labels_y.size:,} "
            f"vertices: {tests:,} pairs to test, more than the {MAX_PAIR_TESTS:,} allowed; "
            "Lemke-Howson finds one equilibrium"
        )
    step = max(1, MATCH_BLOCK // labels_y.size)
    pairs: list[tuple[int, int]] = []
    for start in range(0, labels_x.size, step):
        block = labels_x[start : start + step, None] | labels_y[None, :]
        pairs.extend((start + int(i), int(j)) for i, j in np.argwhere(block == full_mask))
    return pairs


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


#: From this many vertices on, partner systems are reduced to their supports and solved in groups
#: of equal size; below it one batch of full systems costs less (measured on random games).
GROUPED_FROM = 500


def _solve_whole_systems(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64], tight: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64] | None:
    """:func:`_solve_partners` as one batch: each partner from all of its labels' constraints
    (``g z <= h`` is the other polytope)."""
    dim = g.shape[1]
    missing = ~tight
    if (missing.sum(axis=1) != dim).any():
        return None
    rows = np.nonzero(missing)[1].reshape(len(missing), dim)
    return _solve_checked(g[rows], h[rows])


def _solve_checked(
    systems: npt.NDArray[np.float64], rhs: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64] | None:
    """Solve every system ``systems[k] z = rhs[k]``; None when LAPACK meets an exactly singular
    one. Nearly singular systems are caught later, by :func:`_partners_by_solving`."""
    try:
        solved = np.linalg.solve(systems, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return None
    return np.asarray(solved)


#: A partner system near the polytope with a larger condition number counts as singular.
MAX_CONDITION = 1e8
#: Partners violating no constraint by more than this (relative) have their systems checked.
NEAR = 1e-6


def _solve_partners(
    a_pos: Matrix,
    b_pos: Matrix,
    tight: npt.NDArray[np.bool_],
    side: int,
    other: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> npt.NDArray[np.float64] | None:
    """The partner of every vertex of the polytope of player ``side``, as a point of the other
    polytope (not yet checked to lie in it), or None if a partner system is singular.

    For side 0, a vertex x of P with support I (own labels missing) and best responses J (the
    column labels it carries) has the partner y with ``A[I, J] y_J = 1`` and ``y = 0`` off J;
    for side 1 the same with ``B^T`` and the roles of rows and columns swapped. In a
    nondegenerate polytope |I| = |J|; vertices are grouped by that size and solved in batches.
    """
    m = a_pos.shape[0]
    if len(tight) < GROUPED_FROM:
        return _solve_whole_systems(*other, tight)
    if side == 0:
        payoffs, equal, free = a_pos.astype(float), ~tight[:, :m], tight[:, m:]
    else:
        payoffs, equal, free = b_pos.T.astype(float), ~tight[:, m:], tight[:, :m]
    sizes = equal.sum(axis=1)
    if (sizes != free.sum(axis=1)).any():
        return None
    partners = np.zeros((len(tight), payoffs.shape[1]))
    for size in np.unique(sizes).tolist():
        if size == 0:
            continue  # the partner is the other polytope's origin, dropped by the caller
        group = np.flatnonzero(sizes == size)
        rows = np.nonzero(equal[group])[1].reshape(len(group), size)
        cols = np.nonzero(free[group])[1].reshape(len(group), size)
        systems = payoffs[rows[:, :, None], cols[:, None, :]]
        values = _solve_checked(systems, np.ones((len(group), size)))
        if values is None:
            return None
        partners[group[:, None], cols] = values
    return partners


def _partners_by_solving(
    a_pos: Matrix, b_pos: Matrix
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """Every extreme equilibrium (row strategies, column strategies) of a float game from one
    polytope's vertices and their partners solved for, or None when the shortcut does not apply
    (that polytope is degenerate, a partner is degenerate, or a partner system is singular)."""
    m, n = a_pos.shape
    side = 0 if m <= n else 1  # enumerate the lower-dimensional polytope
    g_own, h_own = constraint_system((b_pos if side == 0 else a_pos).astype(float), side)
    points, tight_own = raw_vertices(g_own, h_own)
    if (tight_own.sum(axis=1) > g_own.shape[1]).any():
        return None  # degenerate: leave it to the two-polytope method
    real = (tight_own & (h_own > 0)[None, :]).any(axis=1)  # not the origin
    points, tight_own = points[real], tight_own[real]
    if len(points) == 0:
        return None
    g, h = constraint_system((a_pos if side == 0 else b_pos).astype(float), 1 - side)
    solved = _solve_partners(a_pos, b_pos, tight_own, side, (g, h))
    if solved is None or not np.isfinite(solved).all():
        return None
    # Payoffs are positive, so every coordinate of a point of the polytope is at most
    # h / g over its payoff rows: that bounds the magnitudes the tolerance scales with.
    bound = float((1.0 / g[h > 0].max(axis=0)).max())
    scale = 1.0 + np.abs(g).sum(axis=1) * max(1.0, bound)
    worst = ((solved @ g.T - h[None, :]) / scale[None, :]).max(axis=1)
    inside = worst <= TIGHT
    # A singular system can still have solutions (a face carrying all those labels: a continuum
    # of equilibria) and LU then returns one point of it without complaint; and a nearly
    # singular one may put a true partner just outside. Either way: leave it to the general
    # method.
    near = worst <= NEAR
    if near.any():
        dim = g.shape[1]
        rows = np.nonzero(~tight_own[near])[1].reshape(int(near.sum()), dim)
        condition = np.linalg.cond(g[rows])
        if not (condition <= MAX_CONDITION).all():
            return None
    tight = tight_constraints(g, h, solved[inside])
    if (tight != ~tight_own[inside]).any():
        return None  # a partner with extra labels: degenerate at an equilibrium
    keep = (tight & (h > 0)[None, :]).any(axis=1)  # not the other polytope's origin
    own_tight = tight_own[inside][keep]
    own_masks = label_masks(own_tight)
    if len(np.unique(own_masks)) != len(own_masks):
        return None  # a vertex reported twice: not the simple polytope assumed
    own = _float_strategies(points[inside][keep], own_masks, 0 if side == 0 else m)
    other = _float_strategies(solved[inside][keep], label_masks(tight[keep]), m if side == 0 else 0)
    return (own, other) if side == 0 else (other, own)


Shortcut = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[float], list[float]]


def _shortcut(a: Matrix, b: Matrix, a_pos: Matrix, b_pos: Matrix) -> Shortcut | None:
    """The extreme equilibria of a float game by the one-polytope shortcut, or None when it does
    not apply: row strategies, column strategies (one row each per equilibrium), row payoffs
    ``x^T A y`` and column payoffs ``x^T B y``, in the order of :func:`_order`. The polytopes are
    built from ``a_pos`` and ``b_pos`` (positive: the normalised views of
    :func:`~trustmarket.analysis.games.payoff_matrix.solver_view`), the payoffs computed from
    ``a`` and ``b``.

    With numba the vertices come from :mod:`~trustmarket.analysis.games.pivot_vertices` (Qhull
    when the walk cannot vouch for them) and the partners from
    :mod:`~trustmarket.analysis.games.vertex_compiled`; without it, or when the compiled code
    leaves a condition number undecided, :func:`_partners_by_solving` decides. Both versions
    take the same decisions on the same vertices."""
    compiled = vertex_compiled.compiled_partner_equilibria
    found: tuple[npt.NDArray[np.float64], ...] | None = None
    if compiled is not None:
        m, n = a_pos.shape
        side = 0 if m <= n else 1  # enumerate the lower-dimensional polytope
        g_own, h_own = constraint_system((b_pos if side == 0 else a_pos).astype(float), side)
        g, h = constraint_system((a_pos if side == 0 else b_pos).astype(float), 1 - side)
        walked, points = _walk(g_own, h_own, 0 if side == 0 else m)
        if walked < 0:
            points = vertex_points(g_own, h_own)
        count, xs, ys, payoffs = compiled(
            points, g_own, h_own, g, h, a, b, side, TIGHT, NEAR, MAX_CONDITION
        )
        if count == vertex_compiled.GIVE_UP:
            return None
        if count != vertex_compiled.UNDECIDED:
            found = xs, ys, payoffs[0::2], payoffs[1::2]
    if found is None:
        solved = _partners_by_solving(a_pos, b_pos)
        if solved is None:
            return None
        xs, ys = solved
        row_payoffs = np.einsum("ki,ij,kj->k", xs, a, ys)
        found = xs, ys, row_payoffs, np.einsum("ki,ij,kj->k", xs, b, ys)
    xs, ys, row_payoffs, col_payoffs = found
    # _order as one lexsort (its last key is the primary one)
    order = np.lexsort(np.hstack([-xs, -ys])[:, ::-1].T)
    return xs[order], ys[order], row_payoffs[order].tolist(), col_payoffs[order].tolist()


#: A ratio test whose two smallest ratios are this close (relative) stops the walk along the edges.
WALK_TIE = 1e-9
#: The walk along the edges keeps a tableau per vertex: it stops (and Qhull takes over) when they
#: would need more than this many bytes (about 200,000 vertices at 12 x 12).
WALK_MEMORY = 256 << 20


def _walk(
    g_own: npt.NDArray[np.float64], h_own: npt.NDArray[np.float64], first_bound: int
) -> tuple[int, npt.NDArray[np.float64]]:
    """The vertices of a simple polytope by :mod:`~trustmarket.analysis.games.pivot_vertices`
    (``count < 0`` when it cannot vouch for them, or without numba)."""
    walk = pivot_vertices.compiled_walk_vertices
    if walk is None:
        return pivot_vertices.UNDECIDED, np.zeros((0, g_own.shape[1]))
    rows, dim = g_own.shape[0] - g_own.shape[1], g_own.shape[1]
    limit = max(1, WALK_MEMORY // (8 * rows * (dim + 1)))
    return walk(g_own, h_own, first_bound, WALK_TIE, TIGHT, limit)


def _float_equilibria(found: Shortcut) -> tuple[Equilibrium, ...]:
    xs, ys, row_payoffs, col_payoffs = found
    return tuple(
        Equilibrium(row=tuple(x), col=tuple(y), row_payoff=u, col_payoff=v)
        for x, y, u, v in zip(xs.tolist(), ys.tolist(), row_payoffs, col_payoffs, strict=True)
    )


def vertex_enumeration(a: Matrix, b: Matrix) -> EquilibriumSet:
    """Every extreme equilibrium of the game (A, B), and its components when degenerate.

    ``degenerate`` in the result says whether the game is degenerate *at an equilibrium* (an
    equilibrium strategy has more pure best responses than strategies in its support): exactly
    then can equilibria form continua, and then the components describe them. A game degenerate
    only away from its equilibria has finitely many, all reported; :attr:`Game.degenerate` answers
    for the whole game.

    Floats: labels are read with a relative tolerance (``polytope.TIGHT``). Fractions: the
    candidate pairs found in floats are recomputed and re-checked in rational arithmetic, so
    every reported equilibrium is exact and verified; a float vertex whose labels are a rounding
    apart from exactly tight stands for the exact vertices near it
    (:func:`~trustmarket.analysis.games.polytope.exact_vertices`), so none is lost.
    """
    exact = a.dtype == object
    m, n = a.shape
    if m + n > MAX_STRATEGIES:
        raise InvalidGame(
            f"vertex enumeration handles up to {MAX_STRATEGIES} strategies in all (m + n); this "
            f"game has {m + n}: use support enumeration or Lemke-Howson"
        )
    # Floats are computed on each player's normalised payoffs (the equilibria are the same);
    # payoffs are reported from the original matrices.
    b_view, a_view = solver_view(b), solver_view(a)
    if not exact:
        shortcut = _shortcut(a, b, a_view, b_view)
        if shortcut is not None:
            return EquilibriumSet(
                equilibria=_float_equilibria(shortcut),
                degenerate=False,
                complete=True,
                method="vertex",
                exact=False,
            )
    p = vertices(b_view, 0)
    q = vertices(a_view, 1)
    full = (1 << (m + n)) - 1
    # Exact games: match loosely in floats (as if degenerate), then confirm each pair exactly.
    pairs = matching_pairs(
        p.labels, q.labels, full, degenerate=p.degenerate or q.degenerate or exact
    )
    rows: dict[int, tuple[Number, ...]] = {}
    cols: dict[int, tuple[Number, ...]] = {}
    if exact:
        b_pos, a_pos = shifted_positive(b), shifted_positive(a)  # re-solved in rationals
        # Each float vertex stands for one exact vertex, or for several when the float labels
        # merged vertices a rounding apart; each exact vertex is keyed by its float vertex's
        # index times EXPANDED plus its place among them (so keys sort as the float vertices).
        row_solved = _exact_expansions(b_pos, 0, p.labels, sorted({i for i, _ in pairs}))
        col_solved = _exact_expansions(a_pos, 1, q.labels, sorted({j for _, j in pairs}))
        confirmed: set[tuple[int, int]] = set()
        for i, j in pairs:
            for key_x in row_solved[i]:
                for key_y in col_solved[j]:
                    if row_solved.masks[key_x] | col_solved.masks[key_y] == full:
                        confirmed.add((key_x, key_y))
        pairs = sorted(confirmed)
        rows = {k: _exact_strategy(row_solved.points[k]) for k, _ in pairs}
        cols = {k: _exact_strategy(col_solved.points[k]) for _, k in pairs}
        row_labels, col_labels = row_solved.masks, col_solved.masks
    elif pairs:
        used_i = sorted({i for i, _ in pairs})
        used_j = sorted({j for _, j in pairs})
        xs = _float_strategies(p.points[used_i], p.labels[used_i], 0)
        ys = _float_strategies(q.points[used_j], q.labels[used_j], m)
        rows = dict(zip(used_i, map(tuple, xs.tolist()), strict=True))
        cols = dict(zip(used_j, map(tuple, ys.tolist()), strict=True))
    if not exact:
        row_labels = {i: int(p.labels[i]) for i, _ in pairs}
        col_labels = {j: int(q.labels[j]) for _, j in pairs}
    # Degenerate at an equilibrium: a strategy there has more pure best responses than its
    # support has strategies (more labels than its polytope's dimension).
    degenerate = any(
        bin(row_labels[i]).count("1") > m or bin(col_labels[j]).count("1") > n for i, j in pairs
    )
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


#: Keys of exact vertices: a float vertex's index times this, plus the exact vertex's place
#: among those it stands for.
EXPANDED = 1 << 32


class _Expansions(dict[int, list[int]]):
    """For each float vertex, the keys of the exact vertices it stands for; ``points`` and
    ``masks`` (exact labels) by key, each exact vertex once (under its first float vertex)."""

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[int, list[Fraction]] = {}
        self.masks: dict[int, int] = {}


def _exact_expansions(
    payoffs: Matrix, player: int, labels: npt.NDArray[np.uint64], used: list[int]
) -> _Expansions:
    out = _Expansions()
    key_of: dict[int, int] = {}
    for i in used:
        out[i] = []
        for place, (point, mask) in enumerate(exact_vertices(payoffs, player, int(labels[i]))):
            if mask not in key_of:
                key_of[mask] = i * EXPANDED + place
                out.points[key_of[mask]], out.masks[key_of[mask]] = point, mask
            out[i].append(key_of[mask])
    return out


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
