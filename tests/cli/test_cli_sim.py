"""``trustmarket sim``: list, run, reproduce, and bad input that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import ok_json, run


def test_sim_list_shows_every_scenario_with_its_parameters() -> None:
    code, out, err = run("sim", "list", "--json")
    assert code == 0, err
    scenarios = {s["name"]: s for s in json.loads(out)}
    avalanche = scenarios["avalanche"]
    assert "cheater-none" in avalanche["experiments"]
    params = {p["name"]: p for p in avalanche["parameters"]}
    assert params["regime"]["allowed"] == "one of none, decentralized, central"
    code, out, _ = run("sim", "list")
    assert code == 0 and "agents_per_type" in out


def test_sim_run_writes_the_report_data_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = ok_json(
        "sim",
        "run",
        "avalanche",
        "-e",
        "cheater-none",
        "-e",
        "cheater-central",
        "--seeds",
        "2",
        "--steps",
        "60",
        "--workers",
        "0",
        "--out",
        str(out),
    )
    assert data["scenario"] == "avalanche"
    figures = {c["figure"]: c for c in data["comparisons"]}
    share = figures["third series: the cheater's share of trades, no reputation"]
    assert share["paper"] == "57%" and share["agrees"] in (True, False)
    assert (out / "report.md").read_text().startswith("# AVALANCHE")
    assert (out / "data" / "trades.csv").exists() and (out / "plots" / "cheater-share.svg").exists()
    labels = {row["label"] for row in data["summary"]}
    assert labels == {"cheater-none", "cheater-central"}


def test_sim_run_sweeps_a_parameter_grid(tmp_path: Path) -> None:
    data = ok_json(
        "sim",
        "run",
        "avalanche",
        "-e",
        "cheater-none",
        "--param",
        "alpha=0.2,0.4",
        "--param",
        "regime=central",
        "--seeds",
        "1",
        "--steps",
        "30",
        "--workers",
        "0",
        "--out",
        str(tmp_path),
    )
    labels = {row["label"] for row in data["summary"]}
    assert labels == {
        "cheater-none | alpha=0.2, regime=central",
        "cheater-none | alpha=0.4, regime=central",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sim", "run", "avalanch"], "unknown scenario 'avalanch'"),
        (["sim", "run", "avalanche", "--param", "agents=3"], "unknown parameter agents"),
        (["sim", "run", "avalanche", "--param", "alpha=high"], "alpha must be a number in"),
        (["sim", "run", "avalanche", "--param", "alpha=2"], "alpha must be a number in (0, 1]"),
        (["sim", "run", "avalanche", "--param", "alpha"], "name=value"),
        (
            ["sim", "run", "avalanche", "--seeds", "0"],
            "number of seeds must be an integer from 1 to 10,000",
        ),
        (["sim", "run", "avalanche", "--steps", "0"], "steps must be an integer from 1 to"),
        (["sim", "run", "avalanche", "--steps", "1000000000"], "steps must be an integer from 1"),
        (["sim", "reproduce", "--seeds", "1000000000"], "number of seeds must be an integer"),
        (["sim", "run", "avalanche", "-e", "nope"], "avalanche has no experiment nope"),
        (["sim", "run", "avalanche", "--format", "xlsx"], "csv or parquet, got 'xlsx'"),
        (["sim", "run", "avalanche", "--workers", "-1"], "workers must be an integer >= 0"),
        (
            ["sim", "reproduce", "--seeds", "0"],
            "number of seeds must be an integer from 1 to 10,000",
        ),
    ],
)
def test_bad_input_is_one_error_line_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(*args, "--out", str(out))
    assert code == 2, (stdout, err)
    assert err.startswith("error: ") and message in err
    assert not out.exists()


def test_an_unreachable_ray_cluster_is_refused_before_any_run(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="Ray is an optional extra")
    out = tmp_path / "out"
    code, _, err = run("sim", "run", "avalanche", "--ray", "127.0.0.1:1", "--out", str(out))
    assert code == 2 and "cannot reach the Ray cluster at 127.0.0.1:1" in err
    assert not out.exists()
