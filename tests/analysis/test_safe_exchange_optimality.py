"""Properties of the safe exchange planner (Sandholm, eMediator, section 4) on random tiny
exchanges: every plan it returns passes the checker, and its count is the optimum found by brute
force over every (delivery, whole payment) state, for each objective and reading of safety.
The brute force below is written from the definitions only."""

from __future__ import annotations

import heapq
import itertools

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from trustmarket.analysis.safe_exchange import ExchangeProblem, plan_exchange

State = tuple[int, ...]
CASES = [  # (safety, order) combinations that differ
    ("sequential", "deliver-first"),
    ("sequential", "pay-first"),
    ("either-order", "deliver-first"),
]
OBJECTIVES = ["steps", "deliveries", "payments", "deliveries+payments"]
#: The lattice engine's secondary count per objective (it breaks ties exactly).
SECONDARY = {
    "steps": "deliveries+payments",
    "deliveries": "payments",
    "payments": "deliveries",
    "deliveries+payments": "deliveries",
}


def _safe(problem: ExchangeProblem, x: State, p: int) -> bool:
    band = problem.band(x)
    return 0 <= p <= problem.price and band.low <= p <= band.high


def _step_ok(
    problem: ExchangeProblem, x: State, p: int, x2: State, p2: int, safety: str, order: str
) -> bool:
    if not _safe(problem, x2, p2):
        return False
    if x2 != x and p2 != p:
        deliver_first = _safe(problem, x2, p)
        pay_first = _safe(problem, x, p2)
        if safety == "either-order":
            return deliver_first and pay_first
        return deliver_first if order == "deliver-first" else pay_first
    return True


def brute(
    problem: ExchangeProblem, objective: str, safety: str, order: str
) -> tuple[int, int] | None:
    """The lexicographically least (objective, secondary) count over all safe plans."""
    counts = problem.counts
    states = list(itertools.product(*(range(n + 1) for n in counts)))
    start = (tuple(0 for _ in counts), 0)
    goal = (counts, problem.price)
    if not _safe(problem, *start):
        return None
    dist = {start: (0, 0)}
    heap = [((0, 0), start)]
    while heap:
        d, (x, p) = heapq.heappop(heap)
        if (x, p) == goal:
            return d
        if d > dist[(x, p)]:
            continue
        for x2 in states:
            if any(b < a for a, b in zip(x, x2, strict=True)):
                continue
            for p2 in range(p, problem.price + 1):
                if (x2, p2) == (x, p):
                    continue
                delivers, pays = int(x2 != x), int(p2 != p)
                if objective == "steps":
                    if not _step_ok(problem, x, p, x2, p2, safety, order):
                        continue
                    w = (1, delivers + pays)
                else:
                    if (delivers and pays) or not _safe(problem, x2, p2):
                        continue
                    w = {
                        "deliveries": (delivers, pays),
                        "payments": (pays, delivers),
                        "deliveries+payments": (1, delivers),
                    }[objective]
                cost = (d[0] + w[0], d[1] + w[1])
                if cost < dist.get((x2, p2), (1 << 60, 0)):
                    dist[(x2, p2)] = cost
                    heapq.heappush(heap, (cost, (x2, p2)))
    return None


amount = st.integers(0, 6)


@st.composite
def bounds(draw: st.DrawFn, top: int = 6) -> str | list[str]:
    low = draw(st.integers(0, top))
    if draw(st.booleans()) and draw(st.booleans()):
        return [str(low), str(low + draw(st.integers(0, 2)))]
    return str(low)


@st.composite
def tables(draw: st.DrawFn) -> ExchangeProblem:
    """Dependent tables of 1-2 items with 1-2 units each, any (even non-monotone) values."""
    counts = draw(st.lists(st.integers(1, 2), min_size=1, max_size=2))
    table: dict[State, tuple[str | list[str], str | list[str]]] = {}
    for x in itertools.product(*(range(n + 1) for n in counts)):
        table[x] = ("0", "0") if not any(x) else (draw(bounds()), draw(bounds()))
    return ExchangeProblem.dependent(
        [(f"item{k}", n) for k, n in enumerate(counts)],
        table,
        price=str(draw(st.integers(0, 8))),
        seller_forgoes=str(draw(st.integers(0, 3))),
        buyer_forgoes=str(draw(st.integers(0, 3))),
        currency="PTS",
    )


