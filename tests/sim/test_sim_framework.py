"""The simulator's framework: typed parameters, seeds, plans, sweeps, statistics, reports."""

from __future__ import annotations

import math
import threading

import pandas as pd
import pytest
from scipy import stats

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.avalanche.params import AvalancheParams
from trustmarket.sim.params import build, describe, parse_assignments, with_values
from trustmarket.sim.registry import SCENARIO_NAMES, all_scenarios, get_scenario
from trustmarket.sim.report import check_format
from trustmarket.sim.runner import plan, run_plan
from trustmarket.sim.stats import confidence_interval, format_estimate, summarise
from trustmarket.sim.sweep import Job, _pool_context, connect_ray, run_jobs, seeds_from

AVALANCHE = get_scenario("avalanche")


def test_build_converts_strings_to_the_declared_types() -> None:
    params = build(AvalancheParams, {"agents_per_type": "5", "alpha": "0.5", "regime": "central"})
    assert params.agents_per_type == 5 and isinstance(params.agents_per_type, int)
    assert params.alpha == 0.5 and params.regime == "central"
    assert build(AvalancheParams) == AvalancheParams()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"agents": 3}, "unknown parameter agents; the parameters are agents_per_type"),
        ({"agents_per_type": "three"}, "agents_per_type must be an integer in [1, 1000]"),
        ({"agents_per_type": 2.5}, "agents_per_type must be an integer"),
        ({"agents_per_type": True}, "agents_per_type must be an integer"),
        ({"agents_per_type": 0}, "agents_per_type must be an integer in [1, 1000], got 0"),
        ({"alpha": 0}, "alpha must be a number in (0, 1]"),
        ({"alpha": "nan"}, "alpha must be a number in (0, 1]"),
        ({"regime": "global"}, "regime must be one of none, decentralized, central"),
        ({"cheaters": 4}, "cheaters must be at most agents_per_type (3) carpenters, got 4"),
        (
            {"buy_weight": 0, "produce_weight": 0, "sell_weight": 0, "idle_weight": 0},
            "at least one action weight must be positive",
        ),
    ],
)
def test_bad_parameters_are_refused_with_what_is_allowed(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidSimulation) as caught:
        build(AvalancheParams, values)
    assert message in str(caught.value)


def test_with_values_rechecks() -> None:
    params = with_values(AvalancheParams(), {"regime": "central"})
    assert params.regime == "central"
    with pytest.raises(InvalidSimulation, match="cheaters"):
        with_values(params, {"agents_per_type": 1, "cheaters": 2})


def test_describe_lists_every_parameter_with_its_bounds() -> None:
    rows = {p.name: p for p in describe(AvalancheParams)}
    assert rows["regime"].allowed == "one of none, decentralized, central"
    assert rows["alpha"].allowed == "a number in (0, 1]"
    assert rows["agents_per_type"].kind == "int" and rows["agents_per_type"].default == 3
    assert all(p.help for p in rows.values())


def test_parse_assignments_reads_grids_and_refuses_malformed_items() -> None:
    assert parse_assignments(["alpha=0.1,0.3", "regime=central"]) == {
        "alpha": ["0.1", "0.3"],
        "regime": ["central"],
    }
    # A distribution keeps its commas; a grid of distributions splits at each name:.
    assert parse_assignments(["F=uniform:0,1", "G=uniform:0,1,linear:0,2,4"]) == {
        "F": ["uniform:0,1"],
        "G": ["uniform:0,1", "linear:0,2,4"],
    }
    for bad, message in [
        ("alpha", "name=value"),
        ("=3", "name=value"),
        ("alpha=", "name=value"),
        ("alpha=0.1,", "empty value"),
    ]:
        with pytest.raises(InvalidSimulation, match=message):
            parse_assignments([bad])
    with pytest.raises(InvalidSimulation, match="given twice"):
        parse_assignments(["alpha=0.1", "alpha=0.2"])


def test_seeds_and_steps_must_be_positive_and_bounded() -> None:
    assert seeds_from(3, 5) == [5, 6, 7]
    for count in (0, 10_001, 10**9):
        with pytest.raises(InvalidSimulation, match="number of seeds must be an integer from 1 to"):
            seeds_from(count)
    with pytest.raises(InvalidSimulation, match="first seed"):
        seeds_from(2, -1)
    for steps in (0, 1_000_001):
        with pytest.raises(InvalidSimulation, match="steps must be an integer from 1 to 1,000,000"):
            plan(AVALANCHE, seeds=1, steps=steps)
    assert len(plan(AVALANCHE, seeds=1, steps=1_000_000).jobs) >= 1


