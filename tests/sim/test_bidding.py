"""Auctions with and without agents: the engines' prices, people vs agents, determinism, report."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from trustmarket.core.errors import InvalidSimulation
from trustmarket.reputation.models.auction_heuristics import optimal_price
from trustmarket.sim.bidding import scenario as bidding
from trustmarket.sim.bidding.model import BiddingParams
from trustmarket.sim.bidding.scenario import SCENARIO, run
from trustmarket.sim.params import build
from trustmarket.sim.report import write_scenario_report
from trustmarket.sim.runner import plan
from trustmarket.sim.scenario import RunResult


def _run(seed: int = 0, steps: int = 25, **values: object) -> RunResult:
    return run(build(BiddingParams, values), seed, steps)


def _cents(x: float) -> int:
    return round(x * 100)


def _rows(result: RunResult, protocol: str, mode: str) -> pd.DataFrame:
    table = result.tables["auctions"]
    rows = table[(table["protocol"] == protocol) & (table["mode"] == mode)]
    return rows.set_index("auction").sort_index()


def _values(result: RunResult) -> dict[int, list[int]]:
    """Each auction's buyers' values in cents, highest first."""
    buyers = result.tables["buyers"]
    return {
        int(a): sorted((_cents(v) for v in group["value"]), reverse=True)
        for a, group in buyers.groupby("auction")
    }


def test_the_same_seed_gives_the_same_tables_and_another_seed_others() -> None:
    a, b, c = _run(4), _run(4), _run(5)
    for name in ("auctions", "buyers"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        assert not a.tables[name].equals(c.tables[name])
    assert a.metrics == b.metrics and a.seed == 4 and a.params["buyers"] == 5


def test_every_auction_is_run_six_ways_on_the_same_listing() -> None:
    result = _run(1, 10)
    table = result.tables["auctions"]
    assert len(table) == 10 * 3 * 2
    per_listing = table.groupby("auction")[["expected_price", "initial_price", "days"]].nunique()
    assert (per_listing == 1).all().all()
    first = table.iloc[0]
    paper = optimal_price(first["initial_price"], int(first["days"]), first["priority"], 0.5)
    assert first["expected_price"] == pytest.approx(paper)


def test_english_agents_end_at_the_proxies_price() -> None:
    # Proxy bids: price = max(reserve, min(v1, v2 + increment)); the highest value wins unless
    # she came in when the price was already within one increment of her value.
    result = _run(2, 40)
    values = _values(result)
    for auction, row in _rows(result, "english", "agents").iterrows():
        reserve = _cents(row["initial_price"])
        increment = max(1, round(0.01 * reserve))
        eligible = [v for v in values[int(auction)] if v >= reserve]
        if not eligible:
            assert not row["sold"]
            continue
        assert row["sold"]
        winner, price = _cents(row["winner_value"]), _cents(row["final_price"])
        if winner == eligible[0]:
            second = eligible[1] if len(eligible) > 1 else 0
            bound = max(reserve, min(eligible[0], second + increment))
            # Below the bound only if the second could not bid: the price was already within
            # one increment of her value when she came in.
            assert bound - 2 * increment < price <= bound
            if price < bound:
                assert price + increment > second
        else:
            assert eligible[0] - winner < increment


def test_vickrey_agents_pay_the_second_value_or_the_reserve() -> None:
    result = _run(3, 40)
    values = _values(result)
    for auction, row in _rows(result, "vickrey", "agents").iterrows():
        reserve = _cents(row["initial_price"])
        eligible = [v for v in values[int(auction)] if v >= reserve]
        if eligible:
            second = eligible[1] if len(eligible) > 1 else reserve
            assert row["efficient"] == 1.0
            assert _cents(row["final_price"]) == max(reserve, second)


def test_dutch_agents_take_the_clock_at_the_highest_threshold() -> None:
    result = _run(6, 40)
    buyers = result.tables["buyers"]
    agents = _rows(result, "dutch", "agents")
    for auction, row in agents[agents["sold"]].iterrows():
        listing = buyers[buyers["auction"] == auction].set_index("buyer")
        floor = _cents(row["initial_price"])
        start = max(round(1.5 * row["expected_price"] * 100), floor + 1)
        decrement = -(-(start - floor) // (24 * int(row["days"])))
        price = _cents(row["final_price"])
        # The first tick at or below the highest threshold; a tie within that tick goes to
        # the first in the random order, whose threshold is also at or above the price.
        assert _cents(listing.loc[row["winner"], "threshold"]) >= price
        assert _cents(listing["threshold"].max()) - price < decrement + 1


def test_people_in_a_dutch_auction_never_pay_more_than_agents_and_anticipating_ones_pay_more() -> (
    None
):
    wait = _run(7, 40)
    anticipate = _run(7, 40, dutch_people="anticipate")
    agents, people = _rows(wait, "dutch", "agents"), _rows(wait, "dutch", "people")
    both = agents["sold"] & people["sold"]
    assert (people.loc[both, "final_price"] <= agents.loc[both, "final_price"]).all()
    assert (people.loc[both, "final_price"] < agents.loc[both, "final_price"]).any()
    early = _rows(anticipate, "dutch", "people")
    assert (early.loc[people["sold"], "sold"]).all()
    assert (
        early.loc[people["sold"], "final_price"] >= people.loc[people["sold"], "final_price"]
    ).all()
    assert early["final_price"].mean() > people["final_price"].mean()


def test_people_who_look_in_often_bid_in_vickrey_as_their_agents_do() -> None:
    result = _run(8, 20, visits_per_day=200.0)
    agents, people = _rows(result, "vickrey", "agents"), _rows(result, "vickrey", "people")
    pd.testing.assert_series_equal(agents["final_price"], people["final_price"])
    rare = _run(8, 20, visits_per_day=0.2)
    assert rare.metrics["vickrey_price_diff"] > 0  # people who miss it lower the second bid


def test_english_people_pay_more_with_jump_bids_and_less_with_minimum_bids() -> None:
    jumps = _run(9, 40)
    minimum = _run(9, 40, jump=0.0)
    assert jumps.metrics["english_price_diff"] < 0
    assert minimum.metrics["english_price_diff"] > 0
    assert minimum.metrics["english_people_efficiency"] < jumps.metrics["english_people_efficiency"]
    # The agents' auctions do not depend on how people bid (common random numbers).
    pd.testing.assert_frame_equal(
        _rows(jumps, "english", "agents"), _rows(minimum, "english", "agents")
    )


def test_a_soft_close_extends_an_english_auction_when_people_bid_late() -> None:
    # People who bid the minimum bid often, so some bid in the last two hours.
    hard = _run(10, 30, jump=0.0)
    soft = _run(10, 30, jump=0.0, soft_close_minutes=120)
    hard_hours, soft_hours = _rows(hard, "english", "people"), _rows(soft, "english", "people")
    assert (soft_hours["hours"] >= hard_hours["hours"]).all()
    assert (soft_hours["hours"] > hard_hours["hours"]).any()
    assert (soft_hours["hours"] <= hard_hours["hours"] + 24 * 2).all()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"min_days": 5, "max_days": 2}, "min_days (5) must be at most max_days (2)"),
        (
            {"min_initial_price": 9000, "max_initial_price": 100},
            "min_initial_price (9000) must be at most max_initial_price (100)",
        ),
        ({"dutch_people": "panic"}, "dutch_people must be one of wait, anticipate"),
        ({"buyers": 0}, "buyers must be an integer in [1, 200]"),
        ({"visits_per_day": 0}, "visits_per_day must be a number in (0, 1440]"),
        ({"sniping": True}, "unknown parameter sniping"),
    ],
)
def test_bad_parameters_are_refused_before_anything_runs(
    values: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was built")

    monkeypatch.setattr(bidding, "BiddingModel", refuse)
    with pytest.raises(InvalidSimulation, match=re.escape(message)):
        build(BiddingParams, values)
    with pytest.raises(InvalidSimulation, match=re.escape(message)):
        plan(SCENARIO, grid={k: [v] for k, v in values.items()}, seeds=2)


def test_the_report_puts_the_papers_claims_beside_ours(tmp_path: Path) -> None:
    results = [
        dataclasses.replace(
            run(build(BiddingParams, experiment.values), seed, 8), label=experiment.label
        )
        for experiment in SCENARIO.experiments
        for seed in range(3)
    ]
    report = write_scenario_report(SCENARIO, results, tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "fig. 7: English, price with vs without agents" in text
    assert "fig. 9 when people look in every other day" in text
    figures = {c.figure: c for c in report.comparisons}
    assert figures["fig. 8: Dutch, price with vs without agents"].agrees is not None
    assert figures["fig. 9: Vickrey, price with vs without agents"].agrees is not None
    for name in ("fig7_english", "fig8_dutch", "fig9_vickrey", "summary"):
        assert (tmp_path / "plots" / f"{name}.png").stat().st_size > 0
        assert (tmp_path / "plots" / f"{name}.svg").stat().st_size > 0
    auctions = pd.read_csv(tmp_path / "data" / "auctions.csv")
    assert len(auctions) == len(results) * 8 * 6
    assert set(auctions["label"]) == {e.label for e in SCENARIO.experiments}
