"""``Game``: a two-player game in normal form (a bimatrix game), and ``NPlayerGame``.

One object per game; each method is a thin door to a pure function in its own module
(``support_enumeration``, ``vertex_enumeration``, ``lemke_howson``, ``pure``, ``dominance``).
Payoffs are floats, or exact ``fractions.Fraction`` when any entry is a Fraction or ``exact=True``
is passed; exact games give exact equilibria.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Literal

import numpy as np

from trustmarket.analysis.games.dominance import Reduction, eliminate_dominated
from trustmarket.analysis.games.equilibrium import EquilibriumSet
from trustmarket.analysis.games.lemke_howson import DEFAULT_MAX_PIVOTS, lemke_howson
from trustmarket.analysis.games.payoff_matrix import (
    Matrix,
    Number,
    as_number,
    is_exact_input,
    payoff_matrix,
    probability_vector,
    solver_view,
)
from trustmarket.analysis.games.polytope import exactly_degenerate, shifted_positive, vertices
from trustmarket.analysis.games.pure import pure_profiles
from trustmarket.analysis.games.support_enumeration import support_enumeration
from trustmarket.analysis.games.vertex_enumeration import equilibrium, vertex_enumeration
from trustmarket.core.errors import InvalidGame

Method = Literal["vertex", "support", "lemke-howson", "pure"]
METHODS: tuple[str, ...] = ("vertex", "support", "lemke-howson", "pure")
Player = Literal["row", "col"]


class Game:
    """An m x n bimatrix game: the row player gets ``A[i][j]`` and the column player ``B[i][j]``
    when row i meets column j.

    >>> Game([[3, 0], [5, 1]], [[3, 5], [0, 1]]).pure_equilibria().equilibria[0].row
    (0.0, 1.0)
    """

    def __init__(self, A: object, B: object, *, exact: bool | None = None) -> None:  # noqa: N803
        if exact is not None and not isinstance(exact, bool):
            raise InvalidGame(f"exact must be True, False or None, got {exact!r}")
        self.exact = is_exact_input(A, B) if exact is None else exact
        a = payoff_matrix(A, "A", exact=self.exact)
        b = payoff_matrix(B, "B", exact=self.exact)
        if a.shape != b.shape:
            raise InvalidGame(
                f"A is {a.shape[0]}x{a.shape[1]} but B is {b.shape[0]}x{b.shape[1]}; both payoff "
                "matrices must have the same shape (rows: row player's strategies, columns: the "
                "column player's)"
            )
        self.A: Matrix = a
        self.B: Matrix = b

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.A.shape[0]), int(self.A.shape[1]))

    def __repr__(self) -> str:
        kind = "exact" if self.exact else "float"
        return f"Game({self.shape[0]}x{self.shape[1]}, {kind})"

    # -- strategies and payoffs ------------------------------------------------------------
    def _strategy(self, value: object, player: Player) -> Matrix:
        size = self.shape[0] if player == "row" else self.shape[1]
        return probability_vector(value, size, f"{player} strategy", exact=self.exact)

    def payoffs(self, row: Sequence[object], col: Sequence[object]) -> tuple[Number, Number]:
        """Expected payoffs ``(x^T A y, x^T B y)`` of the mixed strategies x (row) and y (col)."""
        x, y = self._strategy(row, "row"), self._strategy(col, "col")
        return as_number(x @ self.A @ y, self.exact), as_number(x @ self.B @ y, self.exact)

    def best_responses(self, player: Player, opponent: Sequence[object]) -> tuple[int, ...]:
        """The pure strategies of ``player`` ("row" or "col") that maximise her expected payoff
        against the opponent's mixed strategy (floats: within about 1e-12 of her payoff range of
        the best, whatever the scale or offset of her payoffs)."""
        a, b = (self.A, self.B) if self.exact else self._views
        if player == "row":
            values = a @ self._strategy(opponent, "col")
        elif player == "col":
            values = self._strategy(opponent, "row") @ b
        else:
            raise InvalidGame(f"player must be 'row' or 'col', got {player!r}")
        best = max(values)
        tol = 0 if self.exact else 1e-12 * max(1.0, abs(float(best)))
        return tuple(k for k, v in enumerate(values) if v >= best - tol)

    @cached_property
    def _views(self) -> tuple[Matrix, Matrix]:
        """Both players' payoffs normalised (:func:`solver_view`), as the float solvers see them."""
        return solver_view(self.A), solver_view(self.B)

    def is_equilibrium(
        self, row: Sequence[object], col: Sequence[object], tol: float = 1e-9
    ) -> bool:
        """True when neither player gains more than ``tol`` (exact games: anything) by deviating."""
        x, y = self._strategy(row, "row"), self._strategy(col, "col")
        row_values, col_values = self.A @ y, x @ self.B
        slack = (max(row_values) - x @ row_values, max(col_values) - col_values @ y)
        if self.exact:
            return all(s == 0 for s in slack)
        return all(float(s) <= tol for s in slack)

    # -- equilibria -------------------------------------------------------------------------
    @cached_property
    def degenerate(self) -> bool:
        """Whether some mixed strategy with k strategies in its support has more than k pure best
        responses (read off the vertices of the best-response polytopes)."""
        a_view, b_view = self._views
        if self.exact:
            b_pos, a_pos = shifted_positive(self.B), shifted_positive(self.A)
            return exactly_degenerate(b_pos, b_view, 0) or exactly_degenerate(a_pos, a_view, 1)
        return vertices(b_view, 0).degenerate or vertices(a_view, 1).degenerate

    def pure_equilibria(self) -> EquilibriumSet:
        """Every equilibrium in pure strategies."""
        m, n = self.shape
        found = []
        for i, j in pure_profiles([self.A, self.B]):
            row = tuple(as_number(1 if k == i else 0, self.exact) for k in range(m))
            col = tuple(as_number(1 if k == j else 0, self.exact) for k in range(n))
            found.append(equilibrium(self.A, self.B, row, col, self.exact))
        return EquilibriumSet(
            equilibria=tuple(found),
            degenerate=False,
            complete=False,
            method="pure",
            exact=self.exact,
            note="pure equilibria only; mixed ones are not searched",
        )

    def support_enumeration(self) -> EquilibriumSet:
        """All equilibria by support enumeration (complete for nondegenerate games)."""
        degenerate = self.degenerate
        return support_enumeration(self.A, self.B, degenerate=degenerate)

    def vertex_enumeration(self) -> EquilibriumSet:
        """Every extreme equilibrium by vertex enumeration, with the equilibrium components of a
        degenerate game."""
        return _cached_vertex(self)

    def lemke_howson(
        self, initial_label: int = 0, max_pivots: int = DEFAULT_MAX_PIVOTS
    ) -> EquilibriumSet:
        """One equilibrium by Lemke-Howson from ``initial_label`` (0..m+n-1)."""
        return lemke_howson(self.A, self.B, initial_label, max_pivots)

    def equilibria(self, method: str = "vertex", **options: Any) -> EquilibriumSet:
        """Equilibria by the named method: "vertex" (default), "support", "lemke-howson" or
        "pure"."""
        if method == "vertex":
            return self.vertex_enumeration()
        if method == "support":
            return self.support_enumeration()
        if method == "lemke-howson":
            return self.lemke_howson(**options)
        if method == "pure":
            return self.pure_equilibria()
        raise InvalidGame(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")

    def eliminate_dominated(self, *, mixed: bool = False) -> Reduction:
        """Iterated elimination of strictly dominated strategies; ``mixed`` also removes strategies
        dominated by a mixture of the others."""
        return eliminate_dominated(self.A, self.B, mixed=mixed)


def _cached_vertex(game: Game) -> EquilibriumSet:
    cached: EquilibriumSet | None = game.__dict__.get("_vertex")
    if cached is None:
        cached = vertex_enumeration(game.A, game.B)
        game.__dict__["_vertex"] = cached
    return cached


class NPlayerGame:
    """A normal-form game of n players: ``payoffs[p]`` is player p's payoff array with one axis
    per player (player q's strategies along axis q)."""

    def __init__(self, payoffs: Sequence[object]) -> None:
        if isinstance(payoffs, str | bytes) or not isinstance(payoffs, Sequence) or not payoffs:
            raise InvalidGame("payoffs must be a non-empty list with one payoff array per player")
        arrays: list[np.ndarray[Any, Any]] = []
        for p, value in enumerate(payoffs):
            try:
                array = np.array(value, dtype=float)
            except (TypeError, ValueError):
                raise InvalidGame(
                    f"player {p}'s payoffs are not a rectangular array of numbers"
                ) from None
            if not np.isfinite(array).all():
                raise InvalidGame(f"player {p}'s payoffs contain NaN or infinity")
            arrays.append(array)
        players = len(arrays)
        shape = arrays[0].shape
        for p, array in enumerate(arrays):
            if array.ndim != players or array.shape != shape:
                raise InvalidGame(
                    f"player {p}'s payoff array has shape {array.shape}; with {players} players "
                    f"every array needs {players} axes and the same shape as player 0's {shape}"
                )
        if 0 in shape:
            raise InvalidGame("every player needs at least one strategy")
        self.payoffs = arrays

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.payoffs[0].shape)

    def pure_equilibria(self) -> list[tuple[int, ...]]:
        """Every pure equilibrium profile (one strategy index per player)."""
        return pure_profiles(self.payoffs)
