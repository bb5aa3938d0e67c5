"""Every equilibrium of a leveled commitment contract is checked against brute force.

The brute force knows nothing of the threshold formulas or of the package's payoff formulas: it
sums SPEC section 5's payoff table over fine quadrature grids of both outside offers, for each
mechanism's order of moves, and finds each party's best reply by comparing, offer by offer,
decommitting with keeping the contract (so it searches over *all* strategies, threshold or not),
and over a grid of thresholds.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Distribution,
    Equilibrium,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
    equilibrium_at,
    expected_gains,
    find_equilibria,
    rules,
    status_quo,
)
from trustmarket.core.errors import InvalidContract

Arr = npt.NDArray[np.float64]

PAPER_F = PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)])
PAPER_G = PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)])
# Two narrow bumps each: three equilibria under the simultaneous mechanisms.
BUMPS_F = PiecewiseLinear.normalized([(1.5, 0), (2, 1), (2.5, 0), (7.5, 0), (8, 1), (8.5, 0)])
BUMPS_G = PiecewiseLinear.normalized([(2.5, 0), (3, 1), (3.5, 0), (7.5, 0), (8, 1), (8.5, 0)])
NORMAL_F = ScipyDistribution(stats.norm(6, 1.5))
NORMAL_G = ScipyDistribution(stats.norm(4.5, 1.5))
UNIFORM_F = PiecewiseLinear([(2, 0.1), (12, 0.1)])
TRIANGLE_G = ScipyDistribution(stats.triang(0.3, loc=0, scale=10))

CASES = {
    "paper": (PAPER_F, PAPER_G, [(6, 1, 1), (5, 0, 2), (5.5, 2, 0.3), (4, 0, 0), (12, 0, 1)]),
    "bumps": (BUMPS_F, BUMPS_G, [(5, 2, 2), (5, 1, 3)]),
    "normal": (NORMAL_F, NORMAL_G, [(5.5, 1, 1), (5, 0.5, 2.5)]),
    "uniform-triangle": (UNIFORM_F, TRIANGLE_G, [(6, 1.5, 0.5), (3, 0, 0)]),
}


def nodes(dist: Distribution, n: int = 500, cuts: tuple[float, ...] = ()) -> tuple[Arr, Arr]:
    """Midpoints and normalised pdf weights (midpoint rule) over the (numerical) support; the
    ``cuts`` (thresholds, kinks of the pdf) become cell edges."""
    lo, hi = dist.support
    if math.isinf(lo):
        lo = float(dist.quantile(1e-9))
    if math.isinf(hi):
        hi = float(dist.quantile(1 - 1e-9))
    inner = [c for c in cuts if lo < c < hi]
    if isinstance(dist, PiecewiseLinear):
        inner += [x for x, _ in dist.points]
    edges = np.unique(np.concatenate((np.linspace(lo, hi, n + 1), inner)))
    mid = (edges[:-1] + edges[1:]) / 2
    w = dist.pdf(mid) * np.diff(edges)
    return mid, w / w.sum()


def outcome(
    mechanism: Mechanism,
    contract: Contract,
    x: Arr,
    y: Arr,
    a_wants: npt.ArrayLike,
    b_wants: npt.ArrayLike,
) -> tuple[Arr, Arr]:
    """SPEC section 5's payoff table, after the mechanism's order of moves."""
    x, y = np.broadcast_arrays(x, y)
    a_w = np.broadcast_to(np.asarray(a_wants, dtype=bool), x.shape)
    b_w = np.broadcast_to(np.asarray(b_wants, dtype=bool), x.shape)
    if mechanism is Mechanism.SEQUENTIAL_CONTRACTEE_FIRST:
        a_dec, b_dec = a_w & ~b_w, b_w  # he only decommits if she did not
    elif mechanism is Mechanism.SEQUENTIAL_CONTRACTOR_FIRST:
        a_dec, b_dec = a_w, b_w & ~a_w
    else:
        a_dec, b_dec = a_w, b_w
    rho, a, b = contract.rho, contract.a, contract.b
    both = a_dec & b_dec
    if mechanism is Mechanism.SIMULTANEOUS_NEITHER_PAYS:
        both_a, both_b = -x, y
    else:
        both_a, both_b = -x - a + b, y - b + a
    u_a = np.select([both, a_dec, b_dec], [both_a, -x - a, -x + b], -rho)
    u_b = np.select([both, a_dec, b_dec], [both_b, y + a, y - b], rho)
    return u_a, u_b


def brute_payoffs(
    f: Distribution,
    g: Distribution,
    contract: Contract,
    mechanism: Mechanism,
    a_star: float,
    b_star: float,
    n: int = 600,
) -> tuple[float, float]:
    x, wx = nodes(f, n, (a_star,))
    y, wy = nodes(g, n, (b_star,))
    u_a, u_b = outcome(
        mechanism, contract, x[:, None], y[None, :], (x < a_star)[:, None], (y > b_star)[None, :]
    )
    return float(wx @ u_a @ wy), float(wx @ u_b @ wy)


def check_equilibrium(f: Distribution, g: Distribution, eq: Equilibrium) -> None:
    """No deviation of either party (to any strategy) pays, and the best threshold found on a
    grid matches the formula's threshold where the density is positive."""
    mech, contract = eq.mechanism, eq.contract
    x, wx = nodes(f, cuts=(eq.a_star,))
    y, wy = nodes(g, cuts=(eq.b_star,))
    scale = 1 + abs(contract.rho) + contract.a + contract.b
    tol = 2e-6 * scale

    # The contractor, facing her threshold b*.
    b_wants = (y > eq.b_star)[None, :]
    dec = outcome(mech, contract, x[:, None], y[None, :], True, b_wants)[0] @ wy
    keep = outcome(mech, contract, x[:, None], y[None, :], False, b_wants)[0] @ wy
    at_eq = wx @ np.where(x < eq.a_star, dec, keep)
    assert at_eq >= wx @ np.maximum(dec, keep) - tol
    # Best threshold on the grid: value(t_k) = sum_{i<k} w dec + sum_{i>=k} w keep.
    values = np.concatenate(([0.0], np.cumsum(wx * (dec - keep)))) + wx @ keep
    cut = np.concatenate(([x[0] - 1e-9], (x[:-1] + x[1:]) / 2, [x[-1] + 1e-9]))
    best_t = cut[int(np.argmax(values))]
    assert at_eq >= values.max() - tol
    if float(f.pdf(eq.a_star)) > 0.05 and math.isfinite(eq.a_star):
        assert abs(best_t - eq.a_star) <= 3 * float(np.max(np.diff(x)))

    # The contractee, facing his threshold a*.
    a_wants = (x < eq.a_star)[:, None]
    dec_b = wx @ outcome(mech, contract, x[:, None], y[None, :], a_wants, True)[1]
    keep_b = wx @ outcome(mech, contract, x[:, None], y[None, :], a_wants, False)[1]
    at_eq_b = wy @ np.where(y > eq.b_star, dec_b, keep_b)
    assert at_eq_b >= wy @ np.maximum(dec_b, keep_b) - tol
    values_b = np.concatenate(([0.0], np.cumsum(wy * (keep_b - dec_b)))) + wy @ dec_b
    cut_b = np.concatenate(([y[0] - 1e-9], (y[:-1] + y[1:]) / 2, [y[-1] + 1e-9]))
    best_b = cut_b[int(np.argmax(values_b))]
    assert at_eq_b >= values_b.max() - tol
    if float(g.pdf(eq.b_star)) > 0.05 and math.isfinite(eq.b_star):
        assert abs(best_b - eq.b_star) <= 3 * float(np.max(np.diff(y)))

    # The reported payoffs are the brute-force ones.
    pay_a, pay_b = brute_payoffs(f, g, contract, mech, eq.a_star, eq.b_star)
    assert eq.contractor_payoff == pytest.approx(pay_a, abs=1e-4 * scale)
    assert eq.contractee_payoff == pytest.approx(pay_b, abs=1e-4 * scale)


