"""The analysis tools over HTTP: stateless endpoints under ``/api/tools`` for everything the
command line computes in SPEC sections 4 and 5 (issue 9, "everything in sections 3 to 7 is
reachable").

- ``games/equilibria``: Nash equilibria of bimatrix games (:mod:`trustmarket.analysis.games`);
- ``contracts/equilibria`` and ``contracts/optimal``: leveled commitment contracts, eCommitter
  (:mod:`trustmarket.analysis.commitment`);
- ``exchange/plan`` and ``exchange/check``: safe exchange planning, eExchangeHouse
  (:mod:`trustmarket.analysis.safe_exchange`);
- ``bureau/reputation``: the credit bureau's reputation T(L) (:mod:`trustmarket.reputation.bureau`);
- ``reputation/score``: feedback scored under any reputation model
  (:mod:`trustmarket.reputation.models`).

Each endpoint calls the same library functions as the matching ``trustmarket`` command and
answers what that command prints with ``--json``. Nothing is stored and no login is needed. The
analysis code works in floats (SPEC section 2): numbers here are JSON numbers, except the money
of a safe exchange, which stays decimal strings as in its file format. The library's own errors
become 4xx answers (:mod:`trustmarket.service.errors`), and so does a floating-point failure of
a solver on input it accepted (``solver_limit``). Every request is bounded in size (see each
endpoint), and the library call runs in the thread pool, off the event loop.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Distribution,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
    as_mechanism,
)
from trustmarket.analysis.games import METHODS, Game
from trustmarket.analysis.safe_exchange import (
    check_to_json,
    plan_from_json,
    problem_from_json,
    result_to_json,
)
from trustmarket.cli.contract import parse_distribution
from trustmarket.core.errors import (
    DuplicateFeedback,
    InvalidDistribution,
    InvalidExchange,
    InvalidFeedback,
    InvalidReputation,
    SolverLimit,
)
from trustmarket.reputation import AttributeScale, Feedback, ReputationModel
from trustmarket.reputation.bureau import ReputationFunction
from trustmarket.reputation.models import make_model, model_class

__all__ = [
    "BureauQuery",
    "ContractBody",
    "ContractEquilibriaBody",
    "ExchangeCheckBody",
    "ExchangePlanBody",
    "FeedbackRow",
    "GameBody",
    "ScoreBody",
    "router",
]

router = APIRouter(prefix="/api/tools", tags=["tools"])

_log = logging.getLogger("trustmarket.service")

# -- limits -----------------------------------------------------------------------------------
#: Strategies per player for all-equilibria enumeration (vertex, support) in floats.
MAX_ENUMERATED = 10
#: Strategies per player for Lemke-Howson and pure equilibria in floats.
MAX_STRATEGIES = 30
#: Strategies per player for any method in exact rational arithmetic.
MAX_EXACT = 8
#: The largest payoff magnitude of a game.
MAX_PAYOFF = 1e6
#: The largest magnitude of an outside offer, a contract price, a penalty or a distribution's
#: parameter (contracts and the credit bureau).
MAX_VALUE = 1e6
#: The most (x, density) pairs of a piecewise-linear pdf (and x,F pairs of a piecewise cdf).
MAX_POINTS = 1000
#: The scipy.stats families the service evaluates: closed-form quantiles, bounded densities and
#: finite means. Others can take minutes to tabulate or overflow; give them as pdf points.
SCIPY_FAMILIES = ("norm", "uniform", "expon", "logistic", "laplace", "triang", "truncnorm")
#: Independent units: items, and units in all. The integer programs are bounded by
#: MAX_PLAN_SECONDS instead (tight 10 x 1,000 cases end in 10-13 s, with the best plan found
#: marked not proven); these caps bound what the time limit does not: the greedy plans, the
#: size of each program and the memory (about 130 MB at the cap).
MAX_UNIT_ITEMS = 10
MAX_UNITS = 10_000
#: The planner's time limit (seconds) for independent units: the default and the most a
#: request may ask for.
MAX_PLAN_SECONDS = 10.0
#: Dependent tables: items, and delivery states (the product of ``units + 1``).
MAX_TABLE_ITEMS = 10
MAX_TABLE_STATES = 10_000
#: A divisible item's pieces (the library's limit) and each curve's breakpoints.
MAX_PIECES = 100_000
MAX_BREAKPOINTS = 1000
#: Steps of a plan to check: enough for any plan the planner answers for independent units
#: (one delivery and one payment per unit at most), so each can be checked back (the 256 KiB
#: body limit may bind first).
MAX_PLAN_STEPS = 2 * MAX_UNITS + 1
#: Feedback rows, critical attributes and model parameters of one scoring request.
MAX_FEEDBACK = 500
MAX_ATTRIBUTES = 20
MAX_PARAMETERS = 20
#: EigenTrust's ``max_iterations`` (each iteration is a pass over the rating graph).
MAX_ITERATIONS = 10_000

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"


class _Body(BaseModel):
    """Refuse unknown fields and type coercion, as every request model of the service does."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _finite(limit: float, *, low: float | None = None, gt: float | None = None) -> Any:
    """A ``Field`` for a finite float within ``[-limit, limit]`` (or ``[low, limit]``)."""
    if gt is not None:
        return Field(allow_inf_nan=False, gt=gt, le=limit)
    return Field(allow_inf_nan=False, ge=-limit if low is None else low, le=limit)


