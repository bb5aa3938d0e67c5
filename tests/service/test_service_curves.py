"""Step curves over HTTP on both databases: POST /api/auctions/{id}/curves places a drawn
staircase as orders of a multi-unit double auction, all or none."""

from __future__ import annotations

import pytest
from live_server import LiveServer

from trustmarket.client import ApiError

OWNER = ["participant", "auction_owner"]


def _market(server: LiveServer) -> str:
    owner = server.user("house", OWNER)
    made = owner.create_auction(
        "multi_unit_double", "EUR", duration=600, rules={"close_when": "owner_cancels"}
    )
    return str(made["auction_id"])


def test_a_demand_and_a_supply_curve_trade_where_they_cross(server: LiveServer) -> None:
    auction_id = _market(server)
    buyer, seller = server.user("bea"), server.user("sam")
    for who in (buyer, seller):
        who.join(auction_id)
    placed = buyer.curve(auction_id, "buy", [(2, "12.00"), (5, "8.00"), (9, "3.00")])
    assert [r["event"]["quantity"] for r in placed["orders"]] == [2, 3, 4]
    seller.curve(auction_id, "sell", [(4, "5.00"), (10, "20.00")])
    book = buyer.auction(auction_id)["your_bids"]
    assert sorted((b["quantity"], b["unit_price"]["minor"]) for b in book) == [
        (2, 1200),
        (3, 800),
        (4, 300),
    ]
    house = server.client()
    house.login("house", "a-test-password")
    house.close_auction(auction_id)
    trades = buyer.auction(auction_id)["result"]["trades"]
    # demand 5 units at 8.00 or more meets supply 4 units at 5.00 or less: 4 units trade
    assert sum(t["quantity"] for t in trades) == 4
    assert {t["buyer"] for t in trades} == {"bea"} and {t["seller"] for t in trades} == {"sam"}


def test_a_bad_stair_places_nothing(server: LiveServer) -> None:
    auction_id = _market(server)
    buyer = server.user("bea")
    buyer.join(auction_id)
    events_before = buyer.auction(auction_id)["events"]
    with pytest.raises(ApiError) as refused:
        buyer.curve(auction_id, "buy", [(2, "12.00"), (1, "8.00")])
    assert refused.value.status == 409  # a refused bid, as for every engine
    assert "2 units at 12.00 but 1 at 8.00" in refused.value.message
    with pytest.raises(ApiError) as bad_amount:
        buyer.curve(auction_id, "buy", [(2, "12.00"), (3, "8.001")])
    assert bad_amount.value.message.startswith("points[1]: ")
    assert buyer.auction(auction_id)["events"] == events_before
    assert buyer.auction(auction_id)["your_bids"] == []


def test_a_trader_on_the_other_side_is_refused_before_any_stair(server: LiveServer) -> None:
    auction_id = _market(server)
    trader = server.user("tia")
    trader.join(auction_id)
    trader.order(auction_id, "sell", 1, "9.00")
    events_before = trader.auction(auction_id)["events"]
    with pytest.raises(ApiError) as refused:
        trader.curve(auction_id, "buy", [(1, "4.00")])
    assert "stair 1 of the curve" in refused.value.message
    assert trader.auction(auction_id)["events"] == events_before


def test_curves_only_in_curve_markets(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    english = owner.create_auction("english", "EUR", duration=60, config={"increment": "1.00"})
    bidder = server.user("bea")
    bidder.join(english["auction_id"])
    with pytest.raises(ApiError) as refused:
        bidder.curve(english["auction_id"], "buy", [(1, "4.00")])
    assert (
        "takes no curves" in refused.value.message and "multi_unit_double" in refused.value.message
    )
    with pytest.raises(ApiError) as shape:
        bidder.request(
            "POST", f"/api/auctions/{english['auction_id']}/curves", json={"side": "buy"}
        )
    assert shape.value.status == 422 and "points" in shape.value.message
