"""Many clients bidding on one English auction at once, on both databases: exactly one winner,
the price is what replaying the stored events gives, and no acknowledged bid is lost."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from live_server import LiveServer
from sqlalchemy import select

from trustmarket.auctions.english import EnglishAuction
from trustmarket.client import ApiError
from trustmarket.core.events import input_event_from_json
from trustmarket.service.schema import AuctionEvent

CLIENTS = 12
BIDS_EACH = 15


@pytest.mark.slow
def test_many_clients_on_one_english_auction(server: LiveServer) -> None:
    owner = server.user("house", ["participant", "auction_owner"])
    auction = owner.create_auction(
        "english",
        "EUR",
        duration=600,
        config={"increment": "1.00"},
        rules={"close_when": "owner_cancels"},
    )
    auction_id = auction["auction_id"]
    bidders = [server.user(f"bidder{i:02d}") for i in range(CLIENTS)]
    for bidder in bidders:
        bidder.join(auction_id)
    acknowledged: list[dict[str, Any]] = []
    refused: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def bid_against_the_others(index: int) -> None:
        client = bidders[index]
        start.wait()
        for _ in range(BIDS_EACH):
            view = client.auction(auction_id)
            amount = view["minimum_bid"]["minor"] + 100 * (index % 3)
            try:
                receipt = client.bid(auction_id, f"{amount // 100}.{amount % 100:02d}")
            except ApiError as error:  # someone else got there first: a specific refusal
                with lock:
                    refused.append(f"{error.status} {error.code}")
            else:
                with lock:
                    acknowledged.append(receipt)

    threads = [threading.Thread(target=bid_against_the_others, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert acknowledged, "no bid was accepted"
    owner.close_auction(auction_id)
    final = owner.auction(auction_id)
    awards = final["result"]["awards"]
    assert len(awards) == 1, awards

    # Replay exactly what was stored: the same winner and price.
    def stored(work: Any) -> list[str]:
        return list(
            work.connection.scalars(
                select(AuctionEvent.event_json)
                .where(AuctionEvent.auction_id == auction_id)
                .order_by(AuctionEvent.seq)
            )
        )

    rows = server.service.writer.call(stored)
    events = [input_event_from_json(json.loads(text)) for text in rows]
    engine = server.service.writer.call(lambda work: server.service.market._get(work, auction_id))
    replayed = EnglishAuction.replay(engine.engine.config, engine.engine.rules, events)
    (award,) = replayed.result().awards  # type: ignore[union-attr]
    assert (award.bidder, award.payment.minor) == (
        awards[0]["bidder"],
        awards[0]["payment"]["minor"],
    )
    # Every acknowledged bid is among the stored events, at the place its receipt gave.
    by_seq = {json.loads(text)["id"]: seq for seq, text in enumerate(rows, start=1)}
    for receipt in acknowledged:
        assert by_seq[receipt["event"]["id"]] == receipt["seq"]
    # The highest acknowledged bid is the winning one.
    best = max(acknowledged, key=lambda r: (r["event"]["amount"]["minor"], -r["seq"]))
    assert award.bidder == best["event"]["bidder"]
    assert len(acknowledged) + len(refused) == CLIENTS * BIDS_EACH
    assert set(refused) <= {"409 bid_too_low"}, set(refused)


def test_time_moves_forward_for_every_event(paused_server: LiveServer) -> None:
    owner = paused_server.user("house", ["participant", "auction_owner"])
    auction_id = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})[
        "auction_id"
    ]
    alice = paused_server.user("alice")
    alice.join(auction_id)
    first = alice.bid(auction_id, "1.00")
    paused_server.advance(1)
    second = alice.bid(auction_id, "2.00")
    assert second["event"]["time"] > first["event"]["time"]
