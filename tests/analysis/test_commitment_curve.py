"""Payoffs against the price with tailored penalties, and the plot."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Mechanism,
    PiecewiseLinear,
    default_prices,
    find_equilibria,
    payoff_curve,
    plot_payoffs,
)
from trustmarket.core.errors import InvalidContract

PAPER_F = PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)])
PAPER_G = PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)])


@pytest.mark.parametrize("mech", list(Mechanism), ids=lambda m: m.value)
def test_payoff_curve(mech: Mechanism) -> None:
    rhos = np.linspace(1, 11, 11)
    curve = payoff_curve(PAPER_F, PAPER_G, mech, rhos)
    best = curve.optimum
    assert best.prices is not None
    assert curve.rho.tolist() == rhos.tolist()
    assert (curve.a >= 0).all() and (curve.b >= 0).all()
    assert (curve.gain <= best.gain + 1e-9).all()
    inside = (rhos >= best.prices[0]) & (rhos <= best.prices[1])
    assert inside.any() and not inside.all()
    assert curve.gain[inside] == pytest.approx(best.gain, abs=1e-9)
    # Along the optimal range the contractor's share falls with the price.
    share = curve.contractor_gain[inside]
    assert (np.diff(share) < 0).all()
    # Each point is an equilibrium of its contract that the equilibrium solver finds.
    for k in range(0, 11, 3):
        contract = Contract(float(rhos[k]), float(curve.a[k]), float(curve.b[k]))
        found = find_equilibria(PAPER_F, PAPER_G, contract, mech)
        assert any(abs(e.p_a - curve.p_a[k]) < 1e-7 for e in found)
    rows = curve.rows()
    assert json.loads(json.dumps(rows)) == rows
    assert len(rows) == 11 and set(rows[0]) >= {"rho", "a", "b", "contractor_gain", "gain"}


def test_curve_outside_the_range_beats_no_penalties() -> None:
    """With tailored penalties a price outside the optimal range still does at least as well
    as the same price without penalties."""
    game = CommitmentGame(PAPER_F, PAPER_G)
    mech = Mechanism.SEQUENTIAL_CONTRACTOR_FIRST
    curve = game.payoff_curve(mech, [1.0, 10.5])
    for rho, gain in zip(curve.rho, curve.gain, strict=True):
        plain = game.equilibria(Contract(float(rho), 0, 0), mech).best.gain
        assert gain >= plain - 1e-12


def test_default_prices_and_bad_prices() -> None:
    prices = default_prices(PAPER_F, PAPER_G, 5)
    assert prices.tolist() == [0.0, 3.0, 6.0, 9.0, 12.0]
    with pytest.raises(InvalidContract, match="allowed: 0 <= rho <= 12"):
        payoff_curve(PAPER_F, PAPER_G, Mechanism.SIMULTANEOUS_BOTH_PAY, [5.0, 12.5])
    with pytest.raises(InvalidContract, match="at least one price"):
        payoff_curve(PAPER_F, PAPER_G, Mechanism.SIMULTANEOUS_BOTH_PAY, [])
    with pytest.raises(InvalidContract, match="finite"):
        payoff_curve(PAPER_F, PAPER_G, Mechanism.SIMULTANEOUS_BOTH_PAY, [np.nan])


def test_plot_payoffs() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    curve = payoff_curve(PAPER_F, PAPER_G, "simultaneous-both-pay", points=7)
    fig = plot_payoffs(curve)
    top, bottom = fig.axes
    assert len(top.get_lines()) >= 3 and len(bottom.get_lines()) == 2
    assert np.asarray(top.get_lines()[0].get_xdata()).tolist() == curve.rho.tolist()
    assert np.asarray(top.get_lines()[0].get_ydata()).tolist() == curve.contractor_gain.tolist()
    assert plot_payoffs(curve, figure=fig) is fig
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    curve = payoff_curve(PAPER_F, PAPER_G, "simultaneous-both-pay", [5.0])
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_payoffs(curve)
