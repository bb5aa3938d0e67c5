"""The analysis tools over HTTP (``/api/tools``, SPEC section 5 and 4.1): each endpoint answers
the published examples' values and exactly what the library (and so the CLI's ``--json``)
computes, and refuses bad or oversized input with a 422 that says what is wrong."""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer

from trustmarket.analysis.commitment import CommitmentGame, Contract, Mechanism, PiecewiseLinear
from trustmarket.analysis.games import Game
from trustmarket.analysis.safe_exchange import problem_from_json, result_to_json
from trustmarket.reputation.bureau import ReputationFunction, uniform_reputation
from trustmarket.reputation.feedback_csv import read_feedback_csv
from trustmarket.reputation.models import make_model, model_names

DOCS = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXCHANGES = DOCS / "exchange"
FEEDBACK = DOCS / "reputation" / "feedback.csv"

PD_A = [[3, 0], [5, 1]]  # the prisoners' dilemma: strategy 0 cooperates, 1 defects
PD_B = [[3, 5], [0, 1]]
BOS_A = [[2, 0], [0, 1]]  # the battle of the sexes
BOS_B = [[1, 0], [0, 2]]

# The shapes of docs/contracts.md and tests/cli/test_cli_contract.py.
F_TEXT = "0:0 4:1 8:1 12:0"
G_POINTS = [[0, 0], [2, 1], [6, 1], [10, 0]]


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def ok(http: httpx.Client, path: str, body: Any) -> Any:
    response = http.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, *fragments: str, status: int = 422) -> str:
    """The answer is a 4xx JSON error whose message holds every fragment."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"}, body
    for fragment in fragments:
        assert fragment in body["message"], (fragment, body)
    return str(body["error"])


def plain(value: Any) -> Any:
    """A library result as it looks after JSON (tuples become lists)."""
    return json.loads(json.dumps(value))


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXCHANGES / name).read_text(encoding="utf-8"))
    return data


# -- games ------------------------------------------------------------------------------------
def test_prisoners_dilemma_has_the_one_equilibrium_defect_defect(http: httpx.Client) -> None:
    for method in ("vertex", "support", "lemke-howson", "pure"):
        data = ok(http, "/api/tools/games/equilibria", {"A": PD_A, "B": PD_B, "method": method})
        assert [(e["row"], e["col"]) for e in data["equilibria"]] == [([0.0, 1.0], [0.0, 1.0])]
        assert (data["equilibria"][0]["row_payoff"], data["equilibria"][0]["col_payoff"]) == (
            1.0,
            1.0,
        )
        assert data["method"] == method and data["exact"] is False
        assert data == plain(Game(PD_A, PD_B).equilibria(method).to_json())


def test_battle_of_the_sexes_exact_and_in_floats(http: httpx.Client) -> None:
    exact = ok(http, "/api/tools/games/equilibria", {"A": BOS_A, "B": BOS_B, "exact": True})
    assert [(e["row"], e["col"]) for e in exact["equilibria"]] == [
        (["1", "0"], ["1", "0"]),
        (["2/3", "1/3"], ["1/3", "2/3"]),
        (["0", "1"], ["0", "1"]),
    ]
    assert exact["exact"] and exact["complete"] and not exact["degenerate"]
    assert exact == plain(Game(BOS_A, BOS_B, exact=True).vertex_enumeration().to_json())
    floats = ok(http, "/api/tools/games/equilibria", {"A": BOS_A, "B": BOS_B, "method": "support"})
    (mixed,) = [e for e in floats["equilibria"] if 0 < e["row"][0] < 1]
    assert mixed["row"] == pytest.approx([2 / 3, 1 / 3])
    assert mixed["col_payoff"] == pytest.approx(2 / 3)
    assert floats == plain(Game(BOS_A, BOS_B).support_enumeration().to_json())
    one = ok(
        http,
        "/api/tools/games/equilibria",
        {"A": BOS_A, "B": BOS_B, "method": "lemke-howson", "label": 1},
    )
    assert one == plain(Game(BOS_A, BOS_B).lemke_howson(initial_label=1).to_json())
    assert len(one["equilibria"]) == 1 and one["pivots"] >= 1


def test_exact_reads_decimals_as_the_cli_does(http: httpx.Client) -> None:
    body = {"A": [[0.1, 0], [0, 0.2]], "B": [[0.2, 0], [0, 0.1]], "exact": True}
    data = ok(http, "/api/tools/games/equilibria", body)
    mixed = [e for e in data["equilibria"] if "0" not in e["row"]]
    assert mixed[0]["row"] == ["1/3", "2/3"] and mixed[0]["row_payoff"] == "1/15"
    tenth = Fraction(1, 10)
    expected = Game([[tenth, 0], [0, 2 * tenth]], [[2 * tenth, 0], [0, tenth]]).equilibria()
    assert data == plain(expected.to_json())


def test_degenerate_game_reports_its_components(http: httpx.Client) -> None:
    a, b = [[1, 1], [0, 1]], [[1, 1], [1, 0]]  # docs/games.md
    data = ok(http, "/api/tools/games/equilibria", {"A": a, "B": b, "exact": True})
    assert data["degenerate"] is True and data["complete"] is True
    (infinite,) = [c for c in data["components"] if c["infinite"]]
    assert infinite["rows"] == [["1", "0"]] and len(infinite["cols"]) == 2
    support = ok(http, "/api/tools/games/equilibria", {"A": a, "B": b, "method": "support"})
    assert support["complete"] is False and "vertex enumeration" in support["note"]


@pytest.mark.parametrize("method", ["vertex", "support", "lemke-howson", "pure"])
@pytest.mark.parametrize("tiny", [1e-9, 1e-12])
def test_payoffs_of_very_different_magnitudes(http: httpx.Client, method: str, tiny: float) -> None:
    """The float solvers normalise each player's payoffs, so a game whose entries differ by many
    orders of magnitude gets its one equilibrium (row 0, column 1), as in exact arithmetic, and
    its payoffs from the original matrices."""
    body = {"A": [[1, tiny]], "B": [[-1, 1]], "method": method}
    data = ok(http, "/api/tools/games/equilibria", body)
    assert [(e["row"], e["col"]) for e in data["equilibria"]] == [([1.0], [0.0, 1.0])]
    assert data["equilibria"][0]["row_payoff"] == tiny and data["degenerate"] is False
    exact = ok(http, "/api/tools/games/equilibria", {**body, "exact": True})
    assert [(e["row"], e["col"]) for e in exact["equilibria"]] == [(["1"], ["0", "1"])]
    assert exact["equilibria"][0]["row_payoff"] == str(Fraction(repr(tiny)))


@pytest.mark.parametrize("method", ["vertex", "support", "lemke-howson"])
def test_scaled_and_shifted_payoffs_give_the_same_equilibria(
    http: httpx.Client, method: str
) -> None:
    # The battle of the sexes with the row player's payoffs times 1e6 minus 1e6 and the column
    # player's times 1e-6: the same equilibria, payoffs in the game's own units.
    a = [[2e6 - 1e6, -1e6], [-1e6, 1e6 - 1e6]]
    b = [[1e-6, 0], [0, 2e-6]]
    url = "/api/tools/games/equilibria"
    scaled = ok(http, url, {"A": a, "B": b, "method": method})
    plain_game = ok(http, url, {"A": BOS_A, "B": BOS_B, "method": method})
    assert len(scaled["equilibria"]) == len(plain_game["equilibria"])
    for mine, theirs in zip(scaled["equilibria"], plain_game["equilibria"], strict=True):
        assert mine["row"] == pytest.approx(theirs["row"], abs=1e-12)
        assert mine["col"] == pytest.approx(theirs["col"], abs=1e-12)
        assert mine["row_payoff"] == pytest.approx(theirs["row_payoff"] * 1e6 - 1e6)
        assert mine["col_payoff"] == pytest.approx(theirs["col_payoff"] * 1e-6)


def test_bad_games_are_refused_with_the_reason(http: httpx.Client) -> None:
    url = "/api/tools/games/equilibria"

    def post(body: Any) -> httpx.Response:
        return http.post(url, json=body)

    refused(post({"A": [[1, 2]], "B": [[1, 2], [3, 4]]}), "same shape")
    refused(post({"A": [[1, 2], [3]], "B": [[1, 2], [3, 4]]}), "not rectangular")
    refused(post({"A": [], "B": []}), "A: List should have at least 1 item")
    refused(post({"A": [[1]], "B": [[1]], "method": "magic"}), "method: Input should be")
    refused(post({"A": [[1]], "B": [[1]], "C": [[1]]}), "C: unknown field")
    refused(post({"A": [[1e7]], "B": [[1]]}), "less than or equal to 1000000")
    refused(post({"A": [["1"]], "B": [[1]]}), "A.0.0: Input should be a valid number")
    refused(post({"A": [[1, 2]], "B": [[1, 2]], "method": "lemke-howson", "label": 9}), "0..2")
    nan = '{"A": [[1, NaN]], "B": [[1, 2]]}'
    refused(
        http.post(url, content=nan, headers={"content-type": "application/json"}),
        "A.0.1: Input should be a finite number",
    )
    big = [[float(i == j) for j in range(11)] for i in range(11)]
    refused(post({"A": big, "B": big}), "A is 11x11; at most 10x10", "enumeration (vertex)")
    nine = [row[:9] for row in big[:9]]
    refused(post({"A": nine, "B": nine, "exact": True}), "at most 8x8", "exact")
    assert post({"A": big, "B": big, "method": "lemke-howson"}).status_code == 200
    huge = [[1.0] * 31] * 2
    refused(post({"A": huge, "B": huge, "method": "pure"}), "at most 30 items")


# -- leveled commitment contracts -------------------------------------------------------------
def paper_game() -> CommitmentGame:
    return CommitmentGame(
        PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)]),
        PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)]),
    )


def test_contract_equilibria_equal_the_library(http: httpx.Client) -> None:
    body = {
        "contractor": F_TEXT,
        "contractee": G_POINTS,
        "normalize": True,
        "rho": 6,
        "a": 1,
        "b": 1,
    }
    data = ok(http, "/api/tools/contracts/equilibria", body)
    game = paper_game()
    assert data["contract"] == {"rho": 6.0, "a": 1.0, "b": 1.0}
    assert data["status_quo"] == {"contractor": -6.0, "contractee": pytest.approx(32 / 7)}
    assert data["contractor"] == repr(game.f) and data["contractee"] == repr(game.g)
    assert [m["mechanism"] for m in data["mechanisms"]] == [m.value for m in Mechanism]
    for entry, mechanism in zip(data["mechanisms"], Mechanism, strict=True):
        assert entry == plain(game.equilibria(Contract(6, 1, 1), mechanism).as_dict())
        assert entry["equilibria"], mechanism


def test_contract_with_several_equilibria_and_one_that_never_decommits(
    http: httpx.Client,
) -> None:
    several = ok(
        http,
        "/api/tools/contracts/equilibria",
        {
            "contractor": "1.5:0 2:1 2.5:0 7.5:0 8:1 8.5:0",
            "contractee": "2.5:0 3:1 3.5:0 7.5:0 8:1 8.5:0",
            "normalize": True,
            "rho": 5,
            "a": 2,
            "b": 2,
            "mechanism": "simultaneous-both-pay",
        },
    )
    (only,) = several["mechanisms"]
    assert only["mechanism"] == "simultaneous-both-pay" and len(only["equilibria"]) == 3
    never = ok(
        http,
        "/api/tools/contracts/equilibria",
        {
            "contractor": F_TEXT,
            "contractee": G_POINTS,
            "normalize": True,
            "rho": 12,
            "a": 0,
            "b": 1,
            "mechanism": "sequential-contractee-first",
        },
    )
    eq = never["mechanisms"][0]["equilibria"][0]
    assert eq["b_star"] is None and eq["p_a"] == 1.0  # null: the contractee never decommits


def test_optimal_contracts_surplus_equivalence_and_fairness(http: httpx.Client) -> None:
    body = {"contractor": F_TEXT, "contractee": G_POINTS, "normalize": True}
    data = ok(http, "/api/tools/contracts/optimal", body)
    assert data["full_commitment"]["gain"] == pytest.approx(6 - 32 / 7)
    gains = [m["gain"] for m in data["mechanisms"]]
    assert len(gains) == 4 and max(gains) - min(gains) < 1e-9  # Sandholm and Zhou (2002)
    game = paper_game()
    for entry, mechanism in zip(data["mechanisms"], Mechanism, strict=True):
        fair = entry["fair"]
        assert fair["contractor_gain"] == pytest.approx(fair["contractee_gain"], abs=1e-9)
        assert entry["prices"][0] <= fair["contract"]["rho"] <= entry["prices"][1]
        assert entry == plain(game.optimal_contract(mechanism).as_dict())
    scipy = ok(
        http,
        "/api/tools/contracts/optimal",
        {
            "contractor": "norm(6, 1.5)",
            "contractee": "norm(5, 1)",
            "mechanism": "sequential-contractor-first",
        },
    )
    assert scipy["contractor"] == "ScipyDistribution(norm(6.0, 1.5))"
    assert scipy["full_commitment"] == {"gain": pytest.approx(1.0), "prices": [5.0, 6.0]}
    assert scipy["mechanisms"][0]["gain"] > scipy["full_commitment"]["gain"]


def test_bad_contracts_are_refused_with_the_reason(http: httpx.Client) -> None:
    url = "/api/tools/contracts/equilibria"
    base = {"contractor": F_TEXT, "contractee": G_POINTS, "normalize": True, "rho": 6, "a": 1}

    def post(**changes: Any) -> httpx.Response:
        return http.post(url, json={**base, "b": 1, **changes})

    refused(post(rho=20), "rho = 20 lies outside the support")
    refused(post(a=-1), "a: Input should be greater than or equal to 0")
    refused(post(normalize=False), "integrates to 8", '"normalize": true')
    refused(post(contractor="beta(2, 2)"), "contractor:", "norm, uniform", "[x, density] points")
    refused(post(contractor="levy_stable(1.5, 0)"), "scipy.stats distributions")
    refused(post(contractor="norm(6, -1)"), "outside the distribution's domain")
    refused(post(contractor="norm(" + "-" * 300 + "1, 1)"), "at most 200 characters")
    refused(post(contractee=[[0, 0], [1, 1], [0.5, 0]]), "strictly increasing")
    refused(post(contractee=[[0, 0, 1], [1, 1]]), "at most 2 items")
    refused(post(contractee=[[float(x), 1.0] for x in range(1001)]), "at most 1000 items")
    refused(post(contractor="0:0 1:1 2e7:0"), "pdf points are at most 1e+06 in magnitude")
    refused(post(mechanism="auction"), "mechanism: Input should be")
    refused(post(price=6), "price: unknown field")
    refused(http.post(url, json=base), "b: required field is missing")
    nan = json.dumps({**base, "b": 1}).replace('"rho": 6', '"rho": Infinity')
    refused(
        http.post(url, content=nan, headers={"content-type": "application/json"}),
        "rho: Input should be a finite number",
    )


# -- safe exchange ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "safety", "steps"),
    [
        ("software.json", "sequential", 3),
        ("software.json", "either-order", 5),  # the paper's count (section 4.2)
        ("stocks.json", "sequential", 9),
        ("stocks.json", "either-order", 16),
    ],
)
def test_plan_the_paper_examples(http: httpx.Client, name: str, safety: str, steps: int) -> None:
    document = load(name)
    data = ok(http, "/api/tools/exchange/plan", {"problem": document, "safety": safety})
    assert data["found"] is True and data["optimum"] == steps == len(data["plan"]["steps"])
    problem = problem_from_json(document)
    assert data == plain(result_to_json(problem.plan("steps", safety), problem))
    # The plan feeds back into the checker, which finds it safe.
    verdict = ok(
        http,
        "/api/tools/exchange/check",
        {"problem": document, "plan": data["plan"], "safety": safety},
    )
    assert verdict["safe"] is True and verdict["counts"]["steps"] == steps


def test_plan_options_and_no_plan(http: httpx.Client) -> None:
    dataset = load("dataset.json")
    data = ok(http, "/api/tools/exchange/plan", {"problem": dataset, "order": "pay-first"})
    assert data["order"] == "pay-first" and data["currency"] == "EUR"
    assert data["states"][-1] == {"delivered": {"dataset": 100}, "paid": "550.00"}
    software = ok(
        http,
        "/api/tools/exchange/plan",
        {"problem": load("software.json"), "objective": "deliveries+payments"},
    )
    assert software["objective"] == "deliveries+payments"
    assert software["optimum"] == software["counts"]["deliveries+payments"]
    dataset["buyer_value"][1][1] = ["580.00", "620.00"]
    none = ok(http, "/api/tools/exchange/plan", {"problem": dataset})
    assert none["found"] is False and none["reason"].startswith("no safe plan exists")


def tight_units(items: int, units: int, seed: int) -> dict[str, Any]:
    """An independent-units exchange whose per-unit surplus is small and whose defection costs
    are a few units' worth, so a safe plan needs many steps and proving the least is slow."""
    rng = random.Random(seed)
    rows = []
    for k in range(items):
        cost = rng.randint(50, 150)
        rows.append((f"i{k}", cost, cost + rng.randint(0, 1)))
    total_cost = sum(units * c for _, c, _ in rows)
    total_value = sum(units * v for _, _, v in rows)
    return {
        "form": "independent-units",
        "currency": "PTS",
        "price": str(rng.randint(total_cost, total_value)),
        "seller_forgoes": str(rng.randint(150, 400)),
        "buyer_forgoes": str(rng.randint(150, 400)),
        "items": [
            {"name": name, "units": units, "unit_cost": str(c), "unit_value": str(v)}
            for name, c, v in rows
        ],
    }


