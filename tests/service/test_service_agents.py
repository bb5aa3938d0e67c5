"""Server-side agents over HTTP, on both databases: each template acts (or reports) as its
paper says, through its owner's view and roles; deploy, pause, resume, remove; webhooks retry."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from live_server import LiveServer, ManualClock, live_server

from trustmarket.client import ApiError, Client
from trustmarket.service.settings import Settings

OWNER = ["participant", "auction_owner"]


def _deploy(client: Client, template: str, auction_id: str | None, **params: Any) -> Any:
    return client.request(
        "POST",
        "/api/agents",
        json={"template": template, "auction_id": auction_id, "params": params},
    )


def _until(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def test_the_incrementor_outbids_up_to_its_maximum(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    alice, bob = server.user("alice"), server.user("bob")
    auction = house.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})[
        "auction_id"
    ]
    bob.join(auction)
    bob.bid(auction, "10.00")
    agent = _deploy(alice, "incrementor", auction, max_amount="30.00")
    assert agent["status"] == "active"
    # it joined and bid the minimum at once
    _until(lambda: alice.auction(auction)["your_bids"])
    bob.bid(auction, "20.00")  # bob's maximum 20.00: the agent answers until it leads
    view = _until(lambda: (v := alice.auction(auction))["price"]["minor"] >= 2100 and v)
    assert view["price"]["minor"] == 2100
    bob.bid(auction, "40.00")  # above the agent's maximum: it stops
    time.sleep(0.5)
    final = alice.auction(auction)
    assert final["price"]["minor"] == 4000  # bob's own bid: past the agent's maximum
    assert max(b["amount"]["minor"] for b in final["your_bids"]) == 2100
    detail = alice.request("GET", f"/api/agents/{agent['agent_id']}")
    acted = [a for a in detail["activity"] if a["kind"] == "acted"]
    assert acted and all(a["detail"]["action"] in ("join", "bid") for a in acted)


def test_the_n_agent_bids_v_n_minus_one_over_n(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    alice = server.user("alice")
    auction = house.create_auction("first_price_sealed", "EUR", duration=600)["auction_id"]
    _deploy(alice, "n_agent", auction, value="100.00", bidders=4)
    bids = _until(lambda: alice.auction(auction)["your_bids"])
    assert [b["amount"]["minor"] for b in bids] == [7500]  # 100 x 3 / 4


def test_the_dutch_threshold_agent_accepts_at_its_price(settings: Settings) -> None:
    clock = ManualClock()
    with live_server(settings, clock=clock) as server:
        house = server.user("house", OWNER)
        carol = server.user("carol")
        auction = house.create_auction(
            "dutch",
            "EUR",
            duration=600,
            config={"start_price": "50.00", "decrement": "1.00", "floor": "10.00"},
        )["auction_id"]
        _deploy(carol, "dutch_threshold", auction, threshold="46.50")
        time.sleep(0.3)
        assert carol.auction(auction)["status"] == "open"  # 50.00 is above its threshold
        clock.now += 4  # the clock drops to 46.00
        view = _until(lambda: (v := carol.auction(auction))["status"] == "closed" and v)
        (award,) = view["result"]["awards"]
        assert award["bidder"] == "carol" and award["payment"]["minor"] == 4600


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]
    failures_left: int

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server: Any = self.server
        if server.failures_left > 0:
            server.failures_left -= 1
            self.send_response(503)
        else:
            server.received.append(body)
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[Any]:
    receiver: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    receiver.received = []
    receiver.failures_left = 0
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    yield receiver
    receiver.shutdown()


def test_the_information_agent_retries_its_webhook(settings: Settings, hook: Any) -> None:
    with live_server(settings, webhook_backoff=0.05) as server:
        house = server.user("house", OWNER)
        alice, bob = server.user("alice"), server.user("bob")
        auction = house.create_auction(
            "english", "EUR", duration=600, config={"increment": "1.00"}
        )["auction_id"]
        agent = _deploy(alice, "information", auction, webhook=hook.url, events=["price_changed"])
        hook.failures_left = 2
        bob.join(auction)  # no price change: nothing is sent
        bob.bid(auction, "5.00")
        _until(lambda: hook.received)
        (message,) = hook.received
        assert message["events"] == ["price_changed"] and message["auction_id"] == auction
        assert message["view"]["viewer"] == "alice"  # what alice may see, no more
        detail = _until(
            lambda: (
                (d := alice.request("GET", f"/api/agents/{agent['agent_id']}"))["activity"] and d
            )
        )
        (delivered,) = detail["activity"]
        assert delivered["kind"] == "delivered" and delivered["detail"]["attempts"] == 3
        hook.failures_left = 10  # now it never answers well: recorded as failed
        carol = server.user("carol")
        carol.join(auction)
        carol.bid(auction, "9.00")
        detail = _until(
            lambda: (
                (d := alice.request("GET", f"/api/agents/{agent['agent_id']}"))["activity"][0][
                    "kind"
                ]
                == "failed"
                and d
            )
        )
        assert detail["activity"][0]["detail"]["attempts"] == 3


def test_the_discover_agent_reports_matching_auctions(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    dan = server.user("dan")
    agent = _deploy(dan, "discover", None, mechanism="english", title_contains="oak")
    oak = house.create_auction(
        "english", "EUR", duration=600, title="An OAK table", config={"increment": "1.00"}
    )
    house.create_auction(
        "english", "EUR", duration=600, title="A pine chair", config={"increment": "1.00"}
    )
    house.create_auction("vickrey", "EUR", duration=600, title="An oak chest")
    detail = _until(
        lambda: (d := dan.request("GET", f"/api/agents/{agent['agent_id']}"))["activity"] and d
    )
    time.sleep(0.3)
    detail = dan.request("GET", f"/api/agents/{agent['agent_id']}")
    assert [a["detail"]["auction_id"] for a in detail["activity"]] == [oak["auction_id"]]


def test_agents_are_managed_by_their_owner(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    alice, mallory = server.user("alice"), server.user("mallory")
    auction = house.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})[
        "auction_id"
    ]
    agent = _deploy(alice, "incrementor", auction, max_amount="5.00")
    agent_id = agent["agent_id"]
    assert [a["agent_id"] for a in alice.request("GET", "/api/agents")] == [agent_id]
    assert mallory.request("GET", "/api/agents") == []
    for call in (
        lambda: mallory.request("GET", f"/api/agents/{agent_id}"),
        lambda: mallory.request("POST", f"/api/agents/{agent_id}/pause"),
        lambda: mallory.request("DELETE", f"/api/agents/{agent_id}"),
    ):
        with pytest.raises(ApiError) as refused:
            call()
        assert refused.value.status == 403
    assert alice.request("POST", f"/api/agents/{agent_id}/pause")["status"] == "paused"
    bob = server.user("bob")
    bob.join(auction)
    bob.bid(auction, "3.00")
    time.sleep(0.3)
    assert bob.auction(auction)["price"]["minor"] == 300  # the paused agent did not answer
    alice.request("POST", f"/api/agents/{agent_id}/resume")
    _until(lambda: alice.auction(auction)["price"]["minor"] == 400)  # it answered at once
    alice.request("DELETE", f"/api/agents/{agent_id}")
    assert alice.request("GET", "/api/agents") == []
    with pytest.raises(ApiError) as gone:
        alice.request("GET", f"/api/agents/{agent_id}")
    assert gone.value.status == 404


@pytest.mark.parametrize(
    ("template", "params", "says"),
    [
        ("robot", {}, "unknown agent template"),
        ("incrementor", {}, "max_amount: required"),
        ("incrementor", {"max_amount": 5.5}, "decimal strings"),
        ("incrementor", {"max_amount": "5.00", "colour": 1}, "unknown field"),
        ("incrementor", {"max_amount": "-5.00"}, "max_amount"),
        ("n_agent", {"value": "10.00", "bidders": 1}, "bidders"),
        ("dutch_threshold", {"threshold": "5.00"}, "acts in dutch auctions"),
        ("information", {"webhook": "ftp://x", "events": ["closed"]}, "webhook"),
        ("information", {"webhook": "http://x", "events": ["exploded"]}, "unknown event kind"),
    ],
)
def test_bad_agent_requests_are_refused(
    server: LiveServer, template: str, params: dict[str, Any], says: str
) -> None:
    house = server.user("house", OWNER)
    alice = server.user("alice")
    auction = house.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})[
        "auction_id"
    ]
    with pytest.raises(ApiError) as refused:
        _deploy(alice, template, auction, **params)
    assert refused.value.status == 422 and says in refused.value.message, refused.value
    assert alice.request("GET", "/api/agents") == []
