"""Means with 95% confidence intervals over seeds (Student's t), and their printed form."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from trustmarket.sim.scenario import RunResult

__all__ = ["confidence_interval", "estimate", "format_estimate", "summarise"]


def confidence_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """``(mean, low, high)`` of ``values``: the t interval ``mean +- t_{(1+level)/2, n-1} s /
    sqrt(n)``. With one value (or none finite) the bounds are NaN. NaNs are left out."""
    data = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if data.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if data.size == 1:
        return mean, math.nan, math.nan
    # Imported here: scipy.stats takes a second to import and worker processes never need it.
    from scipy import stats

    half = float(
        stats.t.ppf((1 + level) / 2, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size)
    )
    return mean, mean - half, mean + half


def summarise(results: Sequence[RunResult], level: float = 0.95) -> pd.DataFrame:
    """One row per (label, metric): ``mean``, ``low``, ``high`` (the confidence interval) and
    ``n`` (runs with a value) over the runs' seeds."""
    rows: list[dict[str, object]] = []
    labels = list(dict.fromkeys(r.label for r in results))
    for label in labels:
        runs = [r for r in results if r.label == label]
        metrics = list(dict.fromkeys(m for r in runs for m in r.metrics))
        for metric in metrics:
            values = [float(r.metrics.get(metric, math.nan)) for r in runs]
            mean, low, high = confidence_interval(values, level)
            n = sum(not math.isnan(v) for v in values)
            rows.append(
                {"label": label, "metric": metric, "mean": mean, "low": low, "high": high, "n": n}
            )
    return pd.DataFrame(rows, columns=["label", "metric", "mean", "low", "high", "n"])


def estimate(summary: pd.DataFrame, label: str, metric: str) -> tuple[float, float, float]:
    """``(mean, low, high)`` of one row of :func:`summarise`'s table (NaNs when it is
    missing)."""
    row = summary[(summary["label"] == label) & (summary["metric"] == metric)]
    if row.empty:
        return math.nan, math.nan, math.nan
    first = row.iloc[0]
    return float(first["mean"]), float(first["low"]), float(first["high"])


def format_estimate(
    summary: pd.DataFrame, label: str, metric: str, *, percent: bool = False, digits: int = 2
) -> str:
    """``"57.1% [52.0, 62.3]"`` or ``"1.23 [1.10, 1.36]"``: the mean and its interval."""
    mean, low, high = estimate(summary, label, metric)
    if math.isnan(mean):
        return "n/a"
    scale, unit = (100.0, "%") if percent else (1.0, "")
    digits = 1 if percent else digits
    text = f"{mean * scale:.{digits}f}{unit}"
    if not math.isnan(low):
        text += f" [{low * scale:.{digits}f}, {high * scale:.{digits}f}]"
    return text