def _non_finite(value: object) -> bool:
    """Whether a JSON-ready value holds a NaN or an infinity anywhere."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_non_finite(v) for v in value)
    return False


def _solver_failed(what: str, detail: str, hint: str) -> SolverLimit:
    """The refusal for a floating-point failure of the library on input it accepted (logged: it
    is a numerical weakness of the solver, not the client's fault)."""
    _log.warning("tools: %s failed in floating point: %s", what, detail)
    return SolverLimit(f"the {what} failed in floating point ({detail}); {hint}")


async def _off_loop(function: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    """Run a CPU-bound library call in the thread pool, so the event loop stays free. A result
    with a non-finite number (which JSON cannot carry) is refused as a solver failure."""
    result = await run_in_threadpool(function)
    if _non_finite(result):
        raise _solver_failed(what, "a result is not a finite number", "please report the input")
    return result


# -- games ------------------------------------------------------------------------------------
Payoff = Annotated[float, _finite(MAX_PAYOFF)]
PayoffRow = Annotated[list[Payoff], Field(min_length=1, max_length=MAX_STRATEGIES)]
PayoffMatrix = Annotated[list[PayoffRow], Field(min_length=1, max_length=MAX_STRATEGIES)]


GameMethod = Literal["vertex", "support", "lemke-howson", "pure"]
assert set(GameMethod.__args__) == set(METHODS)  # type: ignore[attr-defined]


class GameBody(_Body):
    """A bimatrix game: ``A[i][j]`` is the row player's payoff and ``B[i][j]`` the column
    player's when row ``i`` meets column ``j``, as ``trustmarket games equilibria --A --B``."""

    A: PayoffMatrix = Field(examples=[[[3, 0], [5, 1]]])
    B: PayoffMatrix = Field(examples=[[[3, 5], [0, 1]]])
    method: GameMethod = "vertex"
    label: int = Field(default=0, ge=0, le=2 * MAX_STRATEGIES - 1)
    exact: bool = False

    @model_validator(mode="after")
    def _bounded(self) -> GameBody:
        if self.exact:
            limit, why = MAX_EXACT, "in exact arithmetic"
        elif self.method in ("vertex", "support"):
            limit, why = MAX_ENUMERATED, f"for all-equilibria enumeration ({self.method})"
        else:
            limit, why = MAX_STRATEGIES, f"for {self.method}"
        for name, matrix in (("A", self.A), ("B", self.B)):
            rows, cols = len(matrix), max(len(row) for row in matrix)
            if rows > limit or cols > limit:
                raise ValueError(
                    f"{name} is {rows}x{cols}; at most {limit}x{limit} strategies {why}"
                )
        return self


def _exact_matrix(matrix: list[list[float]]) -> list[list[Fraction]]:
    """Each number by its shortest decimal form, as the CLI reads ``--exact`` (0.1 is 1/10)."""
    return [[Fraction(repr(v)) for v in row] for row in matrix]


@router.post("/games/equilibria", summary="Nash equilibria of a bimatrix game")
async def game_equilibria(body: GameBody) -> dict[str, Any]:
    """Nash equilibria of the bimatrix game (A, B) (SPEC section 5, "Normal-form games"), as
    ``trustmarket games equilibria --json``.

    ``method``: ``vertex`` (default; every extreme equilibrium and, in a degenerate game, the
    equilibrium components; von Stengel 2007, Algorithm 3.5), ``support`` (support
    enumeration, complete for nondegenerate games; Algorithm 3.4), ``lemke-howson`` (one
    equilibrium from the dropped ``label``, 0..m+n-1; Lemke and Howson 1964) or ``pure``.
    ``exact`` solves in rational arithmetic (each number read by its shortest decimal form) and
    gives probabilities as strings such as ``"2/3"``.

    The answer: ``equilibria`` (``row``, ``col`` mixed strategies in strategy order,
    ``row_payoff``, ``col_payoff``), ``degenerate``, ``complete``, ``method``, ``exact``, and
    ``components``, ``note``, ``pivots`` when the method reports them.

    Limits: payoffs are finite with magnitude at most 1e6; at most 10x10 strategies for
    ``vertex`` and ``support``, 30x30 for ``lemke-howson`` and ``pure``, 8x8 with ``exact``.
    The float solvers work on each player's payoffs mapped onto a common range (docs/games.md),
    so the scale and offset of a player's payoffs do not matter; payoff differences below about
    1e-9 of a player's payoff range count as ties there (``exact`` tells them apart). A solver
    that stops at its limit (Lemke-Howson's pivots) answers 400 ``solver_limit``.
    """
    a = _exact_matrix(body.A) if body.exact else body.A
    b = _exact_matrix(body.B) if body.exact else body.B

    def solve() -> dict[str, Any]:
        game = Game(a, b)
        options = {"initial_label": body.label} if body.method == "lemke-howson" else {}
        return game.equilibria(body.method, **options).to_json()

    return await _off_loop(solve, f"{body.method} solver")


# -- leveled commitment contracts -------------------------------------------------------------
PdfPoint = Annotated[list[Annotated[float, _finite(MAX_VALUE)]], Field(min_length=2, max_length=2)]
DistributionSpec = (
    Annotated[str, Field(min_length=1, max_length=40 * MAX_POINTS, examples=["norm(6, 1.5)"])]
    | Annotated[list[PdfPoint], Field(min_length=2, max_length=MAX_POINTS)]
)
MechanismName = Literal[
    "all",
    "sequential-contractee-first",
    "sequential-contractor-first",
    "simultaneous-both-pay",
    "simultaneous-neither-pays",
]
_MECHANISMS = {m.value for m in Mechanism}
assert set(MechanismName.__args__) == {"all", *_MECHANISMS}  # type: ignore[attr-defined]


class ContractBody(_Body):
    """The two outside-offer distributions (docs/contracts.md): each a piecewise-linear pdf as
    ``[[x, density], ...]`` or the CLI's text (``"0:0 4:0.125 8:0.125 12:0"``), or a
    scipy.stats call such as ``"norm(6, 1.5)"``. ``normalize`` rescales pdf densities to
    integrate to 1."""

    contractor: DistributionSpec
    contractee: DistributionSpec
    mechanism: MechanismName = "all"
    normalize: bool = False


class ContractEquilibriaBody(ContractBody):
    """A contract ``(rho, a, b)``: the price and both decommitment penalties (>= 0)."""

    rho: Annotated[float, _finite(MAX_VALUE)]
    a: Annotated[float, _finite(MAX_VALUE, low=0.0)]
    b: Annotated[float, _finite(MAX_VALUE, low=0.0)]


_SCIPY_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def distribution_of(spec: str | list[list[float]], normalize: bool, who: str) -> Distribution:
    """A distribution as ``trustmarket contract`` reads it, within the service's limits."""
    if isinstance(spec, list):
        text = " ".join(f"{x!r}:{d!r}" for x, d in spec)
    else:
        text = spec
        if "(" in text:
            match = _SCIPY_NAME.match(text)
            if match is None or match.group(1) not in SCIPY_FAMILIES:
                raise InvalidDistribution(
                    f"{who}: the service evaluates the scipy.stats distributions "
                    f"{', '.join(SCIPY_FAMILIES)}; give any other as [x, density] points"
                )
            if len(text) > 200:
                raise InvalidDistribution(f"{who}: a scipy.stats call has at most 200 characters")
    try:
        found = parse_distribution(text, normalize=normalize)
    except InvalidDistribution as exc:
        message = exc.message.replace("pass --normalize", 'send "normalize": true')
        raise InvalidDistribution(f"{who}: {message}") from None
    if isinstance(found, ScipyDistribution):
        frozen = found.frozen
        numbers = [*getattr(frozen, "args", ()), *getattr(frozen, "kwds", {}).values()]
        if any(abs(float(v)) > MAX_VALUE for v in numbers):
            raise InvalidDistribution(
                f"{who}: the parameters of a distribution are at most {MAX_VALUE:g} in magnitude"
            )
    elif isinstance(found, PiecewiseLinear):
        if len(found.points) > MAX_POINTS:
            raise InvalidDistribution(f"{who}: a pdf has at most {MAX_POINTS} (x, density) pairs")
        if any(abs(x) > MAX_VALUE for x, _ in found.points):
            raise InvalidDistribution(f"{who}: pdf points are at most {MAX_VALUE:g} in magnitude")
    return found


def _game(body: ContractBody) -> CommitmentGame:
    return CommitmentGame(
        distribution_of(body.contractor, body.normalize, "contractor"),
        distribution_of(body.contractee, body.normalize, "contractee"),
    )


def _mechanisms(name: str) -> list[Mechanism]:
    return list(Mechanism) if name == "all" else [as_mechanism(name)]


@router.post("/contracts/equilibria", summary="Equilibria of a leveled commitment contract")
async def contract_equilibria(body: ContractEquilibriaBody) -> dict[str, Any]:
    """Every Nash equilibrium (threshold pair) of the contract ``(rho, a, b)`` under each
    decommitting mechanism, with both expected payoffs: eCommitter (Sandholm, eMediator,
    section 3.1.3; SPEC section 5), as ``trustmarket contract equilibria --json``.

    The answer: ``contractor``, ``contractee`` (the distributions read), ``contract``,
    ``status_quo`` and per mechanism its ``equilibria`` (``a_star``, ``b_star``: null when the
    party never decommits; ``p_a``, ``p_b``, payoffs and gains) and ``continua``.

    Limits: pdfs of at most 1,000 (x, density) pairs; scipy.stats distributions among norm,
    uniform, expon, logistic, laplace, triang and truncnorm, in a call of at most 200
    characters; every x, density, distribution parameter, price and penalty at most 1e6 in
    magnitude.
    """

    def solve() -> dict[str, Any]:
        game = _game(body)
        contract = Contract(body.rho, body.a, body.b)
        results = [game.equilibria(contract, m) for m in _mechanisms(body.mechanism)]
        quo_a, quo_b = game.status_quo
        return {
            "contractor": repr(game.f),
            "contractee": repr(game.g),
            "contract": {"rho": contract.rho, "a": contract.a, "b": contract.b},
            "status_quo": {"contractor": quo_a, "contractee": quo_b},
            "mechanisms": [r.as_dict() for r in results],
        }

    return await _off_loop(solve, "contract analysis")


@router.post("/contracts/optimal", summary="Optimal and fair leveled commitment contracts")
async def contract_optimal(body: ContractBody) -> dict[str, Any]:
    """The optimal leveled commitment contracts of each mechanism, the fair one (both gain
    half the largest expected benefit) and the best full-commitment contract for comparison:
    eCommitter (Sandholm, eMediator, section 3.2; SPEC section 5), as
    ``trustmarket contract optimize --json``.

    The answer: ``contractor``, ``contractee``, ``status_quo``, ``full_commitment`` (``gain``,
    ``prices``) and per mechanism ``gain``, the thresholds, ``prices`` (the optimal price
    range), ``fair`` (its contract and equilibrium), ``equilibria`` of the fair contract,
    ``unique``, ``worst_gain`` and ``advantage`` over full commitment.

    Limits: as ``contracts/equilibria``.
    """

    def solve() -> dict[str, Any]:
        game = _game(body)
        results = [game.optimal_contract(m) for m in _mechanisms(body.mechanism)]
        full = game.full_commitment()
        quo_a, quo_b = game.status_quo
        return {
            "contractor": repr(game.f),
            "contractee": repr(game.g),
            "status_quo": {"contractor": quo_a, "contractee": quo_b},
            "full_commitment": {
                "gain": full.gain,
                "prices": None if full.prices is None else list(full.prices),
            },
            "mechanisms": [r.as_dict() for r in results],
        }

    return await _off_loop(solve, "contract optimisation")


# -- safe exchange ----------------------------------------------------------------------------
AmountText = Annotated[str, Field(max_length=32, examples=["22.00"])]
Uncertain = AmountText | Annotated[list[AmountText], Field(min_length=2, max_length=2)]
Name = Annotated[str, Field(min_length=1, max_length=128)]
Currency = Annotated[str, Field(min_length=1, max_length=3, examples=["USD"])]


class PlanStepBody(_Body):
    """One step: the units delivered of each named item, and the payment (a decimal string)."""

    deliver: dict[Name, Annotated[int, Field(ge=0, le=MAX_PIECES)]] | None = Field(
        default=None, max_length=MAX_TABLE_ITEMS
    )
    pay: AmountText | None = None


class PlanBody(_Body):
    """A plan: its steps in order, each half in ``order`` (default deliver-first)."""

    order: Literal["deliver-first", "pay-first"] | None = None
    steps: list[PlanStepBody] = Field(max_length=MAX_PLAN_STEPS)


class _Exchange(_Body):
    currency: Currency
    price: AmountText
    seller_forgoes: AmountText
    buyer_forgoes: AmountText
    plan: PlanBody | None = None


class UnitItemBody(_Body):
    name: Name
    units: Annotated[int, Field(ge=1, le=MAX_UNITS)]
    unit_cost: Uncertain
    unit_value: Uncertain


class IndependentUnitsExchange(_Exchange):
    """Independent units of independent items (the paper's stocks, section 4.1)."""

    form: Literal["independent-units"]
    items: list[UnitItemBody] = Field(min_length=1, max_length=MAX_UNIT_ITEMS)

    @model_validator(mode="after")
    def _bounded(self) -> IndependentUnitsExchange:
        total = sum(item.units for item in self.items)
        if total > MAX_UNITS:
            raise ValueError(f"the items have {total} units in all; at most {MAX_UNITS}")
        return self


class TableItemBody(_Body):
    name: Name
    units: Annotated[int, Field(ge=1, le=MAX_TABLE_STATES)]


class TableRowBody(_Body):
    delivered: list[Annotated[int, Field(ge=0, le=MAX_TABLE_STATES)]] = Field(
        max_length=MAX_TABLE_ITEMS
    )
    cost: Uncertain
    value: Uncertain


class DependentExchange(_Exchange):
    """Items whose values depend on each other: a table of every delivery state (the paper's
    software example, section 4.2)."""

    form: Literal["dependent"]
    items: list[TableItemBody] = Field(min_length=1, max_length=MAX_TABLE_ITEMS)
    table: list[TableRowBody] = Field(max_length=MAX_TABLE_STATES)

    @model_validator(mode="after")
    def _bounded(self) -> DependentExchange:
        states = math.prod(item.units + 1 for item in self.items)
        if states > MAX_TABLE_STATES:
            raise ValueError(
                f"these item counts make {states} delivery states; at most {MAX_TABLE_STATES}"
            )
        return self


#: ``[pieces delivered, amount]``.
Breakpoint = Annotated[
    list[Annotated[int, Field(ge=0, le=MAX_PIECES)] | Uncertain], Field(min_length=2, max_length=2)
]


class DivisibleExchange(_Exchange):
    """One divisible item in equal pieces, with piecewise-linear cost and value curves."""

    form: Literal["divisible"]
    item: Name
    pieces: Annotated[int, Field(ge=1, le=MAX_PIECES)]
    seller_cost: list[Breakpoint] = Field(max_length=MAX_BREAKPOINTS)
    buyer_value: list[Breakpoint] = Field(max_length=MAX_BREAKPOINTS)


ExchangeDocument = Annotated[
    IndependentUnitsExchange | DependentExchange | DivisibleExchange,
    Field(discriminator="form"),
]
SafetyName = Literal["sequential", "either-order"]


class ExchangePlanBody(_Body):
    """An exchange in the JSON format of docs/safe-exchange.md (a ``plan`` in it is ignored)
    and the planner's options."""

    problem: ExchangeDocument
    objective: Literal["steps", "deliveries", "payments", "deliveries+payments"] = "steps"
    safety: SafetyName = "sequential"
    order: Literal["deliver-first", "pay-first"] = "deliver-first"
    time_limit: Annotated[float, _finite(MAX_PLAN_SECONDS, gt=0.0)] = MAX_PLAN_SECONDS


class ExchangeCheckBody(_Body):
    """An exchange and the plan to check: ``plan`` here or in the problem document (as in the
    CLI's files), not both."""

    problem: ExchangeDocument
    plan: PlanBody | None = None
    safety: SafetyName = "sequential"


def _document(problem: ExchangeDocument) -> dict[str, Any]:
    """The problem as the JSON document the library reads (the fields the client sent)."""
    data: dict[str, Any] = problem.model_dump(mode="json", exclude_none=True)
    return data


@router.post("/exchange/plan", summary="Plan a safe exchange")
async def exchange_plan(body: ExchangePlanBody) -> dict[str, Any]:
    """An optimal safe exchange plan, or why none exists: eExchangeHouse (Sandholm, eMediator,
    section 4; SPEC section 5), as ``trustmarket exchange plan FILE --json``.

    ``objective``: fewest ``steps`` (default), ``deliveries``, ``payments`` or
    ``deliveries+payments``; ``safety``: ``sequential`` (each step's halves in ``order``) or
    ``either-order`` (the paper's counts); ``time_limit``: seconds the integer programs of
    independent units may take (default and most 10). Amounts are decimal strings.

    The answer: ``found``, ``objective``, ``safety``, ``order``, ``currency``, ``proven`` and
    either ``optimum``, ``lower_bound``, ``counts``, ``plan`` (a plan document
    ``exchange/check`` takes) and ``states``, or ``reason`` and ``stuck_at``. No plan is a 200
    answer with ``found`` false. When the time limit runs out first, the answer holds the best
    plan found (safe, like every plan) with ``proven`` false: no plan has fewer than
    ``lower_bound``, and the optimum may be anywhere from there to ``optimum``.

    Limits: independent units: at most 10 items and 10,000 units in all, planned within
    ``time_limit`` (a second or so more on the largest); a dependent table: at most 10 items
    and 10,000 delivery states; a divisible item: at most 100,000 pieces and 1,000 breakpoints
    per curve; a plan: at most 20,001 steps. Planning by state search (tables, divisible items)
    takes at most 2,500,000 (state, later state) pairs (the library's limit, about 2,000
    pieces) and is always proven.
    """
    document = _document(body.problem)

    def solve() -> dict[str, Any]:
        problem = problem_from_json(document, allow_plan=True)
        result = problem.plan(body.objective, body.safety, body.order, time_limit=body.time_limit)
        return result_to_json(result, problem)

    return await _off_loop(solve, "exchange planner")


@router.post("/exchange/check", summary="Check a safe exchange plan")
async def exchange_check(body: ExchangeCheckBody) -> dict[str, Any]:
    """Whether a plan is safe and, if not, its first unsafe state (who gains by vanishing, at
    which step and moment, and the safe band there): eExchangeHouse (Sandholm, eMediator,
    section 4; SPEC section 5), as ``trustmarket exchange check FILE --json``.

    The answer: ``safe``, ``safety``, ``counts`` (steps, deliveries, payments) and
    ``first_unsafe`` when the plan is not safe (still a 200 answer).

    Limits: as ``exchange/plan``.
    """
    document = _document(body.problem)
    if body.plan is not None and "plan" in document:
        raise InvalidExchange("give the plan once: in the body's 'plan' or in the problem's")
    plan_doc = body.plan.model_dump(mode="json", exclude_none=True) if body.plan else None
    plan_doc = plan_doc if plan_doc is not None else document.get("plan")
    if plan_doc is None:
        raise InvalidExchange(
            'no plan to check; add "plan": {"order": ..., "steps": [...]} (docs/safe-exchange.md)'
        )

    def solve() -> dict[str, Any]:
        problem = problem_from_json(document, allow_plan=True)
        plan = plan_from_json(plan_doc, problem)
        return check_to_json(problem.check(plan, body.safety), problem)

    return await _off_loop(solve, "plan checker")


# -- the credit bureau ------------------------------------------------------------------------
CdfText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40 * MAX_POINTS,
        description="name:numbers, e.g. uniform:0,1, norm:0.5,0.1, piecewise:0,0;0.5,0.8;1,1",
    ),
]


