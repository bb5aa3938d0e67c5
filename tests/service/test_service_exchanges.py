"""Safe exchanges executed step by step between two accounts, on both databases: the paper's
dependent-items example planned and run to the end, each action confirmed by its party, steps
that leave the plan refused, unsafe plans refused with their first unsafe state; planning within
a time limit, off the writer (a plan not proven optimal in time still runs, marked so, and is
never planned again, not even after a restart), and proposals bounded like the planning tool."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import PASSWORD, LiveServer, live_server
from sqlalchemy import update
from test_service_streams import _stream

import trustmarket.service.exchanges as exchanges_module
from trustmarket.analysis.safe_exchange import ExchangeProblem, plan_from_json, problem_from_json
from trustmarket.client import ApiError, Client
from trustmarket.service.schema import ExchangeRow
from trustmarket.service.settings import Settings

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


# -- a time limit and size caps -------------------------------------------------------------------
#: Independent units whose optimum (24 steps) takes the integer programs 20-40 s to prove: within
#: a second the planner has a safe plan of 25 steps and has proven no plan has fewer than 24.
TIGHT = {
    "form": "independent-units",
    "currency": "PTS",
    "price": "32062",
    "seller_forgoes": "180",
    "buyer_forgoes": "157",
    "items": [
        {"name": name, "units": 50, "unit_cost": cost, "unit_value": value}
        for name, cost, value in (
            ("i0", "129", "137"),
            ("i1", "144", "155"),
            ("i2", "138", "158"),
            ("i3", "117", "117"),
            ("i4", "109", "116"),
        )
    ],
}


def _log_event(client: Client, kind: str) -> dict[str, Any]:
    """The newest entry of the service's log of type ``kind``."""
    size = client.tree_head().size
    for index in range(size - 1, -1, -1):
        entry = json.loads(client.request("GET", f"/api/ledger/entries/{index}")["entry_text"])
        if entry.get("type") == kind:
            return dict(entry)
    raise AssertionError(f"no {kind} entry in the log")


def test_a_plan_not_proven_in_time_still_runs_and_says_so(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchanges_module, "PLAN_SECONDS", 1.0)
    with live_server(settings) as first:
        seller, buyer = first.user("seller"), first.user("buyer")
        start = time.perf_counter()
        proposed = _propose(seller, "buyer", problem=TIGHT)
        assert time.perf_counter() - start < 8
        planned = proposed["planned"]
        assert proposed["proven"] is False and planned["proven"] is False
        assert planned["objective"] == "steps"
        assert planned["lower_bound"] < planned["optimum"] == len(proposed["plan"]["steps"])
        problem = problem_from_json(TIGHT)
        assert problem.check(plan_from_json(proposed["plan"], problem)).safe
        exchange_id = proposed["exchange_id"]
        event = _log_event(seller, "exchange_proposed")
        assert event["exchange_id"] == exchange_id
        assert event["plan"] == proposed["plan"] and event["planned"] == planned
        # The stored plan is what the exchange runs: nothing plans it again.
        monkeypatch.setattr(
            ExchangeProblem, "plan", lambda *a, **k: pytest.fail("the service planned again")
        )
        view = buyer.request("POST", f"/api/exchanges/{exchange_id}/accept")
        step = view["next"]
        view = _do(seller if step["by"] == "seller" else buyer, exchange_id, step)
        assert view["done"] == 1 and view["status"] == "active"
    with live_server(settings) as second:  # after a restart: the same plan, still not proven
        again = second.client()
        again.login("buyer", PASSWORD)
        after = again.request("GET", f"/api/exchanges/{exchange_id}")
        assert after["plan"] == proposed["plan"] and after["planned"] == planned
        assert after["proven"] is False and after["done"] == 1


def test_a_proven_plan_and_a_given_plan_say_so(server: LiveServer) -> None:
    seller = server.user("seller")
    server.user("buyer")
    planned = _propose(seller, "buyer")
    assert planned["proven"] is True
    assert planned["planned"] == {
        "objective": "steps",
        "optimum": len(planned["plan"]["steps"]),
        "proven": True,
        "lower_bound": len(planned["plan"]["steps"]),
    }
    given = _propose(seller, "buyer", plan=PUBLISHED["plan"])
    assert given["proven"] is None and given["planned"] is None


def test_planning_does_not_hold_the_writer(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchanges_module, "PLAN_SECONDS", 5.0)
    seller = server.user("seller")
    server.user("buyer")
    planning = ThreadPoolExecutor(1)
    try:
        proposed = planning.submit(_propose, seller, "buyer", problem=TIGHT)
        time.sleep(0.5)  # the planner is at work
        start = time.perf_counter()
        assert seller.request("GET", "/api/exchanges") == []  # a job on the writer
        assert time.perf_counter() - start < 2.5 and not proposed.done()
        assert proposed.result(timeout=30)["proven"] is False
    finally:
        planning.shutdown(wait=True)


def test_proposals_are_bounded_like_the_planning_tool(server: LiveServer) -> None:
    seller = server.user("seller")
    server.user("buyer")
    stocks = json.loads((EXAMPLES / "stocks.json").read_text())
    item = stocks["items"][0]
    cases = [
        (
            {**stocks, "items": [{**item, "name": f"s{k}"} for k in range(11)]},
            "independent units of at most 10 items; this exchange has 11",
        ),
        (
            {**stocks, "items": [{**item, "name": f"s{k}", "units": 5001} for k in range(2)]},
            "10002 units in all; the service takes at most 10000",
        ),
    ]
    for problem, message in cases:
        with pytest.raises(ApiError) as refused:
            _propose(seller, "buyer", problem=problem)
        assert refused.value.status == 422 and message in refused.value.message
    longest = json.dumps(
        {
            "counterparty": "buyer",
            "role": "seller",
            "problem": SOFTWARE,
            "plan": {"steps": [{"pay": "1"}] * 20_002},
        },
        separators=(",", ":"),
    )
    response = httpx.post(
        f"{server.url}/api/exchanges",
        content=longest,
        headers={"Authorization": f"Bearer {seller.token}", "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "the plan has 20002 steps; the service takes at most 20001" in response.json()["message"]
    assert seller.request("GET", "/api/exchanges") == []


def test_an_exchange_stored_before_plans_said_whether_proven(server: LiveServer) -> None:
    seller = server.user("seller")
    server.user("buyer")
    proposed = _propose(seller, "buyer")
    exchange_id = proposed["exchange_id"]
    with server.service.engine.begin() as connection:  # the plan_json of earlier versions
        connection.execute(
            update(ExchangeRow)
            .where(ExchangeRow.id == exchange_id)
            .values(plan_json=json.dumps(proposed["plan"]))
        )
    view = seller.request("GET", f"/api/exchanges/{exchange_id}")
    assert view["plan"] == proposed["plan"] and view["actions"] == proposed["actions"]
    assert view["proven"] is None and view["planned"] is None
