"""``trustmarket exchange``: plan and check safe exchanges (eExchangeHouse; docs/safe-exchange.md).

``plan FILE.json`` prints an optimal safe plan (exit code 0) or why none exists (exit code 1);
with ``--time-limit SECONDS`` it prints the best plan found when the time runs out, marked not
proven optimal (JSON: ``"proven": false`` and ``"lower_bound"``), still with exit code 0;
``check FILE.json`` reads a problem file with a ``plan`` field and says whether the plan is safe
(exit code 0) or where it first fails (exit code 1). Bad input: one ``error: ...`` line, exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustmarket.analysis.safe_exchange import (
    ExchangeProblem,
    Plan,
    check_to_json,
    plan_from_json,
    problem_from_json,
    result_to_json,
)
from trustmarket.cli.common import JsonFlag, console, print_json, reports_errors
from trustmarket.core.errors import InvalidExchange, InvalidInput
from trustmarket.core.json_input import read_json_file

exchange_app = typer.Typer(
    help="Safe exchange planning: deliver and pay in chunks so neither side gains by vanishing.",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path, typer.Argument(help="An exchange JSON file (docs/safe-exchange.md).")
]
SafetyOption = Annotated[
    str,
    typer.Option(
        "--safety",
        help="sequential (each step in its stated order) or either-order (the paper's counts).",
    ),
]
OrderOption = Annotated[
    str, typer.Option("--order", help="deliver-first or pay-first (sequential safety).")
]


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    data = read_json_file(path, "exchange file", error=InvalidExchange)
    if not isinstance(data, dict):
        raise InvalidExchange(f"{path} must hold a JSON object, got {type(data).__name__}")
    return data


def _header(problem: ExchangeProblem) -> str:
    f = problem.format
    goods = ", ".join(f"{n} x{k}" for n, k in zip(problem.items, problem.counts, strict=True))
    return (
        f"[bold]{problem.goods.form}[/] exchange of {goods}: price {f(problem.price)} "
        f"{problem.currency}, seller forgoes {f(problem.seller_forgoes)}, buyer forgoes "
        f"{f(problem.buyer_forgoes)}"
    )


def _steps_table(problem: ExchangeProblem, plan: Plan, title: str) -> Table:
    table = Table(
        "step", "deliver", "pay", "delivered so far", "paid so far", "safe band", title=title
    )
    states = plan.states(len(problem.items))
    for k, (step, (x, p)) in enumerate(zip(plan.steps, states[1:], strict=True), start=1):
        band = problem.band(x)
        table.add_row(
            str(k),
            problem.describe(step.deliver) if step.delivers else "-",
            problem.format(step.pay) if step.pays else "-",
            problem.describe(x),
            problem.format(p),
            f"{problem.format(band.low)} .. {problem.format(band.high)}",
        )
    return table


@exchange_app.command("plan")
@reports_errors
def plan_command(
    file: FileArgument,
    objective: Annotated[
        str,
        typer.Option(
            "--objective", help="steps (default), deliveries, payments or deliveries+payments."
        ),
    ] = "steps",
    safety: SafetyOption = "sequential",
    order: OrderOption = "deliver-first",
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            metavar="SECONDS",
            help="Stop the integer programs (independent units) after this many seconds and "
            "print the best plan found, marked not proven optimal.",
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """An optimal safe plan for an exchange file, or why none exists (exit code 1)."""
    problem = problem_from_json(_read(file), allow_plan=True)
    result = problem.plan(objective, safety, order, time_limit=time_limit)
    if json_output:
        print_json(result_to_json(result, problem))
    else:
        out = console()
        out.print(_header(problem))
        if result.plan is None:
            out.print(f"[red]{result.reason}[/]")
        else:
            c = result.plan.count
            verdict = (
                "Optimal"
                if result.proven
                else f"Best found in {time_limit:g} s (not proven optimal; no plan has fewer "
                f"than {result.lower_bound} {result.objective.value})"
            )
            out.print(
                f"{verdict} for fewest {result.objective.value} ({result.safety.value} safety, "
                f"{result.order.value}): {c['steps']} steps, {c['deliveries']} deliveries, "
                f"{c['payments']} payments"
            )
            out.print(_steps_table(problem, result.plan, "Safe exchange plan"))
    if result.plan is None:
        raise typer.Exit(1)


@exchange_app.command("check")
@reports_errors
def check_command(
    file: FileArgument,
    safety: SafetyOption = "sequential",
    json_output: JsonFlag = False,
) -> None:
    """Whether the plan in an exchange file is safe, or its first unsafe state (exit code 1)."""
    data = _read(file)
    problem = problem_from_json(data, allow_plan=True)
    if "plan" not in data:
        raise InvalidExchange(
            f'{file} has no \'plan\' field; add {{"plan": {{"order": ..., "steps": [...]}}}} '
            "to check a plan (docs/safe-exchange.md)"
        )
    plan = plan_from_json(data["plan"], problem)
    verdict = problem.check(plan, safety)
    if json_output:
        print_json(check_to_json(verdict, problem))
    else:
        out = console()
        out.print(_header(problem))
        title = f"Plan ({plan.order.value}), checked with {verdict.safety.value} safety"
        out.print(_steps_table(problem, plan, title))
        if verdict.first_unsafe is None:
            out.print(
                f"[green]safe[/]: {verdict.steps} steps, {verdict.deliveries} deliveries, "
                f"{verdict.payments} payments"
            )
        else:
            out.print(f"[red]unsafe[/]: {verdict.first_unsafe.message}")
    if not verdict.safe:
        raise typer.Exit(1)
