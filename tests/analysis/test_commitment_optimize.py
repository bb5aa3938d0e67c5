"""Optimal, fair and tailored contracts against brute-force searches."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Distribution,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
    benefit,
    equilibrium_at,
    expected_gains,
    find_equilibria,
    full_commitment,
    optimal_contract,
    optimal_thresholds,
    tailored_contract,
)
from trustmarket.core.errors import InvalidContract

PAPER_F = PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)])
PAPER_G = PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)])
SKEWED_F = PiecewiseLinear.normalized([(3, 0), (4, 2), (9, 0.2), (14, 0)])
SKEWED_G = PiecewiseLinear.normalized([(1, 1), (5, 0.5), (7, 0)])
NORMAL_F = ScipyDistribution(stats.norm(6, 1.5))
NORMAL_G = ScipyDistribution(stats.norm(5.5, 2.0))

PAIRS = {
    "paper": (PAPER_F, PAPER_G),
    "skewed": (SKEWED_F, SKEWED_G),
    "normal": (NORMAL_F, NORMAL_G),
}


def grid(dist: Distribution, n: int) -> np.ndarray:
    return dist.quantile(np.linspace(0, 1, n)[1:-1])


@pytest.mark.parametrize("name", list(PAIRS))
def test_optimal_thresholds_beat_every_threshold_pair(name: str) -> None:
    f, g = PAIRS[name]
    opt = optimal_thresholds(f, g)
    a_grid = grid(f, 300)
    b_grid = grid(g, 300)
    values = benefit(f, g, a_grid[:, None], b_grid[None, :])
    assert opt.gain >= values.max() - 1e-12
    assert opt.gain - values.max() < 1e-3
    # At a maximiser a* = E[b~ | b~ <= b*] and b* = E[a~ | a~ >= a*], so
    # S* = (1 - p_a)(1 - p_b)(b* - a*).
    assert opt.gain == pytest.approx((1 - opt.p_a) * (1 - opt.p_b) * (opt.b_star - opt.a_star))
    assert opt.gain >= max(0.0, f.mean - g.mean)


@pytest.mark.parametrize("name", list(PAIRS))
@pytest.mark.parametrize("mech", list(Mechanism), ids=lambda m: m.value)
def test_fair_optimal_contract(name: str, mech: Mechanism) -> None:
    f, g = PAIRS[name]
    best = optimal_contract(f, g, mech)
    fair = best.fair
    assert fair is not None and best.equilibria is not None and best.prices is not None
    contract = fair.contract
    assert contract.a >= 0 and contract.b >= 0
    assert best.prices[0] - 1e-9 <= contract.rho <= best.prices[1] + 1e-9
    # Optimal and fair: the benefit is S*, split equally.
    assert fair.gain == pytest.approx(best.gain, abs=1e-9)
    assert fair.contractor_gain == pytest.approx(best.gain / 2, abs=1e-9)
    assert fair.contractee_gain == pytest.approx(best.gain / 2, abs=1e-9)
    # It is an equilibrium the solver finds, and no threshold on a grid does better for either.
    assert any(abs(e.p_a - fair.p_a) < 1e-7 for e in best.equilibria)
    ts = np.linspace(fair.a_star - 3, fair.a_star + 3, 301)
    dev_a, _ = expected_gains(f, g, contract, mech, ts, fair.b_star)
    assert fair.contractor_gain >= dev_a.max() - 1e-9
    ts = np.linspace(fair.b_star - 3, fair.b_star + 3, 301)
    _, dev_b = expected_gains(f, g, contract, mech, fair.a_star, ts)
    assert fair.contractee_gain >= dev_b.max() - 1e-9
    assert best.worst_gain <= best.gain + 1e-9
    assert best.advantage == pytest.approx(best.gain - max(0.0, f.mean - g.mean))


@pytest.mark.parametrize("mech", list(Mechanism), ids=lambda m: m.value)
def test_no_contract_on_a_grid_beats_the_optimum(mech: Mechanism) -> None:
    f, g = PAPER_F, PAPER_G
    best = optimal_contract(f, g, mech)
    found = 0.0
    for rho, a, b in itertools.product(
        np.linspace(3, 8, 6), np.linspace(0, 3, 5), np.linspace(0, 3, 5)
    ):
        eqs = find_equilibria(f, g, Contract(rho, a, b), mech, samples=257)
        found = max(found, eqs.best.gain)
    assert found <= best.gain + 1e-9
    assert found >= 0.9 * best.gain  # the grid gets close: the optimum is not far-fetched


def test_every_price_in_the_range_is_optimal() -> None:
    for mech in Mechanism:
        best = optimal_contract(PAPER_F, PAPER_G, mech)
        assert best.prices is not None
        shares = []
        for rho in np.linspace(*best.prices, 5):
            contract = best.contract(rho)
            eq = equilibrium_at(PAPER_F, PAPER_G, contract, mech, best.p_a)
            assert eq.gain == pytest.approx(best.gain, abs=1e-9)
            shares.append(eq.contractor_gain)
        # The contractor's share falls as the price rises, from >= S* to <= 0.
        assert shares == sorted(shares, reverse=True)
        assert shares[0] >= best.gain - 1e-9 and shares[-1] <= 1e-9
        with pytest.raises(InvalidContract, match="allowed"):
            best.penalties(best.prices[1] + 0.5)


def test_full_commitment_comparison() -> None:
    full = full_commitment(PAPER_F, PAPER_G)
    mean_f = quad(lambda x: x * PAPER_F.pdf(x), 0, 12, points=[4, 8])[0]
    mean_g = quad(lambda x: x * PAPER_G.pdf(x), 0, 10, points=[2, 6])[0]
    assert full.gain == pytest.approx(mean_f - mean_g)
    assert full.prices == pytest.approx((mean_g, mean_f))
    assert full.fair_price == pytest.approx((mean_f + mean_g) / 2)
    assert full.beneficial
    best = CommitmentGame(PAPER_F, PAPER_G).optimal_contract("simultaneous-both-pay")
    assert best.advantage > 0.1  # leveled commitment is worth more here
    # When the contractee's offers are better on average no full commitment contract is
    # individually rational, yet a leveled one can still be.
    f = PiecewiseLinear.normalized([(0, 0), (5, 1), (10, 0)])
    g = PiecewiseLinear.normalized([(2, 0), (6, 1), (10, 0)])
    none = full_commitment(f, g)
    assert none.gain < 0 and none.prices is None and none.fair_price is None
    leveled = optimal_contract(f, g, Mechanism.SIMULTANEOUS_NEITHER_PAYS)
    assert leveled.gain > 0 and leveled.advantage == pytest.approx(leveled.gain)


def test_no_beneficial_contract() -> None:
    """The contractor's outside offers are always cheaper than the contractee's."""
    f = PiecewiseLinear([(0, 0.5), (2, 0.5)])
    g = PiecewiseLinear([(5, 1 / 3), (8, 1 / 3)])
    game = CommitmentGame(f, g)
    assert game.optimum.gain == 0 and not game.optimum.beneficial
    for mech, best in game.optimal_contracts().items():
        assert best.mechanism is mech
        assert not best.beneficial and best.fair is None and best.prices is None
        assert best.gain == 0 and best.worst_gain == 0 and best.advantage == 0
        with pytest.raises(InvalidContract, match="beats the status quo"):
            best.penalties(3)
        assert best.as_dict()["fair"] is None


def test_tailored_contract_outside_the_optimal_range() -> None:
    f, g = PAPER_F, PAPER_G
    mech = Mechanism.SIMULTANEOUS_BOTH_PAY
    opt = optimal_thresholds(f, g)
    rho = 9.0  # above the optimal range [a*, b*]
    eq = tailored_contract(f, g, mech, rho, optimum=opt)
    assert eq.contract.rho == rho and eq.contract.a >= 0 and eq.contract.b >= 0
    assert eq.gain <= opt.gain + 1e-12
    # A brute-force search over penalties at this price does no better.
    brute = max(
        find_equilibria(f, g, Contract(rho, a, b), mech, samples=257).best.gain
        for a, b in itertools.product(np.linspace(0, 8, 17), np.linspace(0, 4, 9))
    )
    assert eq.gain >= brute - 1e-6
    # Inside the range it is exact.
    inside = tailored_contract(f, g, mech, 5.0, optimum=opt)
    assert inside.gain == pytest.approx(opt.gain, abs=1e-12)
    with pytest.raises(InvalidContract, match="outside the support"):
        tailored_contract(f, g, mech, 20.0)
    with pytest.raises(InvalidContract, match="unknown mechanism"):
        optimal_contract(f, g, "both-pay")


def test_optimal_contract_search_is_fast() -> None:
    """The issue's target: under 2 s for paper-style piecewise-linear inputs."""
    start = time.perf_counter()
    game = CommitmentGame(PAPER_F, PAPER_G)
    contracts = game.optimal_contracts()
    assert time.perf_counter() - start < 2.0
    assert len(contracts) == 4
    gains = {round(c.gain, 12) for c in contracts.values()}
    assert len(gains) == 1  # surplus equivalence: every mechanism reaches the same optimum
