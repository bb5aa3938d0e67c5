"""One equilibrium of a bimatrix game by the Lemke-Howson algorithm.

Lemke and Howson (1964), "Equilibrium points of bimatrix games"; the tableau form follows von
Stengel (2007), Algorithm 3.6 (section 3.4). With payoffs shifted positive, two tableaux hold

    B^T x + r = 1   (basis r at the start; x_i carries label i, r_j label m + j)
    A y + s = 1     (basis s at the start; s_i carries label i, y_j label m + j).

Dropping label k lets the variable with label k enter; every pivot's leaving variable names the
duplicate label, whose partner enters the other tableau next; the path ends when a variable with
label k leaves. Ties in the ratio test are broken lexicographically (on the columns of the initial
slack basis), which keeps degenerate games from cycling, so the path always ends. A pivot limit
turns a would-be endless run into :class:`SolverLimit`. Fractions pivot exactly. Floats use a
tolerance, on each player's payoffs normalised
(:func:`~trustmarket.analysis.games.payoff_matrix.solver_view`) so that it means the same in every
game; the loop runs compiled when numba is installed
(:mod:`~trustmarket.analysis.games.lemke_howson_compiled`), with the same pivots. A float run is
checked at its end: near ties (payoffs closer than the tolerance) can lead floats astray, or
into a cycle the lexicographic rule only rules out in exact arithmetic, and when the end point
is not an equilibrium (within :data:`SETTLED`), or the run met the pivot limit or an unbounded
ray, the path is followed again in rational arithmetic on the normalised payoffs.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from trustmarket.analysis.games import lemke_howson_compiled
from trustmarket.analysis.games.equilibrium import Equilibrium, EquilibriumSet
from trustmarket.analysis.games.payoff_matrix import Matrix, Number, solver_view
from trustmarket.analysis.games.polytope import shifted_positive
from trustmarket.analysis.games.vertex_enumeration import equilibrium
from trustmarket.core.errors import InvalidGame, SolverLimit

DEFAULT_MAX_PIVOTS = 100_000
_EPS = 1e-12
#: Ratios within this relative distance of the minimum count as tied.
_TIE = 1e-9


class _Tableau:
    """One tableau ``[coefficients | rhs]`` over all m + n labelled variables, with its basis."""

    def __init__(self, matrix: npt.NDArray[Any], basis: list[int], slack_columns: range) -> None:
        self.matrix = matrix
        self.basis = basis
        self.slack_columns = slack_columns
        self.exact = matrix.dtype == object

    def leaving_row(self, column: int) -> int:
        """The lexicographic minimum-ratio row for the entering ``column``."""
        col = self.matrix[:, column]
        if not self.exact:  # the common case in one vectorised step
            positive = col > _EPS
            ratios = np.full(len(col), np.inf)
            np.divide(self.matrix[:, -1], col, out=ratios, where=positive)
            best = ratios.min()
            tied = np.flatnonzero(ratios <= best + _TIE * max(1.0, abs(float(best))))
            if len(tied) == 1:
                return int(tied[0])
        rows = [r for r in range(len(col)) if (col[r] > 0 if self.exact else col[r] > _EPS)]
        if not rows:  # cannot happen on a bounded polytope
            raise ArithmeticError("Lemke-Howson: unbounded ray; report this game")
        keys = [-1, *self.slack_columns]  # the rhs first, then the initial basis columns
        for key in keys:
            values = [self.matrix[r, key] / col[r] for r in rows]
            best = min(values)
            if self.exact:
                rows = [r for r, v in zip(rows, values, strict=True) if v == best]
            else:
                tol = _TIE * max(1.0, abs(float(best)))
                rows = [r for r, v in zip(rows, values, strict=True) if v <= best + tol]
            if len(rows) == 1:
                return rows[0]
        return rows[0]

    def pivot(self, row: int, column: int) -> int:
        """Bring ``column`` into the basis at ``row``; return the label that left."""
        t = self.matrix
        t[row] = t[row] / t[row, column]
        factors = t[:, column].copy()
        factors[row] = 0
        if self.exact:
            t -= np.outer(factors, t[row])
        else:
            t -= factors[:, None] * t[row][None, :]
        left = self.basis[row]
        self.basis[row] = column
        return left

    def values(self, labels: range) -> list[Any]:
        zero: Any = Fraction(0) if self.exact else 0.0
        out = [zero] * len(labels)
        for row, var in enumerate(self.basis):
            if var in labels:
                out[var - labels.start] = self.matrix[row, -1]
        return out


def lemke_howson(
    a: Matrix, b: Matrix, initial_label: int = 0, max_pivots: int = DEFAULT_MAX_PIVOTS
) -> EquilibriumSet:
    """One equilibrium, reached from the artificial equilibrium by dropping ``initial_label``.

    Labels 0..m-1 are the row player's strategies, m..m+n-1 the column player's. Raises
    :class:`InvalidGame` for a label out of range and :class:`SolverLimit` after ``max_pivots``.
    """
    m, n = a.shape
    if isinstance(initial_label, bool) or not isinstance(initial_label, int):
        raise InvalidGame(f"initial_label must be an int in 0..{m + n - 1}, got {initial_label!r}")
    if not 0 <= initial_label < m + n:
        raise InvalidGame(
            f"initial_label must be in 0..{m + n - 1} (rows 0..{m - 1}, columns {m}..{m + n - 1}), "
            f"got {initial_label}"
        )
    if isinstance(max_pivots, bool) or not isinstance(max_pivots, int) or max_pivots < 1:
        raise InvalidGame(f"max_pivots must be a positive int, got {max_pivots!r}")
    exact = a.dtype == object
    note = f"one equilibrium, reached by dropping label {initial_label}"
    if exact:
        a_pos, b_pos = shifted_positive(a), shifted_positive(b)
        row_mix, col_mix, pivots = _with_numpy(a_pos, b_pos, initial_label, max_pivots, True)
        found = equilibrium(a, b, row_mix, col_mix, True)
    else:
        # Floats pivot on each player's normalised payoffs (the same equilibria, tolerances that
        # mean the same in every game); payoffs come from the original matrices.
        in_floats = _in_floats(a, b, initial_label, max_pivots)
        if in_floats is None:
            a_view, b_view = solver_view(a), solver_view(b)
            row_mix, col_mix, pivots = _exactly_on(a_view, b_view, initial_label, max_pivots)
            found = equilibrium(a, b, row_mix, col_mix, False)
            note += (
                "; the float pivots lost their way (payoffs this close to ties are degenerate "
                "at float precision), so the path was followed in exact arithmetic on the "
                "normalised payoffs"
            )
        else:
            found, pivots = in_floats
    return EquilibriumSet(
        equilibria=(found,),
        degenerate=False,
        complete=False,
        method="lemke-howson",
        exact=exact,
        note=note,
        pivots=pivots,
    )


#: A float run whose end point leaves a player more than this to gain (on the normalised
#: payoffs, whose range is between 1/2 and 1) is not trusted: the path is followed again exactly.
SETTLED = 1e-8


def _in_floats(
    a: Matrix, b: Matrix, initial_label: int, max_pivots: int
) -> tuple[Equilibrium, int] | None:
    """The float run (compiled when numba is installed), or None when it cannot be trusted: it
    met an unbounded ray or ran into ``max_pivots`` (the lexicographic rule keeps exact
    arithmetic from cycling, not floats that see near-ties as ties), or its end point is not an
    equilibrium within :data:`SETTLED`."""
    try:
        if lemke_howson_compiled.compiled_solve is not None:
            found, pivots, regret = _compiled(a, b, initial_label, max_pivots)
        else:
            a_view, b_view = solver_view(a), solver_view(b)
            row_mix, col_mix, pivots = _with_numpy(a_view, b_view, initial_label, max_pivots, False)
            x, y = np.array(row_mix), np.array(col_mix)
            row_values, col_values = a_view @ y, x @ b_view
            regret = max(row_values.max() - x @ row_values, col_values.max() - col_values @ y)
            found = equilibrium(a, b, row_mix, col_mix, False)
    except (ArithmeticError, SolverLimit):
        return None
    return (found, pivots) if regret <= SETTLED else None


def _exactly_on(
    a_view: npt.NDArray[np.float64],
    b_view: npt.NDArray[np.float64],
    initial_label: int,
    max_pivots: int,
) -> tuple[tuple[float, ...], tuple[float, ...], int]:
    """Lemke-Howson in rational arithmetic on the normalised payoffs, as floats. Their entries
    lie in [1, 2), so times 2**52 they are integers: the exact game is an integer one."""
    a_int, b_int = (_as_integers(view) for view in (a_view, b_view))
    row_mix, col_mix, pivots = _with_numpy(a_int, b_int, initial_label, max_pivots, True)
    return tuple(float(p) for p in row_mix), tuple(float(p) for p in col_mix), pivots


def _as_integers(view: npt.NDArray[np.float64]) -> Matrix:
    out = np.empty(view.shape, dtype=object)
    for (i, j), value in np.ndenumerate(view):
        out[i, j] = Fraction(int(math.ldexp(value, 52)))
    return out


Solved = tuple[tuple[Number, ...], tuple[Number, ...], int]


def _limit_reached(max_pivots: int) -> SolverLimit:
    return SolverLimit(
        f"Lemke-Howson stopped after {max_pivots} pivots without reaching an equilibrium; "
        "raise max_pivots or use vertex enumeration"
    )


def _compiled(
    a: Matrix, b: Matrix, initial_label: int, max_pivots: int
) -> tuple[Equilibrium, int, float]:
    """The float path: normalised payoffs (the same bits as :func:`solver_view`), tableaux,
    pivots, strategies, payoffs and the end point's regret all in the compiled code (compact
    tableaux, the same pivots as :func:`_with_numpy`)."""
    solve = lemke_howson_compiled.compiled_solve
    assert solve is not None
    x, y, row_payoff, col_payoff, regret, pivots = solve(
        a, b, initial_label, max_pivots, _EPS, _TIE
    )
    if pivots == lemke_howson_compiled.UNBOUNDED:
        raise ArithmeticError("Lemke-Howson: unbounded ray; report this game")
    if pivots == lemke_howson_compiled.PIVOT_LIMIT:
        raise _limit_reached(max_pivots)
    found = Equilibrium(
        row=tuple(x.tolist()), col=tuple(y.tolist()), row_payoff=row_payoff, col_payoff=col_payoff
    )
    return found, int(pivots), float(regret)


def _with_numpy(
    a_pos: Matrix, b_pos: Matrix, initial_label: int, max_pivots: int, exact: bool
) -> Solved:
    """The path for exact games (and floats without numba): tableaux of Fractions or floats."""
    m, n = a_pos.shape
    dtype: Any = object if exact else float
    one: Any = Fraction(1) if exact else 1.0
    zero: Any = Fraction(0) if exact else 0.0
    identity_n = np.full((n, n), zero, dtype=dtype)
    np.fill_diagonal(identity_n, one)
    identity_m = np.full((m, m), zero, dtype=dtype)
    np.fill_diagonal(identity_m, one)
    ones_n = np.full((n, 1), one, dtype=dtype)
    ones_m = np.full((m, 1), one, dtype=dtype)
    # Columns are labels: x_i / s_i in 0..m-1, r_j / y_j in m..m+n-1; the last column is the rhs.
    tab_x = _Tableau(
        np.hstack([b_pos.T, identity_n, ones_n]), list(range(m, m + n)), range(m, m + n)
    )
    tab_y = _Tableau(np.hstack([identity_m, a_pos, ones_m]), list(range(m)), range(m))
    pivots = _numpy_loop(tab_x, tab_y, initial_label, m, max_pivots)
    if pivots > max_pivots:
        raise _limit_reached(max_pivots)
    x = tab_x.values(range(m))
    y = tab_y.values(range(m, m + n))
    return _normalised(x, exact), _normalised(y, exact), pivots


def _numpy_loop(tab_x: _Tableau, tab_y: _Tableau, initial_label: int, m: int, limit: int) -> int:
    """The pivoting loop on numpy rows (exact games, or floats without numba); returns the
    pivot count, or ``limit + 1`` when ``limit`` pivots did not reach an equilibrium."""
    entering = initial_label
    tableau = tab_x if entering < m else tab_y
    pivots = 0
    while pivots < limit:
        row = tableau.leaving_row(entering)
        left = tableau.pivot(row, entering)
        pivots += 1
        if left == initial_label:
            return pivots
        entering = left
        tableau = tab_y if tableau is tab_x else tab_x
    return limit + 1


def _normalised(values: list[Any], exact: bool) -> tuple[Number, ...]:
    if exact:
        total = sum(values, Fraction(0))
        return tuple(Fraction(v) / total for v in values)
    arr = np.maximum(np.array(values, dtype=float), 0.0)
    return tuple(float(v) for v in arr / arr.sum())
