"""Exact planning for independent units of independent items (Sandholm, eMediator, section 4.1).

With per-unit costs ``c_i`` and values ``w_i`` (worst case over the bounds), the band is affine
in the delivery vector ``x``:

    ``L(x) = P - e_d - sum_i w_i (X_i - x_i)  <=  p  <=  P + e_s - sum_i c_i (X_i - x_i) = U(x)``

and the state space (``prod_i (X_i + 1)`` states: 85 million for the paper's 240 stocks) is too
large to enumerate. A plan with a given number of slots is instead an integer program: integer
delivery vectors ``0 = x_0 <= x_1 <= ... <= x_T = X``, payments ``0 = p_0 <= ... <= p_T = P``,
every state in its band, and per slot kind ("D" delivers only, "P" pays only, "S" a step under
the chosen :class:`~.safety.Safety`) the intermediate states in theirs. The planner

1. builds an upper bound with two greedy plans (deliver the chunk of largest seller cost the buyer
   can be trusted with, then take the largest safe payment; chunks filled by cost/value ratio, or
   along the existence order of :func:`existence_order`), which are valid plans;
2. finds the least slot count whose linear relaxation is feasible (binary search; a lower bound);
3. solves the integer programs (HiGHS, through :func:`scipy.optimize.milp`) from that bound up,
   and keeps the first that is feasible.

Only a proven infeasibility (HiGHS status 2) rules a count out. With a ``deadline`` (a
:func:`time.monotonic` instant; every HiGHS call gets the time left as its ``time_limit``), a
program that runs out of time (status 1) leaves its count undecided: the search stops and returns
the best greedy plan, with the least count not yet ruled out as its lower bound
(:attr:`AffinePlan.lower_bound`), so the plan is optimal only if that bound reaches its count.
Any other status (unbounded, a numerical failure) raises
:class:`~trustmarket.core.errors.SolverLimit`.

HiGHS only chooses the delivery chunks: the payments are then computed exactly in integers by
:mod:`~trustmarket.analysis.safe_exchange.payments`, and every plan is re-checked exactly before
it is returned, so no float decides a payment.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import Bounds as LinearBounds
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import csr_matrix

from trustmarket.analysis.safe_exchange.payments import fewest_payments, payment_bounds
from trustmarket.analysis.safe_exchange.safety import Order, Safety
from trustmarket.core.errors import SolverLimit

State = tuple[int, ...]
#: What one program showed: a solution, no solution (proven), or nothing within the time left.
Outcome = Literal["feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class AffineBand:
    """``L(x) = base_low + sum_i value_i x_i`` and ``U(x) = base_high + sum_i cost_i x_i``,
    with the per-unit ``value_i`` (the buyer's, low bound) and ``cost_i`` (the seller's, high
    bound), all integers; ``counts`` is ``X`` and ``price`` is ``P``."""

    counts: State
    cost: tuple[int, ...]
    value: tuple[int, ...]
    base_low: int
    base_high: int
    price: int

    def band(self, x: State) -> tuple[int, int]:
        low = self.base_low + sum(w * k for w, k in zip(self.value, x, strict=True))
        high = self.base_high + sum(c * k for c, k in zip(self.cost, x, strict=True))
        return low, high

    def slack(self, x: State) -> int:
        """``U(x) - L(x)``: how much room the band leaves at ``x``."""
        low, high = self.band(x)
        return high - low


def existence_order(band: AffineBand) -> list[int]:
    """Items in the order that delivers every unit one at a time, if any order can.

    Delivering a unit of item ``j`` at ``x`` (after taking the largest safe payment ``U(x)``)
    is safe iff ``L(x) + w_j <= U(x)``, i.e. the slack ``U - L`` is at least ``w_j``, and it
    changes the slack by ``c_j - w_j``. This is scheduling with a resource: first the items that
    raise the slack (``c_j >= w_j``) by increasing requirement ``w_j``, then the others by
    decreasing ``c_j`` (the slack they leave). The classic exchange argument makes this order
    succeed whenever any order does, and a plan exists iff the one-unit-at-a-time plan does
    (a chunk can always be split into units: the band is monotone in ``x``).
    """
    items = range(len(band.counts))
    gain = sorted((j for j in items if band.cost[j] >= band.value[j]), key=lambda j: band.value[j])
    loss = sorted((j for j in items if band.cost[j] < band.value[j]), key=lambda j: -band.cost[j])
    return gain + loss


def _fill(band: AffineBand, x: State, paid: int, order: list[int]) -> State:
    """Deliver, on top of ``x``, units in ``order`` (as many of each as fit) while ``L <= paid``."""
    budget = paid - band.band(x)[0]
    out = list(x)
    for j in order:
        left = band.counts[j] - out[j]
        if left <= 0 or budget < 0:
            continue
        w = band.value[j]
        take = left if w == 0 else min(left, budget // w)
        out[j] += take
        budget -= take * w
    return tuple(out)


def _prefix_fill(band: AffineBand, x: State, paid: int, order: list[int]) -> State:
    """Deliver units strictly along ``order`` (stop at the first that does not fit)."""
    budget = paid - band.band(x)[0]
    out = list(x)
    for j in order:
        left = band.counts[j] - out[j]
        if left <= 0:
            continue
        w = band.value[j]
        take = left if w == 0 else min(left, max(budget, 0) // w)
        out[j] += take
        budget -= take * w
        if take < left:
            break
    return tuple(out)


def greedy(
    band: AffineBand,
    shape: Shape,
    safety: Safety,
    order: Order,
    fill: Callable[[AffineBand, State, int], State],
    limit: int,
) -> tuple[list[State], list[str]] | None:
    """Run the pattern's slots greedily (largest chunk, then largest payment) up to ``limit``
    slots; the delivery states and slots used, or None if it stalls."""
    price = band.price
    x: State = tuple(0 for _ in band.counts)
    p = 0
    xs = [x]
    kinds: list[str] = []
    idle = 0
    for kind in itertools.islice(shape.slots(), limit):
        if x == band.counts and p == price:
            break
        x2, p2 = x, p
        trusted = min(price, band.band(x)[1])
        if kind == "D":
            x2 = fill(band, x, p)
        elif kind == "P":
            p2 = max(p, trusted)
        elif safety is Safety.SEQUENTIAL and order is Order.DELIVER_FIRST:
            x2 = fill(band, x, p)
            p2 = max(p, min(price, band.band(x2)[1]))
        elif safety is Safety.SEQUENTIAL:
            p2 = max(p, trusted)
            x2 = fill(band, x, p2)
        else:  # either order: the delivery is covered by the old payment, and vice versa
            x2 = fill(band, x, p)
            p2 = max(p, trusted)
        idle = idle + 1 if (x2, p2) == (x, p) else 0
        if idle > 2:
            return None
        x, p = x2, p2
        xs.append(x)
        kinds.append(kind)
    if x != band.counts or p != price:
        return None
    return xs, kinds


def _program(
    band: AffineBand,
    kinds: list[str],
    safety: Safety,
    order: Order,
    integral: bool,
    deadline: float | None = None,
) -> tuple[Outcome, list[State] | None]:
    """Solve the slot program: ``("feasible", delivery states)``, ``("infeasible", None)``
    (proven by HiGHS), or ``("unknown", None)`` when the time up to ``deadline`` ran out."""
    m = len(band.counts)
    steps = len(kinds)
    if steps == 0:  # nothing happens, but at least one unit must be delivered
        return "infeasible", None
    if deadline is not None and deadline <= time.monotonic():
        return "unknown", None  # out of time: not even worth building the program
    width = m + 1
    nvar = (steps + 1) * width
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(lower)
        for c, v in terms:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        lower.append(lo)
        upper.append(hi)

    def xv(t: int, i: int) -> int:
        return t * width + i

    def pv(t: int) -> int:
        return t * width + m

    def safe(tx: int, tp: int) -> None:
        # p - sum w_i x_i >= base_low ; p - sum c_i x_i <= base_high
        add(
            [(pv(tp), 1.0)] + [(xv(tx, i), -float(band.value[i])) for i in range(m)],
            float(band.base_low),
            np.inf,
        )
        add(
            [(pv(tp), 1.0)] + [(xv(tx, i), -float(band.cost[i])) for i in range(m)],
            -np.inf,
            float(band.base_high),
        )

    for t in range(1, steps + 1):
        kind = kinds[t - 1]
        for i in range(m):
            if kind == "P":
                add([(xv(t, i), 1.0), (xv(t - 1, i), -1.0)], 0.0, 0.0)
            else:
                add([(xv(t, i), 1.0), (xv(t - 1, i), -1.0)], 0.0, np.inf)
        add([(pv(t), 1.0), (pv(t - 1), -1.0)], 0.0, 0.0 if kind == "D" else np.inf)
        if t < steps:
            safe(t, t)
        if kind == "S":
            if safety is Safety.EITHER_ORDER or order is Order.DELIVER_FIRST:
                safe(t, t - 1)
            if safety is Safety.EITHER_ORDER or order is Order.PAY_FIRST:
                safe(t - 1, t)
    lb = np.zeros(nvar)
    ub = np.zeros(nvar)
    for t in range(steps + 1):
        for i in range(m):
            ub[xv(t, i)] = band.counts[i]
        ub[pv(t)] = band.price
    for i in range(m):
        ub[xv(0, i)] = 0.0
        lb[xv(steps, i)] = band.counts[i]
    ub[pv(0)] = 0.0
    lb[pv(steps)] = band.price
    integrality = np.zeros(nvar, dtype=np.int64)
    if integral:
        for t in range(steps + 1):
            integrality[t * width : t * width + m] = 1
    constraints = (
        [LinearConstraint(csr_matrix((vals, (rows, cols)), shape=(len(lower), nvar)), lower, upper)]
        if lower
        else []
    )
    time_limit = None
    if deadline is not None:
        time_limit = deadline - time.monotonic()
        if time_limit <= 0:
            return "unknown", None
    result = milp(
        np.zeros(nvar),
        constraints=constraints,
        integrality=integrality,
        bounds=LinearBounds(lb, ub),
        options=None if time_limit is None else {"time_limit": time_limit},
    )
    # 0: solved (the objective is 0, so the first solution is optimal); 1: a time limit, with
    # an integer solution if HiGHS found one (a relaxation's point at a limit proves nothing);
    # 2: infeasible. Anything else is a solver failure, never an answer.
    status = int(result.status)
    if status == 2:
        return "infeasible", None
    if status not in (0, 1) or (status == 0 and result.x is None):
        raise SolverLimit(
            f"the integer program solver (HiGHS) stopped with status {status} "
            f"({result.message}) on a {steps}-slot plan; only a solution or a proof of "
            "infeasibility can be used. Plan with engine='lattice' if the exchange has few "
            "delivery states"
        )
    if result.x is None or (status == 1 and not integral):
        return "unknown", None
    sol = result.x
    return "feasible", [tuple(round(sol[xv(t, i)]) for i in range(m)) for t in range(steps + 1)]


def _exact(
    band: AffineBand, xs: list[State], kinds: list[str], safety: Safety, order: Order
) -> list[tuple[State, int]] | None:
    """Payments for deliveries ``xs`` (fewest changes, exact), or None if they do not fit."""
    for a, b in itertools.pairwise(xs):
        if any(k2 < k1 for k1, k2 in zip(a, b, strict=True)):
            return None
    if xs[0] != tuple(0 for _ in band.counts) or xs[-1] != band.counts:
        return None
    bounds = payment_bounds(xs, kinds, band.band, band.price, safety, order)
    paid = fewest_payments(bounds, kinds)
    if paid is None:
        return None
    return list(zip(xs, paid, strict=True))


@dataclass(frozen=True)
class Shape:
    """Slot patterns ``(head + period + period + ...)[: fixed + per_count * c]`` for a count ``c``
    of the objective: e.g. fewest deliveries is ``"P" + "DP" * c``, fewest steps ``"S" * c``."""

    head: str
    period: str
    per_count: int
    fixed: int

    def slots(self) -> Iterator[str]:
        return itertools.chain(self.head, itertools.cycle(self.period))

    def pattern(self, count: int) -> list[str]:
        return list(itertools.islice(self.slots(), self.fixed + self.per_count * count))

    def count_of(self, used: int) -> int:
        """The least count whose pattern is at least ``used`` slots long."""
        return max(0, -(-(used - self.fixed) // self.per_count))


@dataclass(frozen=True)
class AffinePlan:
    """A plan of ``count`` (in the objective's units) through ``states`` in slots ``kinds``;
    every count below ``lower_bound`` is proven to have no plan."""

    count: int
    states: list[tuple[State, int]]
    kinds: list[str]
    lower_bound: int

    @property
    def proven(self) -> bool:
        """Whether ``count`` is proven to be the least (the bound reached it)."""
        return self.lower_bound >= self.count


def plan_affine(
    band: AffineBand,
    shapes: tuple[Shape, ...],
    safety: Safety,
    order: Order,
    deadline: float | None = None,
) -> AffinePlan | None:
    """The least count ``c`` with a plan of one of the ``shapes``, that plan's states and slots.

    None if no plan exists (callers check existence first with :func:`existence_order`). With a
    ``deadline`` (a :func:`time.monotonic` instant) the programs stop when it passes: the best
    plan found so far is returned, and its :attr:`AffinePlan.proven` says whether it is optimal.
    """
    ratio = sorted(
        range(len(band.counts)),
        key=lambda j: (-(band.cost[j] / band.value[j]) if band.value[j] else -np.inf, j),
    )
    exist = existence_order(band)
    limit = 4 * sum(band.counts) + 8  # one unit per delivery slot always suffices
    best: tuple[int, list[tuple[State, int]], list[str]] | None = None
    for shape in shapes:
        for chooser in (
            lambda b, x, p: _fill(b, x, p, ratio),
            lambda b, x, p: _prefix_fill(b, x, p, exist),
        ):
            run = greedy(band, shape, safety, order, chooser, limit)
            if run is None:
                continue
            xs, kinds = run
            count = shape.count_of(len(kinds))
            exact = _exact(band, xs, kinds, safety, order)
            if exact is not None and (best is None or count < best[0]):
                best = (count, exact, kinds)
    if best is None:
        return None
    upper = best[0]
    lo, hi = 0, upper
    while lo < hi:  # least count whose linear relaxation is feasible (or undecided in time)
        mid = (lo + hi) // 2
        if all(
            _program(band, shape.pattern(mid), safety, order, False, deadline)[0] == "infeasible"
            for shape in shapes
        ):
            lo = mid + 1
        else:
            hi = mid
    lower = lo  # every count below is proven infeasible (plans can idle, so counts are monotone)
    for count in range(lo, upper):
        undecided = False
        for shape in shapes:
            kinds = shape.pattern(count)
            outcome, chunks = _program(band, kinds, safety, order, True, deadline)
            if chunks is not None:
                exact = _exact(band, chunks, kinds, safety, order)
                if exact is not None:
                    return AffinePlan(count, exact, kinds, lower)
            undecided = undecided or outcome != "infeasible"
        if not undecided and lower == count:
            lower = count + 1
        if deadline is not None and time.monotonic() >= deadline:
            break
    return AffinePlan(best[0], best[1], best[2], lower)
