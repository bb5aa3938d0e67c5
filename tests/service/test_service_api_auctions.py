"""Auctions over HTTP on both databases: every engine through the advisor, bids in every
language, closing on schedule, results and payments, retraction, and views by the rules."""

from __future__ import annotations

import time
from typing import Any

import pytest
from live_server import LiveServer

from trustmarket.client import ApiError, Client

OWNER = ["participant", "auction_owner"]


def _wait_closed(client: Client, auction_id: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view: dict[str, Any] = client.auction(auction_id)
        if view["status"] == "closed":
            return view
        time.sleep(0.05)
    raise AssertionError(f"auction {auction_id} did not close within {timeout} s")


def _payments(view: dict[str, Any]) -> dict[str, int]:
    return {a["bidder"]: a["payment"]["minor"] for a in view["result"]["awards"]}


def test_the_advisor_over_http(server: LiveServer) -> None:
    advice = server.client().advise("single", "items")
    assert {c["name"] for c in advice["bid_types"]} == {"or", "xor", "or_of_xors"}
    refused = [r for r in advice["refused"] if r["bid_type"] == "or"]
    assert refused and "fully expressive" in refused[0]["reason"]


def test_auctions_are_created_through_the_advisor(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    made = owner.create_auction(
        "vickrey", "EUR", duration=60, setting={"sides": "single", "goods": "unit"}
    )
    assert made["advice"]["pricing"] == "second_price"
    with pytest.raises(ApiError) as wrong_pricing:
        owner.create_auction(
            "english", "EUR", duration=60, pricing="second_price", config={"increment": "1.00"}
        )
    assert wrong_pricing.value.status == 422
    assert "first_price" in wrong_pricing.value.message
    with pytest.raises(ApiError) as wrong_setting:
        owner.create_auction(
            "english",
            "EUR",
            duration=60,
            setting={"sides": "double", "goods": "unit"},
            bid_type="bid_ask",
            pricing="middle_price",
            config={"increment": "1.00"},
        )
    assert "does not run a double auction" in wrong_setting.value.message
    with pytest.raises(ApiError) as never_closes:
        owner.create_auction("english", "EUR", config={"increment": "1.00"})
    assert "never close" in never_closes.value.message
    assert len(owner.auctions()) == 1  # the refusals opened nothing


def test_english_with_proxy_bids_closes_on_schedule(paused_server: LiveServer) -> None:
    owner = paused_server.user("house", OWNER)
    alice, bob = paused_server.user("alice"), paused_server.user("bob")
    auction = owner.create_auction(
        "english", "EUR", duration=60, config={"increment": "1.00", "reserve": "5.00"}
    )["auction_id"]
    for person in (alice, bob):
        person.join(auction)
    alice.bid(auction, "10.00", max_amount="30.00")
    bob.bid(auction, "20.00")
    view = bob.auction(auction)
    assert view["price"]["minor"] == 2100  # alice's proxy answers bob's 20.00 by one increment
    assert all("max_amount" not in b for b in view["other_bids"])  # her maximum stays hers
    assert alice.auction(auction)["your_bids"][0]["max_amount"]["minor"] == 3000
    paused_server.advance(60)
    closed = _wait_closed(owner, auction)
    assert closed["close_reason"] == "end"
    assert _payments(closed) == {"alice": 2100}


def test_dutch_clock_and_acceptance(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    carol = server.user("carol")
    auction = owner.create_auction(
        "dutch",
        "EUR",
        duration=60,
        config={"start_price": "50.00", "decrement": "1.00", "floor": "10.00", "tick_seconds": 1},
    )["auction_id"]
    carol.join(auction)
    receipt = carol.accept(auction)
    assert "cleared" in receipt["caused"]
    view = _wait_closed(owner, auction, timeout=5)
    paid = _payments(view)["carol"]
    assert 4000 <= paid <= 5000  # the clock price when she accepted (it drops 1.00 a second)


@pytest.mark.parametrize(
    ("mechanism", "expected"), [("first_price_sealed", 4500), ("vickrey", 3000)]
)
def test_sealed_bid_payments(paused_server: LiveServer, mechanism: str, expected: int) -> None:
    owner = paused_server.user("house", OWNER)
    bidders = {name: paused_server.user(name) for name in ("ann", "ben", "cat")}
    auction = owner.create_auction(mechanism, "EUR", duration=60, rules={"reveal_during": "none"})[
        "auction_id"
    ]
    for (_name, client), amount in zip(bidders.items(), ("45.00", "30.00", "12.00"), strict=True):
        client.join(auction)
        client.bid(auction, amount)
    paused_server.advance(60)
    closed = _wait_closed(owner, auction)
    assert _payments(closed) == {"ann": expected}


def test_multi_unit_vickrey_with_xor_bids(paused_server: LiveServer) -> None:
    owner = paused_server.user("house", OWNER)
    ann, ben = paused_server.user("ann"), paused_server.user("ben")
    auction = owner.create_auction("multi_unit", "EUR", duration=60, config={"supply": 3})[
        "auction_id"
    ]
    ann.join(auction)
    ben.join(auction)
    ann.units_bid(auction, [(1, "10.00"), (2, "18.00")])
    ben.units_bid(auction, [(1, "9.00"), (2, "12.00")])
    paused_server.advance(60)
    closed = _wait_closed(owner, auction)
    awards = {
        a["bidder"]: (a["quantity"], a["payment"]["minor"]) for a in closed["result"]["awards"]
    }
    # The optimum gives ann 2 units and ben 1 (18 + 9). Clarke-Groves: ann pays what ben loses
    # by her presence (12 alone - 9 now = 3.00); ben pays ann's loss (18 alone - 18 now = 0).
    assert awards == {"ann": (2, 300), "ben": (1, 0)}


def test_double_auction_orders(paused_server: LiveServer) -> None:
    owner = paused_server.user("house", OWNER)
    buyer, seller = paused_server.user("buyer"), paused_server.user("seller")
    auction = owner.create_auction("double", "EUR", duration=60)["auction_id"]
    buyer.join(auction)
    seller.join(auction)
    buyer.order(auction, "buy", 1, "30.00")
    seller.order(auction, "sell", 1, "20.00")
    paused_server.advance(60)
    closed = _wait_closed(owner, auction)
    (trade,) = closed["result"]["trades"]
    assert (trade["buyer"], trade["seller"], trade["unit_price"]["minor"]) == (
        "buyer",
        "seller",
        2500,
    )


def test_retraction_follows_the_rules(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    ann = server.user("ann")
    strict = owner.create_auction("vickrey", "EUR", duration=60)["auction_id"]
    lenient = owner.create_auction(
        "vickrey",
        "EUR",
        duration=60,
        rules={"retract_before": "with_penalty", "retraction_penalty": "2.00"},
    )["auction_id"]
    for auction in (strict, lenient):
        ann.join(auction)
    kept = ann.bid(strict, "10.00")
    with pytest.raises(ApiError) as refused:
        ann.retract(strict, kept["event"]["id"])
    assert refused.value.status == 409 and "retract_before" in refused.value.message
    assert len(ann.auction(strict)["your_bids"]) == 1
    taken_back = ann.bid(lenient, "10.00")
    ann.retract(lenient, taken_back["event"]["id"])
    view = ann.auction(lenient)
    assert view["your_bids"] == []
    assert view["your_penalties"]["minor"] == 200


def test_owner_closes_and_an_idempotent_bid_is_not_applied_twice(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    ann = server.user("ann")
    auction = owner.create_auction(
        "english",
        "EUR",
        duration=600,
        config={"increment": "1.00"},
        rules={"close_when": "owner_cancels"},
    )["auction_id"]
    ann.join(auction)
    ann.bid(auction, "10.00", event_id="ann-bid-1")
    with pytest.raises(ApiError) as again:
        ann.bid(auction, "12.00", event_id="ann-bid-1")
    assert again.value.code == "duplicate_event"
    assert ann.auction(auction)["price"]["minor"] == 1000
    owner.close_auction(auction)
    view = ann.auction(auction)
    assert view["status"] == "closed" and _payments(view) == {"ann": 1000}
    with pytest.raises(ApiError) as closed:
        ann.bid(auction, "20.00")
    assert closed.value.status == 409 and closed.value.code == "not_open"


def test_listing_filters(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    english = owner.create_auction("english", "EUR", duration=60, config={"increment": "1.00"})
    owner.create_auction("vickrey", "EUR", duration=60)
    assert [a["auction_id"] for a in owner.auctions(mechanism="english")] == [english["auction_id"]]
    assert len(owner.auctions(status="open")) == 2
    assert owner.auctions(status="closed") == []


def test_a_combinatorial_auction_with_text_and_table_bids(paused_server: LiveServer) -> None:
    owner = paused_server.user("house", OWNER)
    x, y, z = paused_server.user("xena"), paused_server.user("yuri"), paused_server.user("zoe")
    made = owner.create_auction(
        "combinatorial",
        "EUR",
        duration=60,
        config={"goods": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
    )
    assert made["advice"]["pricing"] == "clarke_groves"
    auction = made["auction_id"]
    for person in (x, y, z):
        person.join(auction)
    x.package_bid(auction, "({a, b}, 9.00) XOR ({c}, 4.00)")
    y.package_bid(auction, tables=[[{"bundle": ["a"], "price": "5.00"}]])
    z.package_bid(
        auction,
        tables=[[{"bundle": {"b": 1}, "price": "5.00"}, {"bundle": {"c": 1}, "price": "3.00"}]],
    )
    assert "9.00" not in str(y.auction(auction))  # sealed until clearing
    owner.join(auction)
    with pytest.raises(ApiError) as unknown_good:
        owner.package_bid(auction, "({q}, 1.00)")
    assert unknown_good.value.status == 409 and "unknown good" in unknown_good.value.message
    paused_server.advance(60)
    closed = _wait_closed(owner, auction)
    assert _payments(closed) == {"xena": 0, "yuri": 300, "zoe": 0}  # Clarke-Groves
    assert "yuri wins {a}" in closed["result"]["notes"]


def test_the_advisor_refuses_or_bids_with_clarke_groves(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    with pytest.raises(ApiError) as refused:
        owner.create_auction(
            "combinatorial",
            "EUR",
            duration=60,
            config={"goods": [{"name": "a"}], "language": "or", "pricing": "clarke_groves"},
        )
    assert refused.value.status == 422 and "fully expressive" in refused.value.message
    first_price = owner.create_auction(
        "combinatorial",
        "EUR",
        duration=60,
        config={"goods": [{"name": "a"}], "language": "or", "pricing": "first_price"},
    )
    assert first_price["advice"] == {
        **first_price["advice"],
        "bid_type": "or",
        "pricing": "first_price",
    }
