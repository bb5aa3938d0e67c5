"""The attack bench's metrics: how well a model's scores track the truth, and what they cost.

The first two are the Alpha Testbed's accuracy measures in spirit (Jelenc, Hermoso, Sabater-Mir
and Trček, "Decision making matters: a better way to evaluate trust models", Knowledge-Based
Systems 52, 2013; and the ART testbed before it): compare the model's opinion of every agent with
the agents' true capabilities, and measure what the decisions the model drives are worth. They
are computed on the snapshots a run publishes (:class:`~.scenario.Snapshot`, one per day) after
a burn-in (by default the first half of the run, while every model is still learning), and
averaged over those snapshots:

- :func:`mean_absolute_error`: ``mean_s |score(s) - p(s)|`` over the current sellers, ``p`` the
  true cooperation probability in force. Only meaningful when the score *is* a probability
  estimate (``ModelProperties.probabilistic``); for other models it is reported as ``None``
  (no rescaling of an unbounded sum or a trust share into [0, 1] would be a prediction).
- :func:`kendall_tau`: Kendall's tau-b between the scores and the true probabilities over the
  current sellers (scipy.stats.kendalltau): 1 when the model orders sellers as the truth does,
  0 when unrelated, -1 when reversed; ``None`` for a snapshot where either side is constant.

Over the run's trades:

- :func:`cheater_share`: the share of market trades won by cheaters (buyers pick by score).
- :func:`welfare`: the honest buyers' total utility, in currency units (minor units / 100): a
  cooperated trade of value ``v`` gains ``surplus * v``, a cheated one loses ``v``.
- :func:`detection_time`: a cheater identity is *detected* at the first snapshot where its
  published score is strictly below the median score of the honest sellers (a buyer comparing
  it with a typical honest seller would pass it over). Its detection time is the number of
  market trades it had won by then. The metric is the median over every cheater identity that
  was ever published (a whitewasher's every id counts); one never detected counts as never, so
  the metric is ``None`` when at least half were never detected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.attacks.scenario import Round, Snapshot, Trade

__all__ = [
    "Metrics",
    "cheater_share",
    "detection_time",
    "detection_times",
    "evaluate",
    "kendall_tau",
    "mean_absolute_error",
    "welfare",
]


def _pair(predicted: Sequence[float], truth: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(predicted, dtype=float)
    y = np.asarray(truth, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or not len(x):
        raise InvalidReputation(
            f"predicted and true values must be two non-empty lists of the same length, got "
            f"{len(predicted)} and {len(truth)}"
        )
    return x, y


def mean_absolute_error(predicted: Sequence[float], truth: Sequence[float]) -> float:
    """``mean_i |predicted_i - truth_i|``: the mean error of predicted cooperation
    probabilities."""
    x, y = _pair(predicted, truth)
    return float(np.mean(np.abs(x - y)))


def kendall_tau(scores: Sequence[float], truth: Sequence[float]) -> float | None:
    """Kendall's tau-b between a model's scores and the true probabilities (ties in either
    count as tau-b counts them); ``None`` when either is constant (no ranking to compare)."""
    x, y = _pair(scores, truth)
    if np.ptp(x) == 0.0 or np.ptp(y) == 0.0:
        return None
    from scipy.stats import kendalltau  # scipy.stats takes a second to import: only when used

    return float(kendalltau(x, y).statistic)


def cheater_share(trades: Iterable[Trade]) -> float:
    """The share of ``trades`` whose seller is a cheater (0.0 when there are none)."""
    total = won = 0
    for trade in trades:
        total += 1
        won += trade.cheater
    return won / total if total else 0.0


def welfare(trades: Iterable[Trade], surplus: float) -> float:
    """The buyers' total utility in currency units: ``sum surplus * v`` over cooperated trades
    minus ``sum v`` over cheated ones, values ``v`` in minor units divided by 100."""
    gained = lost = 0
    for trade in trades:
        if trade.cooperated:
            gained += trade.value
        else:
            lost += trade.value
    return (surplus * gained - lost) / 100.0


def detection_times(rounds: Iterable[Round]) -> dict[str, float]:
    """For every cheater identity that was published: the number of market trades it had won
    when first detected (its published score strictly below the honest sellers' median), or
    ``inf`` if it never was."""
    won: dict[str, int] = {}
    times: dict[str, float] = {}
    for item in rounds:
        snapshot = item.published
        if snapshot is not None:
            median = snapshot.honest_median
            for seller, score, cheater in zip(
                snapshot.sellers, snapshot.scores, snapshot.cheater, strict=True
            ):
                if cheater and math.isinf(times.setdefault(seller, math.inf)) and score < median:
                    times[seller] = float(won.get(seller, 0))
        won[item.trade.seller] = won.get(item.trade.seller, 0) + 1
    return times


def detection_time(rounds: Iterable[Round]) -> float | None:
    """The median of :func:`detection_times` (never detected counts as infinitely late);
    ``None`` if that median is infinite or no cheater was published."""
    times = list(detection_times(rounds).values())
    if not times:
        return None
    median = float(np.median(times))
    return median if math.isfinite(median) else None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every metric of one run (see the module docstring). ``mae`` is ``None`` for a model whose
    score is not a probability; ``tau`` when no evaluated snapshot had a ranking; ``detection``
    when at least half of the cheater identities were never detected."""

    mae: float | None
    tau: float | None
    cheater_share: float
    welfare: float
    detection: float | None
    trades: int


def _evaluated(rounds: Sequence[Round], burn_in: float) -> list[Snapshot]:
    if not rounds:
        return []
    start = burn_in * (rounds[-1].time + 1)
    return [r.published for r in rounds if r.published is not None and r.time >= start]


def evaluate(
    rounds: Sequence[Round], *, probabilistic: bool, surplus: float, burn_in: float = 0.5
) -> Metrics:
    """All the metrics of a run's ``rounds``: MAE (if ``probabilistic``) and tau averaged over
    the snapshots published from ``burn_in`` (a share of the run, in [0, 1)) on; the rest over
    the whole run."""
    if isinstance(burn_in, bool) or not isinstance(burn_in, int | float):
        raise InvalidReputation(f"burn_in must be a share of the run in [0, 1), got {burn_in!r}")
    if not 0.0 <= burn_in < 1.0:
        raise InvalidReputation(f"burn_in must be a share of the run in [0, 1), got {burn_in}")
    snapshots = _evaluated(rounds, burn_in)
    mae = None
    if probabilistic and snapshots:
        mae = float(np.mean([mean_absolute_error(s.scores, s.truth) for s in snapshots]))
    taus = [t for t in (kendall_tau(s.scores, s.truth) for s in snapshots) if t is not None]
    trades = [r.trade for r in rounds]
    return Metrics(
        mae=mae,
        tau=float(np.mean(taus)) if taus else None,
        cheater_share=cheater_share(trades),
        welfare=welfare(trades, surplus),
        detection=detection_time(rounds),
        trades=len(trades),
    )