@st.composite
def unit_exchanges(draw: st.DrawFn, most: int = 2, top: int = 4) -> ExchangeProblem:
    """Independent units: 1-3 items of 1-``most`` units, per-unit costs and values."""
    n = draw(st.integers(1, 3))
    items = [
        (f"item{k}", draw(st.integers(1, most)), draw(bounds(top)), draw(bounds(top)))
        for k in range(n)
    ]
    return ExchangeProblem.independent_units(
        items,
        price=str(draw(st.integers(0, 9))),
        seller_forgoes=str(draw(st.integers(0, 3))),
        buyer_forgoes=str(draw(st.integers(0, 3))),
        currency="PTS",
    )


@st.composite
def divisible_items(draw: st.DrawFn) -> ExchangeProblem:
    pieces = draw(st.integers(1, 4))
    inner = sorted(draw(st.sets(st.integers(1, pieces - 1), max_size=2))) if pieces > 1 else []

    def curve() -> list[tuple[int, str | list[str]]]:
        return [(0, "0")] + [(k, draw(bounds(9))) for k in [*inner, pieces]]

    return ExchangeProblem.divisible(
        "item",
        pieces,
        curve(),
        curve(),
        price=str(draw(st.integers(0, 8))),
        seller_forgoes=str(draw(st.integers(0, 3))),
        buyer_forgoes=str(draw(st.integers(0, 3))),
        currency="PTS",
    )


def _agrees(problem: ExchangeProblem, engine: str, lexicographic: bool) -> None:
    for objective in OBJECTIVES:
        for safety, order in CASES:
            if objective != "steps" and order == "pay-first":
                continue  # single actions have no order
            expected = brute(problem, objective, safety, order)
            event(f"{objective}: {'a safe plan exists' if expected else 'no safe plan'}")
            result = plan_exchange(problem, objective, safety, order, engine=engine)
            if expected is None:
                assert result.plan is None and result.reason and result.stuck_at is not None
                assert result.reason.startswith("no safe plan exists")
                continue
            assert result.plan is not None, result.reason
            assert result.optimum == expected[0] == result.plan.count[objective]
            assert problem.check(result.plan, safety).safe
            if lexicographic:
                assert result.plan.count[SECONDARY[objective]] == expected[1]


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tables())
def test_lattice_matches_brute_force_on_tables(problem: ExchangeProblem) -> None:
    _agrees(problem, "auto", lexicographic=True)


@SETTINGS
@given(divisible_items())
def test_lattice_matches_brute_force_on_divisible_items(problem: ExchangeProblem) -> None:
    _agrees(problem, "auto", lexicographic=True)


@SETTINGS
@given(unit_exchanges())
def test_integer_program_matches_brute_force(problem: ExchangeProblem) -> None:
    _agrees(problem, "integer-program", lexicographic=False)


@settings(max_examples=25, deadline=None)
@given(unit_exchanges(most=5, top=300), st.sampled_from(OBJECTIVES), st.sampled_from(CASES))
def test_engines_agree_on_larger_unit_exchanges(
    problem: ExchangeProblem, objective: str, case: tuple[str, str]
) -> None:
    safety, order = case
    by_program = plan_exchange(problem, objective, safety, order, engine="integer-program")
    by_lattice = plan_exchange(problem, objective, safety, order, engine="lattice")
    assert by_program.optimum == by_lattice.optimum
    for result in (by_program, by_lattice):
        if result.plan is not None:
            assert problem.check(result.plan, safety).safe


def test_brute_force_sees_the_difference_between_readings() -> None:
    # A guard that the brute force itself distinguishes the readings (paper example, in dollars).
    problem = ExchangeProblem.dependent(
        [("plug-in", 1), ("package", 4)],
        {
            (0, 0): ("0", "0"), (0, 1): ("5", "3"), (0, 2): ("9", "6"), (0, 3): ("13", "10"),
            (0, 4): ("17", "14"), (1, 0): ("10", "6"), (1, 1): ("13", "10"),
            (1, 2): ("16", "15"), (1, 3): ("18", "20"), (1, 4): ("19", "26"),
        },
        price="22", seller_forgoes="2", buyer_forgoes="2", currency="PTS",
    )  # fmt: skip
    assert brute(problem, "steps", "sequential", "deliver-first") == (3, 5)
    assert brute(problem, "steps", "either-order", "deliver-first") == (5, 5)
