"""Games too large for a method are refused with SolverLimit before the work (or the memory)
runs away; the blockwise matching of degenerate vertex enumeration changes no answer; a payoff
beyond the float range is an InvalidGame, not an OverflowError."""

from __future__ import annotations

import numpy as np
import pytest

from trustmarket.analysis.games import Game, vertex_enumeration
from trustmarket.core.errors import InvalidGame, SolverLimit


def _key(found: object) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    return sorted(
        (tuple(np.round(e.row, 9)), tuple(np.round(e.col, 9)))
        for e in found.equilibria  # type: ignore[attr-defined]
    )


def test_support_enumeration_refuses_a_game_with_too_many_supports() -> None:
    game = Game(np.eye(15), np.eye(15))
    with pytest.raises(SolverLimit) as refused:
        game.equilibria("support")
    assert "would try 155,117,519 support pairs" in refused.value.message
    assert "vertex enumeration" in refused.value.message


def test_support_enumeration_below_the_limit_still_answers() -> None:
    rng = np.random.default_rng(3)
    game = Game(rng.integers(0, 9, (6, 6)), rng.integers(0, 9, (6, 6)))
    assert _key(game.equilibria("support")) == _key(game.equilibria("vertex"))


def test_degenerate_matching_in_small_blocks_gives_the_same_equilibria(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Payoffs of few distinct values make the game degenerate, so every pair is tested.
    rng = np.random.default_rng(11)
    game = Game(rng.integers(0, 3, (5, 5)), rng.integers(0, 3, (5, 5)))
    whole = game.equilibria("vertex")
    assert whole.degenerate
    monkeypatch.setattr(vertex_enumeration, "MATCH_BLOCK", 3)
    assert _key(game.equilibria("vertex")) == _key(whole)


def test_degenerate_matching_past_its_bound_is_a_solver_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(11)
    game = Game(rng.integers(0, 3, (5, 5)), rng.integers(0, 3, (5, 5)))
    monkeypatch.setattr(vertex_enumeration, "MAX_PAIR_TESTS", 10)
    with pytest.raises(SolverLimit) as refused:
        game.equilibria("vertex")
    assert "pairs to test, more than the 10 allowed" in refused.value.message


def test_a_payoff_beyond_the_float_range_is_an_invalid_game() -> None:
    huge = 10**400
    with pytest.raises(InvalidGame) as refused:
        Game([[huge, 0], [5, 1]], [[3, 0], [5, 1]])
    assert "A[0][0] is too large for a float game" in refused.value.message
    exact = Game([[huge, 0], [5, 1]], [[3, 0], [5, 1]], exact=True)
    assert exact.pure_equilibria()  # exactly, the same game is fine
