"""Live updates over Server-Sent Events, on both databases: an auction's stream sends the
viewer's view at once and again after a change; an account's stream names its changed
auctions."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import httpx
from live_server import LiveServer


def _listen(url: str, token: str | None, into: queue.Queue[Any], stop: threading.Event) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", url, headers=headers, timeout=30) as response:
        event = None
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: "):
                into.put((event, json.loads(line[len("data: ") :])))


def _stream(url: str, token: str | None) -> tuple[queue.Queue[Any], threading.Event]:
    messages: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=_listen, args=(url, token, messages, stop), daemon=True).start()
    return messages, stop


def test_an_auction_stream_follows_the_price(server: LiveServer) -> None:
    owner = server.user("house", ["participant", "auction_owner"])
    alice, bob = server.user("alice"), server.user("bob")
    auction = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})
    auction_id = auction["auction_id"]
    alice.join(auction_id)
    bob.join(auction_id)
    messages, stop = _stream(f"{server.url}/api/auctions/{auction_id}/stream", bob.token)
    try:
        event, first = messages.get(timeout=10)
        assert event == "view" and first["price"] is None and first["viewer"] == "bob"
        alice.bid(auction_id, "12.00")
        while True:
            event, view = messages.get(timeout=10)
            if view["price"] is not None:
                break
        assert event == "view" and view["price"]["minor"] == 1200
        assert view["other_bids"][0]["bidder"] == "alice"
    finally:
        stop.set()


def test_an_account_stream_names_the_auctions_it_takes_part_in(server: LiveServer) -> None:
    owner = server.user("house", ["participant", "auction_owner"])
    alice = server.user("alice")
    mine = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})
    other = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})
    alice.join(mine["auction_id"])
    messages, stop = _stream(f"{server.url}/api/streams/me", alice.token)
    try:
        assert messages.get(timeout=10) == ("ready", {"account": "alice"})
        # a change in an auction alice is not in must not reach her stream
        owner.join(other["auction_id"])
        owner.join(mine["auction_id"])
        event, changed = messages.get(timeout=10)
        assert event == "changed" and changed["auction_ids"] == [mine["auction_id"]]
    finally:
        stop.set()


def test_streams_refuse_bad_tokens_and_unknown_auctions(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/streams/me", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401
    response = httpx.get(f"{server.url}/api/auctions/none-such/stream")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
