"""One interface to winner determination: ``solve(instance, solver=..., time_limit=...)``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from trustmarket.combinatorial.instance import Instance
from trustmarket.combinatorial.mip import solve_mip
from trustmarket.combinatorial.search import solve_search
from trustmarket.combinatorial.solution import Solution
from trustmarket.core.errors import InvalidInput

#: The solvers behind :func:`solve`; ``search`` is the default.
SOLVERS: dict[str, Callable[..., Solution]] = {"search": solve_search, "mip": solve_mip}


def check_time_limit(time_limit: object) -> float | None:
    """None (no limit) or a positive, finite number of seconds."""
    if time_limit is None:
        return None
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise InvalidInput(
            f"time_limit must be a positive, finite number of seconds or None, got {time_limit!r}"
        )
    return float(time_limit)


def check_solver(solver: object) -> Callable[..., Solution]:
    if not isinstance(solver, str) or solver not in SOLVERS:
        raise InvalidInput(f"unknown solver {solver!r}; allowed: {', '.join(SOLVERS)}")
    return SOLVERS[solver]


def solve(
    instance: Instance, solver: str = "search", time_limit: float | None = None, **options: Any
) -> Solution:
    """Maximise the sum of accepted bid prices: each unit sold at most once, XOR groups honoured.

    Returns the exact value, the winning bid ids, ``optimal`` (gap 0) or ``time_limit`` with
    the proven bound, and the time taken. The allocation is re-checked in exact integers.
    """
    if not isinstance(instance, Instance):
        raise InvalidInput(f"solve needs an Instance, got {type(instance).__name__}")
    run = check_solver(solver)
    limit = check_time_limit(time_limit)
    solution = run(instance, time_limit=limit, **options)
    instance.check_feasible(solution.winners)
    return solution