class BureauQuery(_Body):
    """``C``, ``L`` and the cdfs ``F`` (customer's loss) and ``G`` (merchant's gain), as the
    options of ``trustmarket bureau reputation``."""

    model_config = ConfigDict(extra="forbid", strict=False)

    C: Annotated[float, _finite(MAX_VALUE, gt=0.0)] = 0.02
    L: Annotated[float, _finite(MAX_VALUE, low=0.0)] = 0.1
    F: CdfText = "uniform:0,1"
    G: CdfText = "uniform:0,1"


def cdf_text(text: str, what: str) -> str:
    """Refuse a cdf the service does not evaluate (before anything is built)."""
    name, sep, rest = text.strip().partition(":")
    if sep and name == "piecewise":
        if rest.count(";") >= MAX_POINTS:
            raise InvalidReputation(f"{what}: a piecewise cdf has at most {MAX_POINTS} points")
    elif sep and name.isidentifier():
        if name not in SCIPY_FAMILIES:
            raise InvalidReputation(
                f"{what}: the service evaluates piecewise cdfs and the scipy.stats "
                f"distributions {', '.join(SCIPY_FAMILIES)}; got {name!r}"
            )
        if len(text) > 200:
            raise InvalidReputation(f"{what}: a distribution has at most 200 characters")
    numbers = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", rest)
    if any(abs(float(v)) > MAX_VALUE for v in numbers):
        raise InvalidReputation(f"{what}: its numbers are at most {MAX_VALUE:g} in magnitude")
    return text


