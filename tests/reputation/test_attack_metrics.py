"""The attack bench's metrics on small hand-built cases, computed independently."""

from __future__ import annotations

import itertools
import math

import pytest

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.attacks import (
    Round,
    Snapshot,
    Trade,
    cheater_share,
    detection_time,
    detection_times,
    evaluate,
    kendall_tau,
    mean_absolute_error,
    welfare,
)


def tau_by_pairs(x: list[float], y: list[float]) -> float:
    """Kendall's tau-a by counting pairs (equal to tau-b when nothing is tied)."""
    concordant = discordant = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        sign = (x[i] - x[j]) * (y[i] - y[j])
        concordant += sign > 0
        discordant += sign < 0
    return (concordant - discordant) / math.comb(len(x), 2)


def test_mean_absolute_error_by_hand() -> None:
    assert mean_absolute_error([0.5, 0.9, 0.1], [0.4, 1.0, 0.4]) == pytest.approx(0.5 / 3)
    assert mean_absolute_error([0.3], [0.3]) == 0.0


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0]),
        ([0.9, 0.1, 0.5, 0.7, 0.3], [0.2, 0.4, 0.6, 0.8, 1.0]),
        ([5.0, 4.0, 3.0], [0.1, 0.2, 0.3]),
    ],
)
def test_kendall_tau_counts_concordant_pairs(x: list[float], y: list[float]) -> None:
    assert kendall_tau(x, y) == pytest.approx(tau_by_pairs(x, y))


def test_kendall_tau_values() -> None:
    assert kendall_tau([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0]) == pytest.approx(2 / 3)
    assert kendall_tau([3.0, 2.0, 1.0], [0.1, 0.2, 0.3]) == pytest.approx(-1.0)
    # A model that says the same about everyone has no ranking to compare.
    assert kendall_tau([0.5, 0.5, 0.5], [0.1, 0.2, 0.3]) is None


@pytest.mark.parametrize(("x", "y"), [([0.1, 0.2], [0.1]), ([], [])])
def test_metrics_refuse_mismatched_lists(x: list[float], y: list[float]) -> None:
    with pytest.raises(InvalidReputation, match="same length"):
        mean_absolute_error(x, y)
    with pytest.raises(InvalidReputation, match="same length"):
        kendall_tau(x, y)


def trade(time: int, seller: str, cooperated: bool = True, value: int = 1000) -> Trade:
    return Trade(time, "b0", seller, (seller, "x"), cooperated, value, seller.startswith("c"))


def test_cheater_share_and_welfare_by_hand() -> None:
    trades = [
        trade(0, "h1", True, 1000),
        trade(1, "c1", False, 2000),
        trade(2, "h2", True, 4000),
        trade(3, "c1", True, 400),
    ]
    assert cheater_share(trades) == 0.5
    assert cheater_share([]) == 0.0
    # gained: 0.25 * (1000 + 4000 + 400) = 1350 minor units; lost: 2000.
    assert welfare(trades, 0.25) == pytest.approx((1350 - 2000) / 100)


SELLERS = ("h1", "h2", "h3", "c1", "c2", "c3")
CHEATER = tuple(s.startswith("c") for s in SELLERS)
TRUTH = (0.9, 0.8, 0.7, 0.2, 0.1, 0.3)


def snapshot(time: int, scores: tuple[float, ...]) -> Snapshot:
    return Snapshot(time, SELLERS, scores, TRUTH, CHEATER)


def hand_run() -> list[Round]:
    """Day 1 (t = 0): every score 0.5, nothing detected; c1 wins twice, c2 once, c3 never.
    Day 2 (t = 3): honest median 0.8; c1 (0.3) and c3 (0.5) below it, c2 (0.85) not.
    Day 3 (t = 5): c2 still above the median."""
    flat = snapshot(0, (0.5,) * 6)
    second = snapshot(3, (0.9, 0.8, 0.7, 0.3, 0.85, 0.5))
    third = snapshot(5, (0.9, 0.8, 0.7, 0.2, 0.9, 0.5))
    sellers = ["c1", "c2", "c1", "h1", "c2", "h2"]
    published = {0: flat, 3: second, 5: third}
    return [
        Round(t, trade(t, s, cooperated=not s.startswith("c")), (), published.get(t))
        for t, s in enumerate(sellers)
    ]


def test_detection_counts_trades_won_before_falling_below_the_honest_median() -> None:
    rounds = hand_run()
    times = detection_times(rounds)
    assert times == {"c1": 2.0, "c2": math.inf, "c3": 0.0}
    # The median of (0, 2, never) is 2.
    assert detection_time(rounds) == 2.0


def test_detection_is_none_when_half_the_cheaters_are_never_detected() -> None:
    rounds = hand_run()
    # Only the flat first day: nobody is ever detected.
    assert detection_time(rounds[:3]) is None
    assert detection_time([]) is None
    # Only c1 is ever detected: two of three never are.
    c1_only = snapshot(3, (0.9, 0.8, 0.7, 0.3, 0.85, 0.95))
    changed = [Round(r.time, r.trade, r.feedback, c1_only if r.time == 3 else None) for r in rounds]
    assert detection_times(changed) == {"c1": 2.0, "c2": math.inf, "c3": math.inf}
    assert detection_time(changed) is None


def test_evaluate_averages_snapshots_after_the_burn_in() -> None:
    rounds = hand_run()
    # burn_in 0.5 of 6 rounds: the snapshots at t = 3 and t = 5.
    metrics = evaluate(rounds, probabilistic=True, surplus=0.25)
    second, third = rounds[3].published, rounds[5].published
    assert second is not None
    assert third is not None
    expected_mae = (
        mean_absolute_error(second.scores, TRUTH) + mean_absolute_error(third.scores, TRUTH)
    ) / 2
    assert metrics.mae == pytest.approx(expected_mae)
    # No ties on day 2 (tau by pairs); day 3 ties two scores (tau-b, from kendall_tau).
    third_tau = kendall_tau(third.scores, TRUTH)
    assert third_tau is not None
    expected_tau = (tau_by_pairs(list(second.scores), list(TRUTH)) + third_tau) / 2
    assert metrics.tau == pytest.approx(expected_tau)
    assert metrics.cheater_share == pytest.approx(4 / 6)
    assert metrics.detection == 2.0
    assert metrics.trades == 6
    # A score that is not a probability has no MAE; the flat first day has no tau.
    assert evaluate(rounds, probabilistic=False, surplus=0.25).mae is None
    only_first = evaluate(rounds[:3], probabilistic=True, surplus=0.25, burn_in=0.0)
    assert only_first.tau is None
    assert only_first.mae == pytest.approx(mean_absolute_error((0.5,) * 6, TRUTH))


@pytest.mark.parametrize("burn_in", [1.0, -0.1, "half", True])
def test_evaluate_refuses_a_bad_burn_in(burn_in: object) -> None:
    with pytest.raises(InvalidReputation, match=r"burn_in must be a share of the run in \[0, 1\)"):
        evaluate(hand_run(), probabilistic=True, surplus=0.25, burn_in=burn_in)  # type: ignore[arg-type]
