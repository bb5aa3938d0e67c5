"""``trustmarket games``: equilibria of bimatrix games and the sharing-incentive game."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from trustmarket.analysis.games import METHODS, EquilibriumSet, Game
from trustmarket.analysis.incentives import SharingGame
from trustmarket.cli.common import JsonFlag, console, print_json, reports_errors
from trustmarket.core.errors import InvalidGame
from trustmarket.core.json_input import parse_json

games_app = typer.Typer(
    help="Normal-form games: Nash equilibria, dominance, the sharing-incentive game.",
    no_args_is_help=True,
)


def _matrix(text: str, name: str) -> Any:
    # parse_float=str keeps "0.1" exact for --exact.
    try:
        return parse_json(text, f"--{name}", error=InvalidGame, parse_float=str)
    except InvalidGame as err:
        raise InvalidGame(f'{err.message}; give a list of rows, e.g. "[[3, 0], [5, 1]]"') from None


def _numbers(rows: Any, exact: bool, name: str) -> Any:
    from fractions import Fraction

    if not isinstance(rows, list):
        raise InvalidGame(f"--{name} must be a JSON list of rows, got {type(rows).__name__}")
    out = []
    for row in rows:
        if not isinstance(row, list):
            raise InvalidGame(f"--{name} must be a JSON list of rows; {row!r} is not a list")
        converted: list[object] = []
        for v in row:
            if isinstance(v, str):
                try:
                    converted.append(Fraction(v) if exact else float(v))
                except ValueError:
                    raise InvalidGame(f"--{name} entry {v!r} is not a number") from None
            else:
                converted.append(Fraction(v) if exact and isinstance(v, int) else v)
        out.append(converted)
    return out


def _show(result: EquilibriumSet, title: str) -> None:
    table = Table(title=title)
    for column in ("#", "row strategy", "column strategy", "row payoff", "column payoff"):
        table.add_column(column)
    for k, e in enumerate(result.equilibria, start=1):
        table.add_row(
            str(k),
            ", ".join(_fmt(p) for p in e.row),
            ", ".join(_fmt(p) for p in e.col),
            _fmt(e.row_payoff),
            _fmt(e.col_payoff),
        )
    out = console()
    out.print(table)
    out.print(f"degenerate: {'yes' if result.degenerate else 'no'}")
    if result.note:
        out.print(f"note: {result.note}")


def _fmt(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


@games_app.command("equilibria")
@reports_errors
def equilibria_command(
    a: Annotated[
        str, typer.Option("--A", help='Row player payoffs as JSON, e.g. "[[3,0],[5,1]]".')
    ],
    b: Annotated[str, typer.Option("--B", help="Column player payoffs as JSON, same shape.")],
    method: Annotated[
        str, typer.Option("--method", help="vertex (default), support, lemke-howson or pure.")
    ] = "vertex",
    label: Annotated[int, typer.Option("--label", help="Lemke-Howson's dropped label.")] = 0,
    exact: Annotated[bool, typer.Option("--exact", help="Exact rational arithmetic.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Nash equilibria of the bimatrix game (A, B)."""
    if method not in METHODS:
        raise InvalidGame(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    game = Game(_numbers(_matrix(a, "A"), exact, "A"), _numbers(_matrix(b, "B"), exact, "B"))
    options = {"initial_label": label} if method == "lemke-howson" else {}
    result = game.equilibria(method, **options)
    if json_output:
        print_json(result.to_json())
        return
    _show(result, f"Equilibria of a {game.shape[0]}x{game.shape[1]} game ({method})")


@games_app.command("sharing")
@reports_errors
def sharing_command(
    knowledge: Annotated[
        tuple[float, float], typer.Option("--knowledge", help="Each party's knowledge value.")
    ],
    risk: Annotated[float, typer.Option("--risk", help="Expected loss from sharing.")],
    rate: Annotated[float, typer.Option("--rate", help="Incentive per unit of knowledge.")] = 0.0,
    synergy: Annotated[float, typer.Option("--synergy", help="Extra gain when both share.")] = 0.0,
    ledger_risk: Annotated[
        float | None, typer.Option("--ledger-risk", help="Risk of sharing over the ledger.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """The sharing game (Simmons): equilibria and the least incentive rates."""
    game = SharingGame(knowledge, risk, rate, synergy, 1.0, ledger_risk)
    result = game.equilibria()
    rates = {
        "equilibrium": game.least_rate_for_equilibrium(),
        "unique": game.least_rate_for_unique(),
        "risk_dominant": game.least_rate_for_risk_dominance(),
    }
    if json_output:
        print_json({**result.to_json(), "least_rates": rates})
        return
    _show(result, "Sharing game (strategy 1 = share, 2 = withhold)")
    out = console()
    out.print(f"least rate making mutual sharing an equilibrium: {rates['equilibrium']:.6g}")
    out.print(f"... the unique equilibrium (any rate above): {rates['unique']:.6g}")
    out.print(f"... risk-dominant (any rate above): {rates['risk_dominant']:.6g}")
