"""Our equilibria equal pygambit's exact enumeration and quantecon's on random games."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pygambit as gbt
import pytest
import quantecon.game_theory as qe

from trustmarket.analysis.games import Game

SIZES = [(2, 2), (2, 3), (3, 3), (3, 5), (4, 4), (5, 5), (6, 4), (6, 6), (7, 7), (8, 8)]


def gambit_equilibria(a: np.ndarray, b: np.ndarray) -> set[tuple[tuple[Fraction, ...], ...]]:
    game = gbt.Game.from_arrays(
        [[Fraction(int(v)) for v in row] for row in a],
        [[Fraction(int(v)) for v in row] for row in b],
    )
    result = gbt.nash.enummixed_solve(game, rational=True)
    return {
        tuple(tuple(Fraction(str(eq[s])) for s in player.strategies) for player in game.players)
        for eq in result.equilibria
    }


def rounded(pairs: object, digits: int = 9) -> set[tuple[tuple[float, ...], ...]]:
    return {
        (
            tuple(round(float(p), digits) + 0.0 for p in row),
            tuple(round(float(p), digits) + 0.0 for p in col),
        )
        for row, col in pairs  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(("m", "n"), SIZES)
def test_exact_vertex_enumeration_matches_gambit_on_integer_games(m: int, n: int) -> None:
    # Small integer payoffs make ties and degenerate games common: the hard case.
    rng = np.random.default_rng(1000 * m + n)
    for _ in range(3):
        a = rng.integers(-3, 4, size=(m, n))
        b = rng.integers(-3, 4, size=(m, n))
        game = Game(a.tolist(), b.tolist(), exact=True)
        ours = {(e.row, e.col) for e in game.vertex_enumeration().equilibria}
        assert ours == gambit_equilibria(a, b), (a.tolist(), b.tolist())


@pytest.mark.parametrize(("m", "n"), SIZES)
def test_float_methods_match_quantecon_on_random_games(m: int, n: int) -> None:
    rng = np.random.default_rng(7 * m + n)
    for _ in range(3):
        a, b = rng.random((m, n)), rng.random((m, n))
        expected = rounded(qe.vertex_enumeration(qe.NormalFormGame((qe.Player(a), qe.Player(b.T)))))
        game = Game(a, b)
        assert not game.degenerate
        assert rounded((e.row, e.col) for e in game.vertex_enumeration().equilibria) == expected
        assert rounded((e.row, e.col) for e in game.support_enumeration().equilibria) == expected
        for label in range(m + n):
            found = game.lemke_howson(label).equilibria[0]
            assert rounded([(found.row, found.col)]) <= expected


@pytest.mark.parametrize(("m", "n"), [(2, 2), (3, 3), (4, 5), (6, 6)])
def test_exact_methods_agree_on_rational_games(m: int, n: int) -> None:
    rng = np.random.default_rng(31 * m + n)
    a = [[Fraction(int(v), 7) for v in row] for row in rng.integers(-50, 50, size=(m, n))]
    b = [[Fraction(int(v), 3) for v in row] for row in rng.integers(-50, 50, size=(m, n))]
    game = Game(a, b)
    assert game.exact
    vertex = {(e.row, e.col) for e in game.vertex_enumeration().equilibria}
    assert vertex == gambit_equilibria(
        np.array([[int(v * 7) for v in row] for row in a]) * 3,
        np.array([[int(v * 3) for v in row] for row in b]) * 7,
    )
    if not game.degenerate:
        assert {(e.row, e.col) for e in game.support_enumeration().equilibria} == vertex
    for label in range(m + n):
        found = game.lemke_howson(label).equilibria[0]
        assert (found.row, found.col) in vertex
        assert all(isinstance(p, Fraction) for p in found.row + found.col)