@pytest.mark.parametrize("mechanism", list(Mechanism), ids=lambda m: m.value)
@pytest.mark.parametrize("case", list(CASES))
def test_every_equilibrium_is_a_brute_force_best_response(case: str, mechanism: Mechanism) -> None:
    f, g, contracts = CASES[case]
    for rho, a, b in contracts:
        found = find_equilibria(f, g, Contract(rho, a, b), mechanism)
        assert len(found) >= 1
        for eq in found:
            assert eq.p_a == pytest.approx(float(f.cdf(eq.a_star)))
            assert eq.p_b == pytest.approx(1 - float(g.cdf(eq.b_star)))
            check_equilibrium(f, g, eq)


def test_the_paper_minus_sign_is_not_a_best_response() -> None:
    """eq. 4c as printed (``- a p_a / (1 - p_a)``) leaves money on the table: the check above
    would catch a formula like it."""
    f, g = PAPER_F, PAPER_G
    contract = Contract(6, 2, 0.5)
    eq = find_equilibria(f, g, contract, Mechanism.SIMULTANEOUS_NEITHER_PAYS).best
    assert eq.p_a > 0.1
    printed = contract.rho + contract.b - contract.a * eq.p_a / (1 - eq.p_a)
    x, wx = nodes(f)
    y, wy = nodes(g)
    a_wants = (x < eq.a_star)[:, None]
    mech = Mechanism.SIMULTANEOUS_NEITHER_PAYS
    dec_b = wx @ outcome(mech, contract, x[:, None], y[None, :], a_wants, True)[1]
    keep_b = wx @ outcome(mech, contract, x[:, None], y[None, :], a_wants, False)[1]
    at_printed = wy @ np.where(y > printed, dec_b, keep_b)
    at_derived = wy @ np.where(y > eq.b_star, dec_b, keep_b)
    assert at_derived - at_printed > 1e-3


