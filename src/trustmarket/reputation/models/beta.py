"""The beta reputation system with forgetting (Jøsang and Ismail, 2002).

SPEC section 4, "Beyond the papers". A subject's behaviour is read as a Bernoulli process with
an unknown cooperation probability; with a uniform prior, after ``r`` positive and ``s`` negative
outcomes its posterior is Beta(r + 1, s + 1), whose mean is the reputation:

    score(s) = (r + 1) / (r + s + 2)

A rating ``v`` in {-1, 0, +1} adds ``(1 + v) / 2`` to ``r`` and ``(1 - v) / 2`` to ``s`` (a
neutral adds half to each: it widens the evidence without moving the mean). Forgetting: before
each new feedback about a subject, its ``r`` and ``s`` are multiplied by the forgetting factor
``lambda`` in (0, 1] (``lambda = 1``: nothing is forgotten), so the ``k``-th newest feedback
weighs ``lambda ** (k - 1)``. Forgetting counts feedback about the subject, not clock time, as in
Jøsang and Ismail's "longevity factor"; a subject that stops trading keeps its score.

An update costs O(1): two multiply-adds on the subject's running pair.
"""

from __future__ import annotations

import math

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.checks import representable
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = ["BetaModel", "beta_score"]


def beta_score(positive: float, negative: float) -> float:
    """The mean of Beta(r + 1, s + 1): ``(r + 1) / (r + s + 2)`` for evidence ``r, s >= 0``."""
    for value, what in ((positive, "positive evidence r"), (negative, "negative evidence s")):
        representable(value, what, "a finite number >= 0")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise InvalidReputation(f"{what} must be a finite number >= 0, got {value!r}")
    return (positive + 1.0) / (positive + negative + 2.0)


class BetaModel(ReputationModel):
    """Beta reputation ``(r + 1) / (r + s + 2)`` with a forgetting factor.

    Parameters
    ----------
    forgetting:
        ``lambda`` in (0, 1]: the evidence about a subject is multiplied by it before each new
        feedback about that subject (default 1.0, no forgetting; 0.9 keeps roughly the last ten).

    An unrated subject scores 0.5 (Beta(1, 1), the uniform prior).
    """

    name = "beta"
    properties = ModelProperties(
        probabilistic=True,
        source="Jøsang and Ismail: the beta reputation system (2002)",
    )

    __slots__ = ("_evidence", "_received", "forgetting")

    def __init__(self, forgetting: float = 1.0) -> None:
        representable(forgetting, "forgetting", "a number in (0, 1]")
        if (
            isinstance(forgetting, bool)
            or not isinstance(forgetting, int | float)
            or not math.isfinite(forgetting)
            or not 0.0 < forgetting <= 1.0
        ):
            raise InvalidReputation(f"forgetting must be a number in (0, 1], got {forgetting!r}")
        self.forgetting = float(forgetting)
        # [r, s] per subject.
        self._evidence: dict[str, list[float]] = {}
        self._received: dict[str, list[Feedback]] = {}

    def _apply(self, feedback: Feedback) -> None:
        subject = feedback.subject
        # (1 + v) / 2 and (1 - v) / 2 for v = -1, 0, +1.
        positive = (feedback.rating + 1) * 0.5
        evidence = self._evidence.get(subject)
        if evidence is None:
            self._evidence[subject] = [positive, 1.0 - positive]
            self._received[subject] = [feedback]
            return
        keep = self.forgetting
        evidence[0] = evidence[0] * keep + positive
        evidence[1] = evidence[1] * keep + (1.0 - positive)
        self._received[subject].append(feedback)

    def evidence(self, subject: str) -> tuple[float, float]:
        """The subject's forgotten evidence ``(r, s)`` (``(0, 0)`` if unrated)."""
        r, s = self._evidence.get(subject, (0.0, 0.0))
        return r, s

    def score(self, subject: str, by: str | None = None) -> float:
        """``(r + 1) / (r + s + 2)``."""
        r, s = self.evidence(subject)
        return (r + 1.0) / (r + s + 2.0)

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        r, s = self.evidence(subject)
        value = self.score(subject)
        received = self._received.get(subject, [])
        count = len(received)
        contributions = tuple(
            sorted(
                (
                    Contribution(
                        f.rater,
                        f.transaction,
                        (f.rating + 1) * 0.5,
                        self.forgetting ** (count - 1 - k),
                        "weight lambda^(newer feedback)",
                    )
                    for k, f in enumerate(received)
                ),
                key=lambda c: -c.weight,
            )
        )
        formula = (
            f"score = (r + 1) / (r + s + 2) = ({r:.6g} + 1) / ({r:.6g} + {s:.6g} + 2) = "
            f"{value:.6g} ({count} feedback, forgetting lambda = {self.forgetting:g})"
        )
        return Explanation(
            subject=subject,
            model=self.name,
            score=value,
            formula=formula,
            quantities={"r": r, "s": s, "forgetting": self.forgetting},
            contributions=contributions,
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._evidence)


MODEL = BetaModel
