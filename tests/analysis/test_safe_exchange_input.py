"""Bad input to every public entry point of safe exchange planning raises a specific error that
says what was wrong and what is allowed, before anything is computed (SPEC section 2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from trustmarket.analysis.safe_exchange import (
    Bounds,
    DependentTable,
    ExchangeProblem,
    IndependentUnits,
    Plan,
    Step,
    UnitItem,
    dependent_items_example,
    plan_exchange,
    plan_from_json,
    problem_from_json,
)
from trustmarket.analysis.safe_exchange.problem import MAX_AMOUNT
from trustmarket.core.errors import InvalidExchange, InvalidInput
from trustmarket.core.money import Money

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "exchange"
TABLE = {(0, 0): ("0", "0"), (0, 1): ("1", "2"), (1, 0): ("2", "1"), (1, 1): ("3", "4")}
MONEY = {"price": "4", "seller_forgoes": "1", "buyer_forgoes": "1", "currency": "USD"}


def table(**changes: Any) -> dict[tuple[int, ...], Any]:
    out: dict[tuple[int, ...], Any] = dict(TABLE)
    out.update(changes.get("rows", {}))
    for key in changes.get("drop", []):
        del out[key]
    return out


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"table": table(drop=[(1, 0)])}, "misses 1 of the 4 states"),
        (
            {"table": table(rows={(2, 0): ("1", "1")})},
            "units of 'a' must be a whole number from 0 to 1",
        ),
        ({"table": table(rows={(0, 0, 0): ("1", "1")})}, "each of the 2 items"),
        ({"table": table(rows={(0, 0): ("1", "0")})}, "delivering nothing"),
        ({"table": table(rows={(1, 1): ("-3", "4")})}, "must not be negative"),
        ({"table": table(rows={(1, 1): (3, "4")})}, "ambiguous amount 3"),
        ({"table": table(rows={(1, 1): (3.0, "4")})}, "floats are not accepted"),
        ({"table": table(rows={(1, 1): ("3.001", "4")})}, "USD allows at most 2"),
        ({"table": table(rows={(1, 1): (["5", "3"], "4")})}, "low end 5.00 exceeds the high end"),
        ({"table": table(rows={(1, 1): (["1", "2", "3"], "4")})}, "pair [low, high]"),
        ({"table": table(rows={(1, 1): ("3",)})}, "expected (cost, value)"),
        ({"table": [1, 2]}, "must map each state"),
        ({"items": [("a", 1), ("a", 1)]}, "'a' appears twice"),
        ({"items": [("a", 0), ("b", 1)]}, "must be at least 1"),
        ({"items": [("a", 1.5), ("b", 1)]}, "whole number of units"),
        ({"items": [("", 1), ("b", 1)]}, "non-empty string"),
        ({"items": [("a",), ("b", 1)]}, "expected (name, units)"),
        ({"price": "-1"}, "the price must not be negative"),
        ({"seller_forgoes": "-0.01"}, "what the seller forgoes (e_s) must not be negative"),
        ({"buyer_forgoes": "x"}, "malformed amount 'x'"),
        ({"currency": "XXX"}, "unknown currency 'XXX'"),
        ({"price": str(MAX_AMOUNT)}, "amounts up to"),
    ],
)
def test_dependent_constructor(kwargs: dict[str, Any], fragment: str) -> None:
    args: dict[str, Any] = {"items": [("a", 1), ("b", 1)], "table": table(), **MONEY}
    args.update(kwargs)
    with pytest.raises(InvalidExchange) as caught:
        ExchangeProblem.dependent(args.pop("items"), args.pop("table"), **args)
    assert fragment in caught.value.message


def test_missing_states_are_listed() -> None:
    rows = {x: v for x, v in TABLE.items() if x == (0, 0)}
    with pytest.raises(InvalidExchange) as caught:
        ExchangeProblem.dependent([("a", 1), ("b", 1)], rows, **MONEY)  # type: ignore[arg-type]
    assert "(0, 1), (1, 0), (1, 1)" in caught.value.message
    assert "list every state from (0, 0) to (1, 1)" in caught.value.message


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ([], "at least one item"),
        ([("a", 2, "-1", "3")], "unit cost of 'a' must not be negative"),
        ([("a", 2, "1", ["4", "3"])], "exceeds the high end"),
        ([("a", 2, "1")], "expected (name, units, unit cost, unit value)"),
        ([("a", -2, "1", "3")], "must be at least 1"),
        ([("a", True, "1", "3")], "whole number of units"),
        ([("a", 1, "1", "3"), ("a", 1, "1", "3")], "appears twice"),
        ([("a", 1, Money(5, "EUR"), "3")], "this market trades in USD"),
    ],
)
def test_independent_units_constructor(items: list[Any], fragment: str) -> None:
    with pytest.raises(InvalidExchange) as caught:
        ExchangeProblem.independent_units(items, **MONEY)
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"seller_cost": [(0, "0"), (9, "5")]}, "must run from 0 to 10 pieces"),
        ({"seller_cost": [(1, "0"), (10, "5")]}, "must run from 0 to 10 pieces"),
        ({"seller_cost": [(0, "0"), (5, "1"), (5, "2"), (10, "5")]}, "strictly increasing"),
        ({"seller_cost": [(0, "1"), (10, "5")]}, "must be 0 at 0 pieces"),
        ({"seller_cost": [(0, "0")]}, "at least two breakpoints"),
        ({"seller_cost": [(0, "0"), (10.0, "5")]}, "pieces must be a whole number"),
        ({"seller_cost": [(0, "0"), (10,)]}, "expected (pieces, amount)"),
        ({"seller_cost": "0-10"}, "list of (pieces, amount) breakpoints"),
        ({"buyer_value": [(0, "0"), (10, "-5")]}, "must not be negative"),
        ({"pieces": 0}, "pieces must be at least 1"),
        ({"pieces": 10**6}, "pieces must be at most 100000"),
        ({"name": " "}, "non-empty string"),
    ],
)
def test_divisible_constructor(kwargs: dict[str, Any], fragment: str) -> None:
    args: dict[str, Any] = {
        "name": "data",
        "pieces": 10,
        "seller_cost": [(0, "0"), (10, "5")],
        "buyer_value": [(0, "0"), (10, "8")],
        **MONEY,
    }
    args.update(kwargs)
    with pytest.raises(InvalidExchange) as caught:
        ExchangeProblem.divisible(
            args.pop("name"), args.pop("pieces"), args.pop("seller_cost"), args.pop("buyer_value"),
            **args,
        )  # fmt: skip
    assert fragment in caught.value.message


def test_dataclasses_refuse_bad_fields() -> None:
    goods = dependent_items_example().goods
    with pytest.raises(InvalidExchange, match="goods must be"):
        ExchangeProblem({"a": 1}, 1, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="the price must be an int of minor units"):
        ExchangeProblem(goods, 1.5, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match=r"what the buyer forgoes \(e_d\) must not be"):
        ExchangeProblem(goods, 1, 0, -1)
    with pytest.raises(InvalidExchange, match=r"bounds \[3, 2\] are empty"):
        Bounds(3, 2)
    with pytest.raises(InvalidExchange, match="integer minor units"):
        Bounds(1, 2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="must be Bounds"):
        UnitItem("a", 1, 5, Bounds(1, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="items must be UnitItem"):
        IndependentUnits(("a",))  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="one unit count per item"):
        DependentTable(("a", "b"), (1,), {})
    with pytest.raises(InvalidExchange, match="at most 1000000 states"):
        DependentTable(("a", "b"), (1000, 1000), {})


def test_band_refuses_states_outside_the_exchange() -> None:
    problem = dependent_items_example()
    with pytest.raises(InvalidExchange, match="each of the 2 items"):
        problem.band((1,))
    with pytest.raises(
        InvalidExchange, match="units of 'package' must be a whole number from 0 to 4"
    ):
        problem.band((0, 5))
    with pytest.raises(InvalidExchange, match="from 0 to 1"):
        problem.band((-1, 0))
    assert problem.band([0, 2]) == problem.band((0, 2))


def test_plan_refuses_unknown_options() -> None:
    problem = dependent_items_example()
    with pytest.raises(InvalidExchange, match="unknown objective 'chunks'; allowed: deliveries"):
        problem.plan("chunks")
    with pytest.raises(InvalidExchange, match="unknown safety 'paper'; allowed: sequential"):
        problem.plan("steps", "paper")
    with pytest.raises(InvalidExchange, match="unknown order 'both'; allowed: deliver-first"):
        problem.plan("steps", "sequential", "both")
    with pytest.raises(InvalidExchange, match="unknown engine 'mip'"):
        plan_exchange(problem, engine="mip")
    with pytest.raises(InvalidExchange, match="plans independent units only"):
        plan_exchange(problem, engine="integer-program")
    with pytest.raises(InvalidExchange, match="expected an ExchangeProblem"):
        plan_exchange("software.json")  # type: ignore[arg-type]


def test_lattice_size_limit_is_explained() -> None:
    problem = ExchangeProblem.independent_units(
        [("a", 300, "1", "2"), ("b", 300, "1", "2")], **MONEY
    )
    with pytest.raises(InvalidExchange, match=r"too many delivery states .* independent-units"):
        plan_exchange(problem, engine="lattice")


@pytest.mark.parametrize(
    ("step", "fragment"),
    [
        (lambda: Step((0, 0), 0), "must deliver something, pay something, or both"),
        (lambda: Step((0, -1), 5), "non-negative unit counts"),
        (lambda: Step((0, 1), -5), "non-negative whole number of minor units"),
        (lambda: Step([0, 1], 5), "tuple"),  # type: ignore[arg-type]
        (lambda: Step((0, 1), True), "whole number of minor units"),
    ],
)
def test_steps_refuse_bad_values(step: Any, fragment: str) -> None:
    with pytest.raises(InvalidExchange, match=fragment):
        step()


def test_plans_refuse_bad_steps_and_orders() -> None:
    with pytest.raises(InvalidExchange, match="a plan's steps must be a tuple of Step"):
        Plan(((0, 1),))  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="unknown order 'sideways'; allowed: deliver-first"):
        Plan((Step((1, 4), 2200),), "sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidExchange, match="must end with everything delivered"):
        dependent_items_example().check(Plan(()))


def _doc(name: str) -> dict[str, Any]:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _mutate(doc: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("name", "path", "value", "fragment"),
    [
        ("software.json", ["form"], "table", "unknown or missing form 'table'; allowed:"),
        ("software.json", ["price"], KeyError, "missing field 'price'"),
        ("software.json", ["colour"], "red", "unknown field 'colour'; allowed: form, currency"),
        ("software.json", ["plan"], {}, "unknown field 'plan'"),
        ("software.json", ["price"], 22, "ambiguous amount 22"),
        ("software.json", ["items"], {"plug-in": 1}, "items must be a JSON list"),
        ("software.json", ["items", 0, "units"], "1", "items[0].units must be a whole number"),
        ("software.json", ["table", 3], {"delivered": [0, 1], "cost": "5", "value": "3"},
         "table[3]: state [0, 1] is listed twice"),
        ("software.json", ["table", 9, "delivered"], [1, 5], "from 0 to 4"),
        ("software.json", ["table", 2, "cost"], "-9", "table[2].cost must not be negative"),
        ("software.json", ["table", 2], {"delivered": [0, 2], "cost": "9"},
         "missing field 'value'"),
        ("stocks.json", ["items", 1, "unit_value"], ["110", "109.90"], "items[1].unit_value"),
        ("stocks.json", ["items", 1, "name"], 7, "items[1].name must be a string"),
        ("stocks.json", ["seller_forgoes"], "-1000", "seller_forgoes must not be negative"),
        ("stocks.json", ["currency"], "DOLLARS", "unknown currency 'DOLLARS'"),
        ("dataset.json", ["pieces"], "100", "pieces must be a whole number"),
        ("dataset.json", ["buyer_value", 1], [100], "buyer_value[1] must be [pieces delivered"),
        ("dataset.json", ["seller_cost", 2, 0], 99, "must run from 0 to 100 pieces"),
    ],
)  # fmt: skip
def test_problem_files(name: str, path: list[Any], value: Any, fragment: str) -> None:
    problem_from_json(_doc(name))  # the file itself is fine
    with pytest.raises(InvalidExchange) as caught:
        problem_from_json(_mutate(_doc(name), path, value))
    assert fragment in caught.value.message


def test_problem_file_must_be_an_object() -> None:
    with pytest.raises(InvalidExchange, match="must hold a JSON object, got list"):
        problem_from_json([1, 2])


@pytest.mark.parametrize(
    ("plan", "fragment"),
    [
        ({"steps": [{"deliver": {"disk": 1}, "pay": "5"}]}, "unknown item 'disk'; items: plug-in"),
        ({"steps": [{"deliver": {"package": -1}, "pay": "5"}]}, "must not be negative"),
        ({"steps": [{"deliver": {"package": "2"}}]}, "deliver.package must be a whole number"),
        ({"steps": [{"deliver": [0, 2]}]}, "deliver must be an object"),
        ({"steps": [{}]}, "delivers nothing and pays nothing"),
        ({"steps": [{"pay": 5}]}, "ambiguous amount 5"),
        ({"steps": [{"give": "5"}]}, "unknown field 'give'; allowed: deliver, pay"),
        ({"order": "last", "steps": []}, "unknown order 'last'"),
        ({"steps": "all at once"}, "plan.steps must be a JSON list"),
        ({"order": "deliver-first"}, "missing field 'steps'"),
        ("pay later", "the plan must be a JSON object"),
    ],
)
def test_plan_documents(plan: Any, fragment: str) -> None:
    problem = dependent_items_example()
    with pytest.raises(InvalidExchange) as caught:
        plan_from_json(plan, problem)
    assert fragment in caught.value.message


def test_every_error_is_invalid_input() -> None:
    # The service maps InvalidInput to 4xx; InvalidExchange is one.
    assert issubclass(InvalidExchange, InvalidInput)
    assert InvalidExchange.code == "invalid_exchange"


def test_published_plan_file_round_trips() -> None:
    doc = _doc("software-published-plan.json")
    problem = problem_from_json(doc, allow_plan=True)
    plan = plan_from_json(doc["plan"], problem)
    assert plan == Plan(
        (Step((0, 2), 500), Step((0, 1), 900), Step((0, 1), 400), Step((0, 0), 400),
         Step((1, 0), 0))
    )  # fmt: skip
