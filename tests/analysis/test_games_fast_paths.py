"""The fast paths give the same answers as the general ones.

- Float vertex enumeration enumerates one polytope and solves for the partners; when that does
  not apply it enumerates both. Both must give the same equilibria, and the same as gambit.
- That shortcut runs compiled when numba is installed; the numpy version must take the same
  decisions (give up on the same games) and find the same equilibria. The two may part only
  where a partner system is exactly singular, and then the final answers agree.
- The compiled shortcut takes its vertices from a walk along the polytope's edges: whenever the
  walk answers, its vertices are Qhull's, and it declines (degenerate) polytopes that are not
  simple.
- Float Lemke-Howson runs a compiled loop when numba is installed; the numpy loop must take the
  same pivots to the same equilibrium.
- Without numba at all (a fresh interpreter that cannot import it) everything still works and
  gives the same answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from test_games_crosscheck import SIZES, gambit_equilibria, rounded

from trustmarket.analysis.games import (
    Game,
    lemke_howson_compiled,
    pivot_vertices,
    vertex_compiled,
)
from trustmarket.analysis.games import vertex_enumeration as vertex_module
from trustmarket.analysis.games.equilibrium import EquilibriumSet
from trustmarket.analysis.games.payoff_matrix import solver_view
from trustmarket.analysis.games.polytope import (
    TIGHT,
    constraint_system,
    raw_vertices,
    tight_constraints,
    vertex_points,
)
from trustmarket.analysis.games.vertex_enumeration import vertex_enumeration


def both_polytopes(game: Game, monkeypatch: pytest.MonkeyPatch) -> EquilibriumSet:
    with monkeypatch.context() as patch:
        patch.setattr(vertex_module, "_shortcut", lambda a, b, a_pos, b_pos: None)
        return vertex_enumeration(game.A, game.B)


def shortcut(game: Game) -> object:
    """The numpy version of the one-polytope shortcut (None when it does not apply), on the
    normalised payoffs the solvers use."""
    return vertex_module._partners_by_solving(solver_view(game.A), solver_view(game.B))


needs_numba = pytest.mark.skipif(
    vertex_compiled.compiled_partner_equilibria is None, reason="numba is not installed"
)


def both_shortcuts(game: Game, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The shortcut's answer compiled and in numpy: None or (rows, cols, row payoffs, col
    payoffs)."""
    args = (game.A, game.B, solver_view(game.A), solver_view(game.B))
    fast = vertex_module._shortcut(*args)
    with monkeypatch.context() as patch:
        patch.setattr(vertex_compiled, "compiled_partner_equilibria", None)
        slow = vertex_module._shortcut(*args)
    return fast, slow


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


def singular_partner_system(game: Game) -> bool:
    """Whether the partner system of some vertex of the enumerated polytope is singular (exact
    rank for these small integer games)."""
    a_pos, b_pos = solver_view(game.A), solver_view(game.B)
    m, n = game.shape
    side = 0 if m <= n else 1
    g_own, h_own = constraint_system((b_pos if side == 0 else a_pos).astype(float), side)
    g, _ = constraint_system((a_pos if side == 0 else b_pos).astype(float), 1 - side)
    _, tight = raw_vertices(g_own, h_own)
    return any(
        np.linalg.matrix_rank(g[~labels]) < g.shape[1]
        for labels in tight
        if (~labels).sum() == g.shape[1]
    )


def compare_shortcuts(game: Game, monkeypatch: pytest.MonkeyPatch) -> bool | None:
    """Check the compiled shortcut against the numpy one on ``game``: the same equilibria when
    both apply; when only one does, a partner system is exactly singular (the numpy version then
    depends on whether LAPACK meets an exact zero on the whole system; the compiled one solves
    the reduced system and gives up on an exact zero) and the final answers agree. Returns
    whether the shortcut applied (None when the two differ)."""
    fast, slow = both_shortcuts(game, monkeypatch)
    where = (game.A.tolist(), game.B.tolist())
    if (fast is None) != (slow is None):
        assert singular_partner_system(game), where
        with monkeypatch.context() as patch:
            patch.setattr(vertex_compiled, "compiled_partner_equilibria", None)
            expected = vertex_enumeration(game.A, game.B)
        found = vertex_enumeration(game.A, game.B)
        assert as_set(found) == as_set(expected), where
        assert found.degenerate == expected.degenerate, where
        return None
    if fast is None or slow is None:
        return False
    for got, wanted in zip(fast, slow, strict=True):  # type: ignore[call-overload]
        assert np.asarray(got).shape == np.asarray(wanted).shape, where
        np.testing.assert_allclose(got, wanted, rtol=0, atol=1e-12, err_msg=str(where))
    return True


