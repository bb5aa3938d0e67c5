"""The attack bench runner: deterministic tables, CSV round trip, heatmap PNG, bad input.

Only the accumulative, ratio, weighted and coefficient models are used here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from trustmarket.core.errors import InvalidInput, InvalidReputation
from trustmarket.reputation.attacks import (
    ATTACKS,
    METRICS,
    BallotStuffing,
    BenchTable,
    attack_names,
    run_bench,
)
from trustmarket.reputation.models import make_model
from trustmarket.reputation.models.ratio import RatioModel

FOUR = ["accumulative", "ratio", "weighted", "coefficient"]
QUICK = {"rounds": 300, "agents": 40, "day": 20}


@pytest.fixture(scope="module")
def table() -> BenchTable:
    return run_bench(FOUR, ["none", "ballot-stuffing", "whitewashing"], seed=3, **QUICK)


def test_attack_names_start_with_the_baseline() -> None:
    assert attack_names() == (
        "none",
        "ballot-stuffing",
        "bad-mouthing",
        "sybil",
        "whitewashing",
        "oscillation",
        "collusion",
        "shill",
    )
    assert set(ATTACKS) == set(attack_names())


def test_the_table_has_every_model_under_every_attack(table: BenchTable) -> None:
    assert table.models == tuple(FOUR)
    assert table.attacks == ("none", "ballot-stuffing", "whitewashing")
    assert (table.seed, table.rounds, table.agents, table.day) == (3, 300, 40, 20)
    assert len(table.results) == 12
    for result in table.results:
        assert result.trades == 300
        assert 0.0 <= result.cheater_share <= 1.0
        assert result.tau is None or -1.0 <= result.tau <= 1.0
    # MAE only where the score is a probability
    for model in FOUR:
        probabilistic = make_model(model).properties.probabilistic
        for attack in table.attacks:
            mae = table.result(model, attack).mae
            assert (mae is not None) == probabilistic
    matrix = table.matrix("cheater_share")
    assert len(matrix) == 4
    assert all(len(row) == 3 for row in matrix)
    assert matrix[1][1] == table.result("ratio", "ballot-stuffing").cheater_share


def test_same_seed_same_table_other_seed_differs(table: BenchTable) -> None:
    again = run_bench(FOUR, ["none", "ballot-stuffing", "whitewashing"], seed=3, **QUICK)
    assert again == table
    other = run_bench(FOUR, ["none", "ballot-stuffing", "whitewashing"], seed=4, **QUICK)
    assert other.seed == 4
    assert other.results != table.results


def test_rows_have_every_metric_and_the_run(table: BenchTable) -> None:
    rows = table.to_rows()
    assert len(rows) == 12
    assert list(rows[0]) == [
        "model",
        "attack",
        *METRICS,
        "trades",
        "seed",
        "rounds",
        "agents",
        "day",
    ]
    assert rows[0]["model"] == "accumulative"
    assert rows[0]["mae"] is None
    assert rows[0]["seed"] == 3


def test_csv_round_trip(table: BenchTable, tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    table.to_csv(path)
    assert BenchTable.from_csv(path) == table
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (
        lines[0]
        == "model,attack,mae,tau,cheater_share,welfare,detection,trades,seed,rounds,agents,day"
    )
    assert lines[1].startswith("accumulative,none,,")  # undefined MAE is an empty cell
    assert len(lines) == 13


def test_from_csv_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidReputation, match="expected a bench CSV with columns model, attack"):
        BenchTable.from_csv(path)


@pytest.mark.parametrize("metric", ["cheater_share", "mae"])
def test_heatmap_is_a_png(table: BenchTable, tmp_path: Path, metric: str) -> None:
    path = tmp_path / f"{metric}.png"
    table.heatmap(path, metric=metric)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_refuses_an_unknown_metric(table: BenchTable, tmp_path: Path) -> None:
    with pytest.raises(InvalidReputation, match="unknown metric 'speed'; choose one of mae, tau"):
        table.heatmap(tmp_path / "x.png", metric="speed")
    with pytest.raises(InvalidReputation, match="unknown metric"):
        table.matrix("speed")
    with pytest.raises(InvalidReputation, match="no result for model 'beta'"):
        table.result("beta", "none")


def test_models_can_be_factories_and_attacks_instances() -> None:
    table = run_bench(
        [lambda: RatioModel(neutral=None, prior=0.2), "accumulative"],
        [BallotStuffing(per_round=0.5)],
        seed=0,
        **QUICK,
    )
    assert table.models == ("ratio", "accumulative")
    assert table.attacks == ("ballot-stuffing",)
    assert not math.isnan(table.result("ratio", "ballot-stuffing").welfare)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"models": ["nope"]}, InvalidReputation, "unknown reputation model 'nope'; choose one of"),
        ({"models": []}, InvalidReputation, "non-empty list of model names or factories"),
        ({"models": "ratio"}, InvalidReputation, "non-empty list"),
        ({"models": [42]}, InvalidReputation, "a registered name or a factory"),
        ({"models": [lambda: 3]}, InvalidReputation, "must return a ReputationModel"),
        ({"models": ["ratio", "ratio"]}, InvalidReputation, "model ratio given more than once"),
        ({"attacks": ["spam"]}, InvalidReputation, "unknown attack 'spam'; choose one of none"),
        ({"attacks": []}, InvalidReputation, "non-empty list of attack names"),
        ({"attacks": ["sybil", "sybil"]}, InvalidReputation, "attack sybil given more than once"),
        ({"rounds": 0}, InvalidReputation, "rounds must be a whole number from 1 to 1,000,000"),
        ({"rounds": 2.5}, InvalidReputation, "rounds must be a whole number from 1 to 1,000,000"),
        ({"agents": 4}, InvalidReputation, "agents must be a whole number from 10 to 100,000"),
        ({"day": 0}, InvalidReputation, "day"),
        ({"seed": -1}, InvalidInput, "a seed must be a non-negative int"),
        ({"seed": 1.5}, InvalidInput, "a seed must be a non-negative int"),
    ],
)
def test_bad_input_raises_and_says_what_is_allowed(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"models": ["ratio"], "attacks": ["none"], **QUICK}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        run_bench(**arguments)  # type: ignore[arg-type]


def test_run_bench_refuses_sizes_past_its_memory_limits_before_any_work() -> None:
    for kwargs, says in [
        ({"rounds": 1_000_001}, "rounds must be a whole number from 1 to 1,000,000"),
        ({"agents": 100_001}, "agents must be a whole number from 10 to 100,000"),
        ({"rounds": 10_000, "agents": 100_000}, "rounds x agents must be at most 100,000,000"),
    ]:
        with pytest.raises(InvalidReputation, match=says):
            run_bench(["ratio"], ["none"], **kwargs)  # type: ignore[arg-type]
