"""The agent templates as pure decisions on a view (no service): each acts as its paper says."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustmarket.agents import (
    TEMPLATES,
    Action,
    discover_matches,
    dutch_threshold,
    incrementor,
    information_wanted,
    n_agent,
    n_agent_bid,
)
from trustmarket.auctions.english import EnglishAuction, EnglishConfig
from trustmarket.auctions.visibility import view
from trustmarket.core.errors import InvalidInput
from trustmarket.core.events import Bid, Register
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def _english_view(viewer: str, bids: list[tuple[str, str]]) -> dict[str, Any]:
    auction = EnglishAuction(
        EnglishConfig(auction_id="a", currency="EUR", end=100, increment=eur("1.00"))
    )
    for name in ("me", "rival"):
        auction.apply(Register(id=f"r-{name}", time=0, bidder=name))
    for k, (who, amount) in enumerate(bids):
        auction.apply(Bid(id=f"b{k}", time=1, bidder=who, amount=eur(amount)))
    data = view(auction, viewer)
    data["registered"] = True
    return data


def test_the_incrementor_bids_the_minimum_while_outbid_and_stops_at_its_maximum() -> None:
    outbid = _english_view("me", [("me", "5.00"), ("rival", "8.00")])
    assert incrementor(outbid, eur("20.00")) == [Action("bid", {"amount": "9.00"})]
    leading = _english_view("me", [("rival", "5.00"), ("me", "9.00")])
    assert incrementor(leading, eur("20.00")) == []
    beyond = _english_view("me", [("rival", "25.00")])
    assert incrementor(beyond, eur("20.00")) == []
    fresh = {**_english_view("me", []), "registered": False}
    assert incrementor(fresh, eur("20.00"))[0] == Action("join")


def test_the_incrementor_against_an_engine_ends_one_increment_above_the_rival() -> None:
    auction = EnglishAuction(
        EnglishConfig(auction_id="a", currency="EUR", end=100, increment=eur("1.00"))
    )
    for name in ("me", "rival"):
        auction.apply(Register(id=f"r-{name}", time=0, bidder=name))
    auction.apply(Bid(id="rival", time=1, bidder="rival", amount=eur("12.00")))
    for k in range(50):
        data = {**view(auction, "me"), "registered": True}
        actions = incrementor(data, eur("30.00"))
        if not actions:
            break
        (action,) = actions
        auction.apply(Bid(id=f"me{k}", time=2, bidder="me", amount=eur(action.fields["amount"])))
    assert auction.state.leader == "me" and auction.state.price == 1300


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=2, max_value=1000))
def test_the_n_agent_bid_is_v_times_n_minus_one_over_n(value: int, bidders: int) -> None:
    bid = n_agent_bid(Money(value, "EUR"), bidders)
    assert bid.minor == value * (bidders - 1) // bidders
    assert bid.minor * bidders <= value * (bidders - 1) < (bid.minor + 1) * bidders


def test_the_n_agent_bids_once_in_first_price_sealed_auctions() -> None:
    base = {"mechanism": "first_price_sealed", "status": "open", "registered": True}
    assert n_agent({**base, "your_bids": []}, eur("90.00"), 3) == [
        Action("bid", {"amount": "60.00"})
    ]
    assert n_agent({**base, "your_bids": [{"amount": {"minor": 6000}}]}, eur("90.00"), 3) == []
    assert n_agent({**base, "mechanism": "vickrey", "your_bids": []}, eur("90.00"), 3) == []
    with pytest.raises(InvalidInput, match="N >= 2"):
        n_agent_bid(eur("1.00"), 1)


def test_the_dutch_threshold_agent_accepts_at_or_below_its_threshold() -> None:
    base = {"mechanism": "dutch", "status": "open", "registered": True}
    above = {**base, "clock_price": {"minor": 4700, "currency": "EUR"}}
    at = {**base, "clock_price": {"minor": 4650, "currency": "EUR"}}
    assert dutch_threshold(above, eur("46.50")) == []
    assert dutch_threshold(at, eur("46.50")) == [Action("accept")]
    assert dutch_threshold({**at, "status": "closed"}, eur("46.50")) == []


def test_discover_and_information_filters() -> None:
    rows = [
        {"auction_id": "1", "title": "Oak TABLE", "mechanism": "english", "status": "open"},
        {"auction_id": "2", "title": "oak table", "mechanism": "english", "status": "closed"},
        {"auction_id": "3", "title": "pine table", "mechanism": "english", "status": "open"},
        {"auction_id": "4", "title": "oak table", "mechanism": "vickrey", "status": "open"},
    ]
    assert discover_matches(rows, mechanism="english", title_contains="table oak") == ["1"]
    assert discover_matches(rows) == ["1", "3", "4"]
    assert information_wanted(["bid_accepted", "price_changed"], ["price_changed"]) == [
        "price_changed"
    ]
    assert set(TEMPLATES) == {
        "incrementor",
        "n_agent",
        "dutch_threshold",
        "discover",
        "information",
    }