def test_plans_are_bounded_in_time_and_say_whether_proven(http: httpx.Client) -> None:
    stocks = ok(http, "/api/tools/exchange/plan", {"problem": load("stocks.json")})
    assert stocks["proven"] is True and stocks["lower_bound"] == stocks["optimum"] == 9
    # At the size caps (10 items, 10,000 units), a tight exchange: the answer comes when the
    # time limit is up, with the best plan found, safe and marked not proven.
    largest = tight_units(10, 1000, seed=1)
    start = time.perf_counter()
    data = ok(http, "/api/tools/exchange/plan", {"problem": largest, "time_limit": 1})
    assert time.perf_counter() - start < 8
    assert data["found"] is True and data["proven"] is False
    assert data["lower_bound"] < data["optimum"] == len(data["plan"]["steps"])
    verdict = ok(http, "/api/tools/exchange/check", {"problem": largest, "plan": data["plan"]})
    assert verdict["safe"] is True and verdict["counts"]["steps"] == data["optimum"]


def test_check_the_published_plan_and_a_first_unsafe_state(http: httpx.Client) -> None:
    published = load("software-published-plan.json")  # the plan is in the problem document
    for safety in ("sequential", "either-order"):
        verdict = ok(http, "/api/tools/exchange/check", {"problem": published, "safety": safety})
        assert verdict == {
            "safe": True,
            "safety": safety,
            "counts": {"steps": 5, "deliveries": 4, "payments": 4, "deliveries+payments": 8},
        }
    plan = published.pop("plan")
    plan["steps"][0]["pay"] = "6"
    plan["steps"][1]["pay"] = "8"
    body = {"problem": published, "plan": plan}
    assert ok(http, "/api/tools/exchange/check", body)["safe"] is True  # sequential
    verdict = ok(http, "/api/tools/exchange/check", {**body, "safety": "either-order"})
    unsafe = verdict["first_unsafe"]
    assert verdict["safe"] is False
    assert (unsafe["step"], unsafe["defector"], unsafe["paid"]) == (1, "seller", "6.00")
    assert unsafe["band"] == {"low": "-6.00", "high": "5.00"}
    assert "seller gains by vanishing" in unsafe["message"]


