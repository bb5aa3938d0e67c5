"""`trustmarket exchange plan|check` on the example files of docs/safe-exchange.md: the paper's
step counts under both readings of safety, JSON output that feeds back into `check`, exit codes
(0 found/safe, 1 no plan/unsafe, 2 bad input) and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trustmarket.cli.app import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "exchange"
SOFTWARE = str(EXAMPLES / "software.json")
PUBLISHED = str(EXAMPLES / "software-published-plan.json")
STOCKS = str(EXAMPLES / "stocks.json")
DATASET = str(EXAMPLES / "dataset.json")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["exchange", *args])
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str, code: int = 0) -> dict[str, Any]:
    got, out, err = run(*args, "--json")
    assert got == code, (out, err)
    assert err == ""
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def refused(args: list[str], *fragments: str) -> str:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.mark.parametrize(
    ("path", "safety", "steps"),
    [
        (SOFTWARE, "sequential", 3),
        (SOFTWARE, "either-order", 5),
        (STOCKS, "sequential", 9),
        (STOCKS, "either-order", 16),
    ],
)
def test_plan_counts(path: str, safety: str, steps: int) -> None:
    data = as_json("plan", path, "--safety", safety)
    assert data["found"] is True and data["safety"] == safety
    assert data["optimum"] == steps == data["counts"]["steps"] == len(data["plan"]["steps"])
    assert data["objective"] == "steps" and data["order"] == "deliver-first"


def test_plan_output_checks_safe(tmp_path: Path) -> None:
    for safety in ("sequential", "either-order"):
        planned = as_json("plan", STOCKS, "--safety", safety, "--objective", "payments")
        doc = json.loads(Path(STOCKS).read_text(encoding="utf-8"))
        doc["plan"] = planned["plan"]
        path = tmp_path / f"stocks-{safety}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        verdict = as_json("check", str(path), "--safety", safety)
        assert verdict["safe"] is True
        assert verdict["counts"]["payments"] == planned["optimum"]


def test_check_published_plan() -> None:
    for safety in ("sequential", "either-order"):
        verdict = as_json("check", PUBLISHED, "--safety", safety)
        assert verdict["safe"] is True and "first_unsafe" not in verdict
        assert verdict["counts"] == {
            "steps": 5, "deliveries": 4, "payments": 4, "deliveries+payments": 8,
        }  # fmt: skip
    code, out, err = run("check", PUBLISHED)
    assert code == 0 and err == "" and "safe" in out and "5 steps" in out


def test_check_reports_first_unsafe_state(tmp_path: Path) -> None:
    doc = json.loads(Path(PUBLISHED).read_text(encoding="utf-8"))
    doc["plan"]["steps"][0]["pay"] = "6"
    doc["plan"]["steps"][1]["pay"] = "8"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert as_json("check", str(path))["safe"] is True  # sequential, deliver first
    verdict = as_json("check", str(path), "--safety", "either-order", code=1)
    unsafe = verdict["first_unsafe"]
    assert verdict["safe"] is False
    assert unsafe["step"] == 1 and unsafe["defector"] == "seller" and unsafe["paid"] == "6.00"
    assert unsafe["band"] == {"low": "-6.00", "high": "5.00"}
    code, out, _ = run("check", str(path), "--safety", "either-order")
    assert code == 1 and "unsafe" in out and "seller gains by vanishing" in out


def test_plan_tables_and_objectives() -> None:
    code, out, err = run("plan", SOFTWARE, "--objective", "deliveries+payments")
    assert code == 0 and err == ""
    assert "Optimal for fewest deliveries+payments" in out and "Safe exchange plan" in out
    data = as_json("plan", DATASET, "--order", "pay-first")
    assert data["found"] and data["order"] == "pay-first" and data["currency"] == "EUR"
    assert data["states"][-1] == {"delivered": {"dataset": 100}, "paid": "550.00"}


def test_no_plan_exits_1(tmp_path: Path) -> None:
    doc = json.loads(Path(DATASET).read_text(encoding="utf-8"))
    doc["buyer_value"][1][1] = ["580.00", "620.00"]
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    data = as_json("plan", str(path), code=1)
    assert data["found"] is False and data["reason"].startswith("no safe plan exists")
    code, out, err = run("plan", str(path))
    assert code == 1 and err == "" and "no safe plan exists" in out


def test_bad_input(tmp_path: Path) -> None:
    refused(["plan", str(tmp_path / "missing.json")], "no such file")
    broken = tmp_path / "broken.json"
    broken.write_text('{"form": "dependent",', encoding="utf-8")
    refused(
        ["plan", str(broken)],
        "is not valid JSON: Expecting property name enclosed in double quotes at line 1",
    )
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    refused(["check", str(listed)], "must hold a JSON object")
    refused(["check", SOFTWARE], "has no 'plan' field")
    refused(["plan", SOFTWARE, "--objective", "speed"], "unknown objective 'speed'")
    refused(["plan", SOFTWARE, "--safety", "paper"], "unknown safety 'paper'")
    refused(["check", PUBLISHED, "--safety", "paper"], "unknown safety 'paper'")
    refused(["plan", SOFTWARE, "--order", "both"], "unknown order 'both'")
    doc = json.loads(Path(SOFTWARE).read_text(encoding="utf-8"))
    del doc["table"][4]
    missing = tmp_path / "missing-state.json"
    missing.write_text(json.dumps(doc), encoding="utf-8")
    refused(["plan", str(missing)], "misses 1 of the 10 states", "(0, 4)")
    doc = json.loads(Path(PUBLISHED).read_text(encoding="utf-8"))
    doc["plan"]["steps"][4] = {"deliver": {"plug-in": 2}}
    too_much = tmp_path / "too-much.json"
    too_much.write_text(json.dumps(doc), encoding="utf-8")
    refused(["check", str(too_much)], "the exchange has only 1")
    doc = json.loads(Path(STOCKS).read_text(encoding="utf-8"))
    doc["price"] = "-1"
    negative = tmp_path / "negative.json"
    negative.write_text(json.dumps(doc), encoding="utf-8")
    refused(["plan", str(negative)], "price must not be negative")


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["exchange", "--help"])
    assert result.exit_code == 0
    assert "plan" in result.stdout and "check" in result.stdout


# A tight exchange of 5 x 50 units: proving its optimum takes the integer programs 20-40 s.
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


def test_time_limit_gives_the_best_plan_found_not_proven(tmp_path: Path) -> None:
    path = tmp_path / "tight.json"
    path.write_text(json.dumps(TIGHT), encoding="utf-8")
    data = as_json("plan", str(path), "--time-limit", "0.5")
    assert data["found"] is True and data["proven"] is False
    assert 0 < data["lower_bound"] < data["optimum"] == len(data["plan"]["steps"])
    path.write_text(json.dumps({**TIGHT, "plan": data["plan"]}), encoding="utf-8")
    assert as_json("check", str(path))["safe"] is True  # the plan is a checked, safe plan
    code, out, err = run("plan", str(path), "--time-limit", "0.3")
    assert code == 0 and err == ""
    assert "Best found in 0.3 s (not proven optimal; no plan has fewer than" in out
    # Proven answers say so, with or without a limit.
    for extra in ([], ["--time-limit", "30"]):
        stocks = as_json("plan", STOCKS, *extra)
        assert stocks["proven"] is True and stocks["lower_bound"] == stocks["optimum"] == 9
    code, out, _ = run("plan", STOCKS, "--time-limit", "30")
    assert code == 0 and "Optimal for fewest steps" in out


def test_bad_time_limits_are_refused() -> None:
    for bad in ("0", "-1", "nan", "inf"):
        refused(
            ["plan", STOCKS, "--time-limit", bad],
            "the time limit must be a positive, finite number of seconds",
        )
    code, _, err = run("plan", STOCKS, "--time-limit", "soon")
    assert code == 2 and "Invalid value for '--time-limit'" in err
