"""Feedback after settlement and reputation over HTTP, on both databases: a closed auction's
trades become transactions, each side rates once, and every model's score follows."""

from __future__ import annotations

import time
from typing import Any

import pytest
from live_server import LiveServer

from trustmarket.client import ApiError, Client
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.models import make_model

OWNER = ["participant", "auction_owner"]


def _sold(server: LiveServer, seller: Client, buyer: Client, amount: str) -> str:
    """An auction that ``buyer`` wins from ``seller``; the transaction id."""
    auction = seller.create_auction(
        "english",
        "EUR",
        duration=600,
        config={"increment": "1.00"},
        rules={"close_when": "owner_cancels"},
    )["auction_id"]
    buyer.join(auction)
    buyer.bid(auction, amount)
    seller.close_auction(auction)
    (transaction,) = [
        t for t in buyer.request("GET", "/api/transactions") if t["auction_id"] == auction
    ]
    return str(transaction["transaction_id"])


def _rate(client: Client, transaction: str, rating: int, **extra: Any) -> Any:
    return client.request(
        "POST", "/api/feedback", json={"transaction_id": transaction, "rating": rating, **extra}
    )


def test_feedback_after_settlement_moves_every_model(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    alice, bob = server.user("alice"), server.user("bob")
    first = _sold(server, house, alice, "30.00")
    second = _sold(server, house, bob, "20.00")
    (mine,) = [t for t in house.request("GET", "/api/transactions") if t["transaction_id"] == first]
    assert mine["buyer"] == "alice" and mine["seller"] == "house"
    assert mine["value"] == {"minor": 3000, "currency": "EUR"} and not mine["you_rated"]
    made = _rate(alice, first, 1, attributes=[5, 4, 5])
    assert made["subject"] == "house" and made["log_index"] > 0
    _rate(bob, second, -1, attributes=[1, 2, 1])
    _rate(house, first, 1)
    profile = server.client().request("GET", "/api/reputation/house", params={"model": "beta"})
    # the same feedback fed to the library's models gives the same scores
    expected = {name: make_model(name) for name in profile["scores"]}
    given = [  # in the order the service took them
        ("alice", "house", first, 1, (5.0, 4.0, 5.0), 3000),
        ("bob", "house", second, -1, (1.0, 2.0, 1.0), 2000),
        ("house", "alice", first, 1, None, 3000),
    ]
    for name, model in expected.items():
        for rater, subject, transaction, rating, attributes, value in given:
            if attributes is None and model.properties.uses_attributes:
                continue  # the service feeds a model only what it can read
            model.update(
                Feedback(
                    transaction=transaction,
                    rater=rater,
                    subject=subject,
                    rating=rating,
                    value=value,
                    time=0,
                    attributes=attributes,
                )
            )
        assert profile["scores"][name]["score"] == pytest.approx(model.score("house")), name
    assert profile["scores"]["beta"]["score"] == pytest.approx(0.5)  # (1 + 1) / (1 + 1 + 2)
    assert profile["explanation"]["formula"].startswith("score = (r + 1)")
    assert sorted(f["rater"] for f in profile["feedback"]) == ["alice", "bob"]
    assert server.client().request("GET", "/api/reputation/alice")["feedback"][0]["rating"] == 1


def test_feedback_refusals(server: LiveServer) -> None:
    house = server.user("house", OWNER)
    alice, mallory = server.user("alice"), server.user("mallory")
    transaction = _sold(server, house, alice, "10.00")
    cases = [
        (mallory, {"transaction_id": transaction, "rating": 1}, 403, "only the buyer"),
        (alice, {"transaction_id": "nope", "rating": 1}, 404, "no settled transaction"),
        (alice, {"transaction_id": transaction, "rating": 2}, 422, "rating"),
        (
            alice,
            {"transaction_id": transaction, "rating": 1, "attributes": [9, 9, 9]},
            422,
            "off the scale",
        ),
        (alice, {"transaction_id": transaction, "rating": 1, "attributes": [1]}, 422, "3 scores"),
    ]
    for client, body, status, says in cases:
        with pytest.raises(ApiError) as refused:
            client.request("POST", "/api/feedback", json=body)
        assert refused.value.status == status and says in refused.value.message, refused.value
    _rate(alice, transaction, 0)
    with pytest.raises(ApiError) as twice:
        _rate(alice, transaction, 1)
    assert twice.value.status == 422 and "already rated" in twice.value.message
    profile = house.request("GET", "/api/reputation/house")
    assert [f["rating"] for f in profile["feedback"]] == [0]
    with pytest.raises(ApiError) as unknown:
        house.request("GET", "/api/reputation/house", params={"model": "astrology"})
    assert unknown.value.status == 422 and "beta" in unknown.value.message


def test_an_auction_closing_on_schedule_settles_too(paused_server: LiveServer) -> None:
    house = paused_server.user("house", OWNER)
    buyer, seller = paused_server.user("buyer"), paused_server.user("seller")
    auction = house.create_auction("double", "EUR", duration=60)["auction_id"]
    buyer.join(auction)
    seller.join(auction)
    buyer.order(auction, "buy", 1, "30.00")
    seller.order(auction, "sell", 1, "20.00")
    paused_server.advance(60)
    deadline = time.monotonic() + 10
    while not buyer.request("GET", "/api/transactions") and time.monotonic() < deadline:
        time.sleep(0.05)
    (trade,) = buyer.request("GET", "/api/transactions")
    assert (trade["buyer"], trade["seller"], trade["value"]["minor"]) == ("buyer", "seller", 2500)
    assert house.request("GET", "/api/transactions") == []  # the owner is not a party here


def test_score_history_checks_the_model_even_before_the_models_reload(
    server: LiveServer,
) -> None:
    client = server.client()
    assert client.reputation_history("nobody", "beta") == []
    server.service.writer.call(lambda work: server.service.reputation._forget_models())
    assert client.reputation_history("nobody", "beta") == []  # a rollback emptied the models
    with pytest.raises(ApiError) as unknown:
        client.reputation_history("nobody", "karma")
    assert unknown.value.status == 422
    assert "unknown reputation model 'karma'; allowed: accumulative" in unknown.value.message
