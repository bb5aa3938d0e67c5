"""The winner-determination instance (SPEC 3.4): building it from goods and bids by name, the
checks that refuse bad input with a specific message, and its small exact helpers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.combinatorial import BundleBid, Good, Instance, make_instance
from trustmarket.combinatorial.instance import MAX_PRICE
from trustmarket.core.errors import InvalidInput, InvalidInstance


def small() -> Instance:
    return make_instance(
        {"a": 1, "b": 2, "c": 1},
        [
            ("1", "ann", 10, ["a"], "x"),
            ("2", "ann", 12, {"a": 1, "b": 1}, "x"),
            ("3", "bob", 7, {"b": 2}, None),
            ("4", "cy", 4, ["c", "b"], "x"),
        ],
    )


def test_make_instance_maps_names_to_indices() -> None:
    inst = small()
    assert inst.goods == (Good("a", 1), Good("b", 2), Good("c", 1))
    assert [b.bundle for b in inst.bids] == [
        ((0, 1),),
        ((0, 1), (1, 1)),
        ((1, 2),),
        ((1, 1), (2, 1)),
    ]
    assert inst.bidders == ("ann", "bob", "cy")
    groups = [b.group for b in inst.bids]
    assert groups[0] == groups[1] is not None
    assert groups[2] is None
    # Group labels are scoped to the bidder: cy's "x" is not ann's "x".
    assert groups[3] is not None
    assert groups[3] != groups[0]


def test_lookups_and_exact_sums() -> None:
    inst = small()
    assert inst.bid("3").bidder == "bob"
    assert inst.index_of("4") == 3
    assert inst.value_of(["1", "3", "4"]) == 21
    with pytest.raises(InvalidInstance, match="no bid with id '9' in this instance"):
        inst.bid("9")
    with pytest.raises(InvalidInstance, match="no bid with id '9'"):
        inst.index_of("9")


def test_feasibility_is_checked_in_integers() -> None:
    inst = small()
    inst.check_feasible(["1", "3"])
    inst.check_feasible([])
    with pytest.raises(InvalidInstance, match="shares XOR group"):
        inst.check_feasible(["1", "2"])
    with pytest.raises(InvalidInstance, match="good 'b' is allocated 3 units but only 2 exist"):
        inst.check_feasible(["2", "3"])
    with pytest.raises(InvalidInstance, match="lists a bid twice"):
        inst.check_feasible(["3", "3"])


def test_without_bidders_drops_their_bids_only() -> None:
    inst = small()
    rest = inst.without_bidders(["ann"])
    assert [b.bid_id for b in rest.bids] == ["3", "4"]
    assert rest.goods == inst.goods
    assert rest.bid("4") == inst.bid("4")
    assert len(inst.bids) == 4  # the original is unchanged


@pytest.mark.parametrize(
    ("minor", "decimals", "text"),
    [(25342, 2, "253.42"), (100, 2, "1.00"), (5, 3, "0.005"), (-7, 1, "-0.7"), (42, 0, "42")],
)
def test_format_price(minor: int, decimals: int, text: str) -> None:
    inst = Instance((Good("a"),), (), decimals)
    assert inst.format_price(minor) == text


@settings(max_examples=200, deadline=None)
@given(st.integers(-MAX_PRICE, MAX_PRICE), st.integers(0, 12))
def test_format_price_is_exact(minor: int, decimals: int) -> None:
    text = Instance((), (), decimals).format_price(minor)
    assert Decimal(text) * 10**decimals == minor
    assert "e" not in text.lower()
    assert len(text.partition(".")[2]) == decimals


@pytest.mark.parametrize(
    ("goods", "bid", "message"),
    [
        (["a"], ("1", "b", 5, ["z"], None), "bid '1' names unknown good 'z'; goods: a"),
        ([], ("1", "b", 5, ["z"], None), "goods: (none)"),
        (["a"], ("1", "b", 5, [], None), "bid '1' has an empty bundle"),
        (["a"], ("1", "b", 5, {}, None), "bid '1' has an empty bundle"),
        (["a"], ("1", "b", 0, ["a"], None), "price must be positive in an auction, got 0"),
        (["a"], ("1", "b", -5, ["a"], None), "price must be positive in an auction, got -5"),
        (["a"], ("1", "b", 2.5, ["a"], None), "price must be an int of minor units"),
        (["a"], ("1", "b", float("nan"), ["a"], None), "got float nan"),
        (["a"], ("1", "b", float("inf"), ["a"], None), "got float inf"),
        (["a"], ("1", "b", True, ["a"], None), "got bool True"),
        (["a"], ("1", "b", MAX_PRICE + 1, ["a"], None), "exceeds 2**43"),
        (["a"], ("1", "b", 5, {"a": 0}, None), "units of 'a' must be a non-zero int, got 0"),
        (["a"], ("1", "b", 5, {"a": 1.0}, None), "must be a non-zero int, got 1.0"),
        (["a"], ("1", "b", 5, {"a": -1}, None), "selling needs an exchange"),
        (["a"], ("1", "b", 5, ["a", "a"], None), "bid '1' lists good 'a' twice"),
        (["a"], ("", "b", 5, ["a"], None), "a bid needs a non-empty string id"),
        (["a"], ("1", "", 5, ["a"], None), "the bidder must be a non-empty string"),
        (["a"], ("1", 7, 5, ["a"], None), "the bidder must be a non-empty string, got 7"),
    ],
)
def test_bad_bids_are_refused(goods: list[str], bid: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidInstance, match=re.escape(message)):
        make_instance(goods, [bid])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("goods", "kwargs", "message"),
    [
        (["a", "a"], {}, "good 'a' is listed twice"),
        ([""], {}, "a good needs a non-empty name"),
        ({"a": -1}, {}, "good 'a' has -1 units; allowed: an int >= 0"),
        ({"a": 1.5}, {}, "has 1.5 units"),
        ({"a": True}, {}, "has True units"),
        (["a"], {"decimals": 13}, "decimals must be an int from 0 to 12, got 13"),
        (["a"], {"decimals": -1}, "got -1"),
        (["a"], {"decimals": True}, "got True"),
    ],
)
def test_bad_goods_and_settings_are_refused(
    goods: object, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInstance, match=re.escape(message)):
        make_instance(goods, [], **kwargs)  # type: ignore[arg-type]


def test_duplicate_bid_ids_are_refused() -> None:
    with pytest.raises(InvalidInstance, match="duplicate bid id '1'; every bid id must be unique"):
        make_instance(["a", "b"], [("1", "x", 5, ["a"], None), ("1", "y", 6, ["b"], None)])


def test_direct_construction_is_checked_too() -> None:
    good = (Good("a"), Good("b"))
    with pytest.raises(InvalidInstance, match=r"names good 2; goods are 0\.\.1"):
        Instance(good, (BundleBid("1", "x", 5, ((2, 1),)),))
    with pytest.raises(InvalidInstance, match="sorted and distinct"):
        Instance(good, (BundleBid("1", "x", 5, ((1, 1), (0, 1))),))
    with pytest.raises(InvalidInstance, match="sorted and distinct"):
        Instance(good, (BundleBid("1", "x", 5, ((0, 1), (0, 1))),))
    with pytest.raises(InvalidInstance, match="XOR group 0 holds bids of 'x' and 'y'"):
        Instance(good, (BundleBid("1", "x", 5, ((0, 1),), 0), BundleBid("2", "y", 5, ((1, 1),), 0)))


def test_errors_are_invalid_input_with_a_stable_code() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_instance(["a"], [("1", "b", 5, ["z"], None)])
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "invalid_instance"


def test_an_exchange_takes_asks_and_sales() -> None:
    inst = make_instance(
        {"a": 0, "b": 0},
        [("buy", "x", 10, {"a": 2, "b": 1}, None), ("sell", "y", -7, {"a": -2, "b": -1}, None)],
        exchange=True,
        decimals=2,
        unit="EUR",
    )
    assert [b.price for b in inst.bids] == [10, -7]
    assert inst.bids[1].bundle == ((0, -2), (1, -1))
    inst.check_feasible(["buy", "sell"])
    with pytest.raises(InvalidInstance, match="allocated 2 units but only 0 exist"):
        inst.check_feasible(["buy"])
    assert inst.format_price(-7) == "-0.07"
