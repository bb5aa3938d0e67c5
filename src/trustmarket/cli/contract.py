"""``trustmarket contract``: leveled commitment contracts (eCommitter, SPEC section 5).

``equilibria`` lists every Nash equilibrium of a given contract under each decommitting
mechanism; ``optimize`` finds the optimal and the fair contracts and compares them with full
commitment. A distribution is given as text (docs/contracts.md):

- a piecewise-linear pdf as ``x:density`` pairs, e.g. ``"0:0 4:0.125 8:0.125 12:0"`` (commas or
  spaces between pairs; ``--normalize`` rescales the densities to integrate to 1);
- a scipy.stats continuous distribution as a call, e.g. ``"norm(6, 1.5)"`` or
  ``"uniform(loc=2, scale=10)"`` (numbers only; nothing is evaluated).
"""

from __future__ import annotations

import ast
import math
import re
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Distribution,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
    as_mechanism,
)
from trustmarket.cli.common import JsonFlag, console, print_json, reports_errors
from trustmarket.core.errors import InvalidDistribution

contract_app = typer.Typer(
    help="Leveled commitment contracts: equilibria, optimal and fair contracts (eCommitter).",
    no_args_is_help=True,
)

ContractorOption = Annotated[
    str,
    typer.Option(
        "--contractor",
        help="pdf of the contractor's outside offer: 'x:d x:d ...' or a scipy call 'norm(6, 1)'.",
    ),
]
ContracteeOption = Annotated[
    str, typer.Option("--contractee", help="pdf of the contractee's outside offer (same format).")
]
MechanismOption = Annotated[
    str,
    typer.Option(
        "--mechanism",
        help="all (default), sequential-contractee-first, sequential-contractor-first, "
        "simultaneous-both-pay or simultaneous-neither-pays.",
    ),
]
NormalizeOption = Annotated[
    bool,
    typer.Option("--normalize", help="Rescale piecewise-linear densities to integrate to 1."),
]

_PAIR = re.compile(r"^\s*([^:\s,]+)\s*:\s*([^:\s,]+)\s*$")
#: ``name(arguments)`` with no parentheses inside: the arguments are plain numbers.
_CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*\([^()]*\)$")

#: The longest distribution text, the most ``x:density`` pairs of a pdf, the longest scipy call
#: and its most arguments. Bounded so that no text can exhaust the parser (a call nesting
#: thousands of signs made Python's parser raise MemoryError) or memory.
MAX_TEXT = 1_000_000
MAX_PAIRS = 20_000
MAX_CALL = 1000
MAX_ARGUMENTS = 10
#: scipy.stats families whose table of quantiles took over 15 s to build (every family with
#: scipy's example parameters, timed on the project machine): refused rather than left to hang.
TOO_SLOW = frozenset({"ksone", "kstwo", "levy_stable", "studentized_range"})


def _shown(text: str) -> str:
    """``text`` for an error message: quoted, cut to 60 characters."""
    return repr(text) if len(text) <= 60 else f"{text[:57]!r}... ({len(text)} characters)"


def parse_distribution(text: str, *, normalize: bool = False) -> Distribution:
    """A distribution from its command-line text (module docstring): at most
    :data:`MAX_TEXT` characters; a pdf of at most :data:`MAX_PAIRS` pairs, or a scipy call of
    at most :data:`MAX_CALL` characters and :data:`MAX_ARGUMENTS` plain-number arguments.

    Raises
    ------
    InvalidDistribution
        The text is neither ``x:density`` pairs nor a call of a continuous scipy.stats
        distribution with numeric arguments, is longer than the limits above, or the
        distribution itself is invalid.
    """
    if not isinstance(text, str):
        raise InvalidDistribution(f"a distribution is given as text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise InvalidDistribution(
            f"a distribution's text has at most {MAX_TEXT:,} characters; got {len(text):,}"
        )
    text = text.strip()
    if "(" in text:
        return _scipy_distribution(text)
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if len(tokens) > MAX_PAIRS:
        raise InvalidDistribution(
            f"a piecewise-linear pdf has at most {MAX_PAIRS:,} x:density pairs; got {len(tokens):,}"
        )
    pairs: list[tuple[float, float]] = []
    for token in tokens:
        match = _PAIR.match(token)
        if match is None:
            raise InvalidDistribution(
                f"cannot read {_shown(token)}: a piecewise-linear pdf is 'x:density' pairs such "
                "as '0:0 5:0.2 10:0', a scipy distribution a call such as 'norm(6, 1.5)'"
            )
        try:
            pairs.append((float(match.group(1)), float(match.group(2))))
        except ValueError:
            raise InvalidDistribution(
                f"{_shown(token)} is not a pair of numbers x:density"
            ) from None
    if normalize:
        return PiecewiseLinear.normalized(pairs)
    try:
        return PiecewiseLinear(pairs)
    except InvalidDistribution as exc:
        if "integrates to" not in exc.message:
            raise
        integral = exc.message.split(",")[0]
        raise InvalidDistribution(
            f"{integral} (allowed error 1e-09); pass --normalize to rescale the densities"
        ) from None


