"""Exchange problems and plans as JSON documents (the CLI's files; docs/safe-exchange.md).

A problem file is one object with ``form``, ``currency``, ``price``, ``seller_forgoes``,
``buyer_forgoes`` and the form's fields:

- ``"form": "independent-units"``: ``items``, a list of ``{"name", "units", "unit_cost",
  "unit_value"}``;
- ``"form": "dependent"``: ``items``, a list of ``{"name", "units"}``, and ``table``, a list of
  ``{"delivered": [units of each item, in item order], "cost", "value"}`` with one row per state;
- ``"form": "divisible"``: ``item`` (the name), ``pieces``, and the curves ``seller_cost`` and
  ``buyer_value``, lists of ``[pieces delivered, amount]`` breakpoints.

Amounts are decimal strings (``"25864.60"``); any cost or value may instead be a pair
``["low", "high"]`` of bounds. A plan is ``{"order": "deliver-first" | "pay-first", "steps":
[{"deliver": {"item name": units, ...}, "pay": "5.00"}, ...]}`` (``deliver`` lists only the
items delivered in that step; either key may be left out, not both). A file for ``check`` is a
problem file with a ``plan`` field. Unknown fields are refused, naming the allowed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustmarket.analysis.safe_exchange.amounts import Bounds, parse_amount, parse_bounds
from trustmarket.analysis.safe_exchange.checker import SafetyCheck
from trustmarket.analysis.safe_exchange.goods import (
    DependentTable,
    DivisibleItem,
    Goods,
    IndependentUnits,
    UnitItem,
)
from trustmarket.analysis.safe_exchange.plans import Plan, PlanResult, Step
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem, _currency
from trustmarket.analysis.safe_exchange.safety import Order
from trustmarket.core.errors import InvalidExchange

FORMS = ("independent-units", "dependent", "divisible")
_COMMON = ("form", "currency", "price", "seller_forgoes", "buyer_forgoes")
_FIELDS = {
    "independent-units": ("items",),
    "dependent": ("items", "table"),
    "divisible": ("item", "pieces", "seller_cost", "buyer_value"),
}


def _object(
    data: object, where: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidExchange(f"{where} must be a JSON object, got {type(data).__name__}")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise InvalidExchange(
            f"{where}: unknown field {unknown[0]!r}; allowed: {', '.join(allowed)}"
        )
    for key in required:
        if key not in data:
            raise InvalidExchange(f"{where}: missing field {key!r}")
    return dict(data)


def _list(data: object, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise InvalidExchange(f"{where} must be a JSON list, got {type(data).__name__}")
    return data


def _int(data: object, where: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise InvalidExchange(f"{where} must be a whole number, got {data!r}")
    return data


def _str(data: object, where: str) -> str:
    if not isinstance(data, str):
        raise InvalidExchange(f"{where} must be a string, got {data!r}")
    return data


def problem_from_json(data: object, allow_plan: bool = False) -> ExchangeProblem:
    """An :class:`ExchangeProblem` from a parsed JSON problem document (see the module doc).

    With ``allow_plan`` a ``plan`` field is tolerated (and left for :func:`plan_from_json`).
    """
    if not isinstance(data, Mapping):
        raise InvalidExchange(
            f"an exchange file must hold a JSON object, got {type(data).__name__}"
        )
    form = data.get("form")
    if form not in FORMS:
        raise InvalidExchange(f"unknown or missing form {form!r}; allowed: {', '.join(FORMS)}")
    fields = _COMMON + _FIELDS[form] + (("plan",) if allow_plan else ())
    doc = _object(data, "the exchange", fields, _COMMON + _FIELDS[form])
    currency = _currency(doc["currency"])
    goods: Goods
    if form == "independent-units":
        units = []
        for k, item in enumerate(_list(doc["items"], "items")):
            where = f"items[{k}]"
            it = _object(
                item,
                where,
                ("name", "units", "unit_cost", "unit_value"),
                ("name", "units", "unit_cost", "unit_value"),
            )
            name = _str(it["name"], f"{where}.name")
            units.append(
                UnitItem(
                    name,
                    _int(it["units"], f"{where}.units"),
                    parse_bounds(it["unit_cost"], currency, f"{where}.unit_cost"),
                    parse_bounds(it["unit_value"], currency, f"{where}.unit_value"),
                )
            )
        goods = IndependentUnits(tuple(units))
    elif form == "dependent":
        names: list[str] = []
        counts: list[int] = []
        for k, item in enumerate(_list(doc["items"], "items")):
            where = f"items[{k}]"
            it = _object(item, where, ("name", "units"), ("name", "units"))
            names.append(_str(it["name"], f"{where}.name"))
            counts.append(_int(it["units"], f"{where}.units"))
        table: dict[tuple[int, ...], tuple[Bounds, Bounds]] = {}
        for k, row in enumerate(_list(doc["table"], "table")):
            where = f"table[{k}]"
            r = _object(row, where, ("delivered", "cost", "value"), ("delivered", "cost", "value"))
            state = tuple(
                _int(u, f"{where}.delivered") for u in _list(r["delivered"], f"{where}.delivered")
            )
            if state in table:
                raise InvalidExchange(f"{where}: state {list(state)} is listed twice")
            table[state] = (
                parse_bounds(r["cost"], currency, f"{where}.cost"),
                parse_bounds(r["value"], currency, f"{where}.value"),
            )
        goods = DependentTable(tuple(names), tuple(counts), table)
    else:
        curves = []
        for key in ("seller_cost", "buyer_value"):
            points = []
            for k, point in enumerate(_list(doc[key], key)):
                where = f"{key}[{k}]"
                pair = _list(point, where)
                if len(pair) != 2:
                    raise InvalidExchange(f"{where} must be [pieces delivered, amount]")
                points.append(
                    (_int(pair[0], f"{where}[0]"), parse_bounds(pair[1], currency, f"{where}[1]"))
                )
            curves.append(tuple(points))
        goods = DivisibleItem(
            _str(doc["item"], "item"), _int(doc["pieces"], "pieces"), curves[0], curves[1]
        )
    return ExchangeProblem(
        goods,
        parse_amount(doc["price"], currency, "price"),
        parse_amount(doc["seller_forgoes"], currency, "seller_forgoes"),
        parse_amount(doc["buyer_forgoes"], currency, "buyer_forgoes"),
        currency,
    )


def plan_from_json(data: object, problem: ExchangeProblem) -> Plan:
    """A :class:`Plan` for ``problem`` from a parsed JSON plan document."""
    doc = _object(data, "the plan", ("order", "steps"), ("steps",))
    order = Order.coerce(doc.get("order", Order.DELIVER_FIRST.value))
    steps = []
    index = {name: i for i, name in enumerate(problem.items)}
    for k, step in enumerate(_list(doc["steps"], "plan.steps")):
        where = f"plan.steps[{k}]"
        st = _object(step, where, ("deliver", "pay"), ())
        chunk = [0] * len(problem.items)
        deliver = st.get("deliver", {})
        if not isinstance(deliver, Mapping):
            raise InvalidExchange(f"{where}.deliver must be an object {{item name: units}}")
        for name, units in deliver.items():
            if name not in index:
                raise InvalidExchange(
                    f"{where}.deliver: unknown item {name!r}; items: {', '.join(problem.items)}"
                )
            chunk[index[name]] = _int(units, f"{where}.deliver.{name}")
            if chunk[index[name]] < 0:
                raise InvalidExchange(f"{where}.deliver.{name} must not be negative")
        pay = parse_amount(st["pay"], problem.currency, f"{where}.pay") if "pay" in st else 0
        if pay == 0 and not any(chunk):
            raise InvalidExchange(f"{where} delivers nothing and pays nothing; drop it")
        steps.append(Step(tuple(chunk), pay))
    return Plan(tuple(steps), order)


def plan_to_json(plan: Plan, problem: ExchangeProblem) -> dict[str, Any]:
    """``plan`` as a JSON plan document (the form :func:`plan_from_json` reads)."""
    steps: list[dict[str, Any]] = []
    for step in plan.steps:
        entry: dict[str, Any] = {}
        if step.delivers:
            entry["deliver"] = {n: k for n, k in zip(problem.items, step.deliver, strict=True) if k}
        if step.pays:
            entry["pay"] = problem.format(step.pay)
        steps.append(entry)
    return {"order": plan.order.value, "steps": steps}


def _states_json(plan: Plan, problem: ExchangeProblem) -> list[dict[str, Any]]:
    return [
        {"delivered": dict(zip(problem.items, x, strict=True)), "paid": problem.format(p)}
        for x, p in plan.states(len(problem.items))[1:]
    ]


def result_to_json(result: PlanResult, problem: ExchangeProblem) -> dict[str, Any]:
    """A planning result: whether a plan was found, its counts, steps and states, or why not.

    ``proven`` (false only when a time limit ran out) and ``lower_bound`` say whether ``optimum``
    is proven least; a verdict of no plan is always proven."""
    out: dict[str, Any] = {
        "found": result.found,
        "objective": result.objective.value,
        "safety": result.safety.value,
        "order": result.order.value,
        "currency": problem.currency,
        "proven": result.proven,
    }
    if result.plan is None:
        out["reason"] = result.reason
        out["stuck_at"] = dict(zip(problem.items, result.stuck_at or (), strict=True))
        return out
    out["optimum"] = result.optimum
    out["lower_bound"] = result.lower_bound
    out["counts"] = result.plan.count
    out["plan"] = plan_to_json(result.plan, problem)
    out["states"] = _states_json(result.plan, problem)
    return out


def check_to_json(check: SafetyCheck, problem: ExchangeProblem) -> dict[str, Any]:
    """A check verdict: ``safe``, the counts and the first unsafe state if any."""
    out: dict[str, Any] = {
        "safe": check.safe,
        "safety": check.safety.value,
        "counts": {
            "steps": check.steps,
            "deliveries": check.deliveries,
            "payments": check.payments,
            "deliveries+payments": check.deliveries + check.payments,
        },
    }
    if check.first_unsafe is not None:
        u = check.first_unsafe
        out["first_unsafe"] = {
            "step": u.step,
            "moment": u.moment,
            "delivered": dict(zip(problem.items, u.delivered, strict=True)),
            "paid": problem.format(u.paid),
            "band": {"low": problem.format(u.band.low), "high": problem.format(u.band.high)},
            "defector": u.defector,
            "message": u.message,
        }
    return out
