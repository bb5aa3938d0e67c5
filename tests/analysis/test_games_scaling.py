"""The float solvers do not depend on the scale or offset of a player's payoffs.

Nash equilibria are invariant when a player's payoffs are multiplied by a positive constant or
shifted by a constant. The float solvers' tolerances are absolute, so they work on each player's
payoffs normalised (``payoff_matrix.solver_view``) and report payoffs from the original matrices.
Every method is checked here, the compiled and the numpy paths alike: the equilibria of a game
with its payoffs scaled by 1e6 or 1e-6, or shifted by 1e9 (each player on her own), are the
unscaled game's to 1e-9, and its exact equilibria (rational arithmetic on the same payoffs).
Payoffs are multiples of 2**-20, so that the shifts are exact in floating point (scaling by a
power of ten only rounds each entry, by a relative 1e-16).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.games import (
    Game,
    lemke_howson_compiled,
    pivot_vertices,
    vertex_compiled,
)
from trustmarket.analysis.games import vertex_enumeration as vertex_module
from trustmarket.analysis.games.equilibrium import EquilibriumSet
from trustmarket.analysis.games.payoff_matrix import solver_view

#: Each player's affine map (scale, shift): (row player's, column player's).
TRANSFORMS = {
    "both x1e6": ((1e6, 0.0), (1e6, 0.0)),
    "both x1e-6": ((1e-6, 0.0), (1e-6, 0.0)),
    "both +1e9": ((1.0, 1e9), (1.0, 1e9)),
    "both -1e9": ((1.0, -1e9), (1.0, -1e9)),
    "row x1e6 +1e9, col x1e-6": ((1e6, 1e9), (1e-6, 0.0)),
    "row x1e-6, col x1e6 -1e9": ((1e-6, 0.0), (1e6, -1e9)),
}

Pairs = list[tuple[tuple[float, ...], tuple[float, ...]]]


def random_game(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random m x n game (4 <= m, n <= 8) with payoffs in [0, 1), multiples of 2**-20."""
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(4, 9, size=2))
    return (
        rng.integers(0, 2**20, size=(m, n)) / 2**20,
        rng.integers(0, 2**20, size=(m, n)) / 2**20,
    )


def transformed(
    a: np.ndarray, b: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray, Callable[[float], float], Callable[[float], float]]:
    (scale_a, shift_a), (scale_b, shift_b) = TRANSFORMS[name]
    return (
        a * scale_a + shift_a,
        b * scale_b + shift_b,
        lambda u: u * scale_a + shift_a,
        lambda v: v * scale_b + shift_b,
    )


def pairs(result: EquilibriumSet) -> Pairs:
    return sorted(
        ((tuple(map(float, e.row)), tuple(map(float, e.col))) for e in result.equilibria),
        key=lambda rc: tuple(round(p, 6) for p in (*rc[0], *rc[1])),
    )


def assert_same(got: Pairs, want: Pairs, tol: float = 1e-9) -> None:
    assert len(got) == len(want), (got, want)
    for (x, y), (u, v) in zip(got, want, strict=True):
        np.testing.assert_allclose(x, u, rtol=0, atol=tol)
        np.testing.assert_allclose(y, v, rtol=0, atol=tol)