def test_unknown_scenarios_and_experiments_name_the_known_ones() -> None:
    with pytest.raises(InvalidSimulation, match="unknown scenario 'avalanch'; the scenarios are"):
        get_scenario("avalanch")
    with pytest.raises(InvalidSimulation, match="its experiments are reference-50"):
        plan(AVALANCHE, experiments=["cheater-everywhere"], seeds=1)


def test_a_plan_checks_every_grid_point_before_any_run() -> None:
    with pytest.raises(InvalidSimulation, match="alpha must be a number in"):
        plan(AVALANCHE, grid={"alpha": ["0.3", "2"]}, seeds=1)
    the_plan = plan(
        AVALANCHE, experiments=["cheater-none"], grid={"alpha": ["0.1", "0.3"]}, seeds=2
    )
    assert [j.label for j in the_plan.jobs] == [
        "cheater-none | alpha=0.1",
        "cheater-none | alpha=0.1",
        "cheater-none | alpha=0.3",
        "cheater-none | alpha=0.3",
    ]
    assert [j.seed for j in the_plan.jobs] == [0, 1, 0, 1]
    assert the_plan.jobs[0].steps == AVALANCHE.default_steps


def test_confidence_interval_is_the_t_interval() -> None:
    values = [0.2, 0.5, 0.4, 0.9, 0.3]
    mean, low, high = confidence_interval(values)
    sem = stats.sem(values)
    expected = stats.t.interval(0.95, len(values) - 1, loc=sum(values) / 5, scale=sem)
    assert mean == pytest.approx(0.46)
    assert (low, high) == pytest.approx(expected)
    one = confidence_interval([0.7])
    assert one[0] == 0.7 and math.isnan(one[1]) and math.isnan(one[2])
    assert math.isnan(confidence_interval([math.nan])[0])


def _jobs(seeds: list[int]) -> list[Job]:
    return [Job("avalanche", "cheater-central", s, 60, {"regime": "central"}) for s in seeds]


def _same(a: list, b: list) -> None:  # type: ignore[type-arg]
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (x.label, x.seed) == (y.label, y.seed)
        assert pd.Series(dict(x.metrics)).equals(pd.Series(dict(y.metrics)))  # NaN == NaN here
        for name in x.tables:
            pd.testing.assert_frame_equal(x.tables[name], y.tables[name])


@pytest.mark.slow
def test_worker_processes_give_the_results_of_one_process_in_job_order() -> None:
    jobs = _jobs([3, 1, 2])
    seen: list[tuple[int, int]] = []
    inline = run_jobs(jobs, workers=0, progress=lambda d, t: seen.append((d, t)))
    pooled = run_jobs(jobs, workers=2)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [r.seed for r in pooled] == [3, 1, 2]
    _same(inline, pooled)
    assert inline[0].metrics != inline[1].metrics  # the seeds differ, so do the runs


def test_pools_fork_only_a_single_threaded_process() -> None:
    if threading.active_count() == 1:  # an earlier test (Ray) may have left a thread behind
        assert _pool_context().get_start_method() == "fork"
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _pool_context().get_start_method() == "spawn"
    finally:
        stop.set()
        thread.join()


@pytest.mark.slow
def test_spawned_workers_give_the_same_results() -> None:
    jobs = _jobs([4, 5])
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()  # another thread alive: the pool spawns fresh interpreters
    try:
        spawned = run_jobs(jobs, workers=2)
    finally:
        stop.set()
        thread.join()
    _same(run_jobs(jobs, workers=0), spawned)


def test_workers_must_be_a_count() -> None:
    with pytest.raises(InvalidSimulation, match="workers must be an integer >= 0"):
        run_jobs(_jobs([0, 1]), workers=-1)


