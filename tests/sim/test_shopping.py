"""The mobile-agent shopping scenario (Wang, Khosla and Krishnan; SPEC sections 4.1 and 8)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trustmarket.core.errors import InvalidSimulation
from trustmarket.reputation.bureau import (
    ReputationFunction,
    run_m1,
    simulate_m2,
    uniform_reputation,
)
from trustmarket.sim.params import build
from trustmarket.sim.report import write_scenario_report
from trustmarket.sim.scenario import RunResult
from trustmarket.sim.shopping.bureau import PROFILES, reputation_function
from trustmarket.sim.shopping.model import ShoppingModel, ShoppingParams
from trustmarket.sim.shopping.scenario import SCENARIO, compare, run
from trustmarket.sim.stats import summarise
from trustmarket.sim.sweep import grid_jobs


def _run(seed: int = 0, steps: int = 3, **values: object) -> RunResult:
    return run(build(ShoppingParams, values), seed, steps)


def _assert_same_tables(a: RunResult, b: RunResult) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    first = _run(seed=3, customers=3)
    _assert_same_tables(first, _run(seed=3, customers=3))
    again = _run(seed=3, customers=3).metrics
    assert pd.Series(first.metrics).equals(pd.Series(again))  # NaN-aware
    other = _run(seed=4, customers=3)
    assert not first.tables["purchases"].equals(other.tables["purchases"])
    m1 = _run(seed=3, steps=4, customers=1, mechanism="m1")
    _assert_same_tables(m1, _run(seed=3, steps=4, customers=1, mechanism="m1"))


def test_tabulated_reputation_matches_the_closed_form() -> None:
    table = reputation_function(0.02, "uniform:0,1", "uniform:0,1")
    losses = np.random.default_rng(0).uniform(0.0, 1.0, 500)
    exact = np.array([uniform_reputation(0.02, x) for x in losses])
    assert np.max(np.abs(table.curve(losses) - exact)) < 1e-7
    assert table.curve([0.1, 1.0]) == pytest.approx([0.8167, 0.9608], abs=5e-5)
    assert table.inverse(0.9) == pytest.approx(0.9 * 0.02 / 0.08, rel=1e-6)
    assert math.isnan(float(table.curve([1e7])[0]))  # beyond the table: no value, not a guess


def test_merchants_and_customers_play_definitions_1_and_2() -> None:
    result = _run(seed=1, steps=4, customers=10, loss_low=0.1, loss_high=0.1)
    purchases = result.tables["purchases"]
    chances = purchases[purchases["opportunity"]]
    r = uniform_reputation(0.02, 0.1)
    q = 0.02 / (1 - r)
    assert chances["rival_reputation"].to_numpy() == pytest.approx(r, abs=1e-7)
    assert chances["threshold"].to_numpy() == pytest.approx(0.1 * (1 - q) / q, rel=1e-6)
    assert (chances["tampered"] == (chances["gain"] > chances["threshold"])).all()
    # Theorem 1's consistency, exactly: Definition 2's defection chance is 1 - R.
    assert chances["defection_predicted"].to_numpy() == pytest.approx(1 - r, abs=1e-6)
    trusted = ~purchases["traced"]
    rule = (1 - purchases["reputation"]) * purchases["customer_loss"] <= 0.02
    assert (trusted == rule).all()
    assert not purchases[~purchases["opportunity"]]["tampered"].any()


def test_only_the_runner_up_with_a_ledger_act_has_the_chance() -> None:
    purchases = _run(seed=2, steps=2, customers=20, strategy="never-trace").tables["purchases"]
    for row in purchases.itertuples():
        route = row.route.split(">")
        ideal, rival = route.index(row.ideal), route.index(row.rival)
        can = ideal < rival or (ideal == rival + 1 and ideal < len(route) - 1)
        assert row.opportunity == can
        assert row.tampered == can  # q = 1: every chance is taken
        assert row.recommended == (row.rival if can else row.ideal)
    assert purchases["utility"].to_numpy() == pytest.approx(
        np.where(purchases["tampered"], 1.0 - purchases["customer_loss"], 1.0)
    )


def test_always_trace_deters_every_cheat_at_cost_c() -> None:
    result = _run(seed=0, steps=2, customers=3, strategy="always-trace")
    purchases = result.tables["purchases"]
    assert purchases["traced"].all() and not purchases["tampered"].any()
    assert purchases["utility"].to_numpy() == pytest.approx(0.98)
    assert (purchases["culprit"] == "").all() and purchases["evidence_ok"].all()
    assert result.metrics["cheating_rate"] == 0.0


def test_tracing_names_the_tamperer_from_the_ledger_evidence() -> None:
    # L_m = 0.01: R = T(0.01) = 0.33, so merchants tamper often and customers trace nearly always.
    result = _run(seed=0, steps=5, customers=10, loss_low=0.01, loss_high=0.01)
    purchases = result.tables["purchases"]
    caught = purchases[purchases["traced"] & purchases["tampered"]]
    assert len(caught) >= 5
    assert (caught["culprit"] == caught["rival"]).all()
    assert set(caught["act"]) == {"delete_quote", "skip_next"}
    faults = dict(zip(caught["act"], caught["fault"], strict=True))
    assert faults == {
        "delete_quote": "altered the data it passed on",
        "skip_next": "changed the itinerary",
    }
    clean = purchases[purchases["traced"] & ~purchases["tampered"]]
    assert (clean["culprit"] == "").all()
    assert purchases["evidence_ok"].all()
    assert caught["utility"].to_numpy() == pytest.approx(1 - 0.02)
    merchants = result.tables["merchants"]
    assert merchants["caught"].sum() == len(caught)
    assert merchants["penalties"].sum() == pytest.approx(0.01 * len(caught))


def test_equilibrium_defection_rate_is_one_minus_r() -> None:
    runs = [_run(seed=s, steps=5, customers=10, loss_low=0.05, loss_high=0.05) for s in (0, 1)]
    chances = pd.concat([r.tables["purchases"] for r in runs])
    chances = chances[chances["opportunity"]]
    expected = 1 - uniform_reputation(0.02, 0.05)  # 0.278
    sigma = math.sqrt(expected * (1 - expected) / len(chances))
    assert len(chances) > 50
    assert abs(chances["tampered"].mean() - expected) <= 4 * sigma


@pytest.mark.slow
def test_equilibrium_defection_rate_over_many_purchases() -> None:
    result = _run(seed=5, steps=20, customers=40)
    metrics = result.metrics
    n = metrics["opportunity_rate"] * metrics["purchases"]
    p = metrics["defection_bureau"]
    assert abs(metrics["equilibrium_gap"]) <= 4 * math.sqrt(p * (1 - p) / n)


def test_m1_in_the_model_is_the_bureaus_m1() -> None:
    steps = 12
    result = _run(seed=7, steps=steps, customers=1, mechanism="m1")
    function = reputation_function(0.02, "uniform:0,1", "uniform:0,1")
    exact = ReputationFunction(0.02)
    merchants = result.tables["merchants"]
    for bid in result.tables["bids"].itertuples():
        path = merchants[merchants["merchant"] == bid.merchant]["reputation"].to_numpy()
        h = PROFILES[bid.profile]
        expected = run_m1(function, h, bid.start, r_max=0.95, periods=steps, tolerance=0.0).path
        # run_m1 stops once r stays put; the model keeps playing periods at that r.
        expected = (*expected, *[expected[-1]] * steps)[:steps]
        assert path == pytest.approx(expected, abs=1e-12)
        slow = run_m1(exact, h, bid.start, r_max=0.95, periods=3, tolerance=0.0)
        assert path[: len(slow.path)] == pytest.approx(slow.path, abs=1e-6)


def test_m2_in_the_model_is_the_bureaus_m2_and_overbids_above_t_are_punished() -> None:
    steps = 10
    function = reputation_function(0.02, "uniform:0,1", "uniform:0,1")
    for bidding in ("truthful", "overbid"):
        result = _run(seed=1, steps=steps, customers=1, mechanism="m2", bidding=bidding)
        merchants = result.tables["merchants"]
        for bid in result.tables["bids"].itertuples():
            expected = simulate_m2(
                function, PROFILES[bid.profile], bid.start, bid.bid, periods=steps, r_max=0.95
            )
            path = merchants[merchants["merchant"] == bid.merchant]["reputation"].to_numpy()
            assert path == pytest.approx(expected.reputations, abs=1e-12)
            assert bid.payoff == pytest.approx(expected.payoff, abs=1e-12)
            assert bid.punished == expected.punished
        bids = result.tables["bids"]
        a = bids[bids["profile"] == "a"]
        if bidding == "truthful":
            assert not bids["punished"].any()
            assert a["bid"].to_numpy() == pytest.approx(0.9133, abs=1e-4)
        else:
            # 0.913 + 0.05 is capped at r_max = 0.95, above T(h(0.95) + C_a) = 0.918.
            assert a["punished"].all() and (a["final"] == 0.0).all()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"route_length": 8, "merchants": 5}, "route_length (8) must be at most merchants (5)"),
        ({"loss_low": 0.5, "loss_high": 0.2}, "loss_low (0.5) must be at most loss_high (0.2)"),
        ({"loss_cdf": "uniform:1,0"}, "parameter loss_cdf: uniform takes its two ends"),
        ({"gain_cdf": "norm:0,1"}, "parameter gain_cdf must be a distribution of numbers >= 0"),
        ({"strategy": "sometimes"}, "parameter strategy must be one of equilibrium, always-trace"),
        ({"cost": 0}, "parameter cost must be a number in (0, 1]"),
        ({"customers": 0}, "parameter customers must be an integer in [1, 1000]"),
        ({"colour": "red"}, "unknown parameter colour"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(
    values: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("a model was built")

    monkeypatch.setattr(ShoppingModel, "__init__", refuse)
    with pytest.raises(InvalidSimulation) as caught:
        grid_jobs(SCENARIO, {name: [value] for name, value in values.items()}, [0])
    assert message in str(caught.value)


def _fake(label: str, seed: int, utility: float) -> RunResult:
    params = dataclasses.asdict(ShoppingParams())
    return RunResult("shopping", label, params, seed, 1, {}, {"utility": utility})


def test_agreement_is_computed_from_the_data() -> None:
    worse = [_fake("equilibrium", s, 0.97 + 0.001 * s) for s in range(3)]
    worse += [_fake("always-trace", s, 0.98) for s in range(3)]
    rows = {c.figure: c for c in compare(summarise(worse), worse)}
    beats = rows["section 3: the equilibrium strategy beats pure hard security (always trace)"]
    assert beats.agrees is False
    better = [dataclasses.replace(r, metrics={"utility": 0.99}) for r in worse[:3]] + worse[3:]
    rows = {c.figure: c for c in compare(summarise(better), better)}
    beats = rows["section 3: the equilibrium strategy beats pure hard security (always trace)"]
    assert beats.agrees is True


def test_report_end_to_end(tmp_path: Path) -> None:
    results = []
    for experiment in SCENARIO.experiments:
        values = {**experiment.values, "customers": 2}
        steps = 8 if experiment.values.get("mechanism") else 3
        params = build(ShoppingParams, values)
        for seed in (0, 1):
            result = run(params, seed, steps)
            results.append(dataclasses.replace(result, label=experiment.label))
    report = write_scenario_report(SCENARIO, results, tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    for figure in (
        "T(0.1) at C = 0.02",
        "| 0.8167 | 0.8167 | yes |",
        "| 0.9608 | 0.9608 | yes |",
        "Theorem 1: merchants drawn from G defect with probability 1 - R",
        "beats pure hard security",
        "Theorem 2: M1 finds a stable point",
        "overbidding does not pay under M2",
    ):
        assert figure in text
    assert len(report.comparisons) >= 18
    for name in ("strategies", "reputation", "m1_paths", "m2_reputation"):
        for suffix in ("png", "svg"):
            assert (tmp_path / "plots" / f"{name}.{suffix}").stat().st_size > 0
    for table in ("purchases", "merchants", "stable_points", "bids"):
        assert (tmp_path / "data" / f"{table}.csv").exists()
