"""The transparency log over HTTP, on both databases: every state change is an entry, a bidder
verifies her bid with the pinned key, heads stay consistent, and bad requests are 4xx."""

from __future__ import annotations

import base64
import copy
import json

import httpx
import pytest
from live_server import LiveServer

from trustmarket.client import ApiError, Client
from trustmarket.core.errors import InvalidProof
from trustmarket.ledger.keys import PublicKey
from trustmarket.ledger.log import ConsistencyProof, TreeHead
from trustmarket.ledger.verify import verify_consistency


def test_every_state_change_is_on_the_log(server: LiveServer) -> None:
    owner = server.user("house", ["participant", "auction_owner"])
    auction = owner.create_auction("english", "EUR", duration=60, config={"increment": "1.00"})
    owner.join(auction["auction_id"])
    receipt = owner.bid(auction["auction_id"], "3.00")
    size = owner.tree_head().size
    kinds = []
    for index in range(size):
        data = httpx.get(f"{server.url}/api/ledger/entries/{index}").json()
        kinds.append(json.loads(base64.b64decode(data["entry"]))["type"])
    assert kinds == ["account_registered", "auction_created", "auction_event", "auction_event"]
    assert receipt["log_index"] == 3


def test_a_bidder_verifies_her_bid_and_a_forged_receipt_fails(server: LiveServer) -> None:
    owner = server.user("house", ["participant", "auction_owner"])
    auction_id = owner.create_auction("vickrey", "EUR", duration=60)["auction_id"]
    alice = server.user("alice")
    alice.join(auction_id)
    receipt = alice.bid(auction_id, "42.00")
    verified = alice.verify_receipt(receipt)
    assert verified.log_index == receipt["log_index"]
    forged = copy.deepcopy(receipt)
    forged["event"]["amount"]["minor"] = 1
    with pytest.raises(InvalidProof):
        alice.verify_receipt(forged)
    # a client pinned to another key refuses the service's heads
    stranger = Client(server.url, log_key=PublicKey.from_raw(bytes(32)).hex)
    with pytest.raises(Exception, match="log"):
        stranger.verify_receipt(receipt)


def test_consistency_proofs_link_old_and_new_heads(server: LiveServer) -> None:
    server.user("first")
    key = PublicKey.from_hex(httpx.get(f"{server.url}/api/ledger/key").json()["public_key"])
    old = TreeHead.from_json(httpx.get(f"{server.url}/api/ledger/head").json())
    server.user("second")
    server.user("third")
    data = httpx.get(f"{server.url}/api/ledger/consistency", params={"old": old.size}).json()
    verify_consistency(
        ConsistencyProof.from_json(data["proof"]), old, TreeHead.from_json(data["head"]), key
    )


def test_bad_log_requests_are_4xx(server: LiveServer) -> None:
    server.user("someone")
    client = server.client()
    with pytest.raises(ApiError) as missing:
        client.request("GET", "/api/ledger/entries/99")
    assert missing.value.status == 404 and "holds 1 entries" in missing.value.message
    with pytest.raises(ApiError) as negative:
        client.request("GET", "/api/ledger/entries/-1")
    assert negative.value.status == 422
    with pytest.raises(ApiError) as future:
        client.request("GET", "/api/ledger/consistency", params={"old": 5})
    assert future.value.status == 422
