"""Beta reputation with unfair-rater filtering by credibility.

SPEC section 4, "Beyond the papers": ratings far from a subject's consensus lower the rater's
credibility. In the spirit of Whitby, Jøsang and Indulska (2004), who drop raters whose ratings
fall outside the consensus's quantiles, and of credibility-weighted schemes such as Teacher
and Sensoy's TRAVOS, but incremental and with soft weights:

- Each rater ``x`` has a credibility, itself a beta estimate of how often she agrees with the
  consensus: ``cred(x) = (g_x + 1) / (g_x + b_x + 2)``. When ``x`` rates subject ``s`` with
  outcome ``o`` (1 for +1, 0.5 for a neutral, 0 for -1) and the consensus about ``s`` stands at
  ``E(s)``, the disagreement ``d = |o - E(s)|`` in [0, 1] is added to ``b_x`` and ``1 - d`` to
  ``g_x``. The first rating of a subject has no consensus to disagree with and moves nothing.
- The consensus ``E(s)`` is the credibility-weighted beta mean of the ratings of ``s`` so far,
  each weighted by its rater's credibility when it arrived:
  ``E(s) = (sum_j w_j o_j + 1) / (sum_j w_j + 2)``. Keeping the weights of the time makes an
  update O(1).
- The score re-weights with the raters' credibility *now* (so a bad-mouther found out later
  loses her weight on her earlier ratings too):
  ``score(s) = (sum_x cred(x) P_xs + 1) / (sum_x cred(x) (P_xs + N_xs) + 2)`` with ``P_xs``,
  ``N_xs`` the positive and negative evidence of x's ratings of s (a neutral half each), and a
  rater whose credibility is below ``exclude_below`` left out altogether (weight 0).

An update costs O(1); a score costs O(raters of the subject).
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

__all__ = ["FilteredBetaModel"]


class FilteredBetaModel(ReputationModel):
    """Beta reputation whose raters are weighted by their agreement with the consensus.

    Parameters
    ----------
    exclude_below:
        Raters whose credibility is below this, in [0, 1), count nothing (default 0.3; 0 keeps
        every rater with her soft weight). A new rater has credibility 0.5.
    """

    name = "beta-filtered"
    properties = ModelProperties(
        probabilistic=True,
        source="Whitby, Jøsang, Indulska: filtering out unfair ratings (2004), soft variant",
    )

    __slots__ = ("_agreement", "_cells", "_consensus", "_received", "exclude_below")

    def __init__(self, exclude_below: float = 0.3) -> None:
        representable(exclude_below, "exclude_below", "a number in [0, 1)")
        if (
            isinstance(exclude_below, bool)
            or not isinstance(exclude_below, int | float)
            or not math.isfinite(exclude_below)
            or not 0.0 <= exclude_below < 1.0
        ):
            raise InvalidReputation(
                f"exclude_below must be a number in [0, 1), got {exclude_below!r}"
            )
        self.exclude_below = float(exclude_below)
        # Per rater: [agreement g, disagreement b].
        self._agreement: dict[str, list[float]] = {}
        # Per subject: [sum of w o, sum of w] with the weights of the time.
        self._consensus: dict[str, list[float]] = {}
        # Per subject, per rater: [positive P, negative N].
        self._cells: dict[str, dict[str, list[float]]] = {}
        self._received: dict[str, list[Feedback]] = {}

    def credibility(self, rater: str) -> float:
        """``(g + 1) / (g + b + 2)``: 0.5 for a rater with no record."""
        g, b = self._agreement.get(rater, (0.0, 0.0))
        return (g + 1.0) / (g + b + 2.0)

    def consensus(self, subject: str) -> float:
        """``E(s)``, the consensus the next rating of ``subject`` is compared with."""
        total, weight = self._consensus.get(subject, (0.0, 0.0))
        return (total + 1.0) / (weight + 2.0)

    def _apply(self, feedback: Feedback) -> None:
        rater = feedback.rater
        subject = feedback.subject
        outcome = (feedback.rating + 1) * 0.5
        credibility = self.credibility(rater)
        consensus = self._consensus.get(subject)
        if consensus is None:
            consensus = self._consensus[subject] = [0.0, 0.0]
            self._cells[subject] = {}
            self._received[subject] = []
        else:
            disagreement = abs(outcome - (consensus[0] + 1.0) / (consensus[1] + 2.0))
            record = self._agreement.get(rater)
            if record is None:
                self._agreement[rater] = [1.0 - disagreement, disagreement]
            else:
                record[0] += 1.0 - disagreement
                record[1] += disagreement
        consensus[0] += credibility * outcome
        consensus[1] += credibility
        cell = self._cells[subject].get(rater)
        if cell is None:
            self._cells[subject][rater] = [outcome, 1.0 - outcome]
        else:
            cell[0] += outcome
            cell[1] += 1.0 - outcome
        self._received[subject].append(feedback)

    def _weight(self, rater: str) -> float:
        credibility = self.credibility(rater)
        return 0.0 if credibility < self.exclude_below else credibility

    def score(self, subject: str, by: str | None = None) -> float:
        """``(sum_x cred(x) P_xs + 1) / (sum_x cred(x) (P_xs + N_xs) + 2)``."""
        positive = 0.0
        evidence = 0.0
        for rater, (p, n) in self._cells.get(subject, {}).items():
            w = self._weight(rater)
            positive += w * p
            evidence += w * (p + n)
        return (positive + 1.0) / (evidence + 2.0)

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        cells = self._cells.get(subject, {})
        contributions = []
        positive = evidence = 0.0
        excluded = 0
        for rater, (p, n) in sorted(cells.items()):
            credibility = self.credibility(rater)
            w = self._weight(rater)
            excluded += w == 0.0
            positive += w * p
            evidence += w * (p + n)
            share = p / (p + n)
            note = (
                f"credibility {credibility:.3g} below {self.exclude_below:g}: excluded"
                if w == 0.0
                else f"credibility {credibility:.3g} over {p + n:g} ratings"
            )
            contributions.append(Contribution(rater, "", share, w * (p + n), note))
        contributions.sort(key=lambda c: -c.weight)
        value = (positive + 1.0) / (evidence + 2.0)
        formula = (
            f"score = (sum cred P + 1) / (sum cred (P + N) + 2) = ({positive:.6g} + 1) / "
            f"({evidence:.6g} + 2) = {value:.6g} ({len(cells)} raters, {excluded} excluded)"
        )
        return Explanation(
            subject=subject,
            model=self.name,
            score=value,
            formula=formula,
            quantities={
                "weighted_positive": positive,
                "weighted_evidence": evidence,
                "excluded_raters": float(excluded),
                "consensus": self.consensus(subject),
            },
            contributions=tuple(contributions),
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._cells)


MODEL = FilteredBetaModel
