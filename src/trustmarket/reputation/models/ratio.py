"""The ratio model: the share of a subject's feedback that is positive.

The second model the online-auction trust paper builds on (Sathiyamoorthy, Iyengar and
Ramachandran, section 2; SPEC section 4, "Ratio: positive / all"):

    score(s) = (P + v Z) / (P + Z + N)

with ``P``, ``Z``, ``N`` the numbers of positive, neutral and negative ratings of ``s`` and ``v``
the value a neutral counts as (:attr:`RatioModel.neutral`). The default ``v = 0`` is SPEC's
"positive / all" read literally: a neutral is a feedback that is not positive. ``neutral=None``
leaves neutrals out altogether, ``P / (P + N)``, which is eBay's "positive feedback percentage";
``neutral=0.5`` counts a neutral as half a positive.

The score estimates the probability that the subject's next trade earns a positive rating, so the
model is probabilistic. A subject with no counted feedback gets :attr:`RatioModel.prior` (0.5 by
default: with nothing known, cooperation and defection are equally likely).
"""

from __future__ import annotations

from trustmarket.reputation.checks import representable, unit_number
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = ["RatioModel"]


class RatioModel(ReputationModel):
    """Positive / all (SPEC section 4), with a stated treatment of neutrals and a prior.

    Parameters
    ----------
    neutral:
        What a neutral rating counts as, in [0, 1]: 0 (default: positive / all), 0.5 (half a
        positive), or ``None`` to leave neutrals out (eBay's positive / (positive + negative)).
    prior:
        The score of a subject with no counted feedback, in [0, 1] (default 0.5).

    An update costs O(1); :meth:`explain` costs O(feedback about the subject).
    """

    name = "ratio"
    properties = ModelProperties(
        probabilistic=True,
        source="eBay positive feedback percentage; Sathiyamoorthy et al., section 2 (ratio model)",
    )

    __slots__ = ("_counts", "_received", "neutral", "prior")

    def __init__(self, neutral: float | None = 0.0, prior: float = 0.5) -> None:
        representable(neutral, "neutral", "a finite number in [0, 1] or None")
        representable(prior, "prior", "a finite number in [0, 1]")
        self.neutral = None if neutral is None else unit_number(neutral, "neutral")
        self.prior = unit_number(prior, "prior")
        # [negatives, neutrals, positives] per subject, indexed by rating + 1.
        self._counts: dict[str, list[int]] = {}
        self._received: dict[str, list[Feedback]] = {}

    def _apply(self, feedback: Feedback) -> None:
        subject = feedback.subject
        counts = self._counts.get(subject)
        if counts is None:
            counts = self._counts[subject] = [0, 0, 0]
            self._received[subject] = [feedback]
        else:
            self._received[subject].append(feedback)
        # rating + 1 indexes the count directly: no branch on the rating.
        counts[feedback.rating + 1] += 1

    def _parts(self, subject: str) -> tuple[int, int, int, float, float]:
        negative, neutral, positive = self._counts.get(subject, (0, 0, 0))
        if self.neutral is None:
            return positive, neutral, negative, float(positive), float(positive + negative)
        numerator = positive + self.neutral * neutral
        return positive, neutral, negative, numerator, float(positive + neutral + negative)

    def score(self, subject: str, by: str | None = None) -> float:
        """``(P + v Z) / (P + Z + N)`` (``P / (P + N)`` when neutrals are left out), or the prior
        when no feedback counts."""
        _, _, _, numerator, denominator = self._parts(subject)
        return numerator / denominator if denominator else self.prior

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        positive, neutral, negative, numerator, denominator = self._parts(subject)
        value = self.score(subject)
        if not denominator:
            formula = f"no counted feedback: score = prior = {self.prior:g}"
        elif self.neutral is None:
            formula = (
                f"score = P / (P + N) = {positive} / ({positive} + {negative}) = {value:.6g}"
                f" ({neutral} neutral left out)"
            )
        else:
            formula = (
                f"score = (P + v Z) / (P + Z + N) = ({positive} + {self.neutral:g} * {neutral})"
                f" / ({positive} + {neutral} + {negative}) = {numerator:g} / {denominator:g}"
                f" = {value:.6g}"
            )
        read = {1: 1.0, -1: 0.0, 0: self.neutral}
        contributions = []
        for f in self._received.get(subject, []):
            rating = read[f.rating]
            if rating is None:
                contributions.append(
                    Contribution(f.rater, f.transaction, 0.0, 0.0, "neutral, left out")
                )
            else:
                contributions.append(
                    Contribution(f.rater, f.transaction, rating, 1.0 / denominator)
                )
        # Every counted rating weighs the same; list counted ones first.
        contributions.sort(key=lambda c: c.weight == 0.0)
        return Explanation(
            subject=subject,
            model=self.name,
            score=value,
            formula=formula,
            quantities={
                "positive": float(positive),
                "neutral": float(neutral),
                "negative": float(negative),
                "prior": self.prior,
            },
            contributions=tuple(contributions),
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._counts)


MODEL = RatioModel