@contextmanager
def without_numba(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The numpy paths, as when numba is not installed."""
    with monkeypatch.context() as patch:
        patch.setattr(vertex_compiled, "compiled_partner_equilibria", None)
        patch.setattr(pivot_vertices, "compiled_walk_vertices", None)
        patch.setattr(lemke_howson_compiled, "compiled_solve", None)
        yield


@contextmanager
def two_polytopes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Vertex enumeration's general method (both polytopes enumerated by Qhull)."""
    with monkeypatch.context() as patch:
        patch.setattr(vertex_module, "_shortcut", lambda a, b, a_pos, b_pos: None)
        yield


PATHS = ["compiled", "numpy", "two polytopes"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_vertex_enumeration_is_invariant(
    name: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if path == "compiled" and vertex_compiled.compiled_partner_equilibria is None:
        pytest.skip("numba is not installed")
    for seed in range(6):
        a, b = random_game(seed)
        exact = pairs(Game(a.tolist(), b.tolist(), exact=True).vertex_enumeration())
        a2, b2, row_map, col_map = transformed(a, b, name)
        context = {
            "compiled": monkeypatch.context,
            "numpy": lambda: without_numba(monkeypatch),
            "two polytopes": lambda: two_polytopes(monkeypatch),
        }[path]
        with context():
            plain, scaled = Game(a, b), Game(a2, b2)
            reference, result = plain.vertex_enumeration(), scaled.vertex_enumeration()
        assert_same(pairs(result), pairs(reference))
        assert_same(pairs(result), exact)
        assert (result.degenerate, result.complete) == (False, True)
        for mine, theirs in zip(result.equilibria, reference.equilibria, strict=True):
            assert mine.row_payoff == pytest.approx(row_map(theirs.row_payoff), rel=1e-9)
            assert mine.col_payoff == pytest.approx(col_map(theirs.col_payoff), rel=1e-9)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_support_enumeration_is_invariant(name: str) -> None:
    for seed in range(3):
        a, b = random_game(100 + seed)
        a2, b2, row_map, col_map = transformed(a, b, name)
        plain, scaled = Game(a, b), Game(a2, b2)
        reference, result = plain.support_enumeration(), scaled.support_enumeration()
        assert_same(pairs(result), pairs(reference))
        assert_same(pairs(result), pairs(Game(a.tolist(), b.tolist(), exact=True).equilibria()))
        assert (result.degenerate, result.complete) == (False, True)
        assert scaled.degenerate is plain.degenerate is False
        for e in result.equilibria:  # the scaled game's own payoffs
            u, v = plain.payoffs(e.row, e.col)
            assert (e.row_payoff, e.col_payoff) == pytest.approx((row_map(u), col_map(v)), rel=1e-9)


@pytest.mark.parametrize("numba", [True, False])
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_lemke_howson_is_invariant(name: str, numba: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if numba and lemke_howson_compiled.compiled_solve is None:
        pytest.skip("numba is not installed")
    for seed in range(3):
        a, b = random_game(200 + seed)
        a2, b2, row_map, col_map = transformed(a, b, name)
        exact = Game(a.tolist(), b.tolist(), exact=True)
        with monkeypatch.context() if numba else without_numba(monkeypatch):
            plain, scaled = Game(a, b), Game(a2, b2)
            for label in range(sum(plain.shape)):
                reference, result = plain.lemke_howson(label), scaled.lemke_howson(label)
                assert result.pivots == reference.pivots  # the same path
                assert_same(pairs(result), pairs(reference))
                assert_same(pairs(result), pairs(exact.lemke_howson(label)))
                (mine,), (theirs,) = result.equilibria, reference.equilibria
                assert mine.row_payoff == pytest.approx(row_map(theirs.row_payoff), rel=1e-9)
                assert mine.col_payoff == pytest.approx(col_map(theirs.col_payoff), rel=1e-9)
                assert "exact arithmetic" not in result.note


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_pure_equilibria_dominance_and_best_responses_are_invariant(name: str) -> None:
    for seed in range(6):
        rng = np.random.default_rng(300 + seed)
        # Few distinct payoffs, so that pure equilibria and dominated strategies are common.
        m, n = (int(v) for v in rng.integers(4, 9, size=2))
        a = rng.integers(0, 6, size=(m, n)) / 8 + rng.integers(0, 2**10, size=(m, n)) / 2**20
        b = rng.integers(0, 6, size=(m, n)) / 8 + rng.integers(0, 2**10, size=(m, n)) / 2**20
        a2, b2, _, _ = transformed(a, b, name)
        plain, scaled = Game(a, b), Game(a2, b2)
        exact = Game(a.tolist(), b.tolist(), exact=True)
        assert pairs(scaled.pure_equilibria()) == pairs(plain.pure_equilibria())
        assert pairs(scaled.pure_equilibria()) == pairs(exact.pure_equilibria())
        for mixed in (False, True):
            reduced = scaled.eliminate_dominated(mixed=mixed)
            want = exact.eliminate_dominated(mixed=mixed)
            assert (reduced.rows, reduced.cols) == (want.rows, want.cols)
            assert [step[:2] for step in reduced.steps] == [step[:2] for step in want.steps]
        uniform_col, uniform_row = [Fraction(1, n)] * n, [Fraction(1, m)] * m
        assert scaled.best_responses("row", [1 / n] * n) == exact.best_responses("row", uniform_col)
        assert scaled.best_responses("col", [1 / m] * m) == exact.best_responses("col", uniform_row)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    row_scale=st.integers(-12, 12),
    col_scale=st.integers(-12, 12),
    row_shift=st.integers(-(10**9), 10**9),
    col_shift=st.integers(-(10**9), 10**9),
    shift=st.booleans(),
)
def test_any_scale_or_shift_keeps_the_equilibria(
    seed: int, row_scale: int, col_scale: int, row_shift: int, col_shift: int, shift: bool
) -> None:
    # Small integer payoffs: ties and degenerate games are common. Each player's payoffs are
    # scaled by a power of ten, or shifted by an integer (both exact in floating point).
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(1, 6, size=2))
    a = rng.integers(-3, 4, size=(m, n))
    b = rng.integers(-3, 4, size=(m, n))
    if shift:
        a2, b2 = (a + row_shift).astype(float), (b + col_shift).astype(float)
    else:
        a2, b2 = a * 10.0**row_scale, b * 10.0**col_scale
    exact = Game(a.tolist(), b.tolist(), exact=True)
    want = exact.vertex_enumeration()
    game = Game(a2, b2)
    result = game.vertex_enumeration()
    assert_same(pairs(result), pairs(want))
    assert result.degenerate == want.degenerate
    assert len(result.components) == len(want.components)
    assert game.degenerate == exact.degenerate
    support = game.support_enumeration()
    assert (support.degenerate, support.complete) == (exact.degenerate, not exact.degenerate)
    found = set(pairs(want))
    for e in support.equilibria:
        assert any(np.allclose((*e.row, *e.col), (*x, *y), atol=1e-9) for x, y in found)
    for label in range(m + n):
        (e,) = game.lemke_howson(label).equilibria
        assert any(np.allclose((*e.row, *e.col), (*x, *y), atol=1e-9) for x, y in found)
    assert pairs(game.pure_equilibria()) == pairs(exact.pure_equilibria())
    reduced, reference = game.eliminate_dominated(mixed=True), exact.eliminate_dominated(mixed=True)
    assert (reduced.rows, reduced.cols) == (reference.rows, reference.cols)


def test_solver_view_maps_each_player_onto_one_range() -> None:
    a = np.array([[0.0, 3.0], [1.0, 2.0]])
    assert solver_view(a).tolist() == [[1.0, 1.75], [1.25, 1.5]]  # exact: (a - 0) / 4 + 1
    assert np.array_equal(solver_view(a * 2**40 - 7), solver_view(a))
    exact = np.array([[Fraction(0), Fraction(3)], [Fraction(1), Fraction(2)]], dtype=object)
    assert np.array_equal(solver_view(exact), solver_view(a))
    assert solver_view(np.full((2, 3), 5.0)).tolist() == [[1.0] * 3] * 2
    for extreme in ([[1.7e308, -1.7e308, 0.0]], [[5e-324, 0.0]], [[1e-310, 0.0, 3e-310]]):
        view = solver_view(np.array(extreme))
        assert np.isfinite(view).all() and view.min() == 1.0 and 1.5 <= view.max() < 2.0
    huge = np.array([[Fraction(10**400) + Fraction(1, 3), Fraction(10**400)]], dtype=object)
    assert solver_view(huge).tolist() == [[float(Fraction(5, 3)), 1.0]]  # 1 + (1/3) / 2**-1


@pytest.mark.skipif(lemke_howson_compiled.compiled_solve is None, reason="numba is not installed")
def test_compiled_lemke_howson_normalises_with_the_same_bits() -> None:
    rng = np.random.default_rng(9)
    matrices = [
        rng.random((5, 7)),
        rng.random((3, 3)) * 1e6 + 1e9,
        rng.random((4, 4)) * 1e-300,
        np.array([[1.7e308, -1.7e308, 0.0]]),
        np.array([[5e-324, 0.0]]),
        np.array([[2.0, 2.0]]),
    ]
    for matrix in matrices:
        assert np.array_equal(lemke_howson_compiled.normalised(matrix), solver_view(matrix))
