"""Scenario files (docs/scenarios.md): every example in docs/examples runs to the outcome worked
out by hand, and bad scenarios fail with InvalidScenario naming the field."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from trustmarket.auctions.scenario import load_scenario, parse_scenario, run_scenario
from trustmarket.core.errors import (
    BidTooLow,
    DuplicateBid,
    InvalidScenario,
    NotOpen,
    UnknownParticipant,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

# The outcome of each example, worked out by hand from the rules.
EXPECTED: dict[str, dict[str, Any]] = {
    # Ann's proxy (max 80.00) answers Bo's 50.00; Cy's late proxy (max 95.00) beats Ann's
    # maximum by one increment: 81.00. Her bid at 3500 is in the last 120 s, so the close moves
    # from 3600 to 3720, where the tick closes it.
    "english": {
        "currency": "EUR",
        "close_reason": "end",
        "awards": [{"bidder": "cy", "quantity": 1, "payment": "81.00", "bid_id": "e3"}],
        "trades": [],
        "end": 3720,
    },
    # Ann's 70.00 wins and pays the second-highest bid, 55.00 (Bo and Cy tie there).
    "vickrey": {
        "currency": "USD",
        "close_reason": "end",
        "awards": [{"bidder": "ann", "quantity": 1, "payment": "55.00", "bid_id": "e1"}],
        "trades": [],
        "end": 100,
    },
    # Supply 5: ann 3 for 12 + cy 2 for 8 = 20 is best. ann pays (bo 9 + cy 8) - 8 = 9.00;
    # cy pays (ann 2 for 10 + bo 9) - 12 = 7.00.
    "multi_unit": {
        "currency": "EUR",
        "close_reason": "end",
        "awards": [
            {"bidder": "ann", "quantity": 3, "payment": "9.00", "bid_id": "e1"},
            {"bidder": "cy", "quantity": 2, "payment": "7.00", "bid_id": "e3"},
        ],
        "trades": [],
        "end": 10,
    },
    # Continuous: s1 asks 40, b1 bids 35 (no trade), b2 bids 50 and trades with s1 at 45.00;
    # s2 asks 30 and trades with b1 at 32.50. The owner's cancel closes the market.
    "continuous_double": {
        "currency": "EUR",
        "close_reason": "owner_closed",
        "awards": [],
        "trades": [
            {
                "buyer": "b2",
                "seller": "s1",
                "quantity": 1,
                "unit_price": "45.00",
                "buy_order": "e3",
                "sell_order": "e1",
            },
            {
                "buyer": "b1",
                "seller": "s2",
                "quantity": 1,
                "unit_price": "32.50",
                "buy_order": "e2",
                "sell_order": "e4",
            },
        ],
        "end": None,
    },
    # Optimum 14.00: xena {c} 4 + yuri {a} 5 + zoe {b} 5. Clarke-Groves: yuri pays
    # V(-yuri) - (V - 5) = 12 (xena {a,b} 9 + zoe {c} 3) - 9 = 3.00; xena pays 10 - 10 = 0;
    # zoe pays 9 - 9 = 0.
    "combinatorial": {
        "currency": "EUR",
        "close_reason": "end",
        "awards": [
            {"bidder": "xena", "quantity": 1, "payment": "0.00", "bid_id": "e1"},
            {"bidder": "yuri", "quantity": 1, "payment": "3.00", "bid_id": "e2"},
            {"bidder": "zoe", "quantity": 1, "payment": "0.00", "bid_id": "e3"},
        ],
        "trades": [],
        "end": 100,
    },
}


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.json"))


def test_every_example_has_a_hand_checked_outcome() -> None:
    assert example_names(), "no examples found"
    assert set(example_names()) <= set(EXPECTED), "add the hand-checked outcome of new examples"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_run_to_the_hand_computed_outcome(name: str) -> None:
    text = (EXAMPLES / f"{name}.json").read_text()
    data = json.loads(text)
    report = run_scenario(load_scenario(text))
    summary = report.summary()
    expected = EXPECTED[name]
    assert summary["mechanism"] == data["mechanism"]
    assert summary["currency"] == expected["currency"]
    assert summary["status"] == "closed" and summary["final"] is True
    assert summary["close_reason"] == expected["close_reason"]
    assert summary["awards"] == expected["awards"]
    assert summary["trades"] == expected["trades"]
    assert summary["events_applied"] == len(data["events"])
    assert summary["rejected"] == []
    assert report.engine.timeline.end == expected["end"]
    # JSON-safe and money as decimal strings only.
    assert json.loads(json.dumps(summary)) == summary
    for row in summary["awards"]:
        assert re.fullmatch(r"\d+\.\d\d", row["payment"])
    for row in summary["trades"]:
        assert re.fullmatch(r"\d+\.\d\d", row["unit_price"])


def test_explicit_event_ids_are_kept_and_others_default_by_position() -> None:
    data = {
        "mechanism": "first_price_sealed",
        "currency": "JPY",
        "end": 50,
        "participants": ["ann", "bo"],
        "rules": {"reveal_during": "none"},
        "events": [
            {"type": "bid", "time": 1, "bidder": "ann", "amount": "1200"},
            {"id": "bo-bid", "type": "bid", "time": 2, "bidder": "bo", "amount": "1500"},
            {"type": "tick", "time": 50},
        ],
    }
    scenario = parse_scenario(data)
    assert [e.id for e in scenario.events] == ["e1", "bo-bid", "e3"]
    summary = run_scenario(scenario).summary()
    # First price: Bo pays his own bid; yen has no minor digits.
    assert summary["awards"] == [
        {"bidder": "bo", "quantity": 1, "payment": "1500", "bid_id": "bo-bid"}
    ]


def test_register_event_and_penalties_in_the_summary() -> None:
    data = {
        "mechanism": "vickrey",
        "currency": "EUR",
        "end": 100,
        "participants": ["ann"],
        "rules": {
            "reveal_during": "none",
            "retract_before": "with_penalty",
            "retraction_penalty": "1.50",
        },
        "events": [
            {"type": "register", "time": 0, "bidder": "bo"},
            {"type": "bid", "time": 1, "bidder": "ann", "amount": "30.00"},
            {"type": "bid", "time": 2, "bidder": "bo", "amount": "20.00"},
            {"type": "retract", "time": 3, "bidder": "ann", "bid_id": "e2"},
            {"type": "tick", "time": 100},
        ],
    }
    summary = run_scenario(parse_scenario(data)).summary()
    # Ann's retraction costs 1.50; Bo is then the only bidder and pays 0 (no reserve).
    assert summary["penalties"] == {"ann": "1.50"}
    assert summary["awards"] == [{"bidder": "bo", "quantity": 1, "payment": "0.00", "bid_id": "e3"}]


# ---------------------------------------------------------------------------------------------
# Bad scenarios
# ---------------------------------------------------------------------------------------------
BASE: dict[str, Any] = {
    "mechanism": "multi_unit",
    "currency": "EUR",
    "end": 10,
    "participants": ["ann", "bo"],
    "config": {"supply": 3, "pricing": "vickrey"},
    "events": [
        {
            "type": "units_bid",
            "time": 1,
            "bidder": "ann",
            "alternatives": [{"quantity": 2, "price": "10.00"}],
        },
        {
            "type": "order",
            "time": 2,
            "trader": "bo",
            "side": "buy",
            "quantity": 1,
            "unit_price": "1.00",
        },
        {"type": "tick", "time": 10},
    ],
}


def changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """BASE with the value at ``path`` replaced (or deleted when ``value`` is DELETE)."""
    data = copy.deepcopy(BASE)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()
ALT = ("events", 0, "alternatives", 0)


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ([BASE], ["a scenario is a JSON object"]),
        (changed(("mechanism",), DELETE), ["missing field(s): mechanism"]),
        (changed(("currency",), DELETE), ["missing field(s): currency"]),
        (changed(("mechanism",), "sealed"), ["mechanism", "'sealed'", "allowed"]),
        (changed(("mechanism",), ["multi_unit"]), ["mechanism", "allowed"]),
        (changed(("mechanism",), None), ["mechanism"]),
        (changed(("currency",), "eur"), ["currency", "unknown currency 'eur'"]),
        (changed(("currency",), 978), ["currency", "unknown currency 978"]),
        (changed(("start",), "0"), ["start", "integer"]),
        (changed(("end",), 10.5), ["end", "integer"]),
        (changed(("participants",), "ann"), ["participants", "list"]),
        (changed(("participants",), ["ann", "ann"]), ["participants must not repeat"]),
        (changed(("config",), ["supply", 3]), ["config", "object"]),
        (changed(("config", "supply"), DELETE), ["config", "supply"]),
        (changed(("config", "supply"), "3"), ["config.supply", "integer"]),
        (changed(("config", "supply"), 0), ["supply"]),
        (changed(("config", "pricing"), "dutch"), ["config.pricing", "'pay_as_bid'"]),
        (changed(("config", "reserve_unit_price"), 1), ["config.reserve_unit_price", "decimal"]),
        (changed(("config", "lots"), 2), ["config", "lots"]),
        (changed(("config", "currency"), "USD"), ["config", "currency", "top level"]),
        (changed(("rules",), "strict"), ["rules", "object"]),
        (changed(("rules",), {"exact_match": "yes"}), ["rules.exact_match", "true or false"]),
        (changed(("rules",), {"tie_breaking": "coin"}), ["rules.tie_breaking", "'earlier'"]),
        (changed(("rules",), {"tie_breaking": "random"}), ["needs a seed"]),
        (
            changed(("rules",), {"retract_before": "with_penalty", "retraction_penalty": 2}),
            ["rules.retraction_penalty", "decimal strings"],
        ),
        (
            changed(("rules",), {"clear_when": "every_bid"}),
            ["every_bid", "on_clear", "first bid"],
        ),
        (changed(("events",), DELETE), ["missing field(s): events"]),
        (changed(("events",), {"0": {}}), ["events", "list"]),
        (changed(("events", 2), "tick"), ["events[2]", "event object"]),
        (changed(("events", 2, "type"), DELETE), ["events[2].type"]),
        (changed(("events", 2, "type"), ["tick"]), ["events[2].type", "string"]),
        (changed(("events", 2, "type"), "stop"), ["events[2].type", "'stop'"]),
        (changed(("events", 2, "time"), DELETE), ["events[2]", "time"]),
        (changed(("events", 2, "time"), "10"), ["events[2].time", "integer"]),
        (changed(("events", 2, "time"), -1), ["events[2]", "time", "non-negative"]),
        (changed(("events", 2, "colour"), "red"), ["events[2]", "colour"]),
        (changed(("events", 0, "bidder"), DELETE), ["events[0]", "bidder"]),
        (changed(("events", 0, "alternatives"), DELETE), ["events[0]", "alternatives"]),
        (changed(("events", 0, "alternatives"), {"quantity": 2}), ["events[0].alternatives"]),
        (changed(("events", 0, "alternatives"), []), ["events[0]", "non-empty"]),
        (changed((*ALT, "price"), 10), ["events[0].alternatives[0].price", "decimal strings"]),
        (changed((*ALT, "price"), 10.5), ["events[0].alternatives[0].price", "10.5"]),
        (changed((*ALT, "price"), "10.005"), ["events[0].alternatives[0].price", "at most 2"]),
        (changed((*ALT, "price"), "10,00"), ["events[0].alternatives[0].price", "malformed"]),
        (changed((*ALT, "price"), "1e3"), ["events[0].alternatives[0].price", "malformed"]),
        (changed((*ALT, "price"), "EUR 10.00"), ["events[0].alternatives[0].price", "malformed"]),
        (changed((*ALT, "price"), "0.00"), ["events[0]", "positive"]),
        (changed((*ALT, "price"), "-10.00"), ["events[0]", "positive"]),
        (changed((*ALT, "quantity"), 1.5), ["events[0].alternatives[0].quantity", "integer"]),
        (changed((*ALT, "quantity"), 0), ["events[0]", "quantity", ">= 1"]),
        (changed(("events", 1, "side"), "hold"), ["events[1].side", "'buy', 'sell'"]),
        (changed(("events", 1, "side"), DELETE), ["events[1]", "side"]),
        (changed(("events", 1, "quantity"), "1"), ["events[1].quantity", "integer"]),
        (changed(("events", 1, "unit_price"), 1), ["events[1].unit_price", "decimal strings"]),
        (changed(("events", 1, "trader"), "b o"), ["events[1]", "trader"]),
    ],
)
def test_bad_scenarios_name_the_field(data: Any, fragments: list[str]) -> None:
    with pytest.raises(InvalidScenario) as info:
        load_scenario(json.dumps(data))
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message


@pytest.mark.parametrize("text", ["", "{", "{'mechanism': 'english'}", "[1, 2,]", "nope"])
def test_text_that_is_not_json(text: str) -> None:
    with pytest.raises(InvalidScenario, match=r"not valid JSON: .* at line 1 column \d+"):
        load_scenario(text)


# ---------------------------------------------------------------------------------------------
# Events the engine rejects while running
# ---------------------------------------------------------------------------------------------
def sealed(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mechanism": "vickrey",
        "currency": "EUR",
        "end": 100,
        "participants": ["ann", "bo"],
        "config": {"reserve": "5.00"},
        "rules": {"reveal_during": "none"},
        "events": events,
    }


GOOD = {"type": "bid", "time": 1, "bidder": "ann", "amount": "20.00"}
TICK = {"type": "tick", "time": 100}


@pytest.mark.parametrize(
    ("bad", "error", "fragment"),
    [
        ({"type": "bid", "time": 2, "bidder": "bo", "amount": "4.99"}, BidTooLow, "EUR 5.00"),
        ({"type": "bid", "time": 2, "bidder": "cy", "amount": "9.00"}, UnknownParticipant, "'cy'"),
        ({"type": "bid", "time": 2, "bidder": "ann", "amount": "9.00"}, DuplicateBid, "'ann'"),
        ({"type": "bid", "time": 120, "bidder": "bo", "amount": "9.00"}, NotOpen, "closed"),
    ],
)
def test_a_rejected_event_stops_the_run_naming_the_event(
    bad: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        run_scenario(parse_scenario(sealed([GOOD, bad, TICK])))
    assert str(info.value).startswith("events[1] ('e2'): ")
    assert fragment in str(info.value)


def test_keep_going_records_the_rejection_and_changes_nothing_else() -> None:
    bad = {"type": "bid", "time": 2, "bidder": "bo", "amount": "4.99"}
    later = {"type": "bid", "time": 3, "bidder": "bo", "amount": "9.00"}
    with_bad = run_scenario(parse_scenario(sealed([GOOD, bad, later, TICK])), keep_going=True)
    summary = with_bad.summary()
    assert summary["rejected"] == [
        {
            "index": 1,
            "id": "e2",
            "error": "bid_too_low",
            "message": summary["rejected"][0]["message"],
        }
    ]
    assert "EUR 5.00" in summary["rejected"][0]["message"]
    assert summary["events_applied"] == 3
    # Ann wins at Bo's 9.00 exactly as if the rejected bid had never been sent.
    assert summary["awards"] == [
        {"bidder": "ann", "quantity": 1, "payment": "9.00", "bid_id": "e1"}
    ]
    without = run_scenario(
        parse_scenario(sealed([GOOD, {**later, "id": "e3"}, {**TICK, "id": "e4"}]))
    )
    assert without.engine.state == with_bad.engine.state
    assert without.engine.timeline.event_ids == with_bad.engine.timeline.event_ids
