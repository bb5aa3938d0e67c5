"""``trustmarket bureau``: the credit bureau's reputation T(L) and the mechanisms M1 and M2
(SPEC section 4.1, docs/bureau.md).

Distributions are ``name:numbers`` (``uniform:0,1``, ``norm:0.5,0.1``); a profit-reputation
function ``h`` is ``linear:K`` (``h(r) = K r``) or ``points:r,p;r,p;...`` (piecewise linear
from r = 0 to r = 1, with h(0) = 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trustmarket.cli.common import (
    JsonFlag,
    check_output_file,
    console,
    print_json,
    reports_errors,
)
from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.bureau import (
    ProfitFunction,
    ReputationFunction,
    compare_bids,
    run_m1,
    stable_points,
)
from trustmarket.reputation.bureau.plots import plot_m1, plot_reputation, save

bureau_app = typer.Typer(
    help="The credit bureau: reputation T(L), mechanisms M1 and M2 (Wang, Khosla, Krishnan).",
    no_args_is_help=True,
)

CostOption = Annotated[float, typer.Option("--C", help="Tracing cost C > 0.")]
FOption = Annotated[
    str, typer.Option("--F", help="cdf of the customer's loss L_c, e.g. uniform:0,1.")
]
GOption = Annotated[
    str, typer.Option("--G", help="cdf of the merchant's gain V_m, e.g. uniform:0,1.")
]
HOption = Annotated[
    str, typer.Option("--h", help="Profit-reputation function: linear:K or points:r,p;r,p;...")
]
CapOption = Annotated[
    float, typer.Option("--r-max", help="Highest reputation the bureau allows, in (0, 1].")
]


def parse_profit(text: str) -> ProfitFunction:
    """``linear:K`` or ``points:r,p;r,p;...``."""
    kind, sep, rest = text.strip().partition(":")
    # The library checks the numbers (its InvalidReputation is a ValueError too, so only the
    # conversion is inside the try: its message says what is allowed).
    if sep and kind == "linear":
        try:
            slope = float(rest)
        except ValueError:
            raise InvalidReputation(f"linear:K needs a number K, got {clipped(rest)}") from None
        return ProfitFunction.linear(slope)
    if sep and kind == "points":
        try:
            pairs = [
                tuple(float(v) for v in pair.split(",")) for pair in rest.split(";") if pair.strip()
            ]
        except ValueError:
            raise InvalidReputation(
                f"points: takes r,profit pairs separated by ';', got {clipped(rest)}"
            ) from None
        return ProfitFunction.points(pairs)
    raise InvalidReputation(
        f"cannot read h {clipped(text)}: write linear:K (h(r) = K r) or points:0,0;0.5,0.2;1,1"
    )


def clipped(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (an argument can be huge)."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


@bureau_app.command("reputation")
@reports_errors
def reputation(
    cost: CostOption = 0.02,
    loss: Annotated[float, typer.Option("--L", help="The merchant's loss L_m >= 0.")] = 0.1,
    f: FOption = "uniform:0,1",
    g: GOption = "uniform:0,1",
    json_output: JsonFlag = False,
) -> None:
    """Every reputation R in [0, 1) consistent with both strategies (Theorem 1)."""
    function = ReputationFunction(cost, f, g)
    points = function.fixed_points(loss)
    if json_output:
        print_json({"C": function.cost, "L": loss, "F": f, "G": g, "fixed_points": list(points)})
        return
    table = Table(title=f"T(L) for C = {function.cost:g}, L_m = {loss:g}, F = {f}, G = {g}")
    table.add_column("fixed point R", justify="right")
    table.add_column("untraced share q = F(C / (1 - R))", justify="right")
    for point in points:
        q = float(function.F(function.cost / (1.0 - point)))
        table.add_row(f"{point:.6f}", f"{q:.6f}")
    out = console()
    out.print(table)
    if not points:
        out.print("no consistent reputation in [0, 1)")


@bureau_app.command("m1")
@reports_errors
def m1(
    h: HOption = "linear:1",
    start: Annotated[
        list[float] | None, typer.Option("--start", help="Starting reputation (repeatable).")
    ] = None,
    cost: CostOption = 0.02,
    f: FOption = "uniform:0,1",
    g: GOption = "uniform:0,1",
    r_max: CapOption = 1.0,
    json_output: JsonFlag = False,
) -> None:
    """Mechanism M1: r <- T(h(r)) from each start; every stable point with its basin."""
    function = ReputationFunction(cost, f, g)
    profit = parse_profit(h)
    points = stable_points(function, profit, r_max=r_max)
    paths = [run_m1(function, profit, s, r_max=r_max) for s in (start or [0.5])]
    if json_output:
        print_json(
            {
                "h": h,
                "C": function.cost,
                "r_max": r_max,
                "stable_points": [
                    {
                        "reputation": p.reputation,
                        "attracting": p.attracting,
                        "basin": [p.low, p.high],
                        "basin_open": [p.low_open, p.high_open],
                        "cap": p.cap,
                    }
                    for p in points
                ],
                "paths": [
                    {"start": p.path[0], "path": list(p.path), "converged": p.converged}
                    for p in paths
                ],
            }
        )
        return
    table = Table(title=f"M1 stable points, {profit!r}, C = {function.cost:g}")
    for column in ("reputation", "kind", "basin"):
        table.add_column(column)
    for p in points:
        kind = "cap (highest allowed)" if p.cap else "attracting" if p.attracting else "repelling"
        basin = (
            f"{'(' if p.low_open else '['}{p.low:.4f}, {p.high:.4f}{')' if p.high_open else ']'}"
        )
        table.add_row(f"{p.reputation:.6f}", kind, basin)
    out = console()
    out.print(table)
    for path in paths:
        shown = " -> ".join(f"{r:.4f}" for r in path.path[:12])
        more = " -> ..." if len(path.path) > 12 else ""
        out.print(f"from {path.path[0]:g}: {shown}{more} (final {path.final:.6f})")


@bureau_app.command("m2")
@reports_errors
def m2(
    h: HOption = "linear:1",
    start: Annotated[float, typer.Option("--start", help="The merchant's reputation now.")] = 0.5,
    cost: CostOption = 0.02,
    f: FOption = "uniform:0,1",
    g: GOption = "uniform:0,1",
    audit_cost: Annotated[
        float, typer.Option("--audit-cost", help="Audit cost C_a of a bid period.")
    ] = 0.01,
    periods: Annotated[int, typer.Option("--periods", help="Horizon in periods.")] = 20,
    discount: Annotated[float, typer.Option("--discount", help="Discount per period.")] = 0.9,
    r_max: CapOption = 1.0,
    json_output: JsonFlag = False,
) -> None:
    """Mechanism M2: the payoff of each bidding strategy (overbidding is punished)."""
    function = ReputationFunction(cost, f, g)
    runs = compare_bids(
        function,
        parse_profit(h),
        start,
        audit_cost=audit_cost,
        periods=periods,
        discount=discount,
        r_max=r_max,
    )
    if json_output:
        print_json(
            {
                "h": h,
                "start": start,
                "runs": [
                    {
                        "strategy": r.strategy,
                        "bid": r.bid,
                        "payoff": r.payoff,
                        "punished": r.punished,
                        "reputations": list(r.reputations),
                    }
                    for r in runs
                ],
            }
        )
        return
    table = Table(title=f"M2 from reputation {start:g}, {h}, C_a = {audit_cost:g}")
    for column in ("strategy", "bid", "punished", "reputation after", "payoff"):
        table.add_column(column)
    for r in runs:
        after = r.reputations[1] if len(r.reputations) > 1 else r.reputations[0]
        bid = "-" if r.bid is None else f"{r.bid:.4f}"
        table.add_row(
            r.strategy, bid, "yes" if r.punished else "", f"{after:.4f}", f"{r.payoff:.4f}"
        )
    console().print(table)


@bureau_app.command("plot")
@reports_errors
def plot(
    out: Annotated[Path, typer.Option("--out", help="PNG file to write.")] = Path("bureau.png"),
    cost: Annotated[
        list[float] | None, typer.Option("--C", help="Tracing cost (repeatable).")
    ] = None,
    h: Annotated[
        str | None, typer.Option("--h", help="Plot M1 paths for this h instead of T(L).")
    ] = None,
    f: FOption = "uniform:0,1",
    g: GOption = "uniform:0,1",
) -> None:
    """Write the figure of T(L) (paper figure 4) or of M1 paths (with --h) as PNG."""
    check_output_file(out, "--out")
    costs = cost or [0.02, 0.05, 0.1, 0.2]
    if h is None:
        figure = plot_reputation(costs, F=f, G=g)
    else:
        function = ReputationFunction(costs[0], f, g)
        figure = plot_m1(function, parse_profit(h), [0.05, 0.3, 0.6, 0.9])
    path = save(figure, out)
    console().print(f"wrote {path}")
