"""Exact planning over an explicit lattice of delivery states (tables and divisible items).

The states are every delivery vector ``x`` from ``0`` to ``X``; at each the safe payments form
the band ``[low(x), high(x)]`` (clipped to ``[0, P]``: payments never go back or past the price).
A plan is a path from ``(0, 0)`` to ``(X, P)``. Payments can be any whole number of minor units,
so instead of enumerating them the search carries, for every state, the *set* of payments
reachable there, as a union of intervals (:mod:`~trustmarket.analysis.safe_exchange.intervals`).
From a reachable set ``R`` at ``x``:

- a payment reaches ``(min R, high(x)]`` at ``x``;
- a delivery to ``x' > x`` reaches ``R ∩ band(x')`` at ``x'``;
- a step that delivers to ``x'`` and pays reaches, by :class:`~.safety.Safety` and
  :class:`~.safety.Order`: deliver-first ``(min (R ∩ band(x')), high(x')]``; pay-first
  ``(min R, ∞) ∩ band(x) ∩ band(x')``; either-order ``(min (R ∩ band(x')), ∞) ∩ band(x) ∩
  band(x')`` (both intermediate states safe).

The search is Dijkstra's algorithm with lexicographic cost vectors, run over buckets of equal
cost: a payment first settled at cost ``c`` is never improved later, so the first time ``P`` is
settled at ``X`` its cost is optimal. For the step objective the cost is ``(steps, deliveries +
payments)``; for the others ``(primary count, secondary count)``. The optimal path is rebuilt
backwards from the settled sets. Work per bucket is ``O(sum_x |{x' >= x}|)`` interval operations.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustmarket.analysis.safe_exchange.intervals import (
    EMPTY,
    IntervalSet,
    clip,
    contains,
    largest_below,
    normalize,
    subtract,
    union,
)
from trustmarket.analysis.safe_exchange.safety import Order, Safety

State = tuple[int, ...]
Cost = tuple[int, int]


@dataclass
class Lattice:
    """Every delivery state with its clipped band, flat-indexed (the last item varies fastest).

    ``low`` and ``high`` are int64 arrays (amounts are capped far below 2**63 by
    :data:`~trustmarket.analysis.safe_exchange.problem.MAX_AMOUNT`).
    """

    counts: State
    low: np.ndarray[Any, np.dtype[np.int64]]
    high: np.ndarray[Any, np.dtype[np.int64]]
    price: int
    _strides: tuple[int, ...] = field(init=False, repr=False)
    _ups: dict[int, np.ndarray[Any, np.dtype[np.int64]]] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        strides = []
        step = 1
        for n in reversed(self.counts):
            strides.append(step)
            step *= n + 1
        self._strides = tuple(reversed(strides))

    @property
    def size(self) -> int:
        return len(self.low)

    def index(self, x: State) -> int:
        return sum(k * s for k, s in zip(x, self._strides, strict=True))

    def state(self, index: int) -> State:
        out = []
        for s in self._strides:
            k, index = divmod(index, s)
            out.append(k)
        return tuple(out)

    def ups(self, index: int) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Flat indices of every state ``x' >= x``, in increasing order (``x`` itself first)."""
        cached = self._ups.get(index)
        if cached is None:
            x = self.state(index)
            flat = np.zeros(1, dtype=np.int64)
            for k, n, s in zip(x, self.counts, self._strides, strict=True):
                flat = np.add.outer(flat, np.arange(k, n + 1, dtype=np.int64) * s).ravel()
            cached = flat
            self._ups[index] = cached
        return cached

    def downs(self, index: int) -> list[int]:
        """Flat indices of every state ``x' <= x`` other than ``x``, from ``0`` upwards."""
        x = self.state(index)
        return [self.index(y) for y in itertools.product(*(range(k + 1) for k in x)) if y != x]

    @staticmethod
    def pair_count(counts: State) -> int:
        """``sum_x |{x' >= x}| = prod_i (X_i + 1)(X_i + 2) / 2``: the work of one sweep."""
        total = 1
        for n in counts:
            total *= (n + 1) * (n + 2) // 2
        return total