@router.get("/bureau/reputation", summary="The credit bureau's reputation T(L)")
async def bureau_reputation(query: Annotated[BureauQuery, Query()]) -> dict[str, Any]:
    """Every reputation R in [0, 1) consistent with both strategies of the trust/trace game,
    ``R = G(L (1 - q(R)) / q(R))`` with ``q(R) = F(C / (1 - R))`` (Wang, Khosla and Krishnan,
    section 3, Theorem 1, equation (7); SPEC section 4.1), as
    ``trustmarket bureau reputation --C --L --F --G --json``.

    The answer: ``C``, ``L``, ``F``, ``G`` and ``fixed_points`` (ascending; at most one for
    any F and G, none when G jumps across the diagonal). For uniform F and G on [0, 1],
    ``T(L) = L (1 - C) / (C + L)``: 0.8167 for C = 0.02 and L = 0.1.

    Limits: C in (0, 1e6], L in [0, 1e6]; F and G are ``piecewise:x,F;...`` (at most 1,000
    points) or one of the scipy.stats distributions norm, uniform, expon, logistic, laplace,
    triang and truncnorm (at most 200 characters); every number at most 1e6 in magnitude.
    """
    f, g = cdf_text(query.F, "F"), cdf_text(query.G, "G")

    def solve() -> dict[str, Any]:
        function = ReputationFunction(query.C, f, g)
        points = function.fixed_points(query.L)
        return {"C": function.cost, "L": query.L, "F": f, "G": g, "fixed_points": list(points)}

    return await _off_loop(solve, "reputation function")


