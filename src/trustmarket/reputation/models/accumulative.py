"""The accumulative model: a subject's score is the sum of the scalar ratings it received.

This is eBay's feedback score, the first of the three models the online-auction trust paper
builds on (Sathiyamoorthy, Iyengar and Ramachandran, section 2; SPEC section 4, "Accumulative"):
``score(s) = sum_j r_j`` over every feedback ``j`` about ``s``, with ``r_j`` in {-1, 0, +1}. A
subject nobody has rated scores 0.

Star levels mark the score passing the thresholds 10, 50, 100, 500, 1000, 5000, 10000, 25000,
50000 and 100000 (SPEC section 4). The names are eBay's star colours, in the same order: see
:data:`STAR_LEVELS` and :func:`star_level`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = ["STAR_LEVELS", "AccumulativeModel", "StarLevel", "star_level"]

#: ``(threshold, name)`` of each star level, lowest first: a score of at least ``threshold``
#: earns the level. The names follow eBay's star colours ("shooting" stars from 10000 up).
STAR_LEVELS: tuple[tuple[int, str], ...] = (
    (10, "yellow star"),
    (50, "blue star"),
    (100, "turquoise star"),
    (500, "purple star"),
    (1000, "red star"),
    (5000, "green star"),
    (10000, "yellow shooting star"),
    (25000, "turquoise shooting star"),
    (50000, "purple shooting star"),
    (100000, "red shooting star"),
)


class StarLevel(NamedTuple):
    """A star level: ``level`` 0 ("no star") below 10, then 1 to 10, and its ``name``."""

    level: int
    name: str


def star_level(score: float) -> StarLevel:
    """The star level of an accumulative score (SPEC section 4's thresholds).

    Returns ``StarLevel(k, name)`` where ``k`` is how many thresholds of :data:`STAR_LEVELS`
    the score reaches: 0 ("no star") below 10, 1 ("yellow star") for 10 to 49, ..., 10
    ("red shooting star") from 100000 up. Negative scores have no star.
    """
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise InvalidReputation(f"a star level needs a finite score, got {score!r}")
    level, name = 0, "no star"
    for k, (threshold, label) in enumerate(STAR_LEVELS, start=1):
        if score < threshold:
            break
        level, name = k, label
    return StarLevel(level, name)


class AccumulativeModel(ReputationModel):
    """Sum of scalar feedback (eBay's feedback score).

    ``score(s) = sum_j r_j``: positives add one, negatives take one away, neutrals count 0. The
    prior of an unrated subject is 0. Not probabilistic (the score is unbounded) and the same for
    every viewer. An update costs O(1); :meth:`explain` costs O(feedback about the subject).
    """

    name = "accumulative"
    properties = ModelProperties(
        probabilistic=False,
        source="eBay feedback score; Sathiyamoorthy et al., section 2 (accumulative model)",
    )

    __slots__ = ("_received", "_total")

    def __init__(self) -> None:
        self._total: dict[str, int] = {}
        # Feedback objects are kept by reference (no copy) so that explain() can list them.
        self._received: dict[str, list[Feedback]] = {}

    def _apply(self, feedback: Feedback) -> None:
        subject = feedback.subject
        received = self._received.get(subject)
        if received is None:
            self._received[subject] = [feedback]
            self._total[subject] = feedback.rating
        else:
            received.append(feedback)
            self._total[subject] += feedback.rating

    def score(self, subject: str, by: str | None = None) -> float:
        """``sum_j r_j`` over the feedback about ``subject`` (0.0 if there is none)."""
        return float(self._total.get(subject, 0))

    def star(self, subject: str) -> StarLevel:
        """The star level of ``subject``'s score (see :func:`star_level`)."""
        return star_level(self.score(subject))

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        received = self._received.get(subject, [])
        counts = dict.fromkeys((1, 0, -1), 0)
        for feedback in received:
            counts[feedback.rating] += 1
        total = self.score(subject)
        star = star_level(total)
        formula = (
            f"score = #positive - #negative = {counts[1]} - {counts[-1]} = {total:g} "
            f"({counts[0]} neutral count 0; star level {star.level}: {star.name})"
        )
        # Every rating has weight 1; a neutral moves nothing, so positives and negatives first.
        ordered = sorted(received, key=lambda f: f.rating == 0)
        contributions = tuple(
            Contribution(f.rater, f.transaction, float(f.rating), 1.0) for f in ordered
        )
        return Explanation(
            subject=subject,
            model=self.name,
            score=total,
            formula=formula,
            quantities={
                "positive": float(counts[1]),
                "neutral": float(counts[0]),
                "negative": float(counts[-1]),
                "star_level": float(star.level),
            },
            contributions=contributions,
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._received)


MODEL = AccumulativeModel
