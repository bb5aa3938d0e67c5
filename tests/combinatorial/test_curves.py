"""Price-quantity curves (eMediator 2.2, SPEC 3.3): hand-computed clearings, brute-force
cross-checks on small random curves, properties, and refusals of bad input."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.combinatorial.curves import (
    CurveClearing,
    DemandCurve,
    InvalidCurve,
    SupplyCurve,
    aggregate,
    clear_double,
    clear_single,
)
from trustmarket.core.errors import CurrencyError, InvalidId, InvalidInput, InvalidRules

# -- curves and aggregation --------------------------------------------------------------------


def test_quantity_at_interpolates_and_is_constant_outside() -> None:
    d = DemandCurve("ann", [(10, 6), (20, Fraction(5, 2)), (30, 0)])
    assert d.quantity_at(0) == 6
    assert d.quantity_at(10) == 6
    assert d.quantity_at(15) == Fraction(17, 4)
    assert d.quantity_at(Fraction(25)) == Fraction(5, 4)
    assert d.quantity_at(30) == 0
    assert d.quantity_at(1000) == 0
    s = SupplyCurve("sam", [(5, 0), (15, 10)])
    assert s.quantity_at(0) == 0
    assert s.quantity_at(Fraction(11, 2)) == Fraction(1, 2)
    assert s.quantity_at(99) == 10
    assert d.party == "ann"
    assert s.party == "sam"


def test_points_are_normalised_and_repeats_merged() -> None:
    d = DemandCurve("ann", [(0, 3), (0, 3), (5, Fraction(0))])
    assert d.points == ((0, Fraction(3)), (5, Fraction(0)))
    assert all(isinstance(q, Fraction) for _, q in d.points)
    assert d == DemandCurve("ann", [(0, Fraction(3)), (5, 0)])


def test_aggregate_uses_union_of_breakpoints() -> None:
    a = DemandCurve("a", [(0, 4), (4, 0)])
    b = DemandCurve("b", [(2, 6), (6, 0)])
    agg = aggregate([a, b])
    assert agg == [(p, Fraction(q)) for p, q in [(0, 10), (2, 8), (4, 3), (6, 0)]]
    assert aggregate([]) == []
    for p in [Fraction(k, 3) for k in range(24)]:
        # the aggregate, read as a curve, equals the sum of the curves at every price
        pts = agg
        k = max(i for i, (x, _) in enumerate(pts) if x <= p) if p >= pts[0][0] else 0
        if p <= pts[0][0] or k == len(pts) - 1:
            expect = pts[k][1]
        else:
            (x0, y0), (x1, y1) = pts[k], pts[k + 1]
            expect = y0 + (y1 - y0) * (p - x0) / (x1 - x0)
        assert a.quantity_at(p) + b.quantity_at(p) == expect


# -- single-sided: hand-computed ---------------------------------------------------------------


def test_single_linear_interior_vertex() -> None:
    # D(p) = 100 - p: revenue p(100 - p) peaks at p = 50, inside the feasible range.
    r = clear_single([DemandCurve("ann", [(0, 100), (100, 0)])], 80, currency="EUR")
    assert r.price == 50
    assert r.quantity == 50
    assert r.revenue == 2500
    assert r.revenue_minor == 2500
    assert r.currency == "EUR"
    assert r.allocation("ann").quantity == 50
    assert any("30 units stay unsold" in n for n in r.notes)


def test_single_supply_binds() -> None:
    # Same curve, 30 units: D(p) <= 30 needs p >= 70, and revenue falls beyond 50, so p = 70.
    r = clear_single([DemandCurve("ann", [(0, 100), (100, 0)])], 30)
    assert (r.price, r.quantity, r.revenue) == (70, Fraction(30), Fraction(2100))
    assert any("binds" in n for n in r.notes)


def test_single_fractional_quantities_round_payments_down() -> None:
    # D(p) = 10 - 10p/3 on [0, 3]; supply 4 needs p >= 1.8, so p = 2: 10/3 units for 20/3.
    r = clear_single([DemandCurve("ann", [(0, 10), (3, 0)])], 4)
    assert r.price == 2
    assert r.quantity == Fraction(10, 3)
    assert r.revenue == Fraction(20, 3)
    a = r.allocation("ann")
    assert a.payment == Fraction(20, 3)
    assert a.payment_minor == 6
    assert r.revenue_minor == 6


def test_single_two_bidders_each_get_their_curve() -> None:
    ann = DemandCurve("ann", [(0, 60), (60, 0)])  # 60 - p
    bob = DemandCurve("bob", [(0, 40), (80, 0)])  # 40 - p/2 on [0, 80]
    # D = 100 - 1.5p on [0, 60]: vertex 100/3 -> p in {33, 34}; 33*50.5 = 1666.5, 34*49 = 1666
    r = clear_single([ann, bob], 1000)
    assert r.price == 33
    assert r.allocation("ann").quantity == 27
    assert r.allocation("bob").quantity == Fraction(47, 2)
    assert r.revenue == Fraction(3333, 2)
    assert r.allocation("bob").payment_minor == 775  # 33 * 23.5 = 775.5, rounded down
    assert r.revenue_minor == 33 * 27 + 775


def test_single_nonmonotone_curve() -> None:
    # Demand rises with price up to 10, then falls (seed fig. 2 is nonmonotone too).
    d = DemandCurve("ann", [(0, 10), (10, 30), (20, 0)])
    unconstrained = clear_single([d], 100)
    assert (unconstrained.price, unconstrained.quantity, unconstrained.revenue) == (
        10,
        Fraction(30),
        Fraction(300),
    )
    # With 20 units: the rising piece allows p <= 5 (revenue 100); the falling piece p >= 40/3,
    # so p = 14 with D = 18 (revenue 252) beats p = 15 (225).
    r = clear_single([d], 20)
    assert (r.price, r.quantity, r.revenue) == (14, Fraction(18), Fraction(252))


def test_single_tie_prefers_larger_quantity() -> None:
    # D(p) = 5 - p: p = 2 and p = 3 both earn 6; p = 2 sells 3 units, p = 3 only 2.
    r = clear_single([DemandCurve("ann", [(0, 5), (5, 0)])], 10)
    assert (r.price, r.quantity, r.revenue) == (2, Fraction(3), Fraction(6))
    # a tie across pieces: 2 * 3 = 3 * 2 = 6 again
    r2 = clear_single([DemandCurve("ann", [(0, 3), (2, 3), (3, 2), (4, 0)])], 10)
    assert (r2.price, r2.quantity, r2.revenue) == (2, Fraction(3), Fraction(6))


def test_single_free_units_when_demand_only_at_price_zero() -> None:
    # Revenue is 0 everywhere; the larger quantity wins the tie, so the units go at price 0.
    r = clear_single([DemandCurve("ann", [(0, 5), (1, 0)])], 10)
    assert (r.price, r.quantity, r.revenue) == (0, Fraction(5), Fraction(0))


def test_single_no_sale() -> None:
    # 100 units wanted at price 0, none at price 1: no whole price sells <= 10 units.
    r = clear_single([DemandCurve("ann", [(0, 100), (1, 0)])], 10)
    assert r.price is None
    assert r.quantity == 0
    assert r.allocation("ann").quantity == 0
    assert "no sale" in r.notes[0]
    empty = clear_single([], 10)
    assert empty.price is None
    assert "no demand curves" in empty.notes[0]
    zero = clear_single([DemandCurve("ann", [(7, 0)])], 10)
    assert zero.price is None


# -- double-sided: hand-computed ---------------------------------------------------------------


def test_double_efficiency_exact_fraction_price() -> None:
    b1 = DemandCurve("b1", [(0, 6), (6, 0)])  # 6 - p
    b2 = DemandCurve("b2", [(0, 4), (8, 0)])  # 4 - p/2
    s1 = SupplyCurve("s1", [(2, 0), (12, 10)])  # p - 2
    r = clear_double([b1, b2], [s1])
    # 10 - 1.5p = p - 2  ->  p = 24/5, q = 14/5
    assert r.objective == "efficiency"
    assert r.price == r.buyer_price == r.seller_price == Fraction(24, 5)
    assert r.quantity == Fraction(14, 5)
    assert r.allocation("b1", "buyer").quantity == Fraction(6, 5)
    assert r.allocation("b2", "buyer").quantity == Fraction(8, 5)
    assert r.allocation("s1", "seller").quantity == Fraction(14, 5)
    assert r.allocation("b1", "buyer").payment_minor == 5  # 144/25 = 5.76 down
    assert r.allocation("b2", "buyer").payment_minor == 7  # 192/25 = 7.68 down
    assert r.allocation("s1", "seller").payment_minor == 14  # 336/25 = 13.44 up
    assert r.profit == 0
    assert r.profit_minor == -2


def test_double_coinciding_interval_takes_lower_end() -> None:
    d = DemandCurve("b", [(0, 5), (10, 5), (12, 0)])
    s = SupplyCurve("s", [(0, 0), (2, 5), (20, 5)])
    eff = clear_double([d], [s])
    assert eff.price == 2
    assert eff.quantity == 5
    prof = clear_double([d], [s], "profit")
    # q(12 - 0.8q) on the sloped pieces peaks beyond q = 5, so q = 5 at p_b = 10, p_s = 2
    assert (prof.buyer_price, prof.seller_price) == (Fraction(10), Fraction(2))
    assert (prof.quantity, prof.profit) == (Fraction(5), Fraction(40))
    assert prof.price is None


def test_double_profit_linear() -> None:
    d = DemandCurve("b", [(0, 10), (10, 0)])  # p_b(q) = 10 - q
    s = SupplyCurve("s", [(0, 0), (10, 10)])  # p_s(q) = q
    eff = clear_double([d], [s])
    assert eff.price == 5
    assert (eff.quantity, eff.profit) == (Fraction(5), Fraction(0))
    r = clear_double([d], [s], objective="profit")
    # q(10 - 2q) peaks at q = 5/2
    assert r.quantity == Fraction(5, 2)
    assert r.buyer_price == Fraction(15, 2)
    assert r.seller_price == Fraction(5, 2)
    assert r.profit == Fraction(25, 2)
    assert r.allocation("b", "buyer").payment == Fraction(75, 4)
    assert r.allocation("s", "seller").payment == Fraction(25, 4)
    assert r.profit_minor == 18 - 7
    assert r.quantity <= eff.quantity
    assert r.profit >= eff.profit


def test_double_flat_pieces_in_profit() -> None:
    # Demand flat at 4 units from 0 to 30; supply flat at 4 units from 10 to 40.
    d = DemandCurve("b", [(0, 4), (30, 4), (31, 0)])
    s = SupplyCurve("s", [(9, 0), (10, 4), (40, 4)])
    r = clear_double([d], [s], "profit")
    assert (r.buyer_price, r.seller_price) == (Fraction(30), Fraction(10))
    assert (r.quantity, r.profit) == (Fraction(4), Fraction(80))


def test_double_nonmonotone_profit_can_trade_more() -> None:
    # Demand appears at high prices, supply mostly at low prices: they only meet at 1 unit,
    # yet buyers at 60 and sellers at 10 can trade 10 units.
    d = DemandCurve("b", [(0, 1), (50, 1), (60, 10), (70, 0)])
    s = SupplyCurve("s", [(0, 0), (10, 10), (20, 1), (100, 1)])
    eff = clear_double([d], [s])
    assert eff.quantity == 1
    prof = clear_double([d], [s], "profit")
    assert (prof.buyer_price, prof.seller_price) == (Fraction(60), Fraction(10))
    assert (prof.quantity, prof.profit) == (Fraction(10), Fraction(500))


def test_double_no_trade() -> None:
    d = DemandCurve("b", [(0, 5), (3, 0)])
    s = SupplyCurve("s", [(5, 0), (10, 5)])
    for objective in ("efficiency", "profit"):
        r = clear_double([d], [s], objective)
        assert r.quantity == 0
        assert r.buyer_price is None
        assert r.seller_price is None
        assert r.price is None
        assert "no trade" in r.notes[0]
        assert [a.quantity for a in r.allocations] == [0, 0]
    assert "no supply curves" in clear_double([d], []).notes[0]
    assert "no demand curves" in clear_double([], [s], "profit").notes[0]


# -- brute-force cross-checks ------------------------------------------------------------------

Points = list[tuple[int, int | Fraction]]


def close(kind: str, qtys: list[int | Fraction]) -> list[int | Fraction]:
    """Force a demand curve to end, a supply curve to start, at quantity 0."""
    qtys[-1 if kind == "demand" else 0] = 0
    return qtys


@st.composite
def int_points(draw: st.DrawFn, kind: str) -> Points:
    """1 to 4 breakpoints at integer prices 0..8, integer quantities 0..6."""
    prices = sorted(draw(st.sets(st.integers(0, 8), min_size=1, max_size=4)))
    qtys = close(kind, [draw(st.integers(0, 6)) for _ in prices])
    return list(zip(prices, qtys, strict=True))


@st.composite
def unit_step_points(draw: st.DrawFn, kind: str) -> Points:
    """Breakpoints at consecutive integer prices with integer quantities: integer slopes."""
    start = draw(st.integers(0, 4))
    qtys = close(kind, [draw(st.integers(0, 4)) for _ in range(draw(st.integers(1, 4)))])
    return [(start + k, q) for k, q in enumerate(qtys)]


quantities = st.one_of(
    st.integers(0, 20), st.fractions(min_value=0, max_value=20, max_denominator=7)
)


@st.composite
def any_points(draw: st.DrawFn, kind: str) -> Points:
    """1 to 6 breakpoints at prices 0..500, integer or fractional quantities up to 20."""
    prices = sorted(draw(st.sets(st.integers(0, 500), min_size=1, max_size=6)))
    qtys = close(kind, [draw(quantities) for _ in prices])
    return list(zip(prices, qtys, strict=True))


@st.composite
def monotone_points(draw: st.DrawFn, kind: str) -> Points:
    """Demand non-increasing to 0, supply non-decreasing from 0."""
    prices = sorted(draw(st.sets(st.integers(0, 60), min_size=2, max_size=6)))
    steps = [draw(st.integers(0, 9)) for _ in prices[1:]]
    levels: list[int | Fraction] = [sum(steps[:k]) for k in range(len(prices))]
    if kind == "demand":
        levels.reverse()
    return list(zip(prices, levels, strict=True))


def buyers_of(lists: list[Points]) -> list[DemandCurve]:
    return [DemandCurve(f"b{i}", pts) for i, pts in enumerate(lists)]


def sellers_of(lists: list[Points]) -> list[SupplyCurve]:
    return [SupplyCurve(f"s{i}", pts) for i, pts in enumerate(lists)]


def total(curves: Sequence[DemandCurve | SupplyCurve], p: Fraction | int) -> Fraction:
    return sum((c.quantity_at(p) for c in curves), Fraction(0))


def farey(n: int) -> list[Fraction]:
    """Every fraction in [0, 1] with denominator at most n."""
    return sorted({Fraction(j, d) for d in range(1, n + 1) for j in range(d + 1)})


@settings(max_examples=150, deadline=None)
@given(lists=st.lists(int_points("demand"), min_size=1, max_size=3), supply=st.integers(1, 15))
def test_single_matches_brute_force_over_prices(lists: list[Points], supply: int) -> None:
    curves = buyers_of(lists)
    r = clear_single(curves, supply)
    top = max(p for c in curves for p, _ in c.points) + 1
    best: tuple[Fraction, Fraction, int] | None = None
    for p in range(top + 1):  # every whole price: allowed here, in the test only
        q = total(curves, p)
        if q <= supply:
            key = (p * q, q, -p)
            best = key if best is None or key > best else best
    if best is None or best[1] == 0:
        assert r.price is None
        assert r.quantity == 0
    else:
        assert (r.revenue, r.quantity, r.price) == (best[0], best[1], -best[2])


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(unit_step_points("demand"), min_size=1, max_size=2),
    supply=st.lists(unit_step_points("supply"), min_size=1, max_size=2),
)
def test_efficiency_matches_brute_force_grid(demand: list[Points], supply: list[Points]) -> None:
    buyers, sellers = buyers_of(demand), sellers_of(supply)
    parties: list[DemandCurve | SupplyCurve] = [*buyers, *sellers]
    # Between consecutive integers D - S is linear with integer values at the ends, so every
    # crossing has a denominator of at most the sum of the curves' steepest slopes: the Farey
    # grid of that order, laid on every unit interval, holds every crossing exactly.
    order = 1
    for c in parties:
        steps = [abs(y1 - y0) for (_, y0), (_, y1) in itertools.pairwise(c.points)]
        order += int(max(steps, default=0))
    grid = farey(order)
    top = max(p for c in parties for p, _ in c.points)
    best: tuple[Fraction, Fraction] | None = None
    for k in range(top + 1):
        for t in grid:
            d, s = total(buyers, k + t), total(sellers, k + t)
            if d == s:
                key = (d, -(k + t))
                best = key if best is None or key > best else best
    assert best is not None
    r = clear_double(buyers, sellers)
    if best[0] == 0:
        assert r.quantity == 0
        assert r.price is None
    else:
        assert r.quantity == best[0]
        assert r.price == -best[1]


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(int_points("demand"), min_size=1, max_size=2),
    supply=st.lists(int_points("supply"), min_size=1, max_size=2),
)
def test_profit_beats_brute_force_grid(demand: list[Points], supply: list[Points]) -> None:
    buyers, sellers = buyers_of(demand), sellers_of(supply)
    r = clear_double(buyers, sellers, "profit")
    # Relaxed form: at buyer price pb and seller price ps, min(D(pb), S(ps)) units can trade
    # (the relaxation has the same optimum), so no grid pair may beat the exact optimum.
    grid = [Fraction(k, 2) for k in range(2 * 9 + 1)]
    dem = {p: total(buyers, p) for p in grid}
    sup = {p: total(sellers, p) for p in grid}
    grid_best = max(
        (min(dem[pb], sup[ps]) * (pb - ps) for pb in grid for ps in grid if pb > ps),
        default=Fraction(0),
    )
    assert r.profit >= grid_best
    if r.quantity > 0:
        assert r.buyer_price is not None
        assert r.seller_price is not None
        assert total(buyers, r.buyer_price) == r.quantity
        assert total(sellers, r.seller_price) == r.quantity
        assert r.profit == r.quantity * (r.buyer_price - r.seller_price)
        assert r.profit > 0
    else:
        assert grid_best <= 0


# -- properties --------------------------------------------------------------------------------


def check_single(r: CurveClearing, curves: list[DemandCurve], supply: Fraction) -> None:
    assert r.quantity <= supply
    if r.price is None:
        return
    assert total(curves, r.price) == r.quantity <= supply
    assert sum(a.quantity for a in r.allocations) == r.quantity
    for c, a in zip(curves, r.allocations, strict=True):
        assert a.party == c.bidder
        assert a.quantity == c.quantity_at(r.price)
        assert a.payment == r.price * a.quantity
        assert a.payment_minor == math.floor(a.payment) <= r.price * a.quantity


@settings(max_examples=150, deadline=None)
@given(
    lists=st.lists(any_points("demand"), max_size=4),
    supply=st.one_of(st.integers(1, 40), st.fractions(Fraction(1, 3), 40, max_denominator=5)),
)
def test_single_properties(lists: list[Points], supply: int | Fraction) -> None:
    curves = buyers_of(lists)
    check_single(clear_single(curves, supply), curves, Fraction(supply))


@settings(max_examples=150, deadline=None)
@given(
    demand=st.lists(any_points("demand"), max_size=3),
    supply=st.lists(any_points("supply"), max_size=3),
    objective=st.sampled_from(["efficiency", "profit"]),
)
def test_double_properties(demand: list[Points], supply: list[Points], objective: str) -> None:
    buyers, sellers = buyers_of(demand), sellers_of(supply)
    r = clear_double(buyers, sellers, objective)
    assert r.profit >= 0
    if r.quantity == 0:
        return
    assert r.buyer_price is not None
    assert r.seller_price is not None
    if objective == "efficiency":
        assert r.buyer_price == r.seller_price
        assert r.profit == 0
    for a in r.allocations:
        curve: DemandCurve | SupplyCurve
        if a.side == "buyer":
            curve, price = buyers[int(a.party[1:])], r.buyer_price
        else:
            curve, price = sellers[int(a.party[1:])], r.seller_price
        assert a.quantity == curve.quantity_at(price)
        assert a.payment == price * a.quantity
        if a.side == "buyer":
            assert a.payment_minor == math.floor(a.payment)  # never above her curve
        else:
            assert a.payment_minor == math.ceil(a.payment)  # never below his curve
    bought = sum(a.quantity for a in r.allocations if a.side == "buyer")
    sold = sum(a.quantity for a in r.allocations if a.side == "seller")
    assert bought == sold == r.quantity
    assert r.profit == r.quantity * (r.buyer_price - r.seller_price)
    assert r.profit - len(r.allocations) < r.profit_minor <= r.profit


@settings(max_examples=150, deadline=None)
@given(
    demand=st.lists(monotone_points("demand"), min_size=1, max_size=3),
    supply=st.lists(monotone_points("supply"), min_size=1, max_size=3),
)
def test_profit_trades_no_more_and_earns_no_less_than_efficiency(
    demand: list[Points], supply: list[Points]
) -> None:
    buyers, sellers = buyers_of(demand), sellers_of(supply)
    eff = clear_double(buyers, sellers)
    prof = clear_double(buyers, sellers, "profit")
    assert eff.profit == 0
    assert prof.quantity <= eff.quantity
    assert prof.profit >= eff.profit
    # both trade, or neither does (a positive crossing always leaves room for a profit)
    assert (prof.quantity > 0) == (eff.quantity > 0)


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "points", "fragment"),
    [
        ("demand", [(0, 5), (10, 5), (10, 2), (20, 0)], "at price 10 the quantity jumps"),
        ("demand", [(10, 5), (5, 2), (20, 0)], "not sorted"),
        ("demand", [(0, 2.5), (20, 0)], "float"),
        ("demand", [(0.0, 2), (20, 0)], "float"),
        ("demand", [(0, float("nan")), (20, 0)], "float"),
        ("demand", [(0, True), (20, 0)], "int or a fractions.Fraction"),
        ("demand", [(0, "5"), (20, 0)], "int or a fractions.Fraction"),
        ("demand", [(-5, 2), (20, 0)], "0 or more minor units"),
        ("demand", [(0, -2), (20, 0)], "quantities must be 0 or more"),
        ("demand", [(0, Fraction(-1, 2)), (20, 0)], "quantities must be 0 or more"),
        ("demand", [], "empty"),
        ("supply", [], "empty"),
        ("demand", [(0, 5), (20, 1)], "must end at quantity 0"),
        ("supply", [(5, 1), (20, 3)], "must start at quantity 0"),
        ("supply", [(0, 1), (20, 3)], "must start at quantity 0"),
        ("demand", [(0, 5, 1), (20, 0)], "(price, quantity) pair"),
        ("demand", "0,5", "sequence of (price, quantity) pairs"),
        ("supply", None, "sequence of (price, quantity) pairs"),
    ],
)
def test_bad_curves(kind: str, points: Any, fragment: str) -> None:
    cls = DemandCurve if kind == "demand" else SupplyCurve
    with pytest.raises(InvalidCurve) as err:
        cls("a", points)
    assert fragment in str(err.value)
    assert err.value.code == "invalid_curve"
    assert isinstance(err.value, InvalidInput)


def test_jump_message_says_how_to_fix() -> None:
    with pytest.raises(
        InvalidCurve, match=r"spread the step over two prices, e.g. \(10, 5\) and \(11, 2\)"
    ):
        DemandCurve("a", [(0, 5), (10, 5), (10, 2), (20, 0)])
    with pytest.raises(InvalidCurve, match=r"add a last point such as \(21, 0\)"):
        DemandCurve("a", [(0, 5), (20, 1)])
    with pytest.raises(InvalidCurve, match=r"add a first point such as \(4, 0\)"):
        SupplyCurve("a", [(5, 1), (20, 3)])


def test_bad_party_names() -> None:
    with pytest.raises(InvalidId):
        DemandCurve("", [(0, 0)])
    with pytest.raises(InvalidId):
        SupplyCurve("bad name", [(0, 0)])


@pytest.mark.parametrize("supply", [0, -3, 2.5, True, "10", None, Fraction(-1, 2)])
def test_bad_supply(supply: object) -> None:
    with pytest.raises(InvalidCurve, match="positive"):
        clear_single([DemandCurve("a", [(0, 5), (10, 0)])], supply)  # type: ignore[arg-type]


def test_bad_objective() -> None:
    d = DemandCurve("b", [(0, 5), (10, 0)])
    s = SupplyCurve("s", [(0, 0), (10, 5)])
    with pytest.raises(InvalidRules, match="allowed: 'efficiency', 'profit'"):
        clear_double([d], [s], "welfare")


def test_bad_curve_lists() -> None:
    d = DemandCurve("b", [(0, 5), (10, 0)])
    s = SupplyCurve("s", [(0, 0), (10, 5)])
    with pytest.raises(InvalidCurve, match="DemandCurve objects only"):
        clear_single([s], 5)  # type: ignore[list-item]
    with pytest.raises(InvalidCurve, match="SupplyCurve objects only"):
        clear_double([d], [d])  # type: ignore[list-item]
    with pytest.raises(InvalidCurve, match="two curves"):
        clear_single([d, DemandCurve("b", [(0, 1), (3, 0)])], 5)
    with pytest.raises(InvalidCurve, match="list of DemandCurve"):
        clear_single(d, 5)  # type: ignore[arg-type]
    with pytest.raises(InvalidCurve, match="all DemandCurve"):
        aggregate([d, s])  # type: ignore[arg-type]
    with pytest.raises(CurrencyError):
        clear_single([d], 5, currency="XXX")
    with pytest.raises(InvalidCurve, match="float"):
        d.quantity_at(2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidCurve, match="negative"):
        d.quantity_at(-1)