def _number(node: ast.expr, text: str) -> float:
    value = node
    sign = 1.0
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub | ast.UAdd):
        sign = -1.0 if isinstance(value.op, ast.USub) else 1.0
        value = value.operand
    if (
        isinstance(value, ast.Constant)
        and isinstance(value.value, int | float)
        and not isinstance(value.value, bool)
    ):
        try:
            number = sign * float(value.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise InvalidDistribution(
                f"the arguments of {_shown(text)} must be finite numbers (at most about 1.8e308 "
                "in magnitude)"
            )
        return number
    raise InvalidDistribution(f"the arguments of {_shown(text)} must be plain numbers")


def _scipy_distribution(text: str) -> Distribution:
    from scipy import stats

    example = "write e.g. 'norm(6, 1.5)': a name and plain numbers in parentheses"
    if len(text) > MAX_CALL:
        raise InvalidDistribution(
            f"a scipy distribution call has at most {MAX_CALL} characters; got {len(text):,}"
        )
    if _CALL.match(text) is None:
        raise InvalidDistribution(f"cannot read {_shown(text)}; {example}")
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        raise InvalidDistribution(f"cannot read {_shown(text)}; {example}") from None
    if not isinstance(tree, ast.Call) or not isinstance(tree.func, ast.Name):
        raise InvalidDistribution(f"cannot read {_shown(text)}; {example}")
    if len(tree.args) + len(tree.keywords) > MAX_ARGUMENTS:
        raise InvalidDistribution(
            f"{_shown(text)} has {len(tree.args) + len(tree.keywords)} arguments; a scipy "
            f"distribution takes at most {MAX_ARGUMENTS} (its shapes, loc and scale)"
        )
    name = tree.func.id
    if name in TOO_SLOW:
        raise InvalidDistribution(
            f"{name}'s quantiles are computed by numerical inversion too slow to tabulate (over "
            "15 s, or minutes); give its shape as piecewise-linear 'x:density' points instead"
        )
    family = getattr(stats, name, None)
    if not isinstance(family, stats.rv_continuous):
        raise InvalidDistribution(
            f"{name!r} is not a continuous scipy.stats distribution (e.g. norm, uniform, "
            "triang, expon, beta, lognorm)"
        )
    args = [_number(a, text) for a in tree.args]
    kwargs: dict[str, float] = {}
    for kw in tree.keywords:
        if kw.arg is None:
            raise InvalidDistribution(f"the arguments of {_shown(text)} must be plain numbers")
        kwargs[kw.arg] = _number(kw.value, text)
    try:
        frozen: Any = family(*args, **kwargs)
        valid = not np.isnan(frozen.support()).any()  # scipy's mark of invalid parameters
    except (TypeError, ValueError) as exc:
        raise InvalidDistribution(f"cannot build {_shown(text)}: {exc}") from None
    if not valid:
        raise InvalidDistribution(
            f"{_shown(text)} has parameters outside the distribution's domain"
        )
    return ScipyDistribution(frozen)


def _game(contractor: str, contractee: str, normalize: bool) -> CommitmentGame:
    return CommitmentGame(
        parse_distribution(contractor, normalize=normalize),
        parse_distribution(contractee, normalize=normalize),
    )


def _mechanisms(value: str) -> list[Mechanism]:
    if value.strip().lower() == "all":
        return list(Mechanism)
    return [as_mechanism(value)]


_SHORT = {
    Mechanism.SEQUENTIAL_CONTRACTEE_FIRST: "contractee first",
    Mechanism.SEQUENTIAL_CONTRACTOR_FIRST: "contractor first",
    Mechanism.SIMULTANEOUS_BOTH_PAY: "both pay",
    Mechanism.SIMULTANEOUS_NEITHER_PAYS: "neither pays",
}


def _fmt(x: float | None, digits: int = 4) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _threshold(x: float) -> str:
    return "never decommits" if math.isinf(x) else f"{x:.4f}"


@contract_app.command("equilibria")
@reports_errors
def equilibria_command(
    contractor: ContractorOption,
    contractee: ContracteeOption,
    rho: Annotated[float, typer.Option("--rho", help="Contract price.")],
    a: Annotated[float, typer.Option("--a", help="Contractor's decommitment penalty (>= 0).")],
    b: Annotated[float, typer.Option("--b", help="Contractee's decommitment penalty (>= 0).")],
    mechanism: MechanismOption = "all",
    normalize: NormalizeOption = False,
    json_output: JsonFlag = False,
) -> None:
    """Every Nash equilibrium of a contract (rho, a, b), with both expected payoffs."""
    game = _game(contractor, contractee, normalize)
    contract = Contract(rho, a, b)
    mechanisms = _mechanisms(mechanism)
    results = [game.equilibria(contract, m) for m in mechanisms]
    quo_a, quo_b = game.status_quo
    if json_output:
        print_json(
            {
                "contractor": repr(game.f),
                "contractee": repr(game.g),
                "contract": {"rho": contract.rho, "a": contract.a, "b": contract.b},
                "status_quo": {"contractor": quo_a, "contractee": quo_b},
                "mechanisms": [r.as_dict() for r in results],
            }
        )
        return
    out = console()
    out.print(
        f"[bold]Contract[/] rho = {contract.rho:g}, a = {contract.a:g}, b = {contract.b:g}; "
        f"status quo: contractor {quo_a:.4f}, contractee {quo_b:.4f}"
    )
    for found in results:
        count = f"{len(found)} equilibri{'um' if len(found) == 1 else 'a'}"
        table = Table(
            "a*",
            "b*",
            "p_a",
            "p_b",
            "contractor",
            "contractee",
            "gain",
            title=f"{found.mechanism.value}: {count} (expected payoffs)",
        )
        for eq in found:
            table.add_row(
                _threshold(eq.a_star),
                _threshold(eq.b_star),
                _fmt(eq.p_a),
                _fmt(eq.p_b),
                _fmt(eq.contractor_payoff),
                _fmt(eq.contractee_payoff),
                _fmt(eq.gain),
            )
        out.print(table)
        for low, high in found.continua:
            out.print(
                f"[yellow]note:[/] a continuum of equilibria for p_a in "
                f"[{low.p_a:.4f}, {high.p_a:.4f}] (its ends are listed)"
            )


@contract_app.command("optimize")
@reports_errors
def optimize_command(
    contractor: ContractorOption,
    contractee: ContracteeOption,
    mechanism: MechanismOption = "all",
    normalize: NormalizeOption = False,
    json_output: JsonFlag = False,
) -> None:
    """Optimal and fair contracts per mechanism, against the best full-commitment contract."""
    game = _game(contractor, contractee, normalize)
    mechanisms = _mechanisms(mechanism)
    results = [game.optimal_contract(m) for m in mechanisms]
    full = game.full_commitment()
    quo_a, quo_b = game.status_quo
    if json_output:
        print_json(
            {
                "contractor": repr(game.f),
                "contractee": repr(game.g),
                "status_quo": {"contractor": quo_a, "contractee": quo_b},
                "full_commitment": {
                    "gain": full.gain,
                    "prices": None if full.prices is None else list(full.prices),
                },
                "mechanisms": [r.as_dict() for r in results],
            }
        )
        return
    out = console()
    opt = game.optimum
    out.print(
        f"[bold]Largest expected benefit[/] {opt.gain:.4f} at thresholds a* = {opt.a_star:.4f}, "
        f"b* = {opt.b_star:.4f} (p_a = {opt.p_a:.4f}, p_b = {opt.p_b:.4f})"
    )
    if full.prices is None:
        out.print(
            f"Full commitment: benefit {full.gain:.4f} < 0, no price is good for both "
            "(no full-commitment contract)"
        )
    else:
        out.print(
            f"Full commitment: benefit {full.gain:.4f} at any price in "
            f"[{full.prices[0]:.4f}, {full.prices[1]:.4f}]"
        )
    if not opt.beneficial:
        out.print("[yellow]note:[/] no leveled commitment contract beats the status quo")
        return
    table = Table(
        "",
        *(_SHORT[r.mechanism] for r in results),
        title=f"Fair optimal contracts (benefit {opt.gain:.4f}; leveled - full commitment = "
        f"{opt.gain - max(0.0, full.gain):.4f})",
    )
    fair = [r.fair for r in results if r.fair is not None]
    ranges = [r.prices for r in results if r.prices is not None]
    rows: list[tuple[str, list[str]]] = [
        ("min optimal rho", [_fmt(p[0]) for p in ranges]),
        ("max optimal rho", [_fmt(p[1]) for p in ranges]),
        ("fair rho", [_fmt(e.contract.rho) for e in fair]),
        ("penalty a", [_fmt(e.contract.a) for e in fair]),
        ("penalty b", [_fmt(e.contract.b) for e in fair]),
        ("each gains", [_fmt(e.contractor_gain) for e in fair]),
        ("equilibria", [str(len(r.equilibria or ())) for r in results]),
        ("worst gain", [_fmt(r.worst_gain) for r in results]),
    ]
    for label, cells in rows:
        table.add_row(label, *cells)
    out.print(table)
    if any(not r.equilibria or not r.equilibria.unique for r in results):
        out.print(
            "[yellow]note:[/] a fair contract with several equilibria is designed for the best "
            "one; 'worst gain' is the benefit if the parties coordinate on the worst"
        )
