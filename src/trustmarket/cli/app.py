"""The ``trustmarket`` command line: demo, advise, auction run, auction mechanisms.

Every command prints rich tables for people and, with ``--json``, one JSON document for
scripts. Bad input ends with a one-line ``error: ...`` on stderr and exit code 2, and changes
nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from trustmarket import __version__
from trustmarket.auctions.advisor import Setting, advise, check_choice
from trustmarket.auctions.registry import MECHANISMS
from trustmarket.auctions.scenario import load_scenario, run_scenario
from trustmarket.cli.bureau import bureau_app
from trustmarket.cli.common import (
    JsonFlag,
    OneLineErrorGroup,
    console,
    print_json,
    reports_errors,
)
from trustmarket.cli.contract import contract_app
from trustmarket.cli.demo import build_demo
from trustmarket.cli.exchange_plan import exchange_app
from trustmarket.cli.games import games_app
from trustmarket.cli.ledger import ledger_app
from trustmarket.cli.reputation import reputation_app
from trustmarket.cli.serve import serve_command
from trustmarket.cli.sharing import sharing_app
from trustmarket.cli.sim import sim_app
from trustmarket.cli.tables import bids_table, outcome_table
from trustmarket.cli.trace import trace_command
from trustmarket.cli.wdp import wdp_app
from trustmarket.core.errors import InvalidInput

app = typer.Typer(
    name="trustmarket",
    help="Trustworthy agent-mediated electronic markets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrorGroup,
)
auction_app = typer.Typer(help="Run auctions from scenario files.", no_args_is_help=True)
app.add_typer(auction_app, name="auction")
app.add_typer(wdp_app, name="wdp")
app.add_typer(games_app, name="games")
app.add_typer(exchange_app, name="exchange")
app.add_typer(contract_app, name="contract")
app.add_typer(reputation_app, name="reputation")
app.add_typer(bureau_app, name="bureau")
app.command("trace")(trace_command)
app.add_typer(sharing_app, name="sharing")
app.add_typer(ledger_app, name="ledger")
app.add_typer(sim_app, name="sim")
app.command("serve")(serve_command)


@app.command()
@reports_errors
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the demo market.", min=0)] = 7,
    json_output: JsonFlag = False,
) -> None:
    """A guided tour: every auction type on a small seeded market."""
    sections = build_demo(seed)
    if json_output:
        print_json({"seed": seed, "sections": [asdict(s) for s in sections]})
        return
    out = console()
    out.rule(f"[bold]trustmarket {__version__}: the auction house tour[/] (seed {seed})")
    for section in sections:
        out.print()
        out.rule(f"[bold]{section.title}[/]", align="left")
        out.print(section.explanation)
        out.print(bids_table(section.bids, section.headers, "Bids"))
        out.print(outcome_table(section.summary, "Outcome"))
        for note in section.summary["notes"]:
            out.print(f"[yellow]note:[/] {note}")
    out.print()
    out.print(
        "Run your own: [bold]trustmarket auction run SCENARIO.json[/] (see docs/scenarios.md); "
        "which auction fits: [bold]trustmarket advise --sides single --goods units[/]."
    )


@app.command("advise")
@reports_errors
def advise_command(
    sides: Annotated[str, typer.Option(help="single (one seller) or double (buyers and sellers).")],
    goods: Annotated[str, typer.Option(help="unit, units, items or items-units.")],
    divisible: Annotated[bool, typer.Option(help="Units can be split.")] = False,
    bid_type: Annotated[
        str | None, typer.Option(help="Check this bid type (with --pricing).")
    ] = None,
    pricing: Annotated[str | None, typer.Option(help="Check this pricing rule.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Which bid types and pricing rules fit a market setting, and why (SPEC 3.1)."""
    setting = Setting(sides=sides, goods=goods, divisible=divisible)
    if (bid_type is None) != (pricing is None):
        # One line on stderr and exit code 2, like every other bad input (docs/cli.md).
        raise InvalidInput("give --bid-type and --pricing together, or neither")
    advice = (
        check_choice(setting, bid_type, pricing)
        if bid_type is not None and pricing is not None
        else advise(setting)
    )
    if json_output:
        data = asdict(advice)
        if bid_type is not None:
            data["checked"] = {"bid_type": bid_type, "pricing": pricing, "valid": True}
        print_json(data)
        return
    out = console()
    out.print(f"[bold]{sides}-sided market, goods: {goods}[/]")
    out.print(
        bids_table(
            [(c.name, c.reason) for c in advice.bid_types], ("bid type", "why"), "Valid bid types"
        )
    )
    out.print(
        bids_table(
            [(c.name, "yes" if c.incentive_compatible else "no", c.reason) for c in advice.pricing],
            ("pricing", "incentive compatible", "why"),
            "Valid pricing rules",
        )
    )
    if advice.refused:
        out.print(
            bids_table(
                [(r.bid_type, r.pricing or "any", r.reason) for r in advice.refused],
                ("bid type", "pricing", "refused because"),
                "Refused combinations",
            )
        )
    out.print("Engines: " + (", ".join(advice.mechanisms) or "none in trustmarket.auctions"))
    for note in advice.notes:
        out.print(f"[yellow]note:[/] {note}")
    if bid_type is not None:
        out.print(f"[green]valid:[/] {bid_type} bids with {pricing} pricing")


@auction_app.command("run")
@reports_errors
def run_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario JSON file (docs/scenarios.md).")],
    keep_going: Annotated[
        bool, typer.Option(help="Record rejected events and continue instead of stopping.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Run a scenario file and print winners, quantities and payments."""
    try:
        text = scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"error: cannot read scenario {str(scenario)!r}: {exc}", err=True)
        raise typer.Exit(2) from None
    report = run_scenario(load_scenario(text), keep_going=keep_going)
    summary = report.summary()
    if json_output:
        print_json(summary)
        return
    out = console()
    out.print(
        f"[bold]{report.engine.info.title}[/] {summary['auction_id']!r}: {summary['status']}"
        + (f" ({summary['close_reason']})" if summary["close_reason"] else "")
        + f", {summary['events_applied']} events applied"
    )
    title = "Outcome" if summary["final"] else "Provisional outcome (not closed yet)"
    out.print(outcome_table(summary, title))
    for note in summary["notes"]:
        out.print(f"[yellow]note:[/] {note}")
    for name, owed in summary["penalties"].items():
        out.print(f"penalty: {name} owes {owed} {summary['currency']}")
    for rejected in summary["rejected"]:
        out.print(f"[red]rejected[/] event {rejected['id']}: {rejected['message']}")


@auction_app.command("mechanisms")
def mechanisms_command(json_output: JsonFlag = False) -> None:
    """List the auction mechanisms and their properties."""
    rows = [asdict(cls.info) for cls in MECHANISMS.values()]
    if json_output:
        print_json(rows)
        return
    console().print(
        bids_table(
            [
                (
                    r["name"],
                    r["sides"],
                    r["goods"],
                    r["pricing"],
                    "yes" if r["incentive_compatible"] else "no",
                )
                for r in rows
            ],
            ("mechanism", "sides", "goods", "pricing", "incentive compatible"),
            "Auction mechanisms",
        )
    )


def main() -> None:
    """Entry point of the ``trustmarket`` script."""
    app()