def test_bad_exchanges_are_refused_with_the_reason(http: httpx.Client) -> None:
    software, stocks = load("software.json"), load("stocks.json")

    def plan(problem: Any, **options: Any) -> httpx.Response:
        return http.post("/api/tools/exchange/plan", json={"problem": problem, **options})

    refused(plan({**software, "form": "barter"}), "problem: Input tag 'barter'")
    refused(plan({**software, "colour": "red"}), "problem.dependent.colour: unknown field")
    refused(plan({**software, "price": 22}), "price: Input should be a valid string")
    refused(plan({**software, "price": "-1"}), "price must not be negative")
    refused(plan(software, objective="speed"), "objective: Input should be")
    missing = {**software, "table": software["table"][:-1]}
    refused(plan(missing), "the table misses 1 of the 10 states")
    many = {**stocks, "items": [{**stocks["items"][0], "name": f"s{k}"} for k in range(11)]}
    refused(plan(many), "at most 10 items")
    units = {**stocks, "items": [{**stocks["items"][0], "units": 5001}] * 2}
    refused(plan(units), "10002 units in all; at most 10000")
    for bad in (0, -1, 10.5, "fast", None):
        refused(plan(stocks, time_limit=bad), "time_limit")
    infinite = json.dumps({"problem": stocks, "time_limit": 1}).replace(": 1}", ": Infinity}")
    refused(
        http.post(
            "/api/tools/exchange/plan",
            content=infinite,
            headers={"content-type": "application/json"},
        ),
        "time_limit: Input should be a finite number",
    )
    big = {**software, "items": [{"name": "a", "units": 100}, {"name": "b", "units": 100}]}
    refused(plan(big), "10201 delivery states; at most 10000")
    fine = {
        **load("dataset.json"),
        "pieces": 5000,
        "seller_cost": [[0, "0"], [2500, "350.00"], [5000, "500.00"]],
        "buyer_value": [[0, "0"], [5000, ["590.00", "610.00"]]],
    }
    refused(plan(fine), "too many delivery states", "at most 2500000 pairs")

    def check(body: Any) -> httpx.Response:
        return http.post("/api/tools/exchange/check", json=body)

    published = load("software-published-plan.json")
    refused(check({"problem": software}), "no plan to check")
    refused(check({"problem": published, "plan": published["plan"]}), "give the plan once")
    bad_step = {"steps": [{"deliver": {"floppy": 1}}]}
    refused(check({"problem": software, "plan": bad_step}), "unknown item 'floppy'")
    refused(check({"problem": software, "plan": {"steps": [{}]}}), "delivers nothing")
    # A plan may have as many steps as a planned one can (two per unit of the largest
    # independent-units exchange), so every planned plan can be checked back.
    longest = {"steps": [{"pay": "1"}] * 20_001}
    refused(check({"problem": software, "plan": longest}), "step 23 brings the payments to 23")
    longer = json.dumps(
        {"problem": software, "plan": {"steps": [{"pay": "1"}] * 20_002}}, separators=(",", ":")
    )
    response = http.post(
        "/api/tools/exchange/check", content=longer, headers={"content-type": "application/json"}
    )
    refused(response, "at most 20001 items")