@needs_numba
@pytest.mark.parametrize(
    ("m", "n"), [(1, 4), (2, 2), (3, 5), (5, 3), (6, 6), (8, 8), (4, 9), (9, 4), (12, 12)]
)
def test_compiled_shortcut_takes_the_numpy_decisions(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(71 * m + n)
    for _ in range(2 if m * n < 100 else 1):
        game = Game(rng.random((m, n)), rng.random((m, n)))
        assert compare_shortcuts(game, monkeypatch) is True  # random payoffs: it applies
    # integer payoffs: ties, degenerate polytopes and continua, where the shortcut gives up
    for k in (2, 3, 5):
        for _ in range(4 if m * n < 100 else 1):
            game = Game(rng.integers(0, k, size=(m, n)), rng.integers(0, k, size=(m, n)))
            compare_shortcuts(game, monkeypatch)


@needs_numba
def test_compiled_shortcut_on_many_tie_rich_games(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3030)
    outcomes = {True: 0, False: 0, None: 0}
    for index in range(300):
        m, n = (int(v) for v in rng.integers(2, 7, size=2))
        top = 4 if index % 2 else 10  # fewer ties in every second game
        game = Game(rng.integers(0, top, size=(m, n)), rng.integers(0, top, size=(m, n)))
        outcomes[compare_shortcuts(game, monkeypatch)] += 1
    # both outcomes were compared, and the two versions rarely part ways
    assert outcomes[True] > 30 and outcomes[False] > 30 and outcomes[None] < 15, outcomes


@needs_numba
@pytest.mark.parametrize(("m", "n"), [(3, 5), (6, 6), (7, 4)])
def test_compiled_shortcut_on_qhull_vertices_takes_the_numpy_decisions(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same comparison with the walk along the edges switched off: the compiled kernel on
    # the vertices Qhull gives (what it gets whenever the walk cannot vouch for its list).
    monkeypatch.setattr(pivot_vertices, "compiled_walk_vertices", None)
    rng = np.random.default_rng(17 * m + n)
    assert compare_shortcuts(Game(rng.random((m, n)), rng.random((m, n))), monkeypatch) is True
    for _ in range(20):
        game = Game(rng.integers(0, 4, size=(m, n)), rng.integers(0, 4, size=(m, n)))
        compare_shortcuts(game, monkeypatch)


def own_polytope(game: Game) -> tuple[np.ndarray, np.ndarray, int]:
    """The constraint system of the polytope the shortcut enumerates, and its first
    non-negativity label."""
    m, n = game.shape
    if m <= n:
        return (*constraint_system(solver_view(game.B), 0), 0)
    return (*constraint_system(solver_view(game.A), 1), m)


def vertex_set(points: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(round(float(v), 9) + 0.0 for v in p) for p in points}


def walk(g: np.ndarray, h: np.ndarray, first: int, limit: int = 1 << 20) -> tuple[int, np.ndarray]:
    assert pivot_vertices.compiled_walk_vertices is not None
    return pivot_vertices.compiled_walk_vertices(g, h, first, 1e-9, TIGHT, limit)  # type: ignore[no-any-return]


@needs_numba
@pytest.mark.parametrize(("m", "n"), [(1, 1), (1, 5), (2, 2), (3, 5), (5, 3), (8, 8), (12, 12)])
def test_walk_along_edges_finds_the_qhull_vertices(m: int, n: int) -> None:
    rng = np.random.default_rng(31 * m + n)
    for _ in range(3 if m * n < 100 else 1):
        g, h, first = own_polytope(Game(rng.random((m, n)), rng.random((m, n))))
        count, points = walk(g, h, first)
        assert count == len(points) > 1
        assert not points[0].any()  # the origin first
        qhull = vertex_points(g, h)
        assert len(points) == len(qhull) and vertex_set(points) == vertex_set(qhull)


@needs_numba
def test_walk_along_edges_declines_a_nearly_degenerate_polytope() -> None:
    # In this random game two vertices of P carry a 13th label within the tolerance (a slack of
    # 7.5e-9 against a limit of 8.2e-9): the walk must not vouch for P, and the whole answer
    # comes from the two-polytope method, as without numba.
    rng = np.random.default_rng(29 * 12 + 12)
    game = Game(rng.random((12, 12)), rng.random((12, 12)))
    g, h, first = own_polytope(game)
    assert (tight_constraints(g, h, vertex_points(g, h)).sum(axis=1) > 12).sum() == 2
    assert walk(g, h, first)[0] == pivot_vertices.UNDECIDED
    assert shortcut(game) is None


@needs_numba
def test_walk_along_edges_vouches_only_for_simple_polytopes() -> None:
    # Integer payoffs make many polytopes degenerate: the walk must then decline (the caller
    # uses Qhull), and whenever it answers, its list is Qhull's, each vertex once.
    rng = np.random.default_rng(404)
    answered = declined = 0
    for _ in range(200):
        m, n = (int(v) for v in rng.integers(1, 7, size=2))
        g, h, first = own_polytope(
            Game(rng.integers(0, 4, size=(m, n)), rng.integers(0, 4, size=(m, n)))
        )
        count, points = walk(g, h, first)
        qhull = vertex_points(g, h)
        simple = (tight_constraints(g, h, qhull).sum(axis=1) == g.shape[1]).all()
        if count == pivot_vertices.UNDECIDED:
            declined += 1
            continue
        answered += 1
        assert simple, (g.tolist(), h.tolist())
        assert count == len(vertex_set(points)) == len(vertex_set(qhull))
        assert vertex_set(points) == vertex_set(qhull)
    assert answered > 20 and declined > 20


@needs_numba
def test_walk_along_edges_stops_at_its_vertex_limit() -> None:
    rng = np.random.default_rng(5)
    g, h, first = own_polytope(Game(rng.random((6, 6)), rng.random((6, 6))))
    count, _ = walk(g, h, first)
    assert count > 10
    assert walk(g, h, first, limit=count)[0] == count
    assert walk(g, h, first, limit=count - 1)[0] == pivot_vertices.UNDECIDED


@needs_numba
def test_compiled_shortcut_gives_up_on_a_continuum_of_equilibria() -> None:
    # Column 1 gives the row player 1 whatever he does: the partner system of the vertex (1, 0)
    # of P is singular, and the compiled shortcut must hand over as the numpy one does.
    game = Game([[1.0, 1.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]])
    args = (game.A, game.B, solver_view(game.A), solver_view(game.B))
    assert vertex_module._shortcut(*args) is None


def test_condition_bound_bounds_the_condition_number() -> None:
    # |M|_F |M^-1|_F lies between cond_2(M) and dim * cond_2(M); singular matrices give inf.
    rng = np.random.default_rng(8)
    for dim in (1, 2, 5, 12):
        for scale in (1.0, 1e-4, 1e6):
            matrix = rng.random((dim, dim)) * scale
            exact = np.linalg.cond(matrix)
            bound = vertex_compiled.condition_bound(matrix.copy(), np.empty((dim, dim)))
            assert exact * (1 - 1e-9) <= bound <= dim * exact * (1 + 1e-9)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert vertex_compiled.condition_bound(singular, np.empty((2, 2))) == np.inf


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


WITHOUT_NUMBA = """
import json, sys
sys.modules["numba"] = None  # any import of numba now raises ImportError
import numpy as np
from trustmarket.analysis.games import (
    Game,
    lemke_howson_compiled,
    pivot_vertices,
    vertex_compiled,
)
assert vertex_compiled.compiled_partner_equilibria is None
assert lemke_howson_compiled.compiled_solve is None
out = []
for a, b in json.load(sys.stdin):
    game = Game(np.array(a), np.array(b))
    out.append([game.vertex_enumeration().to_json(), game.lemke_howson(1).to_json()])
print(json.dumps(out))
"""


def test_without_numba_everything_works_and_agrees() -> None:
    rng = np.random.default_rng(55)
    shapes = [(2, 2), (3, 5), (6, 4), (8, 8), (12, 12)]
    games = [(rng.random(s), rng.random(s)) for s in shapes]
    games += [(rng.integers(0, 3, size=(4, 4)), rng.integers(0, 3, size=(4, 4))) for _ in range(6)]
    games.append((np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])))
    payload = json.dumps([(a.tolist(), b.tolist()) for a, b in games])
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_NUMBA],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    for (a, b), (vertex, lemke) in zip(games, json.loads(done.stdout), strict=True):
        game = Game(a.astype(float), b.astype(float))
        here_vertex = game.vertex_enumeration().to_json()
        here_lemke = game.lemke_howson(1).to_json()
        for here, there in ((here_vertex, vertex), (here_lemke, lemke)):
            assert here.keys() == there.keys()
            assert {k: v for k, v in here.items() if k not in ("equilibria", "components")} == {
                k: v for k, v in there.items() if k not in ("equilibria", "components")
            }
            assert len(here["equilibria"]) == len(there["equilibria"])  # type: ignore[arg-type]
            for mine, theirs in zip(here["equilibria"], there["equilibria"], strict=True):  # type: ignore[call-overload]
                for key in ("row", "col", "row_payoff", "col_payoff"):
                    np.testing.assert_allclose(mine[key], theirs[key], rtol=0, atol=1e-12)
