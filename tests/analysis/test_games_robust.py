"""Every valid game gets an answer from every float method: no NaN, no warning, no raw numpy,
scipy or Qhull exception; the documented errors are InvalidGame and SolverLimit.

Small games whose payoffs differ by many orders of magnitude used to break the float solvers
(NaN strategies, "unbounded ray", tolerances mistaking 1e-9 for 0); with each player's payoffs
normalised they answer as exact arithmetic does. Lemke-Howson checks the end point of its float
run and, when pivoting near ties went astray (or cycled), follows the path again exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.spatial

from trustmarket.analysis.games import (
    Game,
    lemke_howson_compiled,
    pivot_vertices,
    vertex_compiled,
)
from trustmarket.analysis.games.equilibrium import EquilibriumSet
from trustmarket.core.errors import SolverLimit

SMALL_GAMES: list[tuple[list[list[float]], list[list[float]]]] = [
    ([[1, 1e-9]], [[-1, 1]]),  # the report's game: (row 0, column 1)
    ([[1, 1e-12]], [[-1, 1]]),
    ([[1e-12, 1]], [[1, -1]]),
    ([[1], [1e-9]], [[-1], [1]]),
    ([[1]], [[1]]),
    ([[0]], [[0]]),
    ([[1, 1]], [[1, 1]]),  # constant payoffs: every profile is an equilibrium
    ([[5, 5], [5, 5]], [[5, 5], [5, 5]]),
    ([[1e-300, 0]], [[0, 1e-300]]),
    ([[5e-324, 0]], [[0, 5e-324]]),  # subnormal payoffs
    ([[1e300, 0]], [[0, -1e300]]),
    ([[1.7e308, -1.7e308]], [[-1.7e308, 1.7e308]]),  # the range overflows
    ([[1, 1 + 1e-15]], [[1, 1 + 2e-16]]),  # a range of one ulp
    ([[1, 2], [3, 4]], [[1e-9, 0], [0, 1e-9]]),
    ([[1, 0], [0, 1]], [[1e-13, 0], [0, 1e-13]]),  # coordination: three equilibria
    ([[1e6, -1e6], [-1e6, 1e6]], [[-1e-6, 1e-6], [1e-6, -1e-6]]),  # matching pennies
    ([[1e9 + 2, 1e9], [1e9, 1e9 + 1]], [[1e-9, 0], [0, 2e-9]]),  # battle of the sexes
]


def pairs(result: EquilibriumSet) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    return sorted(
        ((tuple(map(float, e.row)), tuple(map(float, e.col))) for e in result.equilibria),
        key=lambda rc: tuple(round(p, 6) for p in (*rc[0], *rc[1])),
    )


def pairs_of(e: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(map(float, e.row)), tuple(map(float, e.col))


def close(got: list[Any], want: list[Any]) -> bool:
    return len(got) == len(want) and all(
        np.allclose((*x, *y), (*u, *v), rtol=0, atol=1e-9)
        for (x, y), (u, v) in zip(got, want, strict=True)
    )


def finite(result: EquilibriumSet) -> bool:
    return all(
        np.isfinite([*e.row, *e.col, e.row_payoff, e.col_payoff]).all() for e in result.equilibria
    )


@pytest.mark.filterwarnings("error")  # a RuntimeWarning (0/0, overflow) fails the test
@pytest.mark.parametrize("numba", [True, False])
@pytest.mark.parametrize(("a", "b"), SMALL_GAMES)
def test_small_games_get_the_exact_answer_from_every_method(
    a: list[list[float]], b: list[list[float]], numba: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not numba:
        monkeypatch.setattr(vertex_compiled, "compiled_partner_equilibria", None)
        monkeypatch.setattr(pivot_vertices, "compiled_walk_vertices", None)
        monkeypatch.setattr(lemke_howson_compiled, "compiled_solve", None)
    exact = Game(a, b, exact=True)
    want = exact.vertex_enumeration()
    game = Game(a, b)
    vertex = game.vertex_enumeration()
    assert finite(vertex) and close(pairs(vertex), pairs(want))
    assert (vertex.degenerate, len(vertex.components)) == (want.degenerate, len(want.components))
    assert game.degenerate == exact.degenerate
    support = game.support_enumeration()
    assert finite(support) and close(pairs(support), pairs(exact.support_enumeration()))
    assert (support.degenerate, support.complete) == (exact.degenerate, not exact.degenerate)
    assert pairs(game.pure_equilibria()) == pairs(exact.pure_equilibria())
    for label in range(sum(game.shape)):
        one = game.lemke_howson(label)
        assert finite(one) and close(pairs(one), pairs(exact.lemke_howson(label)))
    for mixed in (False, True):
        reduced = game.eliminate_dominated(mixed=mixed)
        reference = exact.eliminate_dominated(mixed=mixed)
        assert (reduced.rows, reduced.cols) == (reference.rows, reference.cols)
    for e in want.equilibria:  # payoffs in the game's own units: the exact ones, to rounding
        (f,) = [f for f in vertex.equilibria if close([pairs_of(f)], [pairs_of(e)])]
        assert f.row_payoff == pytest.approx(float(e.row_payoff), rel=1e-9, abs=1e-300)
        assert f.col_payoff == pytest.approx(float(e.col_payoff), rel=1e-9, abs=1e-300)


def test_the_reported_game() -> None:
    # A = [[1, 1e-9]], B = [[-1, 1]]: vertex enumeration gave NaN strategies, and with 1e-12
    # Lemke-Howson stopped at an "unbounded ray"; the only equilibrium is (row 0, column 1).
    for tiny in (1e-9, 1e-12):
        game = Game([[1, tiny]], [[-1, 1]])
        for method in ("vertex", "support", "pure"):
            result = game.equilibria(method)
            assert [(e.row, e.col) for e in result.equilibria] == [((1.0,), (0.0, 1.0))]
            assert result.equilibria[0].row_payoff == tiny and not result.degenerate
        for label in range(3):
            (e,) = game.lemke_howson(label).equilibria
            assert (e.row, e.col, e.row_payoff) == ((1.0,), (0.0, 1.0), tiny)


# Near-degenerate games where the float Lemke-Howson run goes astray: integer payoffs, each
# 2**34 times a small integer plus a few units (ties to 1e-10 of the range, below the float tie
# tolerance; exact as floats).
ASTRAY = (  # the float run ends at a profile that is not an equilibrium
    [
        [3, 34359738368, 1, 34359738368, 3],
        [17179869184, 2, 34359738371, 17179869185, 34359738369],
        [17179869187, 17179869186, 17179869186, 34359738371, 17179869184],
    ],
    [
        [3, 17179869185, 34359738370, 1, 17179869187],
        [17179869186, 3, 17179869186, 17179869186, 17179869185],
        [0, 17179869184, 34359738370, 2, 2],
    ],
    2,
)
CYCLING = (  # the float run cycles until the pivot limit
    [
        [1, 34359738371, 34359738371, 17179869184],
        [34359738368, 3, 17179869185, 0],
        [1, 17179869186, 34359738371, 34359738369],
        [1, 34359738368, 17179869184, 34359738370],
    ],
    [
        [17179869187, 1, 17179869184, 3],
        [17179869186, 34359738368, 17179869185, 34359738368],
        [34359738371, 17179869186, 34359738370, 34359738371],
        [34359738371, 34359738369, 34359738368, 34359738369],
    ],
    0,
)


@pytest.mark.parametrize("numba", [True, False])
@pytest.mark.parametrize("case", [ASTRAY, CYCLING], ids=["astray", "cycling"])
def test_lemke_howson_follows_a_lost_float_path_exactly(
    case: tuple[list[list[int]], list[list[int]], int],
    numba: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b, label = case
    if numba and lemke_howson_compiled.compiled_solve is None:
        pytest.skip("numba is not installed")
    if not numba:
        monkeypatch.setattr(lemke_howson_compiled, "compiled_solve", None)
    game = Game(np.array(a, dtype=float), np.array(b, dtype=float))
    result = game.lemke_howson(label, max_pivots=2000)
    assert "exact arithmetic" in result.note
    (found,) = result.equilibria
    # The path of exact arithmetic on the payoffs themselves (the normalised integer payoffs are
    # an exact affine image of them), to the same equilibrium.
    exact = Game(a, b, exact=True)
    path = exact.lemke_howson(label, max_pivots=2000)
    assert result.pivots == path.pivots and close(pairs(result), pairs(path))
    assert exact.is_equilibrium(path.equilibria[0].row, path.equilibria[0].col)
    assert (found.row_payoff, found.col_payoff) == pytest.approx(game.payoffs(found.row, found.col))


def test_lemke_howson_pivot_limit_still_binds_the_exact_path() -> None:
    a, b, label = CYCLING
    game = Game(np.array(a, dtype=float), np.array(b, dtype=float))
    with pytest.raises(SolverLimit, match="after 1 pivots"):
        game.lemke_howson(label, max_pivots=1)


def test_a_qhull_failure_is_a_solver_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not met on normalised payoffs; should Qhull still fail, the error is a specific one.
    def failing(*args: object, **kwargs: object) -> None:
        raise scipy.spatial.QhullError("QH6154 Qhull precision error: initial simplex is flat")

    monkeypatch.setattr(pivot_vertices, "compiled_walk_vertices", None)
    monkeypatch.setattr(scipy.spatial, "ConvexHull", failing)
    rng = np.random.default_rng(1)
    game = Game(rng.random((6, 6)), rng.random((6, 6)))
    with pytest.raises(SolverLimit, match=r"Qhull could not enumerate .*\(QH6154"):
        game.vertex_enumeration()