@dataclass
class Search:
    """Settled payment sets: per state, the set reached at each cost, and their union."""

    lattice: Lattice
    settled: list[IntervalSet]
    history: list[dict[Cost, IntervalSet]]
    goal_cost: Cost | None

    def at(self, index: int, cost: Cost) -> IntervalSet:
        return self.history[index].get(cost, EMPTY)


Array = np.ndarray[Any, np.dtype[np.int64]]
PushMany = Callable[[Cost, Array, Array, Array], None]


def _dijkstra(
    lattice: Lattice, expand: Callable[[int, IntervalSet, Cost, PushMany], None]
) -> Search:
    size = lattice.size
    settled: list[IntervalSet] = [EMPTY] * size
    history: list[dict[Cost, IntervalSet]] = [{} for _ in range(size)]
    pending: dict[Cost, list[tuple[Array, Array, Array]]] = {}
    heap: list[Cost] = []
    goal = size - 1

    def push(cost: Cost, index: Array, a: Array, b: Array) -> None:
        keep = a <= b
        if not keep.any():
            return
        bucket = pending.get(cost)
        if bucket is None:
            bucket = pending[cost] = []
            heapq.heappush(heap, cost)
        bucket.append((index[keep], a[keep], b[keep]))

    if lattice.low[0] <= 0 <= lattice.high[0]:
        zero = np.zeros(1, dtype=np.int64)
        push((0, 0), zero, zero, zero)
    while heap:
        cost = heapq.heappop(heap)
        parts = pending.pop(cost)
        index = np.concatenate([p[0] for p in parts])
        a = np.concatenate([p[1] for p in parts])
        b = np.concatenate([p[2] for p in parts])
        order = np.lexsort((a, index))
        index, a, b = index[order], a[order], b[order]
        cuts = np.flatnonzero(np.diff(index)) + 1
        fresh: list[tuple[int, IntervalSet]] = []
        for lo, hi in zip(
            np.concatenate(([0], cuts)).tolist(),
            np.concatenate((cuts, [len(index)])).tolist(),
            strict=True,
        ):
            s = int(index[lo])
            new = subtract(
                normalize(zip(a[lo:hi].tolist(), b[lo:hi].tolist(), strict=True)), settled[s]
            )
            if new:
                settled[s] = union(settled[s], new)
                history[s][cost] = new
                fresh.append((s, new))
        if contains(settled[goal], lattice.price):
            return Search(lattice, settled, history, cost)
        for s, new in fresh:
            expand(s, new, cost, push)
    return Search(lattice, settled, history, None)


def _first_kept(new: IntervalSet, low: Array, high: Array) -> Array:
    """Per target, ``min(new ∩ [low, high])``, or a sentinel above every payment if empty."""
    first = np.full(len(low), _NONE, dtype=np.int64)
    for a, b in reversed(new):  # later pieces first, so earlier ones overwrite
        start = np.maximum(a, low)
        hit = start <= np.minimum(b, high)
        first = np.where(hit, start, first)
    return first


_NONE = np.int64(2**62)


def search_steps(lattice: Lattice, safety: Safety, order: Order) -> Search:
    """Fewest steps, ties broken by fewest deliveries + payments (exact)."""
    low, high = lattice.low, lattice.high
    either = safety is Safety.EITHER_ORDER
    pay_first = safety is Safety.SEQUENTIAL and order is Order.PAY_FIRST

    def expand(s: int, new: IntervalSet, cost: Cost, push: PushMany) -> None:
        k, a = cost
        one, two = (k + 1, a + 1), (k + 1, a + 2)
        m = new[0][0]
        lo_s, hi_s = int(low[s]), int(high[s])
        here = np.array([s], dtype=np.int64)
        push(one, here, np.array([m + 1]), np.array([hi_s]))  # pay only
        targets = lattice.ups(s)[1:]
        if not len(targets):
            return
        lo_t, hi_t = low[targets], high[targets]
        for c, d in new:  # deliver only
            push(one, targets, np.maximum(c, lo_t), np.minimum(d, hi_t))
        if pay_first:  # deliver and pay, payment first
            push(two, targets, np.maximum(max(m + 1, lo_s), lo_t), np.minimum(hi_s, hi_t))
            return
        first = _first_kept(new, lo_t, hi_t)
        found = first != _NONE
        if either:
            push(
                two,
                targets[found],
                np.maximum(first[found] + 1, lo_s),
                np.minimum(hi_s, hi_t[found]),
            )
        else:
            push(two, targets[found], first[found] + 1, hi_t[found])

    return _dijkstra(lattice, expand)


