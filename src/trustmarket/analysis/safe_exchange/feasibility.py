"""Why no safe plan exists: the first state that cannot be made safe (SPEC 5).

Three causes, tried in turn:

1. the start ``(0, 0)`` is unsafe: one party gains by walking away before anything is exchanged
   (the buyer if the price exceeds her least value of all the goods plus e_d; the seller if his
   greatest cost of all the goods exceeds the price plus e_s);
2. for independent units, the one-unit-at-a-time plan along
   :func:`~.integer_program.existence_order` stalls (a plan exists iff it does not): the reason
   names the state it reaches and the unit it cannot deliver;
3. for an explicit lattice, the exhaustive search settles every reachable state without
   reaching ``X``: the reason names the reachable state with the most units delivered and why
   each one-unit-larger delivery is unsafe at every payment reachable there.
"""

from __future__ import annotations

from trustmarket.analysis.safe_exchange.integer_program import AffineBand, existence_order
from trustmarket.analysis.safe_exchange.intervals import IntervalSet
from trustmarket.analysis.safe_exchange.lattice import Lattice
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem

State = tuple[int, ...]
Blocked = tuple[str, State]

_NO_PLAN = "no safe plan exists"


def start_blocked(problem: ExchangeProblem) -> Blocked | None:
    """The reason the start ``(0, 0)`` is unsafe, or None if it is safe."""
    origin = tuple(0 for _ in problem.counts)
    band = problem.band(origin)
    f = problem.format
    if band.low > 0:
        rest = problem.goods.buyer_rest_low(origin)
        return (
            f"{_NO_PLAN}: at the start the buyer gains by walking away: the price "
            f"{f(problem.price)} exceeds the least she values all the goods ({f(rest)}) plus "
            f"what she forgoes by vanishing ({f(problem.buyer_forgoes)})",
            origin,
        )
    if band.high < 0:
        rest = problem.goods.seller_rest_high(origin)
        return (
            f"{_NO_PLAN}: at the start the seller gains by walking away: delivering all the "
            f"goods may cost him {f(rest)}, more than the price {f(problem.price)} plus what he "
            f"forgoes by vanishing ({f(problem.seller_forgoes)})",
            origin,
        )
    return None


def affine_blocked(problem: ExchangeProblem, band: AffineBand) -> Blocked | None:
    """For independent units: None if a safe plan exists, else where every plan gets stuck.

    Walks :func:`~.integer_program.existence_order` a whole item at a time: a unit of item ``j``
    can follow iff the slack ``s = U(x) - L(x)`` is at least its value ``w_j``, and each unit
    changes ``s`` by ``c_j - w_j``, so the number of units that fit is found by division.
    """
    x = [0] * len(band.counts)
    for j in existence_order(band):
        n, w = band.counts[j], band.value[j]
        slack = band.slack(tuple(x))
        drop = w - band.cost[j]
        if slack < w:
            fit = 0
        elif drop <= 0:
            fit = n
        else:
            fit = min(n, (slack - w) // drop + 1)
        x[j] = fit
        if fit < n:
            here = tuple(x)
            paid = min(band.price, band.band(here)[1])
            x[j] += 1
            need = band.band(tuple(x))[0]
            f = problem.format
            return (
                f"{_NO_PLAN}: the furthest any plan gets is {problem.describe(here)} "
                f"delivered with {f(paid)} paid (the most the seller can be trusted with "
                f"there); one more unit of {problem.items[j]!r} needs at least {f(need)} paid "
                f"before it is delivered, or the buyer gains by vanishing with it (units were "
                f"tried in the order that delivers everything whenever any order does)",
                here,
            )
    return None


def lattice_blocked(
    problem: ExchangeProblem, lattice: Lattice, settled: list[IntervalSet]
) -> Blocked:
    """After an exhaustive search that missed ``(X, P)``: the furthest reachable state and why
    no one-unit-larger delivery is safe from it."""
    best = max(
        (i for i in range(lattice.size) if settled[i]),
        key=lambda i: (sum(lattice.state(i)), -i),
    )
    here = lattice.state(best)
    reach = settled[best]
    least, most = reach[0][0], reach[-1][1]
    f = problem.format
    why: list[str] = []
    for j, name in enumerate(problem.items):
        if here[j] >= problem.counts[j]:
            continue
        nxt = tuple(k + (i == j) for i, k in enumerate(here))
        band = problem.band(nxt)
        t = lattice.index(nxt)
        low, high = int(lattice.low[t]), int(lattice.high[t])
        if low > high:
            why.append(
                f"one more {name!r}: no payment is safe at {problem.describe(nxt)} (the buyer "
                f"needs at least {f(band.low)} paid, the seller can be trusted with at most "
                f"{f(band.high)}, and payments run from 0 to the price)"
            )
        elif most < low:
            why.append(
                f"one more {name!r} needs at least {f(low)} paid first, or the buyer "
                f"gains by vanishing with it"
            )
        elif least > high:
            why.append(
                f"one more {name!r}: the seller can be trusted with at most {f(high)} "
                f"once it is delivered, less than the {f(least)} already paid"
            )
        else:
            why.append(
                f"one more {name!r}: it is safe only with {f(low)} to {f(high)} paid, and no "
                f"payment reachable here falls in that range"
            )
    paid = f(least) if least == most else f"{f(least)} to {f(most)}"
    return (
        f"{_NO_PLAN}: the furthest any plan gets is {problem.describe(here)} delivered with "
        f"{paid} paid; from there no delivery is safe: " + "; ".join(why),
        here,
    )
