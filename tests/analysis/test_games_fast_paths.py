"""The fast paths give the same answers as the general ones.

- Float vertex enumeration enumerates one polytope and solves for the partners; when that does
  not apply it enumerates both. Both must give the same equilibria, and the same as gambit.
- Float Lemke-Howson runs a compiled loop when numba is installed; the numpy loop must take the
  same pivots to the same equilibrium.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from test_games_crosscheck import SIZES, gambit_equilibria, rounded

from trustmarket.analysis.games import Game, lemke_howson_compiled
from trustmarket.analysis.games import vertex_enumeration as vertex_module
from trustmarket.analysis.games.equilibrium import EquilibriumSet
from trustmarket.analysis.games.polytope import shifted_positive
from trustmarket.analysis.games.vertex_enumeration import vertex_enumeration


def both_polytopes(game: Game, monkeypatch: pytest.MonkeyPatch) -> EquilibriumSet:
    with monkeypatch.context() as patch:
        patch.setattr(vertex_module, "_partners_by_solving", lambda a, b: None)
        return vertex_enumeration(game.A, game.B)


def shortcut(game: Game) -> object:
    return vertex_module._partners_by_solving(shifted_positive(game.A), shifted_positive(game.B))


def as_set(result: EquilibriumSet) -> set[tuple[tuple[float, ...], ...]]:
    return rounded((e.row, e.col) for e in result.equilibria)


@pytest.mark.parametrize(("m", "n"), [*SIZES, (3, 9), (9, 3), (12, 12)])
def test_one_polytope_shortcut_equals_both_polytopes(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(97 * m + n)
    for _ in range(3 if m * n < 100 else 1):
        game = Game(rng.random((m, n)), rng.random((m, n)))
        assert shortcut(game) is not None  # taken
        fast, general = game.vertex_enumeration(), both_polytopes(game, monkeypatch)
        assert as_set(fast) == as_set(general)
        assert len(fast) == len(general)  # no equilibrium reported twice
        assert not fast.degenerate and not general.degenerate and fast.complete
        for e in fast.equilibria:
            assert game.is_equilibrium(e.row, e.col)
            assert (e.row_payoff, e.col_payoff) == pytest.approx(game.payoffs(e.row, e.col))


@pytest.mark.parametrize(("m", "n"), SIZES)
def test_float_vertex_enumeration_matches_gambit_on_integer_games(m: int, n: int) -> None:
    # Integer payoffs: ties and degeneracy are common, so the shortcut often gives up.
    rng = np.random.default_rng(500 * m + n)
    for _ in range(4):
        a = rng.integers(-3, 4, size=(m, n))
        b = rng.integers(-3, 4, size=(m, n))
        result = Game(a.astype(float), b.astype(float)).vertex_enumeration()
        assert as_set(result) == rounded(gambit_equilibria(a, b)), (a.tolist(), b.tolist())


def test_degenerate_only_away_from_equilibrium_has_a_finite_answer() -> None:
    # Row 1 is strictly dominated, and against it both columns are best responses: the game is
    # degenerate, but not at its only equilibrium.
    for exact in (False, True):
        game = Game([[3, 3], [1, 2]], [[2, 1], [0, 0]], exact=exact)
        result = game.vertex_enumeration()
        assert game.degenerate
        assert not result.degenerate and result.components == () and result.note == ""
        assert [(e.row, e.col) for e in result.equilibria] == [((1, 0), (1, 0))]


def test_degeneracy_of_the_solved_for_polytope_away_from_equilibrium() -> None:
    # The transpose of the game above: now the column player's polytope (the one solved for,
    # not enumerated) is the degenerate one.
    game = Game([[2, 0], [1, 0]], [[3, 1], [3, 2]])
    assert shortcut(game) is not None
    result = game.vertex_enumeration()
    assert game.degenerate and not result.degenerate
    assert [(e.row, e.col) for e in result.equilibria] == [((1.0, 0.0), (1.0, 0.0))]


def test_degenerate_at_an_equilibrium_falls_back_and_reports_components() -> None:
    # Column 1 gives the row player 1 whatever he does: a continuum of equilibria.
    game = Game([[1.0, 1.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]])
    assert shortcut(game) is None
    result = game.vertex_enumeration()
    assert result.degenerate and any(c.infinite for c in result.components)
    exact = Game(game.A.tolist(), game.B.tolist(), exact=True).vertex_enumeration()
    assert as_set(result) == as_set(exact)


@pytest.mark.skipif(lemke_howson_compiled.compiled_solve is None, reason="numba is not installed")
@pytest.mark.parametrize(("m", "n"), [(2, 2), (3, 5), (6, 6), (10, 7), (20, 20)])
def test_compiled_lemke_howson_takes_the_numpy_path(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(13 * m + n)
    games = [Game(rng.random((m, n)), rng.random((m, n))) for _ in range(3)]
    # integer payoffs: degenerate games, where the lexicographic rule decides
    games += [Game(rng.integers(0, 3, size=(m, n)), rng.integers(0, 3, size=(m, n)))]
    for game in games:
        for label in range(m + n):
            fast = game.lemke_howson(label)
            with monkeypatch.context() as patch:
                patch.setattr(lemke_howson_compiled, "compiled_solve", None)
                slow = game.lemke_howson(label)
            assert fast.pivots == slow.pivots
            (a,), (b,) = fast.equilibria, slow.equilibria
            assert a.row == pytest.approx(b.row, abs=1e-12)
            assert a.col == pytest.approx(b.col, abs=1e-12)
            assert game.is_equilibrium(a.row, a.col)


def test_compiled_lemke_howson_pivot_limit() -> None:
    rng = np.random.default_rng(4)
    game = Game(rng.random((30, 30)), rng.random((30, 30)))
    pivots = game.lemke_howson(0).pivots
    assert pivots is not None and pivots > 2
    with pytest.raises(Exception, match=f"after {pivots - 1} pivots"):
        game.lemke_howson(0, max_pivots=pivots - 1)
    assert game.lemke_howson(0, max_pivots=pivots).pivots == pivots


def test_exact_lemke_howson_is_unchanged_by_the_compiled_path() -> None:
    game = Game([[Fraction(2), Fraction(0)], [Fraction(0), Fraction(1)]], [[1, 0], [0, 2]])
    (found,) = game.lemke_howson(0).equilibria
    assert all(isinstance(p, Fraction) for p in (*found.row, *found.col))


def test_float_and_exact_vertex_enumeration_agree_on_many_tie_rich_games() -> None:
    rng = np.random.default_rng(2026)
    taken = 0
    for _ in range(300):
        m, n = (int(v) for v in rng.integers(2, 6, size=2))
        a = rng.integers(0, 4, size=(m, n))
        b = rng.integers(0, 4, size=(m, n))
        floats = Game(a.astype(float), b.astype(float))
        taken += shortcut(floats) is not None
        exact = Game(a.tolist(), b.tolist(), exact=True).vertex_enumeration()
        result = floats.vertex_enumeration()
        assert as_set(result) == as_set(exact), (a.tolist(), b.tolist())
        assert result.degenerate == exact.degenerate, (a.tolist(), b.tolist())
        assert len(result.components) == len(exact.components)
    assert taken > 30  # the shortcut itself was tested, not only the fallback