# -- reputation models ------------------------------------------------------------------------
AgentId = Annotated[str, Field(min_length=1, max_length=128, pattern=_ID_PATTERN)]
ParameterValue = (
    bool
    | Annotated[int, Field(ge=-(2**53), le=2**53)]
    | Annotated[float, Field(allow_inf_nan=False)]
    | Annotated[str, Field(max_length=128)]
    | Annotated[list[Annotated[str, Field(max_length=128)]], Field(max_length=MAX_FEEDBACK)]
    | None
)


class FeedbackRow(_Body):
    """One feedback, the columns of the CLI's feedback CSV (docs/reputation.md): ``rating``
    is -1, 0 or 1; ``attributes`` the critical-attribute scores (0 to 5) in the order of the
    request's ``attributes`` names, or null."""

    transaction: AgentId
    rater: AgentId
    subject: AgentId
    rating: Annotated[int, Field(ge=-1, le=1)]
    time: Annotated[int, Field(ge=0, le=2**47)] = 0
    value: Annotated[int, Field(ge=0, le=10**15)] = 0
    attributes: (
        Annotated[list[Annotated[float, _finite(MAX_VALUE)]], Field(max_length=MAX_ATTRIBUTES)]
        | None
    ) = None


class ScoreBody(_Body):
    """Feedback rows and the model to score them with, as
    ``trustmarket reputation score FILE --model --set --by --explain``; ``parameters`` are
    the model's (``--set name=value``), ``attributes`` the critical attributes' names (the
    CSV's extra columns)."""

    model: Annotated[str, Field(max_length=64, examples=["beta"])] = "beta"
    parameters: dict[Annotated[str, Field(max_length=64)], ParameterValue] = Field(
        default_factory=dict, max_length=MAX_PARAMETERS
    )
    attributes: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=64)]],
            Field(min_length=1, max_length=MAX_ATTRIBUTES),
        ]
        | None
    ) = None
    feedback: list[FeedbackRow] = Field(max_length=MAX_FEEDBACK)
    by: AgentId | None = None
    explain: AgentId | None = None


