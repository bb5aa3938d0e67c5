"""The sharing game in a population (Simmons, section B): determinism, the game each setting
gives, the replicator dynamics the imitation follows, the incentive threshold, bad input and
the report end to end."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.params import build
from trustmarket.sim.report import write_scenario_report
from trustmarket.sim.runner import plan
from trustmarket.sim.scenario import RunResult
from trustmarket.sim.sharing_population import scenario as module
from trustmarket.sim.sharing_population.model import SharingPopulation
from trustmarket.sim.sharing_population.scenario import SCENARIO, mean_gap, run
from trustmarket.sim.sharing_population.setting import (
    SharingParams,
    describe_equilibria,
    population_game,
)


def _params(**values: object) -> SharingParams:
    return build(SharingParams, values)


def _runs(label: str, seeds: range, steps: int, **values: object) -> list[RunResult]:
    params = _params(**values)
    return [dataclasses.replace(run(params, s, steps), label=label) for s in seeds]


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    params = _params(record_agents=True, companies=30)
    first, again, other = run(params, 7, 25), run(params, 7, 25), run(params, 8, 25)
    assert set(first.tables) == {"population", "companies"}
    for name, table in first.tables.items():
        pd.testing.assert_frame_equal(table, again.tables[name])
    assert first.metrics == again.metrics
    assert not first.tables["companies"].equals(other.tables["companies"])
    assert len(first.tables["companies"]) == 25 * 60  # one row per step and company


def test_both_printed_matrices_have_only_mutual_withholding() -> None:
    for payoffs in ("matrix-1", "matrix-2"):
        game = population_game(_params(payoffs=payoffs))
        assert describe_equilibria(game.equilibria) == "(D, D)"
        assert not game.sharing_is_equilibrium


def test_the_papers_text_is_a_stag_hunt_with_three_equilibria() -> None:
    game = population_game(_params(synergy=0.6))
    assert describe_equilibria(game.equilibria) == "(C, C), (D, D), mixed (83% C, 83% C)"


def test_parametric_default_is_matrix_1_and_least_rates_come_from_the_tool() -> None:
    game = population_game(_params())
    assert game.a == ((3.5, 0.5), (4.0, 1.0)) and game.b == ((3.5, 4.0), (0.5, 1.0))
    priced = population_game(_params(incentive="unique"))
    assert priced.least_rates[1] == pytest.approx(0.5 / 3)
    assert priced.rate == pytest.approx(0.5 / 3 + 0.05)
    assert priced.sharing_is_unique
    below = population_game(_params(incentive="unique", incentive_margin=-0.05))
    assert describe_equilibria(below.equilibria) == "(D, D)"


def test_exchange_rewards_are_the_incentive() -> None:
    game = population_game(_params(payoffs="exchange"))
    # base 1000.00 x medium 2 x specific 1 x tier (core 2, small 1), one unit = 1000.00
    assert game.incentive == (4.0, 2.0)
    assert game.a[0][1] == pytest.approx(1 + 4 - 0.5)
    assert game.sharing_is_unique
    unpaid = population_game(_params(payoffs="exchange", reward_base=0))
    assert describe_equilibria(unpaid.equilibria) == "(D, D)"


def test_replicator_map_is_the_formula_and_the_ode_follows_it() -> None:
    game = population_game(_params(payoffs="matrix-1"))
    mutation = 0.01
    x = 0.3
    expected = x - (1 - mutation) * x * (1 - x) * 0.5 / 3.5 + mutation * (0.5 - x)
    assert game.replicator_map(x, x, 1, mutation)[1, 0] == pytest.approx(expected)
    slow = population_game(_params(incentive="unique"))
    discrete = slow.replicator_map(0.5, 0.5, 100)
    continuous = slow.replicator_ode(0.5, 0.5, 100)
    assert np.max(np.abs(discrete - continuous)) < 0.01
    assert np.all(game.replicator_ode(1.0, 1.0, 10) == 1.0)  # no experimentation: a rest point


def test_one_step_of_imitation_has_the_replicator_mean() -> None:
    # The mean dynamics: E[x_1] equals the replicator map's step, within 4 standard errors.
    for payoffs in ("matrix-1", "exchange"):  # exchange: asymmetric rewards (4 and 2)
        params = _params(payoffs=payoffs, companies=400)
        game = population_game(params)
        shares = []
        for seed in range(60):
            model = SharingPopulation(game, 400, 0.5, mutation=params.mutation, seed=seed)
            model.step()
            shares.append(model.shares())
        data = np.array(shares)
        error = data.std(axis=0, ddof=1) / math.sqrt(len(data))
        expected = game.replicator_map(0.5, 0.5, 1, params.mutation)[1]
        assert np.all(np.abs(data.mean(axis=0) - expected) < 4 * error)
        assert np.all(np.abs(expected - 0.5) > 4 * error)  # and the step is not zero


def test_large_population_follows_the_replicator_map() -> None:
    runs = _runs("x", range(3), 40, payoffs="matrix-1", companies=2000)
    assert mean_gap(runs, "x") < 0.03
    small = _runs("x", range(3), 40, payoffs="matrix-1", companies=20)
    assert mean_gap(small, "x") > mean_gap(runs, "x")


def test_without_incentives_sharing_dies_out() -> None:
    for result in _runs("m1", range(3), 80, payoffs="matrix-1"):
        assert result.metrics["final_share"] < 0.05
        assert 10 <= result.metrics["steps_below_5pct"] <= 40
        assert math.isnan(result.metrics["steps_above_95pct"])


def test_matrix_2_company_2_shares_first_then_withholds() -> None:
    for result in _runs("m2", range(2), 600, payoffs="matrix-2"):
        assert result.metrics["peak_share_2"] > 0.9
        assert result.metrics["final_share_1"] < 0.05
        assert result.metrics["final_share_2"] < 0.1


def test_the_least_incentive_is_a_sharp_threshold() -> None:
    for result in _runs("above", range(2), 150, incentive="unique"):
        assert result.metrics["final_share"] > 0.95
        assert result.metrics["final_payoff_net"] == pytest.approx(3.5, abs=0.1)
    for result in _runs("below", range(2), 150, incentive="unique", incentive_margin=-0.05):
        assert result.metrics["final_share"] < 0.05


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"payoffs": "matrix-1", "incentive": "unique"}, "apply only to payoffs=parametric"),
        ({"payoffs": "matrix-2", "synergy": 1.0}, "is the paper's printed matrix; synergy"),
        ({"payoffs": "exchange", "incentive_rate": 0.2}, "the exchange's reward is the incentive"),
        ({"severity": "high"}, "severity apply only to payoffs=exchange"),
        ({"ledger_risk": 0.1}, "ledger_risk applies only with ledger=true"),
        ({"incentive_margin": 0.1}, "incentive_margin applies only with incentive="),
        ({"incentive": "unique", "incentive_rate": 0.3}, "incentive_rate applies only with"),
        ({"initial_share": 1.5}, "initial_share must be a number in [0, 1], got 1.5"),
        ({"companies": 1}, "companies must be an integer in [2, 100000]"),
        ({"tier_1": "bank"}, "tier_1 must be one of critical-infrastructure"),
        ({"payoffs": "matrix-3"}, "payoffs must be one of matrix-1, matrix-2"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(
    values: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    monkeypatch.setattr(module, "SharingPopulation", lambda *a, **k: built.append(a))
    with pytest.raises(InvalidSimulation) as error:
        build(SharingParams, values)
    assert message in str(error.value)
    with pytest.raises(InvalidSimulation):
        plan(SCENARIO, grid={k: [v] for k, v in values.items()}, seeds=1)
    assert built == []


@pytest.mark.slow
def test_report_end_to_end(tmp_path: Path) -> None:
    results = []
    for experiment in SCENARIO.experiments:
        params = build(SharingParams, experiment.values)
        for seed in range(3):
            results.append(dataclasses.replace(run(params, seed, 80), label=experiment.label))
    report = write_scenario_report(SCENARIO, results, tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    verdicts = {c.figure.split(" (")[0]: c.agrees for c in report.comparisons}
    assert len(report.comparisons) == 12
    assert verdicts["B.5, matrix 1"] is False  # three equilibria? no: (D, D) only
    assert verdicts["B.5, matrix 1: sharing in a population without incentives"] is True
    assert verdicts["B.5, matrix 2"] is False  # (C, C) only? no: (D, D) only
    assert verdicts["B.6, matrix 2: cooperation emerges in a population"] is False
    assert verdicts["B.1-B.3, the exchange's rewards"] is True
    assert verdicts["B.5-B.6, the stag hunt the text describes"] is True
    for comparison in report.comparisons:
        assert comparison.figure in text
    for name in ("share_of_sharers", "payoff_per_step"):
        assert (tmp_path / "plots" / f"{name}.png").stat().st_size > 0
        assert (tmp_path / "plots" / f"{name}.svg").stat().st_size > 0
    assert (tmp_path / "data" / "population.csv").exists()
