"""Games: degenerate games, dominance, best responses, n players, properties and bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.games import Game, NPlayerGame
from trustmarket.core.errors import InvalidGame, SolverLimit

F = Fraction


def test_prisoners_dilemma_has_one_pure_equilibrium() -> None:
    game = Game([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    (only,) = game.vertex_enumeration().equilibria
    assert (only.row, only.col) == ((0.0, 1.0), (0.0, 1.0))
    assert game.pure_equilibria().equilibria == game.vertex_enumeration().equilibria
    reduction = game.eliminate_dominated()
    assert (reduction.rows, reduction.cols) == ((1,), (1,))


def test_battle_of_the_sexes_exact() -> None:
    game = Game([[F(2), F(0)], [F(0), F(1)]], [[1, 0], [0, 2]])
    found = {(e.row, e.col) for e in game.support_enumeration().equilibria}
    assert found == {
        ((1, 0), (1, 0)),
        ((0, 1), (0, 1)),
        ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
    }
    mixed = next(e for e in game.vertex_enumeration().equilibria if 0 < e.row[0] < 1)
    assert (mixed.row_payoff, mixed.col_payoff) == (F(2, 3), F(2, 3))


def test_degenerate_game_reports_its_component() -> None:
    # Column 1 gives the row player 1 whatever he does: a continuum of equilibria.
    game = Game([[F(1), F(1)], [F(0), F(1)]], [[F(1), F(1)], [F(1), F(0)]])
    result = game.vertex_enumeration()
    assert result.degenerate and result.complete
    assert any(c.infinite for c in result.components)
    assert "infinitely many" in result.note
    for e in result.equilibria:
        assert game.is_equilibrium(e.row, e.col)
    for component in result.components:  # every mixture inside a component is an equilibrium
        x = tuple(sum(p) / len(component.rows) for p in zip(*component.rows, strict=True))
        y = tuple(sum(p) / len(component.cols) for p in zip(*component.cols, strict=True))
        assert game.is_equilibrium(x, y)
    support = game.support_enumeration()
    assert support.degenerate and not support.complete and "vertex enumeration" in support.note


def test_all_zero_game_is_one_big_component() -> None:
    game = Game([[0, 0], [0, 0]], [[0, 0], [0, 0]], exact=True)
    result = game.vertex_enumeration()
    assert len(result.equilibria) == 4
    assert len(result.components) == 1 and result.components[0].infinite


def test_nondegenerate_game_has_no_components() -> None:
    result = Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]).vertex_enumeration()
    assert not result.degenerate and result.components == ()
    assert result.equilibria[0].row == pytest.approx((0.5, 0.5))


def test_lemke_howson_on_degenerate_exact_game_terminates_with_an_equilibrium() -> None:
    game = Game([[F(1), F(1), F(0)], [F(1), F(1), F(0)]], [[F(0), F(0), F(1)], [F(1), F(1), F(0)]])
    for label in range(5):
        e = game.lemke_howson(label).equilibria[0]
        assert game.is_equilibrium(e.row, e.col)


def test_lemke_howson_pivot_limit_is_an_error_not_a_hang() -> None:
    rng = np.random.default_rng(5)
    game = Game(rng.random((30, 30)), rng.random((30, 30)))
    with pytest.raises(SolverLimit, match="after 1 pivots"):
        game.lemke_howson(0, max_pivots=1)
    assert game.lemke_howson(0).pivots is not None


def test_best_responses_and_payoffs() -> None:
    game = Game([[3, 0], [0, 3]], [[1, 2], [2, 1]])
    assert game.best_responses("row", [0.5, 0.5]) == (0, 1)
    assert game.best_responses("row", [1, 0]) == (0,)
    assert game.best_responses("col", [1, 0]) == (1,)
    assert game.payoffs([1, 0], [0.25, 0.75]) == (0.75, 1.75)


def test_mixed_dominance_removes_what_pure_dominance_cannot() -> None:
    game = Game([[3, 0], [0, 3], [1, 1]], [[0, 0], [0, 0], [0, 0]])
    assert game.eliminate_dominated().rows == (0, 1, 2)
    reduced = game.eliminate_dominated(mixed=True)
    assert reduced.rows == (0, 1)
    (step,) = reduced.steps
    assert step[0] == "row" and step[1] == 2


def test_n_player_pure_equilibria() -> None:
    # Three-player coordination: everyone gets 1 when all match.
    match = np.zeros((2, 2, 2))
    match[0, 0, 0] = match[1, 1, 1] = 1
    assert NPlayerGame([match, match, match]).pure_equilibria() == [(0, 0, 0), (1, 1, 1)]
    bimatrix = Game([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    two = NPlayerGame([bimatrix.A, bimatrix.B])
    assert two.pure_equilibria() == [(1, 1)]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
)
def test_every_equilibrium_admits_no_profitable_deviation(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(-4, 5, size=(m, n)).tolist(), rng.integers(-4, 5, size=(m, n)).tolist()
    exact = Game(a, b, exact=True)
    result = exact.vertex_enumeration()
    assert result.equilibria, "every finite game has an equilibrium"
    for e in result.equilibria:
        assert exact.is_equilibrium(e.row, e.col)
        assert sum(e.row) == 1 and sum(e.col) == 1
    vertex = {(e.row, e.col) for e in result.equilibria}
    assert {(e.row, e.col) for e in exact.pure_equilibria().equilibria} <= vertex
    for label in range(m + n):
        found = exact.lemke_howson(label).equilibria[0]
        assert (found.row, found.col) in vertex
    floats = Game(a, b)
    for e in floats.vertex_enumeration().equilibria:
        assert floats.is_equilibrium(e.row, e.col)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([[1, 2], [3]], [[1, 2], [3, 4]], "not rectangular"),
        ([[1, 2]], [[1, 2], [3, 4]], "same shape"),
        ([[1, math.nan]], [[1, 2]], "finite"),
        ([[1, math.inf]], [[1, 2]], "finite"),
        ([[1, "x"]], [[1, 2]], "real number"),
        ([[True, 1]], [[1, 2]], "real number"),
        ([], [], "at least one row"),
        ("12", [[1]], "list of rows"),
        (np.zeros((2, 2, 2)), [[1]], "2-dimensional"),
    ],
)
def test_bad_payoffs_are_refused(a: object, b: object, message: str) -> None:
    with pytest.raises(InvalidGame, match=message):
        Game(a, b)


def test_bad_strategies_labels_and_methods_are_refused() -> None:
    game = Game([[1, 2], [3, 4]], [[1, 2], [3, 4]])
    with pytest.raises(InvalidGame, match="must have 2 probabilities"):
        game.payoffs([1], [0.5, 0.5])
    with pytest.raises(InvalidGame, match="negative"):
        game.payoffs([1.5, -0.5], [0.5, 0.5])
    with pytest.raises(InvalidGame, match="sum to 1"):
        game.payoffs([0.5, 0.4], [0.5, 0.5])
    with pytest.raises(InvalidGame, match="player must be"):
        game.best_responses("third", [0.5, 0.5])  # type: ignore[arg-type]
    with pytest.raises(InvalidGame, match=r"initial_label must be in 0\.\.3"):
        game.lemke_howson(4)
    with pytest.raises(InvalidGame, match="max_pivots"):
        game.lemke_howson(0, max_pivots=0)
    with pytest.raises(InvalidGame, match="unknown method"):
        game.equilibria("magic")
    with pytest.raises(InvalidGame, match="exact must be"):
        Game([[1]], [[1]], exact="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidGame, match="same shape"):
        NPlayerGame([np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(InvalidGame, match="NaN"):
        NPlayerGame([np.full((2, 2), np.nan), np.zeros((2, 2))])
