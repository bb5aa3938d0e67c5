"""`trustmarket sharing`: a local exchange in a data directory, rebuilt from its requests; a
refused request leaves the directory unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import ok_json, run

INDICATOR = {
    "pattern": "[ipv4-addr:value = '198.51.100.7']",
    "pattern_type": "stix",
    "valid_from": "2026-11-01T00:00:00Z",
}


def setup(tmp_path: Path) -> tuple[str, str]:
    data = str(tmp_path / "exchange")
    assert run("sharing", "init", "--dir", data, "--seed", "5")[0] == 0
    for member, tier in [("grid", "critical-infrastructure"), ("bank", "core-business"),
                         ("shop", "small-business"), ("mill", "small-business")]:  # fmt: skip
        assert run("sharing", "join", member, "--tier", tier, "--dir", data)[0] == 0
    indicator = tmp_path / "indicator.json"
    indicator.write_text(json.dumps(INDICATOR))
    return data, str(indicator)


def test_a_report_is_verified_and_paid_across_commands(tmp_path: Path) -> None:
    data, indicator = setup(tmp_path)
    submitted = ok_json("sharing", "submit", "grid", indicator, "--dir", data, "--time", "100")
    assert len(submitted["panel"]) == 3 and "grid" not in submitted["panel"]
    for reviewer in submitted["panel"]:
        last = ok_json("sharing", "review", submitted["id"], reviewer, "--dir", data,
                       "--severity", "high", "--scope", "root", "--time", "200")  # fmt: skip
    assert last["verdict"] == "verified" and last["payout"] == 100_000 * 4 * 3 * 3
    status = ok_json("sharing", "status", "--dir", data)
    balances = {m["member"]: m["balance"] for m in status["members"]}
    assert balances["grid"] == 3_600_000
    assert status["log_size"] == 4 + 1 + 3 + 2


def test_refused_requests_leave_the_directory_unchanged(tmp_path: Path) -> None:
    data, indicator = setup(tmp_path)
    requests = Path(data) / "requests.jsonl"
    before = requests.read_text()
    for args, message in [
        (["join", "grid", "--tier", "small-business"], "already a member"),
        (["join", "new", "--tier", "giant"], "unknown tier"),
        (["submit", "nobody", indicator], "not a member"),
        (["review", "indicator--x", "bank"], "unknown submission"),
    ]:
        code, out, err = run("sharing", *args, "--dir", data)
        assert code == 2 and out == "" and message in err, err
    assert requests.read_text() == before


def test_a_directory_without_an_exchange_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("sharing", "status", "--dir", str(tmp_path))
    assert code == 2 and "holds no exchange" in err
    assert run("sharing", "init", "--dir", str(tmp_path / "x"))[0] == 0
    code, _, err = run("sharing", "init", "--dir", str(tmp_path / "x"))
    assert code == 2 and "already holds an exchange" in err