def search_actions(lattice: Lattice, deliver_cost: Cost, pay_cost: Cost) -> Search:
    """Fewest deliveries and/or payments, each action priced by a lexicographic cost vector."""
    low, high = lattice.low, lattice.high

    def expand(s: int, new: IntervalSet, cost: Cost, push: PushMany) -> None:
        pay = (cost[0] + pay_cost[0], cost[1] + pay_cost[1])
        deliver = (cost[0] + deliver_cost[0], cost[1] + deliver_cost[1])
        push(pay, np.array([s], dtype=np.int64), np.array([new[0][0] + 1]), high[s : s + 1])
        targets = lattice.ups(s)[1:]
        if not len(targets):
            return
        lo_t, hi_t = low[targets], high[targets]
        for c, d in new:
            push(deliver, targets, np.maximum(c, lo_t), np.minimum(d, hi_t))

    return _dijkstra(lattice, expand)


def _minus(cost: Cost, by: Cost) -> Cost:
    return (cost[0] - by[0], cost[1] - by[1])


def path_of_steps(search: Search, safety: Safety, order: Order) -> list[tuple[State, int]]:
    """The optimal sequence of states ``(x, p)``, one per step, rebuilt from ``search``."""
    lat = search.lattice
    assert search.goal_cost is not None
    low, high = lat.low.tolist(), lat.high.tolist()
    t, q, cost = lat.size - 1, lat.price, search.goal_cost
    path = [(t, q)]
    while cost != (0, 0):
        one, two = _minus(cost, (1, 1)), _minus(cost, (1, 2))
        found: tuple[int, int, Cost] | None = None
        for s in lat.downs(t):  # deliver only
            if contains(search.at(s, one), q):
                found = (s, q, one)
                break
        if found is None:
            p = largest_below(search.at(t, one), q)  # pay only
            if p is not None:
                found = (t, p, one)
        if found is None:
            for s in lat.downs(t):  # both
                if (safety is Safety.EITHER_ORDER or order is Order.PAY_FIRST) and not (
                    low[s] <= q <= high[s]
                ):
                    continue
                floor = (
                    low[t] if safety is Safety.EITHER_ORDER or order is Order.DELIVER_FIRST else 0
                )
                p = largest_below(clip(search.at(s, two), floor, q), q)
                if p is not None:
                    found = (s, p, two)
                    break
        if found is None:  # pragma: no cover - the settled sets always hold a predecessor
            raise AssertionError("no predecessor while rebuilding an optimal plan")
        t, q, cost = found
        path.append((t, q))
    return [(lat.state(s), p) for s, p in reversed(path)]


def path_of_actions(search: Search, deliver_cost: Cost, pay_cost: Cost) -> list[tuple[State, int]]:
    """The optimal sequence of states ``(x, p)``, one per action, rebuilt from ``search``."""
    lat = search.lattice
    assert search.goal_cost is not None
    t, q, cost = lat.size - 1, lat.price, search.goal_cost
    path = [(t, q)]
    while cost != (0, 0):
        found: tuple[int, int, Cost] | None = None
        before = _minus(cost, deliver_cost)
        if min(before) >= 0:
            for s in lat.downs(t):
                if contains(search.at(s, before), q):
                    found = (s, q, before)
                    break
        if found is None:
            before = _minus(cost, pay_cost)
            p = largest_below(search.at(t, before), q) if min(before) >= 0 else None
            if p is not None:
                found = (t, p, before)
        if found is None:  # pragma: no cover - the settled sets always hold a predecessor
            raise AssertionError("no predecessor while rebuilding an optimal plan")
        t, q, cost = found
        path.append((t, q))
    return [(lat.state(s), p) for s, p in reversed(path)]
