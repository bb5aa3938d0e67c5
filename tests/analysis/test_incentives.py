"""The sharing game: the paper's matrices, and the least incentives checked by solving games."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.games import Game
from trustmarket.analysis.incentives import PAPER_MATRICES, SHARE, WITHHOLD, SharingGame
from trustmarket.core.errors import InvalidGame


@pytest.mark.parametrize(("a", "b"), PAPER_MATRICES)
def test_paper_matrices_have_only_mutual_defection(
    a: list[list[float]], b: list[list[float]]
) -> None:
    game = Game(a, b)
    result = game.vertex_enumeration()
    assert [(e.row, e.col) for e in result.equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    assert game.eliminate_dominated().rows == (WITHHOLD,)  # defection strictly dominant for row


def test_model_reproduces_paper_matrix_one() -> None:
    game = SharingGame(knowledge=(3, 3), risk=0.5).game()
    assert game.A.tolist() == PAPER_MATRICES[0][0]
    assert game.B.tolist() == PAPER_MATRICES[0][1]


def both_share(game: Game) -> list[bool]:
    found = game.vertex_enumeration().equilibria
    return [e.row[SHARE] == 1 and e.col[SHARE] == 1 for e in found]


def risk_dominant_share(g: SharingGame) -> bool:
    (d1, d2), (c1, c2) = g.gains()
    return c1 >= 0 and c2 >= 0 and (c1 * c2 > d1 * d2 or d1 > 0 or d2 > 0)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.floats(0.5, 5), st.floats(0.5, 5)),
    st.floats(0.05, 2),
    st.floats(0, 1.5),
)
def test_least_rates_are_thresholds(
    knowledge: tuple[float, float], risk: float, synergy: float
) -> None:
    g = SharingGame(knowledge, risk, synergy=synergy)
    eps = 1e-6
    r = g.least_rate_for_equilibrium()
    assert any(both_share(g.with_rate(r + eps).game()))
    if r > eps:
        assert not any(both_share(g.with_rate(r - eps).game()))
    u = g.least_rate_for_unique()
    assert both_share(g.with_rate(u + eps).game()) == [True]
    if u > eps:
        assert both_share(g.with_rate(u - eps).game()) != [True]
    d = g.least_rate_for_risk_dominance()
    assert risk_dominant_share(g.with_rate(d + eps))
    if d > eps:
        assert not risk_dominant_share(g.with_rate(d - eps))


def test_ledger_protection_lowers_the_needed_incentive() -> None:
    plain = SharingGame((3, 1), risk=0.5)
    protected = SharingGame((3, 1), risk=0.5, ledger_risk=0.3)
    assert protected.least_rate_for_unique() < plain.least_rate_for_unique()
    assert protected.effective_risk == 0.3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"knowledge": (0, 1), "risk": 0.5}, "knowledge"),
        ({"knowledge": (1,), "risk": 0.5}, "pair"),
        ({"knowledge": (1, 1), "risk": -0.1}, "risk must be >= 0"),
        ({"knowledge": (1, 1), "risk": float("nan")}, "finite"),
        ({"knowledge": (1, 1), "risk": 0.1, "incentive_rate": -1}, "incentive_rate"),
        ({"knowledge": (1, 1), "risk": 0.1, "ledger_risk": -1}, "ledger_risk"),
        ({"knowledge": (1, 1), "risk": "high"}, "number"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidGame, match=message):
        SharingGame(**kwargs)  # type: ignore[arg-type]
