"""The plain MIP formulation on HiGHS (SPEC 3.4): a binary per bid, a row per good (its unit
supply) and a row per XOR group. It is the reference the ``search`` solver is checked against."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence

import highspy
import numpy as np

from trustmarket.combinatorial._highs import new_highs
from trustmarket.combinatorial.instance import Instance
from trustmarket.combinatorial.solution import Solution, Status
from trustmarket.core.errors import InvalidInput


def build_model(
    inst: Instance, bids: Sequence[int], *, integral: bool = True
) -> tuple[highspy.HighsLp, list[int]]:
    """The LP/MIP over the bids with these indices; returns the model and its column order."""
    cols = list(bids)
    good_rows: dict[int, int] = {}
    group_rows: dict[int, int] = {}
    group_size: dict[int, int] = {}
    for b in cols:
        g = inst.bids[b].group
        if g is not None:
            group_size[g] = group_size.get(g, 0) + 1
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for b in cols:
        bid = inst.bids[b]
        for good, units in bid.bundle:
            row = good_rows.setdefault(good, len(good_rows) + len(group_rows))
            index.append(row)
            value.append(float(units))
        if bid.group is not None and group_size[bid.group] > 1:
            row = group_rows.setdefault(bid.group, len(good_rows) + len(group_rows))
            index.append(row)
            value.append(1.0)
        starts.append(len(index))
    num_row = len(good_rows) + len(group_rows)
    upper = np.ones(num_row)
    for good, row in good_rows.items():
        upper[row] = float(inst.goods[good].units)
    lp = highspy.HighsLp()
    lp.num_col_ = len(cols)
    lp.num_row_ = num_row
    lp.col_cost_ = np.array([float(inst.bids[b].price) for b in cols])
    lp.col_lower_ = np.zeros(len(cols))
    lp.col_upper_ = np.ones(len(cols))
    lp.row_lower_ = np.full(num_row, -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    lp.sense_ = highspy.ObjSense.kMaximize
    if integral:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cols)
    return lp, cols


def solve_mip(
    inst: Instance,
    bids: Sequence[int] | None = None,
    *,
    time_limit: float | None = None,
    start: Sequence[int] = (),
    label: str = "mip",
    highs_options: Mapping[str, bool | float | str] | None = None,
    pool: list[list[int]] | None = None,
) -> Solution:
    """Solve the bids with these indices (all by default) to optimality or the time limit.

    ``start`` is a feasible set of bid indices handed to HiGHS as its first incumbent;
    ``highs_options`` are passed to HiGHS as they are (the plain solver uses its defaults).
    When ``pool`` is a list, the improving allocations HiGHS found (bid indices, exactly
    feasible) are appended to it.
    """
    if pool is not None and not isinstance(pool, list):
        raise InvalidInput(f"pool must be a list to append allocations to, got {pool!r}")
    t0 = time.perf_counter()
    chosen = list(range(len(inst.bids))) if bids is None else list(bids)
    if not chosen:
        return Solution(0, (), Status.OPTIMAL, 0, time.perf_counter() - t0, label)
    lp, cols = build_model(inst, chosen)
    h = new_highs(time_limit)
    h.passModel(lp)
    # Prices are integers, so any solution better than the incumbent is better by at least 1:
    # an absolute gap below 1 proves optimality.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    for name, option in (highs_options or {}).items():
        h.setOptionValue(name, option)
    if start:
        pos = {b: i for i, b in enumerate(cols)}
        values = np.zeros(len(cols))
        for b in start:
            if b in pos:
                values[pos[b]] = 1.0
        sol = highspy.HighsSolution()
        sol.col_value = values.tolist()
        h.setSolution(sol)
    if pool is not None:
        h.setOptionValue("mip_improving_solution_save", True)
    h.run()
    if pool is not None:
        for saved in h.getSavedMipSolutions():
            taken = [cols[i] for i, v in enumerate(saved.col_value) if v > 0.5]
            try:
                inst.check_feasible(inst.bids[b].bid_id for b in taken)
            except ValueError:
                continue
            pool.append(taken)
    status = h.getModelStatus()
    info = h.getInfo()
    x = h.getSolution().col_value
    winners = [cols[i] for i in range(len(cols)) if x[i] > 0.5]
    value = sum(inst.bids[b].price for b in winners)
    if status == highspy.HighsModelStatus.kOptimal:
        st, bound = Status.OPTIMAL, value
    else:
        st = Status.TIME_LIMIT
        dual = info.mip_dual_bound
        if math.isfinite(dual):
            bound = max(math.floor(dual + 1e-6 * max(1.0, abs(dual))), value)
            if bound == value:
                st = Status.OPTIMAL  # prices are integers: a bound below value + 1 proves it
        else:
            # Stopped before HiGHS had any bound: all positive prices together are one.
            bound = max(sum(max(inst.bids[b].price, 0) for b in chosen), value)
            if bound == value:
                st = Status.OPTIMAL
    ids = tuple(inst.bids[b].bid_id for b in sorted(winners))
    return Solution(
        value, ids, st, bound, time.perf_counter() - t0, label, int(info.mip_node_count)
    )
