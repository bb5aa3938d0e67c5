"""The fewest payments for a fixed sequence of deliveries, exactly, in integers.

Once the delivery states ``x_0 = 0, x_1, ..., x_T = X`` of a plan are fixed, every safety
condition on the payments is a bound on one payment: ``p_t`` must lie in the band of ``x_t``, and
a step that delivers and pays also needs ``p_{t-1}`` in the band of ``x_t`` (delivery first) or
``p_t`` in the band of ``x_{t-1}`` (payment first) or both (either order). A slot that only
delivers keeps the payment: ``p_t = p_{t-1}``. So the payments are a non-decreasing sequence
through a list of intervals, from ``0`` to ``P``, and the fewest changes is found greedily: keep
the current payment while it fits; when it must rise, rise to the smallest value that lasts the
longest run (the largest lower bound over that run). Its values are the pointwise least feasible
ones, so each run ends no earlier than any other plan's, which makes the count optimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trustmarket.analysis.safe_exchange.safety import Order, Safety

State = tuple[int, ...]
#: A slot of a plan pattern: ``"D"`` delivers only, ``"P"`` pays only, ``"S"`` may do both.
Slot = str


def payment_bounds(
    xs: Sequence[State],
    slots: Sequence[Slot],
    band: Callable[[State], tuple[int, int]],
    price: int,
    safety: Safety,
    order: Order,
) -> list[tuple[int, int]]:
    """The interval each payment ``p_t`` must lie in, for deliveries ``xs`` and ``slots``."""
    bounds: list[tuple[int, int]] = []
    for x in xs:
        lo, hi = band(x)
        bounds.append((max(lo, 0), min(hi, price)))
    bounds[0] = (max(bounds[0][0], 0), min(bounds[0][1], 0))
    bounds[-1] = (max(bounds[-1][0], price), min(bounds[-1][1], price))
    for t, slot in enumerate(slots, start=1):
        if slot != "S":
            continue
        deliver_first = safety is Safety.EITHER_ORDER or order is Order.DELIVER_FIRST
        pay_first = safety is Safety.EITHER_ORDER or order is Order.PAY_FIRST
        if deliver_first:
            lo, hi = band(xs[t])
            a, b = bounds[t - 1]
            bounds[t - 1] = (max(a, lo), min(b, hi))
        if pay_first:
            lo, hi = band(xs[t - 1])
            a, b = bounds[t]
            bounds[t] = (max(a, lo), min(b, hi))
    return bounds


def fewest_payments(bounds: Sequence[tuple[int, int]], slots: Sequence[Slot]) -> list[int] | None:
    """Non-decreasing payments ``p_t`` within ``bounds``, equal across ``"D"`` slots, with the
    fewest changes; None if there are none."""
    # Positions joined by a delivery-only slot share one payment: group them.
    groups: list[list[int]] = [[0]]
    for t, slot in enumerate(slots, start=1):
        if slot == "D":
            groups[-1].append(t)
        else:
            groups.append([t])
    lows = [max(bounds[t][0] for t in g) for g in groups]
    highs = [min(bounds[t][1] for t in g) for g in groups]
    values: list[int] = []
    g = 0
    current: int | None = None
    while g < len(groups):
        if current is not None and lows[g] <= current <= highs[g]:
            values.append(current)
            g += 1
            continue
        if current is not None and current > highs[g]:
            return None
        run_lo, run_hi, end = lows[g], highs[g], g
        if run_lo > run_hi:
            return None
        while end + 1 < len(groups):
            lo, hi = max(run_lo, lows[end + 1]), min(run_hi, highs[end + 1])
            if lo > hi:
                break
            run_lo, run_hi, end = lo, hi, end + 1
        current = run_lo
        values.extend([current] * (end - g + 1))
        g = end + 1
    out = [0] * (len(slots) + 1)
    for group, value in zip(groups, values, strict=True):
        for t in group:
            out[t] = value
    return out
