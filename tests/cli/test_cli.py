"""The trustmarket command: every command's JSON output and its bad-input handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run

from trustmarket.auctions.registry import MECHANISMS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def test_demo_json_covers_every_auction_type_and_is_seeded() -> None:
    code, out, _ = run("demo", "--json", "--seed", "11")
    assert code == 0
    data = json.loads(out)
    mechanisms = {s["summary"]["mechanism"] for s in data["sections"]}
    assert mechanisms == set(MECHANISMS)
    for section in data["sections"]:
        summary = section["summary"]
        assert summary["status"] == "closed"
        assert summary["awards"] or summary["trades"] or summary["notes"]
    again = json.loads(run("demo", "--json", "--seed", "11")[1])
    assert again == data
    other = json.loads(run("demo", "--json", "--seed", "12")[1])
    assert other != data


def test_demo_payments_follow_the_mechanisms() -> None:
    sections = json.loads(run("demo", "--json")[1])["sections"]
    by_title = {s["title"]: s for s in sections}
    vickrey = by_title["Second-price sealed-bid (Vickrey) auction"]
    values = sorted((float(row[1]) for row in vickrey["bids"]), reverse=True)
    assert float(vickrey["summary"]["awards"][0]["payment"]) == values[1]
    first = by_title["First-price sealed-bid auction"]
    winner = first["summary"]["awards"][0]
    bids = {row[0]: row[2] for row in first["bids"]}
    assert winner["payment"] == bids[winner["bidder"]]


def test_demo_prints_tables() -> None:
    code, out, _ = run("demo")
    assert code == 0
    for title in ("English auction", "Dutch auction", "Vickrey", "Multi-unit", "Double auction"):
        assert title in out
    assert "pays (EUR)" in out


def test_advise_lists_choices_with_reasons() -> None:
    code, out, _ = run("advise", "--sides", "single", "--goods", "units", "--json")
    assert code == 0
    data = json.loads(out)
    assert {c["name"] for c in data["pricing"]} == {"pay_as_bid", "clarke_groves", "uniform"}
    uniform = next(c for c in data["pricing"] if c["name"] == "uniform")
    assert uniform["incentive_compatible"] is False and "demand reduction" in uniform["reason"]
    assert data["mechanisms"] == ["multi_unit"]


def test_advise_refuses_clarke_groves_with_or_bids() -> None:
    code, out, err = run(
        "advise",
        "--sides",
        "single",
        "--goods",
        "items",
        "--bid-type",
        "or",
        "--pricing",
        "clarke_groves",
    )
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "fully expressive" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--sides", "triple", "--goods", "unit"), "sides must be one of single, double"),
        (("--sides", "single", "--goods", "apples"), "goods must be one of"),
    ],
)
def test_advise_bad_setting(args: tuple[str, ...], fragment: str) -> None:
    code, _, err = run("advise", *args)
    assert code == 2 and fragment in err


def test_auction_run_examples() -> None:
    code, out, _ = run("auction", "run", str(EXAMPLES / "english.json"), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["awards"] == [
        {"bidder": "cy", "quantity": 1, "payment": "81.00", "bid_id": "e3"}
    ]
    code, out, _ = run("auction", "run", str(EXAMPLES / "multi_unit.json"))
    assert code == 0 and "9.00" in out and "7.00" in out


def test_auction_mechanisms_lists_the_registry() -> None:
    code, out, _ = run("auction", "mechanisms", "--json")
    assert code == 0
    assert [row["name"] for row in json.loads(out)] == list(MECHANISMS)


def _write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


BASE = {
    "mechanism": "vickrey",
    "currency": "EUR",
    "end": 100,
    "participants": ["ann", "bo"],
    "rules": {"reveal_during": "none"},
    "events": [{"type": "bid", "time": 1, "bidder": "ann", "amount": "10.00"}],
}


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ({k: v for k, v in BASE.items() if k != "events"}, "missing field(s): events"),
        ({**BASE, "mechanism": "raffle"}, "unknown 'raffle'"),
        ({**BASE, "currency": "XXX"}, "unknown currency"),
        (
            {**BASE, "events": [{"type": "bid", "time": 1, "bidder": "ann", "amount": 10}]},
            "events[0].amount",
        ),
        (
            {**BASE, "events": [{"type": "bid", "time": 1, "bidder": "ann", "amount": "1.234"}]},
            "at most 2",
        ),
        ({**BASE, "events": [{"type": "bid", "time": 1, "bidder": "ann"}]}, "missing field"),
        ({**BASE, "events": [{"type": "fly", "time": 1}]}, "unknown input event type"),
        ({**BASE, "rules": {"reveal_during": "all"}}, "reveal_during must be 'none'"),
        (
            {**BASE, "events": [{"type": "bid", "time": 1, "bidder": "zed", "amount": "1.00"}]},
            "not registered",
        ),
        (
            {**BASE, "events": [{"type": "bid", "time": 200, "bidder": "ann", "amount": "1.00"}]},
            "bidding closed",
        ),
        ({**BASE, "surprise": 1}, "unknown field(s) surprise"),
    ],
)
def test_auction_run_bad_input(tmp_path: Path, change: object, fragment: str) -> None:
    code, out, err = run("auction", "run", _write(tmp_path, change), "--json")
    assert code == 2, out
    assert out == ""
    assert err.startswith("error: ") and fragment in err, err
    assert len(err.strip().splitlines()) == 1


def test_auction_run_missing_file(tmp_path: Path) -> None:
    code, _, err = run("auction", "run", str(tmp_path / "nope.json"))
    assert code == 2 and "cannot read scenario" in err


def test_keep_going_records_rejections(tmp_path: Path) -> None:
    data = {
        **BASE,
        "events": [
            {"type": "bid", "time": 1, "bidder": "ann", "amount": "10.00"},
            {"type": "bid", "time": 2, "bidder": "ann", "amount": "12.00"},
            {"type": "bid", "time": 3, "bidder": "bo", "amount": "8.00"},
            {"type": "tick", "time": 100},
        ],
    }
    code, out, _ = run("auction", "run", _write(tmp_path, data), "--keep-going", "--json")
    assert code == 0
    summary = json.loads(out)
    assert [r["error"] for r in summary["rejected"]] == ["duplicate_bid"]
    assert summary["events_applied"] == 3
    assert summary["awards"] == [
        {"bidder": "ann", "quantity": 1, "payment": "8.00", "bid_id": "e1"}
    ]
