"""Figures of the credit bureau: T(L) for several tracing costs (the paper's figure 4) and M1
paths drawn over ``h^-1`` and T (figures 5 and 6). Figures are built with
``matplotlib.figure.Figure`` (no pyplot, no display needed) and returned; ``save`` writes PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trustmarket.reputation.bureau.m1 import ProfitFunction, run_m1, stable_points
from trustmarket.reputation.bureau.reputation_function import ReputationFunction

__all__ = ["plot_m1", "plot_reputation", "save"]


def _figure() -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(6.4, 4.4))


def plot_reputation(
    costs: Sequence[float] = (0.02, 0.05, 0.1, 0.2),
    *,
    F: Any = "uniform:0,1",  # noqa: N803
    G: Any = "uniform:0,1",  # noqa: N803
    losses: Any = None,
) -> Any:
    """T(L_m) against L_m for each tracing cost C (figure 4 shows C = 0.02)."""
    grid = np.linspace(0.0, 1.0, 201) if losses is None else np.asarray(losses, dtype=float)
    figure = _figure()
    axes = figure.subplots()
    for cost in costs:
        curve = ReputationFunction(cost, F, G).curve(grid)
        axes.plot(grid, curve, label=f"C = {cost:g}")
    axes.set_xlabel("merchant's loss L_m")
    axes.set_ylabel("reputation T(L_m)")
    axes.set_title("The credit bureau's reputation T(L)")
    axes.set_ylim(0.0, 1.0)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure


def plot_m1(
    function: ReputationFunction,
    h: ProfitFunction,
    starts: Sequence[float],
    *,
    r_max: float = 1.0,
) -> Any:
    """M1 paths from each start, drawn as reputation against period, with the stable points."""
    figure = _figure()
    axes = figure.subplots()
    for start in starts:
        path = run_m1(function, h, start, r_max=r_max).path
        axes.plot(range(len(path)), path, marker=".", label=f"from {start:g}")
    for point in stable_points(function, h, r_max=r_max):
        style = "-" if point.attracting else ":"
        axes.axhline(point.reputation, color="grey", linestyle=style, linewidth=0.8)
    axes.set_xlabel("period")
    axes.set_ylabel("reputation r")
    axes.set_title(f"M1: r <- T(h(r)), {h!r}")
    axes.set_ylim(0.0, 1.0)
    axes.legend(loc="best", fontsize="small")
    figure.tight_layout()
    return figure


def save(figure: Any, path: str | Path) -> Path:
    """Write ``figure`` as PNG to ``path``."""
    target = Path(path)
    figure.savefig(target, format="png", dpi=110)
    return target
