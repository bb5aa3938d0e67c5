"""Combinatorial exchanges (SPEC 3.4): maximum surplus subject to supply covering demand, and the
50:50 proportional split of exchange.py's module docstring.

Convention checked here: a transfer's ``payment`` is what the bid pays the market maker
(negative: it is paid); ``market_maker`` is what the market maker keeps, equal to the sum of
all payments, never negative (no deficit) and only rounding dust or an unmatched side's half."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.combinatorial import (
    ExchangeResult,
    Instance,
    Settlement,
    clear_exchange,
    make_instance,
    split_surplus,
)
from trustmarket.core.errors import InvalidInput, InvalidInstance

SOLVERS = ("search", "mip")


def feasible(inst: Instance, bids: Sequence[Any]) -> bool:
    """Supply covers demand for every good, and at most one bid per XOR group."""
    groups = [b.group for b in bids if b.group is not None]
    if len(groups) != len(set(groups)):
        return False
    net = [0] * len(inst.goods)
    for b in bids:
        for g, u in b.bundle:
            net[g] += u
    return all(n <= good.units for n, good in zip(net, inst.goods, strict=True))


def best_surplus(inst: Instance) -> int:
    best = 0
    for r in range(1, len(inst.bids) + 1):
        for combo in itertools.combinations(inst.bids, r):
            if feasible(inst, combo):
                best = max(best, sum(b.price for b in combo))
    return best


def check_settlement(inst: Instance, winners: Sequence[str], s: Settlement) -> None:
    """Every promise of the split rule, recomputed from the accepted bids."""
    bids = [inst.bid(w) for w in winners]
    assert feasible(inst, bids)
    assert s.surplus == sum(b.price for b in bids) >= 0
    assert [t.bid_id for t in s.transfers] == list(winners)
    for t, b in zip(s.transfers, bids, strict=True):
        assert (t.bidder, t.price) == (b.bidder, b.price)
        assert t.share >= 0
        assert t.payment == t.price - t.share
        if t.price > 0:
            assert 0 <= t.payment <= t.price  # a payer never pays above her bid
        elif t.price < 0:
            assert t.payment <= t.price  # a receiver gets at least her ask: -payment >= -price
        else:
            assert t.share == t.payment == 0
    # Payments net per bidder, and the exchange balances: they sum to the market maker's take.
    net: dict[str, int] = {}
    for t in s.transfers:
        net[t.bidder] = net.get(t.bidder, 0) + t.payment
    assert s.payments == net
    shares = sum(t.share for t in s.transfers)
    assert sum(s.payments.values()) == s.market_maker == s.surplus - shares
    assert s.market_maker >= 0
    # 50:50: payers share surplus // 2, receivers the rest, each up to rounding (less than one
    # minor unit per bid); a side with no accepted bid leaves its half to the market maker.
    half = {1: s.surplus // 2, -1: s.surplus - s.surplus // 2}
    for side in (1, -1):
        on_side = [t for t in s.transfers if t.price * side > 0]
        shares = sum(t.share for t in on_side)
        if on_side:
            assert half[side] - (len(on_side) - 1) <= shares <= half[side]
        else:
            assert shares == 0
    payers = sum(1 for t in s.transfers if t.price > 0)
    receivers = sum(1 for t in s.transfers if t.price < 0)
    dust = max(payers - 1, 0) + max(receivers - 1, 0)
    unmatched = (0 if payers else half[1]) + (0 if receivers else half[-1])
    assert s.market_maker <= dust + unmatched


def check_cleared(inst: Instance, result: ExchangeResult) -> None:
    assert isinstance(result, ExchangeResult)
    sol = result.solution
    assert sol.optimal and sol.gap == 0.0
    assert sol.value == best_surplus(inst)
    assert result.settlement.surplus == sol.value == inst.value_of(sol.winners)
    check_settlement(inst, sol.winners, result.settlement)


# ---------------------------------------------------------------------------------------------
# Hand-made exchanges
# ---------------------------------------------------------------------------------------------
def market() -> Instance:
    """sam and sue each sell one A (asking 10 and 12); bob buys {A, B} for 30, bea buys A for 25
    and B for 5; the house has one B. Best: both sales, bob and bea's A: 30 + 25 - 10 - 12."""
    return make_instance(
        {"A": 0, "B": 1},
        [
            ("s1", "sam", -10, {"A": -1}, None),
            ("s2", "sue", -12, {"A": -1}, None),
            ("b1", "bob", 30, {"A": 1, "B": 1}, None),
            ("b2", "bea", 25, {"A": 1}, None),
            ("b3", "bea", 5, {"B": 1}, None),
        ],
        exchange=True,
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_small_market_is_cleared_and_split_by_hand(solver: str) -> None:
    inst = market()
    result = clear_exchange(inst, solver=solver)
    check_cleared(inst, result)
    assert result.solution.winners == ("s1", "s2", "b1", "b2")
    s = result.settlement
    assert s.surplus == 33
    # Payers share 16 pro rata to 30 : 25 (8 and 7, floored); receivers 17 pro rata to
    # 10 : 12 (7 and 9). The market maker keeps the 2 units rounding leaves.
    assert [(t.bid_id, t.share, t.payment) for t in s.transfers] == [
        ("s1", 7, -17),
        ("s2", 9, -21),
        ("b1", 8, 22),
        ("b2", 7, 18),
    ]
    assert s.payments == {"sam": -17, "sue": -21, "bob": 22, "bea": 18}
    assert s.market_maker == 2
    assert s.notes == ()


def test_a_swap_nets_to_zero_for_the_market_maker() -> None:
    # ann gives A for B and pays up to 3 for the swap; ben gives B for A and wants 1 for it.
    inst = make_instance(
        {"A": 0, "B": 0},
        [
            ("1", "ann", 3, {"A": -1, "B": 1}, None),
            ("2", "ben", -1, {"A": 1, "B": -1}, None),
        ],
        exchange=True,
    )
    result = clear_exchange(inst)
    check_cleared(inst, result)
    assert result.solution.winners == ("1", "2")
    assert result.settlement.payments == {"ann": 2, "ben": -2}
    assert result.settlement.market_maker == 0


def test_the_house_selling_alone_keeps_the_receivers_half() -> None:
    inst = make_instance(
        {"A": 1}, [("1", "ann", 10, ["A"], None), ("2", "bo", 7, ["A"], None)], exchange=True
    )
    result = clear_exchange(inst)
    check_cleared(inst, result)
    assert result.solution.winners == ("1",)
    assert result.settlement.payments == {"ann": 5}
    assert result.settlement.market_maker == 5
    assert result.settlement.notes == (
        "no accepted bid is paid: the receivers' half stays with the market maker",
    )


def test_no_trade_when_asks_exceed_bids() -> None:
    inst = make_instance(
        {"A": 0},
        [("s", "sam", -9, {"A": -1}, None), ("b", "bob", 8, {"A": 1}, None)],
        exchange=True,
    )
    for solver in SOLVERS:
        result = clear_exchange(inst, solver=solver)
        assert result.solution.optimal
        assert (result.solution.value, result.solution.winners) == (0, ())
        s = result.settlement
        assert (s.surplus, s.transfers, s.payments, s.market_maker, s.notes) == (0, (), {}, 0, ())


def test_multi_unit_sale_and_xor_asks() -> None:
    # sam sells 2 A for 12 XOR 1 A for 7; three buyers want one A each.
    inst = make_instance(
        {"A": 0},
        [
            ("s2", "sam", -12, {"A": -2}, "x"),
            ("s1", "sam", -7, {"A": -1}, "x"),
            ("b1", "bo", 9, {"A": 1}, None),
            ("b2", "cy", 8, {"A": 1}, None),
            ("b3", "di", 4, {"A": 1}, None),
        ],
        exchange=True,
    )
    for solver in SOLVERS:
        result = clear_exchange(inst, solver=solver)
        check_cleared(inst, result)
        assert set(result.solution.winners) == {"s2", "b1", "b2"}
        assert result.solution.value == 5


def test_a_bidder_with_a_buy_and_a_sell_is_netted() -> None:
    # ann sells A (ask 4) and buys B (bid 9); bo buys A for 10; cy sells B for 3.
    inst = make_instance(
        {"A": 0, "B": 0},
        [
            ("1", "ann", -4, {"A": -1}, None),
            ("2", "ann", 9, {"B": 1}, None),
            ("3", "bo", 10, {"A": 1}, None),
            ("4", "cy", -3, {"B": -1}, None),
        ],
        exchange=True,
    )
    result = clear_exchange(inst)
    check_cleared(inst, result)
    s = result.settlement
    assert s.surplus == 12
    by_bid = {t.bid_id: t.payment for t in s.transfers}
    assert s.payments["ann"] == by_bid["1"] + by_bid["2"]
    assert len(s.payments) == 3


def test_split_surplus_of_a_feasible_but_not_optimal_allocation() -> None:
    inst = market()
    s = split_surplus(inst, ["s1", "b2"])
    check_settlement(inst, ["s1", "b2"], s)
    assert s.surplus == 15
    assert s.payments == {"sam": -18, "bea": 18}  # 7 of 15 back to bea, 8 on top for sam
    assert s.market_maker == 0


# ---------------------------------------------------------------------------------------------
# Random small exchanges
# ---------------------------------------------------------------------------------------------
@st.composite
def exchanges(draw: st.DrawFn) -> Instance:
    supply = {f"g{i}": draw(st.integers(0, 2)) for i in range(draw(st.integers(1, 3)))}
    n_bidders = draw(st.integers(1, 4))
    rows = []
    for k in range(draw(st.integers(0, 8))):
        goods = draw(st.lists(st.sampled_from(sorted(supply)), min_size=1, max_size=3, unique=True))
        bundle = {g: draw(st.sampled_from([-2, -1, 1, 2])) for g in goods}
        price = draw(st.integers(-30, 40))
        group = draw(st.sampled_from([None, None, "x"]))
        rows.append((f"{k}", f"t{draw(st.integers(0, n_bidders - 1))}", price, bundle, group))
    return make_instance(supply, rows, exchange=True)


@settings(max_examples=80, deadline=None)
@given(exchanges())
def test_random_exchanges_clear_to_the_best_surplus_and_settle_by_the_rule(inst: Instance) -> None:
    for solver in SOLVERS:
        check_cleared(inst, clear_exchange(inst, solver=solver))


@settings(max_examples=80, deadline=None)
@given(exchanges(), st.data())
def test_split_surplus_on_any_accepted_set(inst: Instance, data: st.DataObject) -> None:
    ids = [b.bid_id for b in inst.bids]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
    bids = [inst.bid(b) for b in chosen]
    if not feasible(inst, bids):
        with pytest.raises(InvalidInstance):
            split_surplus(inst, chosen)
    elif sum(b.price for b in bids) < 0:
        with pytest.raises(InvalidInput, match="negative surplus"):
            split_surplus(inst, chosen)
    else:
        check_settlement(inst, chosen, split_surplus(inst, chosen))


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
def test_clear_exchange_refuses_a_one_sided_auction() -> None:
    auction = make_instance(["A"], [("1", "ann", 5, ["A"], None)])
    with pytest.raises(InvalidInput, match=r"needs an exchange instance \(exchange=True\)"):
        clear_exchange(auction)


@pytest.mark.parametrize("thing", [None, "A", {"goods": {}}, 7])
def test_only_instances_are_cleared_or_split(thing: Any) -> None:
    kind = type(thing).__name__
    with pytest.raises(InvalidInput, match=rf"^clear_exchange needs an Instance, got {kind}$"):
        clear_exchange(thing)
    with pytest.raises(InvalidInput, match=rf"^split_surplus needs an Instance, got {kind}$"):
        split_surplus(thing, [])


def test_bad_solver_and_time_limit_are_refused() -> None:
    inst = market()
    with pytest.raises(InvalidInput, match="unknown solver 'cbc'; allowed: search, mip"):
        clear_exchange(inst, solver="cbc")
    for limit in (0, -1.0, float("nan"), "2"):
        with pytest.raises(InvalidInput, match="time_limit must be a positive, finite number"):
            clear_exchange(inst, time_limit=limit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("winners", "error", "message"),
    [
        (["zz"], InvalidInstance, "no bid with id 'zz'"),
        (["b2", "b2"], InvalidInstance, "lists a bid twice"),
        (["b1", "b2"], InvalidInstance, "good 'A' is allocated 2 units but only 0 exist"),
        (["s1", "b3", "b1", "b2", "s2"], InvalidInstance, "good 'B' is allocated 2 units"),
        (["s1", "s2"], InvalidInput, r"negative surplus \(-22\)"),
        ("b2", InvalidInput, "winners must be a list or tuple of bid ids"),
        ([2], InvalidInput, "winners must be a list or tuple of bid ids"),
        (None, InvalidInput, "winners must be a list or tuple of bid ids"),
    ],
)
def test_split_surplus_refuses_an_impossible_allocation(
    winners: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        split_surplus(market(), winners)


def test_an_xor_conflict_is_refused() -> None:
    inst = make_instance(
        {"A": 0, "B": 0},
        [
            ("1", "ann", -4, {"A": -1}, "x"),
            ("2", "ann", -3, {"B": -1}, "x"),
            ("3", "bo", 10, {"A": 1, "B": 1}, None),
        ],
        exchange=True,
    )
    with pytest.raises(InvalidInstance, match="shares XOR group"):
        split_surplus(inst, ["1", "2", "3"])
    assert clear_exchange(inst).solution.value == 0
