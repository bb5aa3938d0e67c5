"""Exact games whose payoffs nearly tie: no equilibrium is lost to the float screening.

The exact methods find candidates in floats and decide them in rationals. Payoffs closer than the
float tolerance (say 10**12 and 10**12 - 1) once made them lose equilibria: vertex enumeration
re-solved a float vertex from all of its float labels, which near ties are a rounding apart from
exactly tight (an inconsistent system: the vertex was dropped, sometimes every equilibrium with
it), and support enumeration screened out probabilities below 1e-7. Both are checked here
against a brute-force rational enumeration of both polytopes' vertices.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from trustmarket.analysis.games import Game
from trustmarket.analysis.games.exact_linear import solve_exact
from trustmarket.analysis.games.polytope import constraint_system, shifted_positive

Pair = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


def brute_force_vertices(payoffs: np.ndarray, player: int) -> dict[int, tuple[Fraction, ...]]:
    """Every vertex other than 0 of the polytope, by solving every set of ``dim`` constraints
    in rationals, keyed by its exact labels."""
    g, h = constraint_system(payoffs, player)
    found: dict[int, tuple[Fraction, ...]] = {}
    for subset in itertools.combinations(range(g.shape[0]), g.shape[1]):
        point = solve_exact([list(g[r]) for r in subset], [h[r] for r in subset])
        if point is None or not any(point):
            continue
        values = [
            sum((c * v for c, v in zip(g[r], point, strict=True)), Fraction(0))
            for r in range(g.shape[0])
        ]
        if all(v <= h[r] for r, v in enumerate(values)):
            found[sum(1 << r for r, v in enumerate(values) if v == h[r])] = tuple(point)
    return found


def brute_force_equilibria(a: list[list[int]], b: list[list[int]]) -> set[Pair]:
    m, n = len(a), len(a[0])
    exact_a = np.array([[Fraction(v) for v in row] for row in a], dtype=object)
    exact_b = np.array([[Fraction(v) for v in row] for row in b], dtype=object)
    p = brute_force_vertices(shifted_positive(exact_b), 0)
    q = brute_force_vertices(shifted_positive(exact_a), 1)
    full = (1 << (m + n)) - 1

    def mixed(point: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        return tuple(v / sum(point) for v in point)

    return {(mixed(x), mixed(y)) for lx, x in p.items() for ly, y in q.items() if lx | ly == full}


def near_tie_game(
    rng: np.random.Generator, m: int, n: int
) -> tuple[list[list[int]], list[list[int]]]:
    """Payoffs 0, 1 or 2 times a power of ten (10**6 to 10**15) plus 0, 1 or 2."""
    big = 10 ** int(rng.integers(6, 16))

    def matrix() -> list[list[int]]:
        coarse = rng.integers(0, 3, size=(m, n)).tolist()
        fine = rng.integers(0, 3, size=(m, n)).tolist()
        return [
            [c * big + f for c, f in zip(cr, fr, strict=True)]
            for cr, fr in zip(coarse, fine, strict=True)
        ]

    return matrix(), matrix()


def test_the_tie_a_rounding_apart() -> None:
    # Column 1 pays the column player 10**12, column 2 one less: in floats a tie within the
    # tolerance, exactly not. The exact answer used to be no equilibrium at all.
    game = Game([[1, 0, 0]], [[0, 10**12, 10**12 - 1]], exact=True)
    for method in ("vertex", "support"):
        result = game.equilibria(method)
        assert [(e.row, e.col) for e in result.equilibria] == [((1,), (0, 1, 0))]
        assert not result.degenerate
    assert not game.degenerate


def test_ties_below_the_float_tolerance_are_ties_in_floats_only() -> None:
    # Documented: payoffs closer than about 1e-9 of a player's payoff range count as tied in
    # floats (the answer of a game a rounding away); exact arithmetic tells them apart.
    a, b = [[1.0, 1e-9, 0.0]], [[0.0, 1.0, 1 - 1e-12]]
    floats = Game(a, b).vertex_enumeration()
    assert floats.degenerate
    assert sorted((e.row, e.col) for e in floats.equilibria) == [
        ((1.0,), (0.0, 0.0, 1.0)),
        ((1.0,), (0.0, 1.0, 0.0)),
    ]
    exact = Game(a, b, exact=True).vertex_enumeration()
    assert not exact.degenerate
    assert [(e.row, e.col) for e in exact.equilibria] == [((1,), (0, 1, 0))]


@pytest.mark.parametrize("size", [3, 5])
def test_exact_methods_find_every_equilibrium_of_near_tie_games(size: int) -> None:
    rng = np.random.default_rng(4000 + size)
    nondegenerate = 0
    for _ in range(60 if size == 3 else 25):
        m, n = (int(v) for v in rng.integers(1, size + 1, size=2))
        a, b = near_tie_game(rng, m, n)
        want = brute_force_equilibria(a, b)
        game = Game(a, b, exact=True)
        vertex = game.vertex_enumeration()
        assert {(e.row, e.col) for e in vertex.equilibria} == want, (a, b)
        assert len(vertex.equilibria) == len(want)  # each once
        if not game.degenerate:
            nondegenerate += 1
            support = game.support_enumeration()
            assert {(e.row, e.col) for e in support.equilibria} == want, (a, b)
    assert nondegenerate > 10
