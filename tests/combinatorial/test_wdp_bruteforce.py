"""Winner determination and Clarke-Groves payments against plain enumeration on small instances."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.combinatorial import Instance, make_instance, solve, vcg
from trustmarket.combinatorial.instance import BundleBid


def brute_force(inst: Instance, drop_bidder: str | None = None) -> int:
    """Best total over every subset of bids that is feasible (exact, exponential)."""
    bids = [b for b in inst.bids if b.bidder != drop_bidder]
    best = 0
    for r in range(len(bids) + 1):
        for combo in itertools.combinations(bids, r):
            groups = [b.group for b in combo if b.group is not None]
            if len(groups) != len(set(groups)):
                continue
            used = [0] * len(inst.goods)
            for b in combo:
                for g, u in b.bundle:
                    used[g] += u
            if all(used[g] <= inst.goods[g].units for g in range(len(inst.goods))):
                best = max(best, sum(b.price for b in combo))
    return best


@st.composite
def instances(draw: st.DrawFn, multi_unit: bool = False) -> Instance:
    n_goods = draw(st.integers(1, 5))
    supply = {f"g{i}": (draw(st.integers(1, 3)) if multi_unit else 1) for i in range(n_goods)}
    n_bids = draw(st.integers(0, 12))
    n_bidders = draw(st.integers(1, 5))
    rows = []
    for k in range(n_bids):
        bidder = f"b{draw(st.integers(0, n_bidders - 1))}"
        goods = draw(st.lists(st.sampled_from(sorted(supply)), min_size=1, max_size=3, unique=True))
        bundle = {g: (draw(st.integers(1, 2)) if multi_unit else 1) for g in goods}
        price = draw(st.integers(1, 40))
        group = draw(st.sampled_from([None, "x", "y"]))
        rows.append((f"{k}", bidder, price, bundle, group))
    return make_instance(supply, rows)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_search_and_mip_match_enumeration(inst: Instance) -> None:
    expected = brute_force(inst)
    for solver in ("search", "mip"):
        sol = solve(inst, solver=solver)
        assert sol.optimal
        assert sol.value == expected, solver
        assert sol.bound == sol.value
        assert inst.value_of(sol.winners) == sol.value
        inst.check_feasible(sol.winners)


@settings(max_examples=100, deadline=None)
@given(instances(multi_unit=True))
def test_multi_unit_search_matches_enumeration(inst: Instance) -> None:
    expected = brute_force(inst)
    assert solve(inst).value == expected
    assert solve(inst, solver="mip").value == expected


@settings(max_examples=100, deadline=None)
@given(instances())
def test_vcg_payments_match_enumeration(inst: Instance) -> None:
    total = brute_force(inst)
    # Ties between optimal allocations may be broken differently by the two solvers; each
    # result must be right for the allocation it chose.
    for solver in ("search", "mip"):
        result = vcg(inst, solver=solver)
        assert result.solution.value == total
        assert result.incentive_compatible
        winners = {inst.bid(w).bidder for w in result.solution.winners}
        assert set(result.payments) == winners
        for bidder, pay in result.payments.items():
            own = result.winning_value(inst, bidder)
            assert pay == brute_force(inst, drop_bidder=bidder) - (total - own)
            # A winner never pays above her bid and payments are never negative.
            assert 0 <= pay <= own


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 60), st.integers(0, 4))
def test_adding_a_bid_never_lowers_the_optimum(inst: Instance, price: int, good: int) -> None:
    good = good % len(inst.goods)
    extra = BundleBid("new", "newcomer", price, ((good, 1),), None)
    bigger = Instance(inst.goods, (*inst.bids, extra), inst.decimals, inst.unit)
    assert solve(bigger).value >= solve(inst).value


@settings(max_examples=60, deadline=None)
@given(instances(), st.data())
def test_truthful_xor_bidding_is_dominant(inst: Instance, data: st.DataObject) -> None:
    """With XOR bids and Clarke-Groves prices, no misreport raises a bidder's utility."""
    # Make every bidder an XOR bidder: all her bids in one group.
    bidders = sorted({b.bidder for b in inst.bids})
    if not bidders:
        return
    gid = {name: i for i, name in enumerate(bidders)}
    truth = Instance(
        inst.goods,
        tuple(BundleBid(b.bid_id, b.bidder, b.price, b.bundle, gid[b.bidder]) for b in inst.bids),
    )
    me = data.draw(st.sampled_from(bidders))
    mine = [b for b in truth.bids if b.bidder == me]
    value = {b.bid_id: b.price for b in mine}

    def utility(reported: Instance) -> int:
        result = vcg(reported)
        won = [w for w in result.solution.winners if reported.bid(w).bidder == me]
        return sum(value[w] for w in won) - result.payments.get(me, 0)

    lies = tuple(
        BundleBid(b.bid_id, b.bidder, data.draw(st.integers(1, 60)), b.bundle, b.group)
        if b.bidder == me
        else b
        for b in truth.bids
    )
    assert utility(truth) >= utility(Instance(truth.goods, lies))


def test_paper_example_or_gives_9_and_xor_gives_7() -> None:
    from trustmarket.combinatorial import build_instance, parse_bid

    for text, expected in (
        ("({1}, 5) OR ({2}, 4) OR ({1,2}, 7)", 9),
        ("({1}, 5) XOR ({2}, 4) XOR ({1,2}, 7)", 7),
    ):
        inst = build_instance(["1", "2"], {"agent1": parse_bid(text, "USD")}, currency="USD")
        assert solve(inst).value == expected * 100
        assert solve(inst, solver="mip").value == expected * 100