def test_simultaneous_contracts_can_have_several_equilibria() -> None:
    contract = Contract(5, 2, 2)
    for mech in (Mechanism.SIMULTANEOUS_BOTH_PAY, Mechanism.SIMULTANEOUS_NEITHER_PAYS):
        found = find_equilibria(BUMPS_F, BUMPS_G, contract, mech)
        assert len(found.points) == 3
        assert not found.unique
        p_as = [e.p_a for e in found.points]
        assert p_as == sorted(p_as)
        assert found.best.gain > found.worst.gain


def independent_phi(
    f: Distribution, g: Distribution, contract: Contract, mechanism: Mechanism, p: Arr
) -> Arr:
    """SPEC's threshold equations written out again, for counting fixed points."""
    rho, a, b = contract.rho, contract.a, contract.b
    with np.errstate(divide="ignore", invalid="ignore"):
        if mechanism is Mechanism.SEQUENTIAL_CONTRACTEE_FIRST:
            bs = np.where(p < 1, rho + (b + a * p) / (1 - p), np.inf)
        elif mechanism is Mechanism.SEQUENTIAL_CONTRACTOR_FIRST:
            bs = np.full_like(p, rho + b)
        elif mechanism is Mechanism.SIMULTANEOUS_BOTH_PAY:
            bs = np.where(p < 1, rho + b / (1 - p), np.inf)
        else:
            bs = np.where(p < 1, rho + b + a * p / (1 - p), np.inf)
        pb = 1 - g.cdf(bs)
        if mechanism is Mechanism.SEQUENTIAL_CONTRACTEE_FIRST:
            as_ = np.full_like(p, rho - a)
        elif mechanism is Mechanism.SEQUENTIAL_CONTRACTOR_FIRST:
            as_ = np.where(pb < 1, rho - (a + b * pb) / (1 - pb), -np.inf)
        elif mechanism is Mechanism.SIMULTANEOUS_BOTH_PAY:
            as_ = np.where(pb < 1, rho - a / (1 - pb), -np.inf)
        else:
            as_ = np.where(pb < 1, rho - a - b * pb / (1 - pb), -np.inf)
    return f.cdf(as_)