# -- the credit bureau ------------------------------------------------------------------------
def test_bureau_reputation_is_the_papers_t_of_l(http: httpx.Client) -> None:
    url = "/api/tools/bureau/reputation"
    response = http.get(url, params={"C": 0.02, "L": 0.1})
    assert response.status_code == 200, response.text
    data = response.json()
    assert [round(r, 4) for r in data["fixed_points"]] == [0.8167]
    assert data["fixed_points"][0] == pytest.approx(uniform_reputation(0.02, 0.1), abs=1e-9)
    assert data == {
        "C": 0.02,
        "L": 0.1,
        "F": "uniform:0,1",
        "G": "uniform:0,1",
        "fixed_points": list(ReputationFunction(0.02).fixed_points(0.1)),
    }
    one = http.get(url, params={"L": 1}).json()  # C defaults to 0.02, as in the CLI
    assert [round(r, 4) for r in one["fixed_points"]] == [0.9608]
    normal = http.get(url, params={"C": 0.05, "L": 0.3, "G": "norm:0.4,0.1"}).json()
    expected = ReputationFunction(0.05, "uniform:0,1", "norm:0.4,0.1").fixed_points(0.3)
    assert normal["fixed_points"] == list(expected) and len(expected) == 1
    steps = http.get(url, params={"F": "piecewise:0,0;0.5,0.8;1,1", "L": 0.2}).json()
    assert steps["fixed_points"] == list(
        ReputationFunction(0.02, "piecewise:0,0;0.5,0.8;1,1").fixed_points(0.2)
    )