def test_a_job_with_a_bad_parameter_fails_before_any_run() -> None:
    done: list[int] = []
    jobs = [*_jobs([0]), Job("avalanche", "bad", 0, 10, {"alpha": 5})]
    with pytest.raises(InvalidSimulation, match="alpha"):
        run_jobs(jobs, workers=0, progress=lambda d, t: done.append(d))
    assert done == []


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("127.0.0.1:1", "cannot reach the Ray cluster at 127.0.0.1:1"),
        ("nowhere", "a Ray address is auto, local, host:port or ray://host:port"),
        ("", "a Ray address is auto, local, host:port or ray://host:port"),
    ],
)
def test_an_unreachable_or_malformed_ray_address_is_refused(address: str, message: str) -> None:
    pytest.importorskip("ray", reason="Ray is an optional extra")
    with pytest.raises(InvalidSimulation, match=message):
        connect_ray(address)


@pytest.mark.slow
def test_ray_gives_the_results_of_local_processes() -> None:
    ray = pytest.importorskip("ray", reason="Ray is an optional extra")
    jobs = _jobs([0, 1])
    try:
        on_ray = run_jobs(jobs, ray="local")
    finally:
        ray.shutdown()
    _same(run_jobs(jobs, workers=0), on_ray)


def test_formats_are_checked() -> None:
    assert check_format("csv") == "csv"
    with pytest.raises(InvalidSimulation, match="csv or parquet, got 'xlsx'"):
        check_format("xlsx")


def test_a_report_holds_data_summary_plots_and_the_comparison(tmp_path) -> None:  # type: ignore[no-untyped-def]
    the_plan = plan(AVALANCHE, experiments=["cheater-none", "cooperative-3"], seeds=2, steps=80)
    report = run_plan(the_plan, tmp_path, workers=0, command="trustmarket sim run avalanche")
    text = (tmp_path / "report.md").read_text()
    assert "## Paper vs trustmarket" in text and "| 57% |" in text
    assert "Command: `trustmarket sim run avalanche`" in text
    trades = pd.read_csv(tmp_path / "data" / "trades.csv")
    assert list(trades.columns[:2]) == ["label", "seed"]
    assert set(trades["label"]) == {"cheater-none", "cooperative-3"}
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["n"]) == {2} or summary["n"].max() == 2
    for stem in ("prices", "wealth-cheater-none", "cheater-share"):
        assert (tmp_path / "plots" / f"{stem}.png").stat().st_size > 1000
        assert (tmp_path / "plots" / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
    share = next(c for c in report.comparisons if "share of trades, no reputation" in c.figure)
    assert share.ours == format_estimate(
        report.summary, "cheater-none", "cheater_share", percent=True
    )


def test_a_grid_compares_each_point_with_the_paper(tmp_path) -> None:  # type: ignore[no-untyped-def]
    the_plan = plan(
        AVALANCHE, experiments=["cheater-none"], grid={"alpha": ["0.2", "0.4"]}, seeds=1, steps=40
    )
    report = run_plan(the_plan, tmp_path, workers=0)
    figures = [c.figure for c in report.comparisons]
    assert any(f.startswith("[alpha=0.2] third series") for f in figures)
    assert any(f.startswith("[alpha=0.4] third series") for f in figures)


def test_summarise_gives_one_row_per_label_and_metric() -> None:
    results = run_jobs(_jobs([0, 1]), workers=0)
    summary = summarise(results)
    row = summary[summary["metric"] == "trades"].iloc[0]
    values = [r.metrics["trades"] for r in results]
    assert row["n"] == 2 and row["mean"] == pytest.approx(sum(values) / 2)


def test_every_registered_scenario_is_complete() -> None:
    scenarios = all_scenarios()
    assert tuple(scenarios) == SCENARIO_NAMES
    for name, scenario in scenarios.items():
        assert scenario.name == name
        assert scenario.experiments and scenario.default_steps >= 1
        assert describe(scenario.params), name
        build(scenario.params)  # the defaults are valid
        for experiment in scenario.experiments:
            build(scenario.params, experiment.values)


def test_parquet_data_reads_back_as_the_csv_would(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pyarrow", reason="Parquet needs the parquet extra")
    the_plan = plan(AVALANCHE, experiments=["cheater-none"], seeds=1, steps=30)
    run_plan(the_plan, tmp_path / "p", fmt="parquet", workers=0)
    run_plan(the_plan, tmp_path / "c", fmt="csv", workers=0)
    parquet = pd.read_parquet(tmp_path / "p" / "data" / "trades.parquet")
    csv = pd.read_csv(tmp_path / "c" / "data" / "trades.csv")
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)