def _records(body: ScoreBody) -> tuple[list[Feedback], AttributeScale | None]:
    """The feedback rows checked as the CLI checks a feedback CSV: one transaction between the
    same two parties, one feedback per side, attribute scores that fit the scale."""
    scale = AttributeScale(tuple(body.attributes)) if body.attributes else None
    records: list[Feedback] = []
    parties: dict[str, tuple[str, str]] = {}
    rated: set[tuple[str, str]] = set()
    for k, row in enumerate(body.feedback):
        where = f"feedback[{k}]"
        if row.attributes is not None and scale is None:
            raise InvalidFeedback(
                f"{where} has attribute scores; name the attributes in 'attributes'"
            )
        try:
            item = Feedback(
                transaction=row.transaction,
                rater=row.rater,
                subject=row.subject,
                rating=row.rating,
                time=row.time,
                value=row.value,
                attributes=None if row.attributes is None else tuple(row.attributes),
            )
            if scale is not None and item.attributes is not None:
                scale.check(item.attributes)
        except InvalidFeedback as exc:
            raise InvalidFeedback(f"{where}: {exc.message}") from None
        pair = parties.setdefault(item.transaction, (item.rater, item.subject))
        if {item.rater, item.subject} != set(pair):
            raise InvalidFeedback(
                f"{where}: transaction {item.transaction} is between {pair[0]} and {pair[1]}, "
                f"not {item.rater} and {item.subject}"
            )
        if (item.transaction, item.rater) in rated:
            raise DuplicateFeedback(
                f"{where}: {item.rater} has already rated transaction {item.transaction}; one "
                "feedback per side"
            )
        rated.add((item.transaction, item.rater))
        records.append(item)
    return records, scale


