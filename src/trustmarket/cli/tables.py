"""Rich tables for auction outcomes, shared by ``demo`` and ``auction run``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table


def outcome_table(summary: dict[str, Any], title: str) -> Table:
    """Winners and payments (single-sided) or trades (double) from a run summary."""
    cur = summary["currency"]
    if summary["trades"]:
        table = Table(title=title, title_justify="left")
        for column in ("buyer", "seller", "quantity", f"unit price ({cur})"):
            table.add_column(column, justify="right" if column != "buyer" else "left")
        for t in summary["trades"]:
            table.add_row(t["buyer"], t["seller"], str(t["quantity"]), t["unit_price"])
        return table
    table = Table(title=title, title_justify="left")
    table.add_column("winner")
    table.add_column("quantity", justify="right")
    table.add_column(f"pays ({cur})", justify="right")
    for a in summary["awards"]:
        table.add_row(a["bidder"], str(a["quantity"]), a["payment"])
    if not summary["awards"]:
        table.add_row("(nobody)", "-", "-")
    return table


def bids_table(rows: Sequence[Sequence[str]], headers: Sequence[str], title: str) -> Table:
    """A plain table of bids as strings."""
    table = Table(title=title, title_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table
