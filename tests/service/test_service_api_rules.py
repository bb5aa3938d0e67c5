"""What the API refuses and what it keeps secret, on both databases: bad input of every kind
gets a specific 4xx and changes nothing; a sealed bid shows up nowhere before clearing; the
fast path of participants' actions answers exactly as the FastAPI routes do."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from live_server import LiveServer, live_server

from trustmarket.client import ApiError
from trustmarket.service.app import MAX_BODY_BYTES
from trustmarket.service.settings import Settings

OWNER = ["participant", "auction_owner"]


def _post(server: LiveServer, path: str, token: str | None, **kwargs: Any) -> httpx.Response:
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{server.url}{path}", headers=headers, timeout=30, **kwargs)


def _english(server: LiveServer) -> tuple[str, str, str]:
    owner = server.user("house", OWNER)
    bidder = server.user("bidder")
    auction = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})
    bidder.join(auction["auction_id"])
    bidder.bid(auction["auction_id"], "10.00")
    assert owner.token is not None and bidder.token is not None
    return auction["auction_id"], owner.token, bidder.token


BAD_BIDS = [
    (b"{not json", {"content-type": "application/json"}, 422, "not valid JSON"),
    (b'{"amount": 12.5}', {"content-type": "application/json"}, 422, "decimal strings"),
    (
        b'{"amount": "12.50", "colour": "red"}',
        {"content-type": "application/json"},
        422,
        "unknown field",
    ),
    (b'{"amount": ["12.50"]}', {"content-type": "application/json"}, 422, "decimal strings"),
    (b'{"amount": "12.505"}', {"content-type": "application/json"}, 422, "amount"),
    (b'{"amount": "-3.00"}', {"content-type": "application/json"}, 422, "amount"),
    (b"{}", {"content-type": "application/json"}, 422, "required"),
    (b"", {"content-type": "application/json"}, 422, "required"),
    (b'{"amount": "10.50"}', {"content-type": "application/json"}, 409, "minimum acceptable"),
]


@pytest.mark.parametrize(("body", "headers", "status", "says"), BAD_BIDS)
def test_bad_bids_are_refused_with_a_reason_and_change_nothing(
    server: LiveServer, body: bytes, headers: dict[str, str], status: int, says: str
) -> None:
    auction, _owner, token = _english(server)
    before = server.client(token).auction(auction)
    response = _post(server, f"/api/auctions/{auction}/bids", token, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert says in response.json()["message"], response.json()
    after = server.client(token).auction(auction)
    assert after["events"] == before["events"] and after["price"] == before["price"]


def test_oversized_unknown_and_closed_are_refused(server: LiveServer) -> None:
    auction, owner, token = _english(server)
    huge = b'{"amount": "' + b"1" * MAX_BODY_BYTES + b'"}'
    response = _post(
        server,
        f"/api/auctions/{auction}/bids",
        token,
        content=huge,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"] == "body_too_large"
    response = _post(server, "/api/auctions/NO-SUCH-AUCTION/bids", token, json={"amount": "1.00"})
    assert response.status_code == 404 and "NO-SUCH-AUCTION" in response.json()["message"]
    response = _post(server, "/api/auctions/bad%20id/bids", token, json={"amount": "1.00"})
    assert response.status_code == 404
    server.client(owner).close_auction(auction)
    response = _post(server, f"/api/auctions/{auction}/bids", token, json={"amount": "50.00"})
    assert response.status_code == 409 and response.json()["error"] == "not_open"
    response = httpx.get(f"{server.url}/api/no-such-endpoint")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_bidding_needs_a_live_token_and_the_participant_role(server: LiveServer) -> None:
    auction, owner, token = _english(server)
    assert (
        _post(server, f"/api/auctions/{auction}/bids", None, json={"amount": "20.00"}).status_code
        == 401
    )
    bidder = server.client(token)
    bidder.logout()
    replayed = _post(server, f"/api/auctions/{auction}/bids", token, json={"amount": "20.00"})
    assert replayed.status_code == 401 and replayed.json()["error"] == "not_authenticated"
    owner_only = server.user("owner-only", ["auction_owner"])
    assert owner_only.token is not None
    refused = _post(server, f"/api/auctions/{auction}/join", owner_only.token, json={})
    assert refused.status_code == 403 and "participant" in refused.json()["message"]
    assert server.client(owner).auction(auction)["price"]["minor"] == 1000


def test_a_sealed_bid_is_seen_by_nobody_else_before_clearing(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    alice, bob = server.user("alice"), server.user("bob")
    auction = owner.create_auction("vickrey", "EUR", duration=600)["auction_id"]
    alice.join(auction)
    bob.join(auction)
    secret = alice.bid(auction, "77.77")
    secret_texts = ("7777", "77.77")

    def reveals(data: object) -> bool:
        text = json.dumps(data)
        return any(s in text for s in secret_texts) or secret["event"]["id"] in text

    for viewer in (bob, owner, server.client()):
        assert not reveals(viewer.auction(auction))
    assert not reveals(bob.receipts(auction)) and not reveals(owner.receipts(auction))
    # the log holds a salted digest, not the bid
    entry = httpx.get(f"{server.url}/api/ledger/entries/{secret['log_index']}").json()
    assert not reveals(entry) and not reveals(base64.b64decode(entry["entry"]).decode())
    # answers do not tell either: bob's lower bid is accepted like any other
    bob_bid = bob.bid(auction, "55.55")
    assert not reveals(bob_bid)
    # the stream's first view is the same view as a GET
    with httpx.stream(
        "GET",
        f"{server.url}/api/auctions/{auction}/stream",
        headers={"Authorization": f"Bearer {bob.token}"},
        timeout=10,
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                first = json.loads(line[len("data: ") :])
                break
    assert not reveals(first) and first["your_bids"][0]["amount"]["minor"] == 5555
    assert alice.auction(auction)["your_bids"][0]["amount"]["minor"] == 7777


def test_the_fast_path_answers_as_the_fastapi_routes_do(tmp_path: Any) -> None:
    answers: list[list[tuple[int, Any]]] = []
    for fast in (True, False):
        folder = tmp_path / ("fast" if fast else "plain")
        folder.mkdir()
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'db'}")
        with live_server(settings, fast_path=fast) as server:
            auction, _owner, token = _english(server)
            seen = []
            for path, body in [
                ("bids", {"amount": "12.00"}),
                ("bids", {"amount": "12.50"}),
                ("bids", {"amount": 13}),
                ("bids", {"amount": "14.00", "extra": 1}),
                ("units-bids", {"alternatives": [{"quantity": 1, "price": "1.00"}]}),
                ("orders", {"side": "buy", "quantity": 1, "unit_price": "1.00"}),
                ("package-bids", {"bid": "({a}, 1.00)"}),
                ("accept", {}),
                ("retractions", {"bid_id": "x"}),
                ("decommit", {}),
                ("join", {}),
            ]:
                response = _post(server, f"/api/auctions/{auction}/{path}", token, json=body)
                data = response.json()
                if response.status_code < 400:  # ids, salts and times differ between runs
                    data = (data["seq"], data["caused"])
                else:
                    data["message"] = data["message"].replace(auction, "AUCTION")
                seen.append((response.status_code, data))
            for response in (
                _post(server, f"/api/auctions/{auction}/bids", None, json={"amount": "1.00"}),
                _post(server, "/api/auctions/nope/bids", token, json={"amount": "1.00"}),
            ):
                seen.append((response.status_code, response.json()))
            answers.append(seen)
    assert answers[0] == answers[1]
    statuses = [status for status, _ in answers[0]]
    # (the standing bidder may raise her own bid by less than the increment)
    assert statuses == [201, 201, 422, 422, 409, 409, 409, 409, 409, 409, 409, 401, 404]


def test_client_errors_carry_the_service_message(server: LiveServer) -> None:
    auction, _owner, token = _english(server)
    with pytest.raises(ApiError) as caught:
        server.client(token).bid(auction, "10.00")
    assert (
        caught.value.status == 409 and "minimum acceptable bid is EUR 11.00" in caught.value.message
    )