def test_bad_bureau_queries_are_refused_with_the_reason(http: httpx.Client) -> None:
    url = "/api/tools/bureau/reputation"

    def get(**params: Any) -> httpx.Response:
        return http.get(url, params=params)

    refused(get(C=0), "C: Input should be greater than 0")
    refused(get(L=-1), "L: Input should be greater than or equal to 0")
    refused(get(C="nan"), "C: Input should be a finite number")
    refused(get(L="inf"), "L: Input should be a finite number")
    refused(get(C=2e6), "less than or equal to 1000000")
    refused(get(F="uniform:1,0"), "lo < hi")
    refused(get(G="cauchyy:0,1"), "the scipy.stats distributions norm", "'cauchyy'")
    refused(get(F="levy_stable:1.5,0"), "piecewise cdfs")
    refused(get(F="norm:0,1e9"), "at most 1e+06 in magnitude")
    refused(get(F="piecewise:0,0;1,0.5"), "is not a cdf")
    refused(get(K=1), "K: unknown field")


# -- reputation models ------------------------------------------------------------------------
def feedback_rows() -> tuple[list[dict[str, Any]], list[str]]:
    """docs/examples/reputation/feedback.csv as JSON rows, and its attribute names."""
    records, scale = read_feedback_csv(FEEDBACK)
    assert scale is not None
    rows = [
        {
            "transaction": r.transaction,
            "rater": r.rater,
            "subject": r.subject,
            "rating": r.rating,
            "time": r.time,
            "value": r.value,
            "attributes": None if r.attributes is None else list(r.attributes),
        }
        for r in records
    ]
    return rows, list(scale.names)


