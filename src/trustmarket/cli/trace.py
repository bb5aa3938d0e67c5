"""``trustmarket trace ITINERARY.json``: trace a mobile agent's journey from its evidence and
name the culprit host (SPEC section 6, docs/ledger.md). Exit code 0 for a clean journey, 1 when
a host is named, 2 for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trustmarket.cli.common import JsonFlag, console, print_json, reports_errors
from trustmarket.core.errors import InvalidInput
from trustmarket.core.json_input import read_json_file
from trustmarket.ledger.itinerary import Journey
from trustmarket.ledger.tracing import trace


class _FloatLiteral(float):
    """A JSON float that remembers how the file wrote it, so that an error can quote it (a
    journey has no float fields: ``1e400`` is refused as ``1e400``, not as ``inf``)."""

    text: str

    def __new__(cls, text: str) -> _FloatLiteral:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text


def load_journey(path: Path) -> Journey:
    data = read_json_file(path, "itinerary file", parse_float=_FloatLiteral)
    if not isinstance(data, dict):
        raise InvalidInput(f"{path} must hold one JSON object (a journey)")
    return Journey.from_json(data)


@reports_errors
def trace_command(
    itinerary: Annotated[Path, typer.Argument(help="A journey's evidence (docs/ledger.md).")],
    json_output: JsonFlag = False,
) -> None:
    """Trace a mobile agent's itinerary: check every signature and link, name the culprit."""
    report = trace(load_journey(itinerary))
    if json_output:
        print_json(report.to_json())
    else:
        out = console()
        verdict = "clean" if report.clean else f"culprit: [bold]{report.culprit}[/]"
        out.print(f"{verdict} ({report.fault})")
        for line in report.evidence:
            out.print(f"  - {line}")
        table = Table(title="cost of tracing")
        for column in ("hosts visited", "records fetched", "signatures checked"):
            table.add_column(column, justify="right")
        table.add_row(str(report.hops), str(report.records_fetched), str(report.signatures_checked))
        out.print(table)
    if not report.clean:
        raise typer.Exit(1)
