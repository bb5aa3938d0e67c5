"""Safe exchanges executed step by step between two accounts, on both databases: the paper's
dependent-items example planned and run to the end, each action confirmed by its party, steps
that leave the plan refused, unsafe plans refused with their first unsafe state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer
from test_service_streams import _stream

from trustmarket.analysis.safe_exchange import plan_from_json, problem_from_json
from trustmarket.client import ApiError, Client

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "exchange"
SOFTWARE = json.loads((EXAMPLES / "software.json").read_text())
PUBLISHED = json.loads((EXAMPLES / "software-published-plan.json").read_text())


def _propose(seller: Client, buyer: str, **extra: Any) -> Any:
    body = {"counterparty": buyer, "role": "seller", "problem": SOFTWARE, **extra}
    return seller.request("POST", "/api/exchanges", json=body)


def _do(client: Client, exchange_id: str, step: dict[str, Any]) -> Any:
    body = {k: v for k, v in step.items() if k in ("action", "deliver", "pay")}
    return client.request("POST", f"/api/exchanges/{exchange_id}/actions", json=body)


def test_a_planned_exchange_runs_to_the_end(server: LiveServer) -> None:
    seller, buyer = server.user("seller"), server.user("buyer")
    proposed = _propose(seller, "buyer")
    exchange_id = proposed["exchange_id"]
    assert proposed["status"] == "proposed" and proposed["next"] is None
    problem = problem_from_json(SOFTWARE)
    planned = problem.plan("steps")
    assert planned.plan is not None
    assert len(proposed["plan"]["steps"]) == len(planned.plan.steps)  # the service's planner
    with pytest.raises(ApiError) as own:
        seller.request("POST", f"/api/exchanges/{exchange_id}/accept")
    assert own.value.status == 403
    view = buyer.request("POST", f"/api/exchanges/{exchange_id}/accept")
    parties = {"seller": seller, "buyer": buyer}
    confirmed = 0
    while view["next"] is not None:
        step = view["next"]
        actor = parties[step["by"]]
        other = buyer if actor is seller else seller
        with pytest.raises(ApiError) as wrong_party:
            _do(other, exchange_id, step)
        assert wrong_party.value.status == 409 and wrong_party.value.code == "not_the_plan"
        view = _do(actor, exchange_id, step)
        confirmed += 1
    assert view["status"] == "done" and view["done"] == view["actions"] == confirmed
    kinds = [h["action"] for h in view["history"]]
    assert kinds[0] == "accept" and kinds.count("pay") >= 1 and kinds.count("deliver") >= 1
    listed = seller.request("GET", "/api/exchanges")
    assert [(e["exchange_id"], e["status"]) for e in listed] == [(exchange_id, "done")]


def test_steps_that_leave_the_plan_change_nothing(server: LiveServer) -> None:
    seller, buyer = server.user("seller"), server.user("buyer")
    exchange_id = _propose(seller, "buyer")["exchange_id"]
    first = buyer.request("POST", f"/api/exchanges/{exchange_id}/accept")["next"]
    actor = seller if first["by"] == "seller" else buyer
    if first["action"] == "deliver":
        wrong = {"action": "deliver", "deliver": {"package": 9}}
    else:
        wrong = {"action": "pay", "pay": "0.01"}
    for bad in (wrong, {"action": "pay" if first["action"] == "deliver" else "deliver"}):
        with pytest.raises(ApiError) as refused:
            _do(actor, exchange_id, bad)
        assert refused.value.status == 409 and "next" in refused.value.message
    view = actor.request("GET", f"/api/exchanges/{exchange_id}")
    assert view["done"] == 0 and view["next"] == first
    outsider = server.user("outsider")
    with pytest.raises(ApiError) as hidden:
        outsider.request("GET", f"/api/exchanges/{exchange_id}")
    assert hidden.value.status == 403
    abandoned = buyer.request("POST", f"/api/exchanges/{exchange_id}/abandon")
    assert abandoned["status"] == "abandoned" and abandoned["next"] is None
    with pytest.raises(ApiError) as stopped:
        _do(actor, exchange_id, first)
    assert stopped.value.status == 409 and "abandoned" in stopped.value.message


def test_the_published_plan_is_accepted_and_an_unsafe_one_refused(server: LiveServer) -> None:
    seller = server.user("seller")
    server.user("buyer")
    published = _propose(seller, "buyer", plan=PUBLISHED["plan"])
    problem = problem_from_json(SOFTWARE)
    # the plan the service keeps is the published plan (the paper's, accepted by the checker)
    assert plan_from_json(published["plan"], problem) == plan_from_json(PUBLISHED["plan"], problem)
    unsafe = {
        "order": "deliver-first",
        "steps": [{"deliver": {"plug-in": 1, "package": 4}}, {"pay": "22"}],
    }
    with pytest.raises(ApiError) as refused:
        _propose(seller, "buyer", plan=unsafe)
    assert refused.value.status == 422 and "not safe" in refused.value.message
    with pytest.raises(ApiError) as nobody:
        _propose(seller, "nobody")
    assert nobody.value.status == 404
    with pytest.raises(ApiError) as malformed:
        seller.request(
            "POST",
            "/api/exchanges",
            json={"counterparty": "buyer", "role": "seller", "problem": {"form": "x"}},
        )
    assert malformed.value.status == 422 and "unknown or missing form" in malformed.value.message
    assert len(seller.request("GET", "/api/exchanges")) == 1


def test_an_exchange_stream_tells_each_party_when_the_other_acts(server: LiveServer) -> None:
    seller, buyer = server.user("seller"), server.user("buyer")
    exchange_id = _propose(seller, "buyer")["exchange_id"]
    outsider = server.user("eve")
    refused = httpx.get(
        f"{server.url}/api/exchanges/{exchange_id}/stream",
        headers={"Authorization": f"Bearer {outsider.token}"},
    )
    assert refused.status_code in (403, 404) and "exchange" in refused.json()["message"]
    messages, stop = _stream(f"{server.url}/api/exchanges/{exchange_id}/stream", seller.token)
    try:
        assert messages.get(timeout=10) == ("ready", {"exchange_id": exchange_id})
        buyer.request("POST", f"/api/exchanges/{exchange_id}/accept")
        assert messages.get(timeout=10) == ("changed", {"exchange_id": exchange_id})
    finally:
        stop.set()
