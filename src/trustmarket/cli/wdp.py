"""``trustmarket wdp``: generate, solve and price combinatorial auction instances (CATS files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustmarket.cli.common import (
    JsonFlag,
    check_output_file,
    console,
    print_json,
    reports_errors,
)
from trustmarket.combinatorial import Instance, format_bid, parse_bid, solve, to_tables, vcg
from trustmarket.combinatorial.cats import read_cats, write_cats
from trustmarket.core.errors import InvalidInput

wdp_app = typer.Typer(
    help="Combinatorial auctions: instances, winner determination, Clarke-Groves prices.",
    no_args_is_help=True,
)

SolverOption = Annotated[str, typer.Option("--solver", help="search (default) or mip.")]
LimitOption = Annotated[
    float | None, typer.Option("--time-limit", help="Seconds per solve (default: none).")
]


def _read(path: Path) -> Instance:
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    return read_cats(path)


@wdp_app.command("generate")
@reports_errors
def generate_command(
    distribution: Annotated[
        str, typer.Argument(help="arbitrary, matching, paths, regions, scheduling or L1..L7.")
    ],
    goods: Annotated[int, typer.Option("--goods", help="Number of goods.")],
    bids: Annotated[int, typer.Option("--bids", help="Number of bids.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    output: Annotated[Path, typer.Option("-o", "--output", help="CATS file to write.")] = Path(
        "instance.txt"
    ),
) -> None:
    """Write a seeded CATS-style instance."""
    from trustmarket.combinatorial.generate import generate

    check_output_file(output, "--output")
    instance = generate(distribution, goods, bids, seed)
    try:
        write_cats(
            instance,
            output,
            comment=f"trustmarket wdp generate {distribution} --goods {goods} --bids {bids} "
            f"--seed {seed}",
        )
    except OSError as err:
        raise InvalidInput(f"cannot write {output}: {err.strerror or err}") from None
    typer.echo(f"wrote {output}: {len(instance.goods)} goods, {len(instance.bids)} bids")


def _solution_json(instance: Instance, data: Any) -> dict[str, Any]:
    return {
        "value": instance.format_price(data.value),
        "winners": list(data.winners),
        "status": data.status.value,
        "bound": instance.format_price(data.bound),
        "gap": data.gap,
        "seconds": round(data.seconds, 6),
        "solver": data.solver,
    }


@wdp_app.command("solve")
@reports_errors
def solve_command(
    file: Annotated[Path, typer.Argument(help="A CATS instance file.")],
    solver: SolverOption = "search",
    time_limit: LimitOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Find the winning bids of an instance."""
    instance = _read(file)
    solution = solve(instance, solver=solver, time_limit=time_limit)
    data = _solution_json(instance, solution)
    if json_output:
        print_json(data)
        return
    out = console()
    out.print(
        f"[bold]{file}[/]: {len(instance.goods)} goods, {len(instance.bids)} bids - "
        f"{data['status']} value {data['value']} in {solution.seconds:.3f} s ({solver})"
    )
    if not solution.optimal:
        out.print(f"[yellow]note:[/] stopped at the time limit, bound {data['bound']}")
    table = Table("bid", "bidder", "price", "goods", title="Winning bids")
    for bid_id in solution.winners:
        bid = instance.bid(bid_id)
        goods = " ".join(instance.goods[g].name for g, _ in bid.bundle)
        table.add_row(bid_id, bid.bidder, instance.format_price(bid.price), goods)
    out.print(table)


@wdp_app.command("vcg")
@reports_errors
def vcg_command(
    file: Annotated[Path, typer.Argument(help="A CATS instance file.")],
    solver: SolverOption = "search",
    time_limit: LimitOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Winners and Clarke-Groves payments (bidders named by their lowest bid id)."""
    instance = _read(file)
    result = vcg(instance, solver=solver, time_limit=time_limit)
    data = _solution_json(instance, result.solution)
    data["seconds"] = round(result.seconds, 6)
    data["payments"] = {b: instance.format_price(p) for b, p in result.payments.items()}
    data["incentive_compatible"] = result.incentive_compatible
    data["solves"] = result.solves
    data["notes"] = list(result.notes)
    if json_output:
        print_json(data)
        return
    out = console()
    out.print(
        f"[bold]{file}[/]: value {data['value']} ({data['status']}), {result.solves} solves "
        f"in {result.seconds:.3f} s"
    )
    table = Table("bidder", "won", "bid total", "pays", title="Clarke-Groves payments")
    for bidder, pay in result.payments.items():
        won = [w for w in result.solution.winners if instance.bid(w).bidder == bidder]
        own = result.winning_value(instance, bidder)
        table.add_row(bidder, " ".join(won), instance.format_price(own), instance.format_price(pay))
    out.print(table)
    for note in result.notes:
        out.print(f"[yellow]note:[/] {note}")


@wdp_app.command("parse")
@reports_errors
def parse_command(
    text: Annotated[str, typer.Argument(help='A bid, e.g. "({1,2}, 30) XOR ({1,3}, 25)".')],
    currency: Annotated[str, typer.Option("--currency", help="Currency of the prices.")] = "PTS",
    json_output: JsonFlag = False,
) -> None:
    """Parse a bid in the OR / XOR / OR-of-XORs syntax and show it as tables."""
    expr = parse_bid(text, currency)
    tables = to_tables(expr)
    if json_output:
        print_json(
            {"language": expr.language.value, "canonical": format_bid(expr), "tables": tables}
        )
        return
    out = console()
    # soft_wrap: the canonical form stays on one line, exactly as it parses back.
    out.print(f"[bold]{expr.language.value}[/] bid: {format_bid(expr)}", soft_wrap=True)
    for k, rows in enumerate(tables, start=1):
        table = Table("bundle", f"price ({currency})", title=f"XOR disjunct {k}")
        for row in rows:
            bundle = ", ".join(
                name if units == 1 else f"{name} x{units}" for name, units in row["bundle"].items()
            )
            table.add_row(bundle, row["price"])
        out.print(table)