@pytest.mark.parametrize("mechanism", list(Mechanism), ids=lambda m: m.value)
def test_no_equilibrium_is_missed(mechanism: Mechanism) -> None:
    """Sign changes of phi(p) - p on a grid 20 times finer than the solver's."""
    for f, g, contracts in CASES.values():
        for rho, a, b in contracts:
            contract = Contract(rho, a, b)
            p = np.linspace(0, 1, 20_001)
            d = independent_phi(f, g, contract, mechanism, p) - p
            zero = np.abs(d) < 1e-12
            s = np.sign(np.where(zero, 0.0, d))
            crossings = int(np.sum(s[:-1] * s[1:] < 0))
            crossings += int(np.sum(zero[1:] & ~zero[:-1]) + zero[0])  # runs of zeros
            found = find_equilibria(f, g, contract, mechanism)
            assert len(found.points) == crossings
            if mechanism.value.startswith("sequential"):
                assert found.unique


def test_expected_gains_match_the_payoff_table() -> None:
    """The closed-form gains at arbitrary (non-equilibrium) thresholds."""
    rng = np.random.default_rng(7)
    for f, g, contracts in CASES.values():
        for mech in Mechanism:
            rho, a, b = contracts[0]
            contract = Contract(rho, a, b)
            for _ in range(3):
                a_star, b_star = rng.uniform(0, 12, 2)
                ga, gb = expected_gains(f, g, contract, mech, a_star, b_star)
                pay_a, pay_b = brute_payoffs(f, g, contract, mech, a_star, b_star)
                quo_a, quo_b = status_quo(f, g)
                assert float(ga) + quo_a == pytest.approx(pay_a, abs=1e-4)
                assert float(gb) + quo_b == pytest.approx(pay_b, abs=1e-4)


def test_certain_decommitment_means_the_other_never_decommits() -> None:
    """SPEC: "When p = 1 the party facing certain decommitment never decommits"."""
    # rho - a = 12 = sup of f's support: the contractor surely decommits.
    eq = find_equilibria(
        PAPER_F, PAPER_G, Contract(12, 0, 1), Mechanism.SEQUENTIAL_CONTRACTEE_FIRST
    ).points[0]
    assert eq.p_a == 1.0
    assert eq.b_star == math.inf and eq.p_b == 0.0
    assert eq.as_dict()["b_star"] is None
    r = rules(Mechanism.SIMULTANEOUS_BOTH_PAY)
    assert float(r.contractee_threshold(Contract(5, 1, 1), 1.0)) == math.inf
    assert float(r.contractor_threshold(Contract(5, 1, 1), 1.0)) == -math.inf
    r = rules(Mechanism.SIMULTANEOUS_NEITHER_PAYS)
    assert float(r.contractee_threshold(Contract(5, 1, 1), 1.0)) == math.inf
    assert float(r.contractor_threshold(Contract(5, 1, 1), 1.0)) == -math.inf


def test_equilibrium_report_is_consistent() -> None:
    game = CommitmentGame(PAPER_F, PAPER_G)
    found = game.all_equilibria(Contract(6, 1, 1))
    assert set(found) == set(Mechanism)
    for mech, eqs in found.items():
        eq = eqs.best
        assert eq.mechanism is mech
        assert eq.gain == pytest.approx(eq.contractor_gain + eq.contractee_gain)
        assert eq.contractor_payoff == pytest.approx(eq.contractor_gain - PAPER_F.mean)
        assert eq.contractee_payoff == pytest.approx(eq.contractee_gain + PAPER_G.mean)
        assert eq.performed == pytest.approx((1 - eq.p_a) * (1 - eq.p_b))
        data = eqs.as_dict()
        assert data["mechanism"] == mech.value and len(data["equilibria"]) == len(eqs.points)


@pytest.mark.parametrize(
    ("contract", "fragment"),
    [
        (Contract(13, 1, 1), "allowed: 0 <= rho <= 12"),
        (Contract(-0.5, 1, 1), "outside the support"),
    ],
)
def test_price_outside_the_support_is_refused(contract: Contract, fragment: str) -> None:
    with pytest.raises(InvalidContract, match=fragment):
        find_equilibria(PAPER_F, PAPER_G, contract, Mechanism.SIMULTANEOUS_BOTH_PAY)


