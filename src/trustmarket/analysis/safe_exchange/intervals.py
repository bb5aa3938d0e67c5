"""Sets of integer payments as sorted, disjoint intervals.

The planners carry, for every delivery state, the set of payments (in minor units) that can be
reached there. A payment can rise by any amount, so these sets are unions of a few intervals;
keeping them exact is what makes the search exact without enumerating every cent.

An :data:`IntervalSet` is a tuple of inclusive ``(low, high)`` pairs, sorted, disjoint and not
adjacent (``high + 1 < next low``). The empty set is ``()``.
"""

from __future__ import annotations

from collections.abc import Iterable

Interval = tuple[int, int]
IntervalSet = tuple[Interval, ...]

EMPTY: IntervalSet = ()


def normalize(intervals: Iterable[Interval]) -> IntervalSet:
    """Sort, drop empty intervals and merge overlapping or adjacent ones."""
    pieces = sorted((a, b) for a, b in intervals if a <= b)
    merged: list[Interval] = []
    for a, b in pieces:
        if merged and a <= merged[-1][1] + 1:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return tuple(merged)


def union(first: IntervalSet, second: IntervalSet) -> IntervalSet:
    """``first | second`` (set union)."""
    if not first:
        return second
    if not second:
        return first
    return normalize((*first, *second))


def subtract(first: IntervalSet, second: IntervalSet) -> IntervalSet:
    """``first - second`` (set difference)."""
    if not first or not second:
        return first
    out: list[Interval] = []
    j = 0
    for a, b in first:
        lo = a
        while j < len(second) and second[j][1] < lo:
            j += 1
        k = j
        while k < len(second) and second[k][0] <= b:
            c, d = second[k]
            if c > lo:
                out.append((lo, c - 1))
            lo = max(lo, d + 1)
            if lo > b:
                break
            k += 1
        if lo <= b:
            out.append((lo, b))
    return tuple(out)


def clip(intervals: IntervalSet, low: int, high: int) -> IntervalSet:
    """``intervals`` restricted to ``[low, high]``."""
    if low > high:
        return EMPTY
    out = [(max(a, low), min(b, high)) for a, b in intervals if b >= low and a <= high]
    return tuple(out)


def contains(intervals: IntervalSet, value: int) -> bool:
    """Whether ``value`` lies in the set."""
    return any(a <= value <= b for a, b in intervals)


def largest_below(intervals: IntervalSet, value: int) -> int | None:
    """The largest member that is strictly less than ``value``, or None."""
    best: int | None = None
    for a, b in intervals:
        if a < value:
            best = min(b, value - 1)
    return best
