"""Bad input to `trustmarket auction run` and `trustmarket advise`: one line `error: ...` on
stderr, exit code 2, nothing on stdout and nothing changed (docs/cli.md, docs/scenarios.md).
Also: money in the JSON output is always a decimal string, never a float.

tests/cli/test_cli.py covers the first cases (not JSON, missing events, unknown mechanism,
currency XXX, an int amount, too many decimals, unknown bidder, a bid after the end, ...);
these are the rest."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_run import run

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def write(tmp_path: Path, data: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def assert_refused(tmp_path: Path, data: Any, *fragments: str, keep_going: bool = False) -> None:
    """Run the scenario in --json and plain mode; both must refuse it in one line."""
    path = write(tmp_path, data)
    content = path.read_bytes()
    for extra in (["--json"], []):
        args = ["auction", "run", str(path), *extra]
        if keep_going:
            args.append("--keep-going")
        code, out, err = run(*args)
        assert code == 2, (out, err)
        assert out == ""
        assert err.startswith("error: ") and err.endswith("\n"), err
        assert len(err.splitlines()) == 1, err
        for fragment in fragments:
            assert fragment in err, err
    assert path.read_bytes() == content  # the file is untouched ...
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # ... and nothing was written


def english(events: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {
        "mechanism": "english",
        "currency": "EUR",
        "start": 10,
        "end": 100,
        "participants": ["ann", "bo"],
        "config": {"increment": "1.00", "reserve": "20.00"},
        "events": events,
        **top,
    }


def bid(time: int, bidder: str, amount: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "bid", "time": time, "bidder": bidder, "amount": amount, **extra}


ANN = bid(11, "ann", "25.00")


# ---------------------------------------------------------------------------------------------
# Amounts and currencies
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "fragments"),
    [
        ("0.00", ["events[0]", "must be positive", "EUR 0.00"]),
        ("0", ["events[0]", "must be positive"]),
        ("-5.00", ["events[0]", "must be positive", "EUR -5.00"]),
        (25.5, ["events[0].amount", "decimal strings", "25.5"]),
        (True, ["events[0].amount", "decimal strings"]),
        (None, ["events[0].amount"]),
        ("25,50", ["events[0].amount", "malformed amount '25,50'"]),
        ("2.5e1", ["events[0].amount", "malformed"]),
        (" 25.00", ["events[0].amount", "malformed"]),
        ("NaN", ["events[0].amount", "malformed"]),
        ("", ["events[0].amount", "malformed"]),
        ("25.00 USD", ["events[0].amount", "malformed"]),
        ("USD 25.00", ["events[0].amount", "malformed"]),
    ],
)
def test_bad_amounts(tmp_path: Path, amount: Any, fragments: list[str]) -> None:
    assert_refused(tmp_path, english([bid(11, "ann", amount)]), *fragments)


def test_bad_proxy_maximum(tmp_path: Path) -> None:
    data = english([bid(11, "ann", "25.00", max_amount="24.00")])
    assert_refused(tmp_path, data, "events[0]", "max_amount", "below amount")


def test_too_many_decimals_for_a_whole_unit_currency(tmp_path: Path) -> None:
    data = english([bid(11, "ann", "2500.5")], currency="JPY")
    data["config"] = {"increment": "1", "reserve": "2000"}
    assert_refused(tmp_path, data, "events[0].amount", "JPY allows at most 0")


@pytest.mark.parametrize(
    ("currency", "fragment"),
    [("eur", "unknown currency 'eur'"), (978, "unknown currency 978"), ("", "unknown currency")],
)
def test_unknown_currency(tmp_path: Path, currency: Any, fragment: str) -> None:
    assert_refused(tmp_path, english([ANN], currency=currency), "currency: ", fragment)


def test_amounts_in_another_currency_are_refused(tmp_path: Path) -> None:
    # Amounts carry no currency of their own in a scenario; the internal {minor, currency}
    # form (the only way to name another currency) is refused.
    data = english([bid(11, "ann", {"minor": 2500, "currency": "USD"})])
    assert_refused(tmp_path, data, "events[0].amount", "decimal strings")
    data = english(
        [ANN],
        rules={
            "retract_before": "with_penalty",
            "retraction_penalty": {"minor": 100, "currency": "USD"},
        },
    )
    assert_refused(tmp_path, data, "rules.retraction_penalty", "decimal strings")


# ---------------------------------------------------------------------------------------------
# Timing, reserve and increment
# ---------------------------------------------------------------------------------------------
def test_bid_before_the_start(tmp_path: Path) -> None:
    # start is 10; a bid at 5 is refused, and the message names the opening time 10.
    assert_refused(tmp_path, english([bid(5, "ann", "25.00")]), "events[0] ('e1')", "time 10")


def test_bid_after_the_close(tmp_path: Path) -> None:
    events = [ANN, {"type": "tick", "time": 100}, bid(100, "bo", "30.00")]
    assert_refused(tmp_path, english(events), "events[2] ('e3')", "closed")


def test_events_out_of_time_order(tmp_path: Path) -> None:
    events = [bid(20, "ann", "25.00"), bid(15, "bo", "30.00")]
    assert_refused(tmp_path, english(events), "events[1] ('e2')", "earlier than the last event")


def test_bid_below_the_reserve_names_the_minimum(tmp_path: Path) -> None:
    assert_refused(tmp_path, english([bid(11, "ann", "19.99")]), "events[0] ('e1')", "EUR 20.00")


def test_bid_below_the_increment_names_the_minimum(tmp_path: Path) -> None:
    events = [ANN, bid(12, "bo", "25.50")]
    assert_refused(tmp_path, english(events), "events[1] ('e2')", "EUR 26.00")


def test_multi_unit_bid_below_the_reserve_per_unit(tmp_path: Path) -> None:
    data = {
        "mechanism": "multi_unit",
        "currency": "EUR",
        "end": 10,
        "participants": ["ann"],
        "config": {"supply": 4, "reserve_unit_price": "2.00"},
        "events": [
            {
                "type": "units_bid",
                "time": 1,
                "bidder": "ann",
                "alternatives": [{"quantity": 3, "price": "5.99"}],
            }
        ],
    }
    assert_refused(tmp_path, data, "events[0] ('e1')", "EUR 6.00")


# ---------------------------------------------------------------------------------------------
# Bidders and event ids
# ---------------------------------------------------------------------------------------------
def test_unknown_trader(tmp_path: Path) -> None:
    data = {
        "mechanism": "double",
        "currency": "EUR",
        "end": 10,
        "participants": ["b1"],
        "events": [
            {
                "type": "order",
                "time": 1,
                "trader": "s9",
                "side": "sell",
                "quantity": 1,
                "unit_price": "3.00",
            }
        ],
    }
    assert_refused(tmp_path, data, "events[0] ('e1')", "'s9' is not registered")


def test_unknown_bidder_in_a_retraction(tmp_path: Path) -> None:
    events = [ANN, {"type": "retract", "time": 12, "bidder": "zoe", "bid_id": "e1"}]
    data = english(events, rules={"retract_before": "yes"})
    assert_refused(tmp_path, data, "events[1] ('e2')", "'zoe' is not registered")


def test_duplicate_bidder_registration(tmp_path: Path) -> None:
    events = [{"type": "register", "time": 11, "bidder": "bo"}]
    assert_refused(tmp_path, english(events), "events[0] ('e1')", "'bo' is already registered")


def test_duplicate_participants(tmp_path: Path) -> None:
    data = english([ANN], participants=["ann", "bo", "ann"])
    assert_refused(tmp_path, data, "participants must not repeat")


def test_duplicate_event_id(tmp_path: Path) -> None:
    events = [{**ANN, "id": "x"}, {**bid(12, "bo", "30.00"), "id": "x"}]
    assert_refused(tmp_path, english(events), "events[1] ('x')", "already applied")


def test_default_ids_clash_with_an_explicit_one(tmp_path: Path) -> None:
    # Ids default to e1, e2, ... by position, so an explicit "e2" on the first event clashes.
    events = [{**ANN, "id": "e2"}, bid(12, "bo", "30.00")]
    assert_refused(tmp_path, english(events), "events[1] ('e2')", "already applied")


def test_bad_event_id(tmp_path: Path) -> None:
    assert_refused(tmp_path, english([{**ANN, "id": "no spaces"}]), "events[0]", "event id")


# ---------------------------------------------------------------------------------------------
# Retraction
# ---------------------------------------------------------------------------------------------
def test_retraction_forbidden_by_default(tmp_path: Path) -> None:
    events = [ANN, {"type": "retract", "time": 12, "bidder": "ann", "bid_id": "e1"}]
    assert_refused(tmp_path, english(events), "events[1] ('e2')", "retract_before='no'")


def test_retracting_another_bidders_bid(tmp_path: Path) -> None:
    events = [ANN, {"type": "retract", "time": 12, "bidder": "bo", "bid_id": "e1"}]
    data = english(events, rules={"retract_before": "yes"})
    assert_refused(tmp_path, data, "events[1] ('e2')", "no active bid 'e1'")


def test_decommit_forbidden_by_default(tmp_path: Path) -> None:
    events = [
        ANN,
        {"type": "tick", "time": 100},
        {"type": "decommit", "time": 101, "bidder": "ann"},
    ]
    assert_refused(tmp_path, english(events), "events[2] ('e3')", "retract_after='no'")


def test_retraction_forbidden_with_keep_going_is_recorded(tmp_path: Path) -> None:
    events = [
        ANN,
        {"type": "retract", "time": 12, "bidder": "ann", "bid_id": "e1"},
        bid(13, "bo", "30.00"),
        {"type": "tick", "time": 100},
    ]
    path = write(tmp_path, english(events))
    code, out, _ = run("auction", "run", str(path), "--keep-going", "--json")
    assert code == 0
    summary = json.loads(out)
    assert [(r["index"], r["id"], r["error"]) for r in summary["rejected"]] == [
        (1, "e2", "retraction_not_allowed")
    ]
    # Bo's 30.00 beats Ann's 25.00 and stands: English is first-price at the standing bid.
    assert summary["awards"] == [
        {"bidder": "bo", "quantity": 1, "payment": "30.00", "bid_id": "e3"}
    ]
    code, out, _ = run("auction", "run", str(path), "--keep-going")
    assert code == 0 and "rejected" in out and "e2" in out and "retract_before" in out


# ---------------------------------------------------------------------------------------------
# Rules, configuration and scenario shape
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rules", "fragments"),
    [
        ({"clear_when": "every_bid"}, ["every_bid", "first bid"]),
        ({"clear_period": 5}, ["clear_period is only used with clear_when='periodic'"]),
        ({"clear_when": "periodic"}, ["clear_period is required"]),
        ({"reveal_during": "none"}, ["open cry", "reveal_during"]),
        ({"tie_breaking": "random"}, ["random tie-breaking needs a seed"]),
        ({"retract_before": "with_penalty"}, ["retraction_penalty is required"]),
        ({"retract_before": "with_penalty", "retraction_penalty": "0.00"}, ["positive"]),
        ({"retract_after": "decommit_with_penalty"}, ["decommit_penalty is required"]),
        ({"close_when": "after_idle", "close_idle": 0}, ["close_idle", "positive"]),
        ({"reveal_after": "some"}, ["rules.reveal_after", "'winning'"]),
        ({"speed": "fast"}, ["rules", "speed"]),
    ],
)
def test_invalid_rule_combinations(
    tmp_path: Path, rules: dict[str, Any], fragments: list[str]
) -> None:
    assert_refused(tmp_path, english([ANN], rules=rules), *fragments)


def test_auction_that_never_closes(tmp_path: Path) -> None:
    data = english([ANN])
    del data["end"]
    assert_refused(tmp_path, data, "never close")


def test_end_before_start(tmp_path: Path) -> None:
    assert_refused(tmp_path, english([ANN], end=5), "end (5) must be after start (10)")


def test_sealed_auction_refuses_proxy_bids(tmp_path: Path) -> None:
    data = {
        "mechanism": "vickrey",
        "currency": "EUR",
        "end": 10,
        "participants": ["ann"],
        "rules": {"reveal_during": "none"},
        "events": [bid(1, "ann", "5.00", max_amount="9.00")],
    }
    assert_refused(tmp_path, data, "events[0] ('e1')", "proxy maximums are for English")


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"mechanism": None}, ["missing field(s): mechanism"]),
        ({"currency": None}, ["missing field(s): currency"]),
        ({"config": {"reserve": "20.00"}}, ["config", "missing field 'increment'"]),
        ({"config": {"increment": 1}}, ["config.increment", "decimal strings"]),
        ({"config": {"increment": "0.00"}}, ["increment must be positive"]),
        ({"mechanism": ["english"]}, ["mechanism", "allowed"]),
        ({"start": "10"}, ["start", "integer"]),
        ({"end": 99.5}, ["end", "integer"]),
        ({"participants": "ann,bo"}, ["participants", "list"]),
        ({"events": {"type": "tick"}}, ["events: expected a list"]),
        ({"events": ["tick"]}, ["events[0]", "event object"]),
        ({"events": [{"type": ["bid"], "time": 11}]}, ["events[0].type", "string"]),
        (
            {"events": [{"type": "bid", "time": "11", "bidder": "ann", "amount": "25.00"}]},
            ["events[0].time", "integer"],
        ),
        (
            {"events": [{"type": "bid", "time": 11, "amount": "25.00"}]},
            ["events[0]", "missing field 'bidder'"],
        ),
        ({"events": [{"type": "tick"}]}, ["events[0]", "missing field 'time'"]),
        (
            {"events": [{"type": "bid", "time": 11, "bidder": 7, "amount": "25.00"}]},
            ["events[0].bidder", "string"],
        ),
    ],
)
def test_malformed_scenarios(tmp_path: Path, change: dict[str, Any], fragments: list[str]) -> None:
    data = english([ANN])
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    assert_refused(tmp_path, data, *fragments)


@pytest.mark.parametrize("text", ["", "   \n", '{"mechanism": "english",}', "[1, 2"])
def test_files_that_are_not_json(tmp_path: Path, text: str) -> None:
    assert_refused(tmp_path, text, "not valid JSON", "line ")


def test_top_level_not_an_object(tmp_path: Path) -> None:
    assert_refused(tmp_path, [english([ANN])], "a scenario is a JSON object, got list")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(b'{"mechanism": "\xff"}')
    code, out, err = run("auction", "run", str(path))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot read scenario") and len(err.splitlines()) == 1


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    code, out, err = run("auction", "run", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot read scenario") and len(err.splitlines()) == 1


def test_double_auction_order_errors(tmp_path: Path) -> None:
    def order(time: int, trader: str, side: str, quantity: Any, price: Any) -> dict[str, Any]:
        return {
            "type": "order",
            "time": time,
            "trader": trader,
            "side": side,
            "quantity": quantity,
            "unit_price": price,
        }

    base = {"mechanism": "double", "currency": "EUR", "end": 10, "participants": ["t1", "t2"]}
    cases: list[tuple[list[dict[str, Any]], list[str]]] = [
        ([order(1, "t1", "buy", 2, "3.00")], ["events[0] ('e1')", "one unit per order"]),
        (
            [order(1, "t1", "buy", 1, "3.00"), order(2, "t1", "sell", 1, "2.00")],
            ["events[1] ('e2')", "both buy and sell"],
        ),
        ([order(1, "t1", "bid", 1, "3.00")], ["events[0].side", "'buy', 'sell'"]),
        ([order(1, "t1", "buy", 0, "3.00")], ["events[0]", "quantity", ">= 1"]),
        ([order(1, "t1", "buy", 1.0, "3.00")], ["events[0].quantity", "integer"]),
        ([order(1, "t1", "buy", 1, "0.00")], ["events[0]", "unit price must be positive"]),
        ([order(1, "t1", "buy", 1, 3.0)], ["events[0].unit_price", "decimal strings"]),
    ]
    for events, fragments in cases:
        assert_refused(tmp_path, {**base, "events": events}, *fragments)


def test_multi_unit_bid_larger_than_the_supply(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "multi_unit.json").read_text())
    data["events"][0]["alternatives"] = [{"quantity": 6, "price": "30.00"}]
    assert_refused(tmp_path, data, "events[0] ('e1')", "supply of 5")


# ---------------------------------------------------------------------------------------------
# advise
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            (
                "--sides",
                "single",
                "--goods",
                "units",
                "--bid-type",
                "or",
                "--pricing",
                "pay_as_bid",
            ),
            ["or bids", "not fully expressive"],
        ),
        (
            (
                "--sides",
                "single",
                "--goods",
                "items-units",
                "--bid-type",
                "or",
                "--pricing",
                "clarke_groves",
            ),
            ["not fully expressive"],
        ),
        (
            (
                "--sides",
                "double",
                "--goods",
                "items",
                "--bid-type",
                "xor",
                "--pricing",
                "max_surplus",
            ),
            ["use OR-of-XORs"],
        ),
        (
            (
                "--sides",
                "single",
                "--goods",
                "unit",
                "--bid-type",
                "xor",
                "--pricing",
                "first_price",
            ),
            ["bid type 'xor'", "allowed: price"],
        ),
        (
            ("--sides", "single", "--goods", "unit", "--bid-type", "price", "--pricing", "uniform"),
            ["pricing 'uniform'", "allowed: first_price, second_price"],
        ),
        (
            (
                "--sides",
                "double",
                "--goods",
                "unit",
                "--bid-type",
                "bid_ask",
                "--pricing",
                "second_price",
            ),
            ["pricing 'second_price'", "middle_price"],
        ),
        (
            ("--sides", "single", "--goods", "units", "--bid-type", "xor"),
            ["--bid-type and --pricing together"],
        ),
        (
            ("--sides", "single", "--goods", "units", "--pricing", "uniform"),
            ["--bid-type and --pricing together"],
        ),
        (("--sides", "single", "--goods", "unit", "--divisible"), ["cannot be divisible"]),
        (("--sides", "Single", "--goods", "unit"), ["sides must be one of single, double"]),
        (("--sides", "double", "--goods", ""), ["goods must be one of"]),
    ],
)
def test_advise_bad_input(args: tuple[str, ...], fragments: list[str]) -> None:
    for extra in ((), ("--json",)):
        code, out, err = run("advise", *args, *extra)
        assert code == 2, (out, err)
        assert out == ""
        assert err.startswith("error: ") and len(err.splitlines()) == 1, err
        for fragment in fragments:
            assert fragment in err, err


def test_advise_valid_choice_is_confirmed() -> None:
    code, out, _ = run(
        "advise",
        "--sides",
        "single",
        "--goods",
        "items",
        "--bid-type",
        "xor",
        "--pricing",
        "clarke_groves",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["checked"] == {"bid_type": "xor", "pricing": "clarke_groves", "valid": True}


# ---------------------------------------------------------------------------------------------
# Money is never a float
# ---------------------------------------------------------------------------------------------
def walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in walk(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in walk(v)]
    return [value]


@pytest.mark.parametrize("name", ["english", "vickrey", "multi_unit", "continuous_double"])
def test_json_output_has_decimal_strings_and_no_floats(name: str) -> None:
    code, out, _ = run("auction", "run", str(EXAMPLES / f"{name}.json"), "--json")
    assert code == 0
    summary = json.loads(out)
    assert not any(isinstance(leaf, float) for leaf in walk(summary))
    amounts = [a["payment"] for a in summary["awards"]]
    amounts += [t["unit_price"] for t in summary["trades"]]
    assert amounts
    for amount in amounts:
        assert isinstance(amount, str) and re.fullmatch(r"\d+\.\d\d", amount), amount


def test_partial_fill_payment_in_json_is_an_exact_decimal_string(tmp_path: Path) -> None:
    # 2 of 3 units offered for 10.00 cost 6.666...: paid as "6.66", not 6.666666.
    data = {
        "mechanism": "multi_unit",
        "currency": "EUR",
        "end": 10,
        "participants": ["ann"],
        "config": {"supply": 2, "pricing": "pay_as_bid"},
        "rules": {"exact_match": False},
        "events": [
            {
                "type": "units_bid",
                "time": 1,
                "bidder": "ann",
                "alternatives": [{"quantity": 3, "price": "10.00"}],
            },
            {"type": "tick", "time": 10},
        ],
    }
    code, out, err = run("auction", "run", str(write(tmp_path, data)), "--json")
    assert code == 0, err
    assert json.loads(out)["awards"] == [
        {"bidder": "ann", "quantity": 2, "payment": "6.66", "bid_id": "e1"}
    ]


def test_uniform_price_is_flagged_in_the_cli_output(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "multi_unit.json").read_text())
    data["config"]["pricing"] = "uniform"
    path = write(tmp_path, data)
    code, out, _ = run("auction", "run", str(path), "--json")
    assert code == 0
    summary = json.loads(out)
    # Bo lost at 3.00 per unit: ann pays 3 x 3.00, cy 2 x 3.00.
    assert [(a["bidder"], a["payment"]) for a in summary["awards"]] == [
        ("ann", "9.00"),
        ("cy", "6.00"),
    ]
    assert any("not incentive compatible" in n for n in summary["notes"])
    code, out, _ = run("auction", "run", str(path))
    assert code == 0 and "not incentive compatible" in out.replace("\n", " ")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["advise", "--bogus"], "No such option: --bogus"),
        (["auction", "run"], "Missing argument"),
        (["auction", "nope"], "No such command 'nope'"),
        (["wdp", "generate", "--goods", "many"], "Invalid value for '--goods'"),
        (["demo", "--seed", "-1"], "--seed"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(args: list[str], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
