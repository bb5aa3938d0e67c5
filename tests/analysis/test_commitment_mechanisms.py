"""Each mechanism's threshold is the point of indifference in SPEC section 5's payoff table, and
the tailored penalties invert the thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.analysis.commitment import Contract, Mechanism, as_mechanism, rules
from trustmarket.core.errors import InvalidContract


def table(mech: Mechanism, c: Contract, x: float, y: float, a_dec: bool, b_dec: bool) -> tuple:
    """The payoff table after the mechanism's order of moves (a second mover keeps the contract
    when the first decommitted)."""
    if mech is Mechanism.SEQUENTIAL_CONTRACTEE_FIRST:
        a_dec = a_dec and not b_dec
    if mech is Mechanism.SEQUENTIAL_CONTRACTOR_FIRST:
        b_dec = b_dec and not a_dec
    if a_dec and b_dec:
        if mech is Mechanism.SIMULTANEOUS_NEITHER_PAYS:
            return -x, y
        return -x - c.a + c.b, y - c.b + c.a
    if a_dec:
        return -x - c.a, y + c.a
    if b_dec:
        return -x + c.b, y - c.b
    return -c.rho, c.rho


def contractor_advantage(mech: Mechanism, c: Contract, x: float, p_b: float) -> float:
    """E[decommit] - E[keep] for a contractor with offer x when she 'wants' to decommit with
    probability p_b."""
    dec = (
        p_b * table(mech, c, x, 0, True, True)[0] + (1 - p_b) * table(mech, c, x, 0, True, False)[0]
    )
    keep = (
        p_b * table(mech, c, x, 0, False, True)[0]
        + (1 - p_b) * table(mech, c, x, 0, False, False)[0]
    )
    if mech is Mechanism.SEQUENTIAL_CONTRACTEE_FIRST:
        # He decides knowing she kept the contract.
        return table(mech, c, x, 0, True, False)[0] - table(mech, c, x, 0, False, False)[0]
    return dec - keep


def contractee_advantage(mech: Mechanism, c: Contract, y: float, p_a: float) -> float:
    dec = (
        p_a * table(mech, c, 0, y, True, True)[1] + (1 - p_a) * table(mech, c, 0, y, False, True)[1]
    )
    keep = (
        p_a * table(mech, c, 0, y, True, False)[1]
        + (1 - p_a) * table(mech, c, 0, y, False, False)[1]
    )
    if mech is Mechanism.SEQUENTIAL_CONTRACTOR_FIRST:
        return table(mech, c, 0, y, False, True)[1] - table(mech, c, 0, y, False, False)[1]
    return dec - keep


contracts = st.builds(Contract, st.floats(-5, 5), st.floats(0, 4), st.floats(0, 4))


@settings(max_examples=60, deadline=None)
@given(contracts, st.floats(0, 0.97), st.sampled_from(list(Mechanism)))
def test_thresholds_are_the_points_of_indifference(c: Contract, p: float, mech: Mechanism) -> None:
    r = rules(mech)
    a_star = float(r.contractor_threshold(c, p))
    b_star = float(r.contractee_threshold(c, p))
    eps = 1e-6
    # Decommitting pays strictly below a* and not above it.
    assert contractor_advantage(mech, c, a_star - eps, p) > 0
    assert contractor_advantage(mech, c, a_star + eps, p) < 0
    assert contractor_advantage(mech, c, a_star, p) == pytest.approx(0, abs=1e-9)
    assert contractee_advantage(mech, c, b_star + eps, p) > 0
    assert contractee_advantage(mech, c, b_star - eps, p) < 0
    assert contractee_advantage(mech, c, b_star, p) == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("mech", list(Mechanism), ids=lambda m: m.value)
def test_facing_certain_decommitment(mech: Mechanism) -> None:
    """With p = 1 decommitting never pays strictly, so the party never decommits."""
    c = Contract(3, 1, 2)
    r = rules(mech)
    a_star = float(r.contractor_threshold(c, 1.0))
    b_star = float(r.contractee_threshold(c, 1.0))
    for x in (-100.0, 0.0, 3.0, 100.0):
        if math.isinf(a_star):
            assert a_star == -math.inf
            assert contractor_advantage(mech, c, x, 1.0) <= 0
        if math.isinf(b_star):
            assert b_star == math.inf
            assert contractee_advantage(mech, c, x, 1.0) <= 0
    # Only the second mover of a sequential mechanism keeps a finite threshold.
    assert math.isinf(a_star) == (mech is not Mechanism.SEQUENTIAL_CONTRACTEE_FIRST)
    assert math.isinf(b_star) == (mech is not Mechanism.SEQUENTIAL_CONTRACTOR_FIRST)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(-5, 5),
    st.floats(0.1, 6),
    st.floats(0, 0.9),
    st.floats(0, 0.9),
    st.floats(0, 1),
    st.sampled_from(list(Mechanism)),
)
def test_tailored_penalties_invert_the_thresholds(
    a_star: float, width: float, p_a: float, p_b: float, t: float, mech: Mechanism
) -> None:
    b_star = a_star + width
    r = rules(mech)
    lo, hi = r.price_range(a_star, b_star, p_a, p_b)
    assert a_star <= lo <= hi <= b_star
    rho = lo + t * (hi - lo)
    a, b = (float(v) for v in r.tailored_penalties(rho, a_star, b_star, p_a, p_b))
    assert a >= -1e-9 and b >= -1e-9
    c = Contract(rho, max(a, 0.0), max(b, 0.0))
    assert float(r.contractor_threshold(c, p_b)) == pytest.approx(a_star, abs=1e-8)
    assert float(r.contractee_threshold(c, p_a)) == pytest.approx(b_star, abs=1e-8)
    # At each end of the range one penalty is zero; just outside it one turns negative.
    ends = [r.tailored_penalties(x, a_star, b_star, p_a, p_b) for x in (lo, hi)]
    for pen in ends:
        assert min(float(pen[0]), float(pen[1])) == pytest.approx(0, abs=1e-9)
    if hi - lo > 1e-6:
        outside = [r.tailored_penalties(x, a_star, b_star, p_a, p_b) for x in (lo - 0.1, hi + 0.1)]
        for pen in outside:
            assert min(float(pen[0]), float(pen[1])) < 0


def test_neither_pays_singular_system() -> None:
    r = rules(Mechanism.SIMULTANEOUS_NEITHER_PAYS)
    # p_a + p_b = 1: the two equations coincide; consistent targets give (X, 0).
    a, b = r.tailored_penalties(2.5, 1.0, 4.0, 0.5, 0.5)
    assert (float(a), float(b)) == (1.5, 0.0)
    a, b = r.tailored_penalties(2.0, 1.0, 4.0, 0.5, 0.5)
    assert math.isnan(float(a)) and math.isnan(float(b))


def test_vectorised_thresholds() -> None:
    c = Contract(5, 1, 2)
    p = np.array([0.0, 0.5, 1.0])
    b_star = rules(Mechanism.SIMULTANEOUS_BOTH_PAY).contractee_threshold(c, p)
    assert b_star.tolist() == [7.0, 9.0, math.inf]
    a_star = rules(Mechanism.SIMULTANEOUS_NEITHER_PAYS).contractor_threshold(c, p)
    assert a_star.tolist() == [4.0, 2.0, -math.inf]


def test_mechanism_names_and_properties() -> None:
    assert as_mechanism("SIMULTANEOUS_BOTH_PAY") is Mechanism.SIMULTANEOUS_BOTH_PAY
    assert as_mechanism(Mechanism.SEQUENTIAL_CONTRACTOR_FIRST) is (
        Mechanism.SEQUENTIAL_CONTRACTOR_FIRST
    )
    for mech in Mechanism:
        r = rules(mech)
        assert r.mechanism is mech and rules(mech.value) is r
        assert r.sequential == (r.first_mover is not None)
    assert not rules("simultaneous-neither-pays").both_pay
    with pytest.raises(InvalidContract, match="unknown mechanism"):
        as_mechanism("dutch")