def _model(name: str, parameters: dict[str, Any], scale: AttributeScale | None) -> ReputationModel:
    """The registered model with these parameters, as the CLI's ``build_model`` makes it."""
    cls = model_class(name)
    if "scale" in parameters:
        raise InvalidReputation("the attribute scale comes from the request's 'attributes'")
    iterations = parameters.get("max_iterations")
    if isinstance(iterations, int) and iterations > MAX_ITERATIONS:
        raise InvalidReputation(f"max_iterations is at most {MAX_ITERATIONS} here")
    built = dict(parameters)
    if scale is not None and cls.properties.uses_attributes:
        built["scale"] = scale
    try:
        return make_model(name, **built)
    except TypeError as exc:  # a value of the wrong kind the model did not check itself
        raise InvalidReputation(f"model {name}: {exc}") from None


@router.post("/reputation/score", summary="Score feedback under a reputation model")
async def reputation_score(body: ScoreBody) -> dict[str, Any]:
    """Every rated agent's score under one reputation model (SPEC section 4; docs/reputation.md),
    as ``trustmarket reputation score FILE --json`` with the CSV's rows given as JSON: the
    accumulative and ratio models of eBay (Sathiyamoorthy et al., section 2), the
    rater-weighted attribute model (section 4.2), the reputation coefficient (Padovan et al.,
    AVALANCHE section 3), beta (Josang and Ismail 2002), EigenTrust (Kamvar et al. 2003) and
    the filtered beta model (Whitby et al. 2004). ``by`` scores as that agent sees it
    (personal views); ``explain`` adds the formula and contributions behind one score.

    The answer: ``model``, ``parameters``, ``by``, ``feedback`` (how many), ``scores`` (agent:
    score) and ``explanation`` (or null).

    Limits: at most 500 feedback rows, 20 attributes and 20 parameters; integer parameters at
    most 2**53 in magnitude, EigenTrust's ``max_iterations`` at most 10,000; times at most
    2**47, transaction values at most 10**15 minor units.
    """

    def solve() -> dict[str, Any]:
        records, scale = _records(body)
        parameters = {name.replace("-", "_"): value for name, value in body.parameters.items()}
        instance = _model(body.model, parameters, scale)
        instance.update_many(records)
        scores = instance.scores(body.by)
        explanation = instance.explain(body.explain, body.by) if body.explain else None
        return {
            "model": instance.name,
            "parameters": parameters,
            "by": body.by,
            "feedback": len(records),
            "scores": scores,
            "explanation": None if explanation is None else explanation.to_json(),
        }

    return await _off_loop(solve, "reputation model")
