"""Vertices of the best-response polytopes of a bimatrix game, with their labels.

von Stengel, "Equilibrium computation for two-player games in strategic and extensive form"
(Algorithmic Game Theory, 2007), section 3.2: with payoffs shifted to be positive,

    P = {x in R^m : x >= 0, B^T x <= 1}        Q = {y in R^n : A y <= 1, y >= 0}.

Labels 0..m-1 name the row strategies and m..m+n-1 the column strategies. A point x of P has label
i when x_i = 0 and label m+j when (B^T x)_j = 1; a point y of Q has label i when (A y)_i = 1 and
label m+j when y_j = 0. A pair (x, y) other than (0, 0) carrying every label is, after
normalisation, a Nash equilibrium, and every extreme equilibrium arises so. The game is degenerate
exactly when some vertex carries more labels than the dimension.

Vertices are enumerated by Qhull (scipy.spatial.ConvexHull) as the facets of the polar polytope,
as quantecon does; labels are then read from the vertex coordinates, so degenerate vertices (whose
polar facets Qhull triangulates into several simplices) are found once with all their labels. In
exact mode every vertex is recomputed in rational arithmetic from its labels and its labels are
re-read exactly, so no float decides an exact answer. Polytopes of dimension 1, where Qhull does not
work, and tiny ones are enumerated directly by trying every set of ``dim`` constraints.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import scipy.spatial

from trustmarket.analysis.games.exact_linear import solve_exact
from trustmarket.analysis.games.payoff_matrix import Matrix
from trustmarket.core.errors import SolverLimit

#: A slack this small (relative to the constraint's scale) counts as tight.
TIGHT = 1e-9
#: Below this many constraint subsets the direct enumeration is used instead of Qhull.
DIRECT_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Vertices:
    """The vertices of one best-response polytope other than the origin, in floats.

    ``points`` has one vertex per row; ``labels`` holds each vertex's labels as a bitmask (bit k
    for label k, uint64) and ``tight`` the same as a boolean matrix (vertex x label);
    ``degenerate`` says whether some vertex has more labels than the dimension. In exact mode,
    :func:`exact_vertex` recomputes a vertex from its labels.
    """

    points: npt.NDArray[np.float64]
    labels: npt.NDArray[np.uint64]
    tight: npt.NDArray[np.bool_]
    degenerate: bool


def shifted_positive(matrix: Matrix) -> Matrix:
    """``matrix`` itself if every entry is positive, else plus the constant making its least
    entry 1 (adding a constant to a player's payoffs leaves the equilibria unchanged)."""
    low = matrix.min()
    return matrix + (1 - low) if low <= 0 else matrix


def constraint_system(payoffs: Matrix, player: int) -> tuple[Matrix, Matrix]:
    """``G z <= h`` for player ``player``'s polytope and the label of each constraint row.

    For the row player (0) the polytope is P: rows ``-x_i <= 0`` (labels 0..m-1) then
    ``(B^T x)_j <= 1`` (labels m..m+n-1), with ``payoffs`` = B (m x n). For the column player (1) it
    is Q: ``(A y)_i <= 1`` (labels 0..m-1) then ``-y_j <= 0`` (labels m..), with ``payoffs`` = A.
    """
    m, n = payoffs.shape
    exact = payoffs.dtype == object
    one, zero = (Fraction(1), Fraction(0)) if exact else (1.0, 0.0)
    if player == 0:
        dim = m
        nonneg = np.full((m, m), zero, dtype=payoffs.dtype)
        np.fill_diagonal(nonneg, -one)
        g = np.vstack([nonneg, payoffs.T])
        h = np.array([zero] * m + [one] * n, dtype=payoffs.dtype)
    else:
        dim = n
        nonneg = np.full((n, n), zero, dtype=payoffs.dtype)
        np.fill_diagonal(nonneg, -one)
        g = np.vstack([payoffs, nonneg])
        h = np.array([one] * m + [zero] * n, dtype=payoffs.dtype)
    del dim
    return g, h


def _float_vertices_qhull(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Every vertex of ``{z : g z <= h}`` (bounded, full-dimensional, origin on the boundary)."""
    dim = g.shape[1]
    # An interior point c*1: strictly inside both x >= 0 and the payoff rows.
    payoff_rows = h > 0
    c = 0.5 / float(np.max(g[payoff_rows].sum(axis=1)))
    centre = np.full(dim, c)
    # Translate z = x - centre: g z <= h - g centre =: s (> 0); polar points are rows g / s.
    slack = h - g @ centre
    polar = g / slack[:, None]
    try:
        hull = scipy.spatial.ConvexHull(polar)
    except scipy.spatial.QhullError as error:  # not met on normalised payoffs; kept specific
        detail = str(error).strip().splitlines()[0][:120]
        raise SolverLimit(
            f"Qhull could not enumerate the vertices of a best-response polytope ({detail}); "
            "support enumeration or Lemke-Howson may still answer"
        ) from error
    normals, offsets = hull.equations[:, :-1], hull.equations[:, -1]
    points = -normals / offsets[:, None] + centre
    return np.asarray(points, dtype=float)


def _direct_vertices(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Every vertex by solving each set of ``dim`` constraints as equalities (small cases)."""
    dim = g.shape[1]
    out: list[npt.NDArray[np.float64]] = []
    for subset in itertools.combinations(range(g.shape[0]), dim):
        rows = list(subset)
        sub = g[rows]
        if abs(np.linalg.det(sub)) < 1e-12:
            continue
        point: npt.NDArray[np.float64] = np.linalg.solve(sub, h[rows]).astype(float)
        if np.all(g @ point <= h + TIGHT * (1 + np.abs(h))):
            out.append(point)
    return np.array(out, dtype=float).reshape(len(out), dim)


def tight_constraints(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64], points: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Which constraints of ``g z <= h`` each point (a row) meets with equality, within a
    relative tolerance of ``TIGHT``."""
    scale = 1.0 + np.abs(g).sum(axis=1) * max(1.0, float(np.abs(points).max(initial=0.0)))
    slack = h[None, :] - points @ g.T
    return np.asarray(np.abs(slack) <= TIGHT * scale[None, :])


def vertex_points(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Every vertex of ``{z : g z <= h}`` (the origin included), one per row: by Qhull, or by
    trying every set of ``dim`` constraints when that is cheaper. A degenerate vertex may come
    more than once (Qhull reports it once per simplex of its polar facet)."""
    dim = g.shape[1]
    if dim == 1 or math.comb(g.shape[0], dim) <= DIRECT_LIMIT:
        return _direct_vertices(g, h)
    return _float_vertices_qhull(g, h)


def raw_vertices(
    g: npt.NDArray[np.float64], h: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Every vertex of ``{z : g z <= h}`` (the origin included) and its tight constraints.

    A degenerate vertex may come more than once (Qhull reports it once per simplex of its polar
    facet); :func:`vertices` removes the copies.
    """
    points = vertex_points(g, h)
    return points, tight_constraints(g, h, points)


def vertices(payoffs: Matrix, player: int) -> Vertices:
    """The vertices (other than 0) of player ``player``'s best-response polytope with labels.

    ``payoffs`` is the opponent's payoff matrix, positive: B for the row player's polytope P, A
    for the column player's Q; the solvers pass the normalised view
    (:func:`~trustmarket.analysis.games.payoff_matrix.solver_view`), so that the tolerance means
    the same in every game. Labels are read in floats with a relative tolerance of ``TIGHT``;
    exact callers re-check them with :func:`exact_vertex` (labels do not change under a positive
    affine map of the payoffs, so the view's labels are the original polytope's).
    """
    g, h = constraint_system(payoffs.astype(float), player)
    dim = g.shape[1]
    points, tight = raw_vertices(g, h)
    masks = label_masks(tight)
    # Qhull reports a degenerate vertex once per simplex of its polar facet: keep one copy.
    masks, first = np.unique(masks, return_index=True)
    points, tight = points[first], tight[first]
    payoff_rows = (h > 0)[None, :]
    keep = (tight & payoff_rows).any(axis=1)  # drop the origin (only non-negativity labels)
    degenerate = bool((tight[keep].sum(axis=1) > dim).any())
    return Vertices(
        points=points[keep], labels=masks[keep], tight=tight[keep], degenerate=degenerate
    )


def label_masks(tight: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
    """Each row of a boolean (point x label) matrix as a bitmask, bit k for label k."""
    packed = np.packbits(tight, axis=1, bitorder="little")
    padded = np.zeros((len(tight), 8), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    return np.asarray(padded.view("<u8").ravel(), dtype=np.uint64)


def exact_vertex(payoffs: Matrix, player: int, labels: int) -> tuple[list[Fraction], int] | None:
    """The vertex with (at least) these labels in rational arithmetic, and its exact labels.

    ``payoffs`` is the shifted exact matrix (dtype object). Returns None when the labels do not
    define a unique point of the polytope (a float label was spurious).
    """
    g, h = constraint_system(payoffs, player)
    rows = [r for r in range(g.shape[0]) if labels >> r & 1]
    solution = solve_exact([list(g[r]) for r in rows], [h[r] for r in rows])
    if solution is None:
        return None
    values = [
        sum((c * v for c, v in zip(g[r], solution, strict=True)), Fraction(0))
        for r in range(g.shape[0])
    ]
    if any(v > h[r] for r, v in enumerate(values)):
        return None
    mask = sum(1 << r for r, v in enumerate(values) if v == h[r])
    return solution, mask


def exact_vertices(payoffs: Matrix, player: int, labels: int) -> list[tuple[list[Fraction], int]]:
    """The exact vertices a float vertex with these labels stands for: the one vertex with all of
    them (:func:`exact_vertex`) when they define one; otherwise (float labels a rounding apart
    from exactly tight: vertices closer than the tolerance read as one degenerate vertex) every
    vertex defined by ``dim`` of them, each once. Exactly tight constraints are float-tight, so
    each exact vertex so close to the float one is among them."""
    whole = exact_vertex(payoffs, player, labels)
    if whole is not None:
        return [whole]
    dim = payoffs.shape[0] if player == 0 else payoffs.shape[1]
    bits = [r for r in range(labels.bit_length()) if labels >> r & 1]
    found: dict[int, list[Fraction]] = {}
    if len(bits) > dim:
        for subset in itertools.combinations(bits, dim):
            vertex = exact_vertex(payoffs, player, sum(1 << r for r in subset))
            if vertex is not None:
                found.setdefault(vertex[1], vertex[0])
    return [(point, mask) for mask, point in found.items()]


def exactly_degenerate(payoffs: Matrix, view: npt.NDArray[np.float64], player: int) -> bool:
    """Whether some vertex of the polytope has more labels than the dimension, decided in rational
    arithmetic (``payoffs`` shifted positive, dtype object; ``view`` the normalised float view of
    the same player's payoffs, :func:`~trustmarket.analysis.games.payoff_matrix.solver_view`).

    Every exactly tight constraint is also tight in floats (within ``TIGHT``), so the float
    vertices flagged as degenerate are the only candidates; each is re-solved exactly.
    """
    found = vertices(view, player)
    dim = payoffs.shape[0] if player == 0 else payoffs.shape[1]
    for mask, tight in zip(found.labels.tolist(), found.tight, strict=True):
        if int(tight.sum()) <= dim:
            continue
        for _, exact in exact_vertices(payoffs, player, int(mask)):
            if bin(exact).count("1") > dim:
                return True
    return False