@pytest.mark.parametrize("name", model_names())
def test_scores_equal_the_library_model(http: httpx.Client, name: str) -> None:
    rows, attributes = feedback_rows()
    body = {"model": name, "feedback": rows, "attributes": attributes}
    data = ok(http, "/api/tools/reputation/score", body)
    records, scale = read_feedback_csv(FEEDBACK)
    model = make_model(name, scale=scale) if name == "weighted" else make_model(name)
    model.update_many(records)
    assert data["model"] == name and data["feedback"] == len(records) == 11
    assert data["scores"] == model.scores()
    assert data["explanation"] is None and data["by"] is None and data["parameters"] == {}
    assert all(math.isfinite(v) for v in data["scores"].values())


def test_parameters_personal_views_and_explanations(http: httpx.Client) -> None:
    rows, attributes = feedback_rows()
    data = ok(
        http,
        "/api/tools/reputation/score",
        {
            "model": "coefficient",
            "parameters": {"alpha": 0.5, "mode": "decentralized"},
            "feedback": rows,
            "attributes": attributes,
            "by": "ann",
            "explain": "flo",
        },
    )
    records, _ = read_feedback_csv(FEEDBACK)
    model = make_model("coefficient", alpha=0.5, mode="decentralized")
    model.update_many(records)
    assert data["parameters"] == {"alpha": 0.5, "mode": "decentralized"} and data["by"] == "ann"
    assert data["scores"]["flo"] == model.score("flo", "ann")
    assert data["explanation"] == plain(model.explain("flo", "ann").to_json())
    trusted = ok(
        http,
        "/api/tools/reputation/score",
        {"model": "eigentrust", "parameters": {"pretrusted": ["ann", "bo"]}, "feedback": rows,
         "attributes": attributes},
    )  # fmt: skip
    eigen = make_model("eigentrust", pretrusted=["ann", "bo"])
    eigen.update_many(records)
    assert trusted["scores"] == pytest.approx(eigen.scores())
    assert sum(trusted["scores"].values()) == pytest.approx(1.0)  # shares of the market's trust
    # Without attribute scores, the attributes' names may be left out.
    bare = [{**row, "attributes": None} for row in rows]
    beta = ok(http, "/api/tools/reputation/score", {"model": "beta", "feedback": bare})
    assert beta["scores"]["bo"] == pytest.approx(0.8)  # (r + 1) / (r + s + 2), r = 3, s = 0


