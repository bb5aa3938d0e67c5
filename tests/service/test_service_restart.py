"""The service survives a restart, on both databases: auctions are replayed from their events,
the scheduler closes an auction whose end passed while the service was down, and the log keeps
its key and its history (a client that pinned both before checks them after)."""

from __future__ import annotations

import time
from typing import Any

from live_server import PASSWORD, ManualClock, live_server

from trustmarket.client import Client
from trustmarket.ledger.keys import PublicKey
from trustmarket.ledger.log import ConsistencyProof, TreeHead
from trustmarket.ledger.verify import verify_consistency
from trustmarket.service.settings import Settings


def test_state_is_replayed_and_due_closings_happen_after_a_restart(settings: Settings) -> None:
    clock = ManualClock()
    with live_server(settings, clock=clock) as first:
        owner = first.user("house", ["participant", "auction_owner"])
        alice, bob = first.user("alice"), first.user("bob")
        auction = owner.create_auction("english", "EUR", duration=30, config={"increment": "1.00"})[
            "auction_id"
        ]
        for person in (alice, bob):
            person.join(auction)
        alice.bid(auction, "10.00", max_amount="25.00")
        receipt = bob.bid(auction, "15.00")
        before = bob.auction(auction)
        pinned_key = alice.log_key().hex
        head_before = alice.tree_head()
    clock.now += 60  # the service is down past the auction's end
    with live_server(settings, clock=clock) as second:
        later = Client(second.url, log_key=pinned_key)
        later.login("bob", PASSWORD)
        view: dict[str, Any] = later.auction(auction)
        deadline = time.monotonic() + 10
        while view["status"] != "closed" and time.monotonic() < deadline:
            time.sleep(0.05)
            view = later.auction(auction)
        assert view["status"] == "closed" and view["close_reason"] == "end"
        assert view["price"] == before["price"] == {"minor": 1600, "currency": "EUR"}
        assert [a["bidder"] for a in view["result"]["awards"]] == ["alice"]
        # the log has the same key and grew consistently from the head seen before
        head_after = later.tree_head()
        assert head_after.size > head_before.size
        proof = later.request(
            "GET",
            "/api/ledger/consistency",
            params={"old": head_before.size, "new": head_after.size},
        )
        verify_consistency(
            ConsistencyProof.from_json(proof["proof"]),
            head_before,
            TreeHead.from_json(proof["head"]),
            PublicKey.from_hex(pinned_key),
        )
        later.verify_receipt(receipt)


def test_agents_and_reputation_survive_a_restart(settings: Settings) -> None:
    with live_server(settings) as first:
        house = first.user("house", ["participant", "auction_owner"])
        alice, bob = first.user("alice"), first.user("bob")
        sold = house.create_auction(
            "english",
            "EUR",
            duration=600,
            config={"increment": "1.00"},
            rules={"close_when": "owner_cancels"},
        )["auction_id"]
        alice.join(sold)
        alice.bid(sold, "10.00")
        house.close_auction(sold)
        (transaction,) = alice.request("GET", "/api/transactions")
        alice.request(
            "POST",
            "/api/feedback",
            json={"transaction_id": transaction["transaction_id"], "rating": 1},
        )
        before = house.request("GET", "/api/reputation/house")
        auction = house.create_auction(
            "english", "EUR", duration=600, config={"increment": "1.00"}
        )["auction_id"]
        alice.request(
            "POST",
            "/api/agents",
            json={
                "template": "incrementor",
                "auction_id": auction,
                "params": {"max_amount": "50.00"},
            },
        )
    with live_server(settings) as second:
        bob = second.client()
        bob.login("bob", PASSWORD)
        assert bob.request("GET", "/api/reputation/house")["scores"] == before["scores"]
        bob.join(auction)
        bob.bid(auction, "20.00")
        deadline = time.monotonic() + 10
        while bob.auction(auction)["price"]["minor"] != 2100 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert bob.auction(auction)["price"]["minor"] == 2100  # the agent answered after restart