def test_bad_contracts_and_mechanisms_are_refused() -> None:
    with pytest.raises(InvalidContract, match="below zero"):
        Contract(5, -1, 0)
    with pytest.raises(InvalidContract, match="penalty b"):
        Contract(5, 0, -0.01)
    with pytest.raises(InvalidContract, match="finite"):
        Contract(math.nan, 0, 0)
    with pytest.raises(InvalidContract, match="must be a number"):
        Contract("five", 0, 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidContract, match="unknown mechanism 'auction'"):
        find_equilibria(PAPER_F, PAPER_G, Contract(5, 1, 1), "auction")
    with pytest.raises(InvalidContract, match="unknown mechanism"):
        rules("english")
    with pytest.raises(InvalidContract, match="unknown mechanism"):
        expected_gains(PAPER_F, PAPER_G, Contract(5, 1, 1), "both", 4.0, 6.0)
    with pytest.raises(InvalidContract, match="probability"):
        equilibrium_at(PAPER_F, PAPER_G, Contract(5, 1, 1), Mechanism.SIMULTANEOUS_BOTH_PAY, 1.5)
    with pytest.raises(InvalidContract, match="outside the support"):
        equilibrium_at(PAPER_F, PAPER_G, Contract(50, 1, 1), Mechanism.SIMULTANEOUS_BOTH_PAY, 0)
    game = CommitmentGame(PAPER_F, PAPER_G)
    with pytest.raises(InvalidContract, match="allowed: sequential-contractee-first"):
        game.equilibria(Contract(5, 1, 1), "simultaneous")  # ambiguous: which one?


class Continuum:
    """A user-defined Distribution (the protocol is public) whose cdf is drawn so that, against
    a uniform contractee and the contract (5, 1, 1) under both-pay, F(a*(p)) = p for every p in
    [0.2, 0.4]: a whole interval of equilibria. a*(p) = 5 - 10 / (5 + 1 / (1 - p)) rises from
    3.4 to 3.5 there; F is its inverse, and linear outside."""

    support = (0.0, 10.0)

    def cdf(self, x: npt.ArrayLike) -> Arr:
        x = np.clip(np.asarray(x, dtype=float), 0.0, 10.0)
        mid = np.clip(x, 3.4, 3.5)
        inverse = 1 - 1 / (10 / (5 - mid) - 5)
        return np.where(
            x < 3.4, 0.2 * x / 3.4, np.where(x > 3.5, 0.4 + 0.6 * (x - 3.5) / 6.5, inverse)
        )

    def pdf(self, x: npt.ArrayLike) -> Arr:
        x = np.asarray(x, dtype=float)
        h = 1e-7
        inside = (x >= 0) & (x <= 10)
        return np.where(inside, (self.cdf(x + h) - self.cdf(x - h)) / (2 * h), 0.0)

    def quantile(self, q: npt.ArrayLike) -> Arr:  # not needed here
        raise NotImplementedError

    def partial_expectation(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> Arr:
        from scipy.integrate import quad

        def one(a: float, b: float) -> float:
            a, b = max(a, 0.0), min(b, 10.0)
            if b <= a:
                return 0.0
            points = [p for p in (3.4, 3.5) if a < p < b]
            return quad(lambda t: t * float(self.pdf(t)), a, b, points=points or None)[0]

        return np.vectorize(one, otypes=[float])(lo, hi)

    @property
    def mean(self) -> float:
        return float(self.partial_expectation(0.0, 10.0))


def test_a_continuum_of_equilibria() -> None:
    f, g = Continuum(), PiecewiseLinear([(0, 0.1), (10, 0.1)])
    assert isinstance(f, Distribution)
    found = find_equilibria(f, g, Contract(5, 1, 1), Mechanism.SIMULTANEOUS_BOTH_PAY)
    assert found.points == () and not found.unique
    ((low, high),) = found.continua
    assert low.p_a == pytest.approx(0.2, abs=1e-6)
    assert high.p_a == pytest.approx(0.4, abs=1e-6)
    assert len(found) == 2 and list(found) == [low, high]
    for eq in (low, high):
        check_equilibrium(f, g, eq)
    assert len(found.as_dict()["continua"]) == 1