def test_bad_feedback_and_models_are_refused_with_the_reason(http: httpx.Client) -> None:
    rows, attributes = feedback_rows()
    url = "/api/tools/reputation/score"

    def post(**changes: Any) -> httpx.Response:
        return http.post(url, json={"feedback": rows, "attributes": attributes, **changes})

    refused(post(model="nope"), "unknown reputation model 'nope'")
    refused(post(parameters={"forget": 0.5}), "has no parameter forget; its parameters")
    refused(post(parameters={"forgetting": 2}), "forgetting must be a number in (0, 1]")
    refused(post(parameters={"scale": 1}), "attribute scale comes from")
    refused(post(parameters={"forgetting": 10**400}), "parameters.forgetting")
    refused(
        post(model="eigentrust", parameters={"max_iterations": 10**6}),
        "max_iterations is at most 10000",
    )
    refused(post(feedback=rows * 46), "feedback: List should have at most 500 items")
    first = rows[0]
    refused(post(feedback=[{**first, "rating": 2}]), "rating: Input should be less than")
    refused(post(feedback=[first, first]), "feedback[1]", "already rated transaction t1")
    stranger = {**rows[1], "rater": "zed", "subject": "ann"}
    refused(post(feedback=[first, stranger]), "feedback[1]: transaction t1 is between")
    refused(post(feedback=[{**first, "subject": "ann", "rater": "ann"}]), "cannot rate itself")
    refused(post(feedback=[{**first, "attributes": [5, 4]}]), "must have 3 scores")
    refused(post(feedback=[{**first, "attributes": [9, 4, 4]}]), "off the scale")
    refused(post(attributes=None), "feedback[0] has attribute scores")
    refused(post(feedback=[{**first, "stars": 5}]), "stars: unknown field")
    refused(post(feedback=[{**first, "rater": "a b"}]), "rater: String should match pattern")
    text = json.dumps({"feedback": [first], "attributes": attributes}).replace("[5.0", "[NaN")
    refused(
        http.post(url, content=text, headers={"content-type": "application/json"}),
        "attributes.0: Input should be a finite number",
    )
