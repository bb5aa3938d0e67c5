"""The rater-weighted multi-attribute model of Sathiyamoorthy, Iyengar and Ramachandran.

"Agent Based Trust Management Model Based on Weight Value Model for Online Auctions", section 4.2
(SPEC section 4, "Rater-weighted"). Raters score each partner on critical attributes
``i = 1..n`` (delivery, quality as promised, price as expected, ... on a scale such as 0 to 5).
The weight of a rater ``x`` comes from comparing her ratings with those of a peer ``y`` over the
partners ``S`` both have rated (``|S| = N``), the paper's equation (i):

    R_a = sum_i f_i(x, a) f_i(y, a) / (|sum_i f_i(x, a)| + |sum_i f_i(y, a)|)     for a in S
    W_x = (sum_{a in S} R_a) / N

``f_i(x, a)`` is x's score of ``a`` on attribute ``i``; when x rated ``a`` several times we use
the mean of her scores, so that ``R_a`` stays within ``[0, r_max / 2]`` however often she traded.
Which peer: the paper takes the one with the largest common set (``peers="paper"``, ties to the
smallest id); ``peers="mean"`` takes the ``|S|``-weighted mean over every peer,
``sum_y sum_{a in S_y} R_a / sum_y N_y``. The weight used in the trust is normalised to [0, 1] by
the largest value the formula reaches on the scale, ``r_max / 2`` (both rating every attribute
``r_max``). Note what the formula rewards: a rater and a peer who *agree on high scores*; two who
both rate a partner 0 give ``R_a = 0``, and agreement at the scale's middle gives 0.5 normalised.

The trust of a subject is the rater-weighted mean of the feedback it received:

    T(s) = sum_j W_j m_j d_j v_j / sum_j W_j m_j d_j

with ``v_j = (mean_i attributes_j - low) / (high - low)`` in [0, 1], ``W_j`` the normalised weight
of feedback j's rater, ``m_j`` the transaction value (``by_value=True``, against the paper's
"reputation squeeze": a $20 sale must not count like a $2000 one; otherwise 1) and
``d_j = 2 ** (-(now - t_j) / half_life)`` the decay with age (``half_life=None``: no decay). Time
is explicit: "now" is passed to :meth:`RaterWeightedModel.score` or is the latest feedback time
the model has seen. The paper's further heuristics (optimal price, time component, exponential
trust value) are in :mod:`trustmarket.reputation.models.auction_heuristics`.

Costs. An update is O(attributes): it adds the scores into the (rater, subject) cell, which the
rater's partner set and the subject's rater set share, and stamps the subject as changed. A
rater's weight is computed lazily and cached; the cache is valid while no partner of hers was
rated since (checking costs O(her partners)); recomputing costs
O(attributes x sum over her partners a of |raters of a|). ``score(s)`` costs O(raters of s) plus
each rater's weight check or recomputation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from trustmarket.core.errors import InvalidFeedback, InvalidReputation
from trustmarket.reputation.checks import representable, unit_number
from trustmarket.reputation.feedback import AttributeScale, Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = [
    "RaterWeight",
    "RaterWeightedModel",
    "agreement",
    "agreement_terms",
    "weight_against",
]

Peers = Literal["paper", "mean"]


def _vector(values: object, what: str) -> tuple[float, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise InvalidReputation(f"{what} must be a sequence of attribute scores, got {values!r}")
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidReputation(f"{what}: attribute scores must be numbers, got {value!r}")
        representable(value, f"{what}: an attribute score", "a finite number")
        if not math.isfinite(value):
            raise InvalidReputation(f"{what}: attribute scores must be finite, got {value!r}")
        out.append(float(value))
    if not out:
        raise InvalidReputation(f"{what} must have at least one attribute score")
    return tuple(out)


def agreement_terms(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """The numerator and denominator of ``R_a`` (section 4.2, equation (i)):
    ``(sum_i x_i y_i, |sum_i x_i| + |sum_i y_i|)`` for the attribute vectors x and y gave ``a``."""
    fx, fy = _vector(x, "x's scores"), _vector(y, "y's scores")
    if len(fx) != len(fy):
        raise InvalidReputation(
            f"x and y must score the same attributes: got {len(fx)} and {len(fy)} scores"
        )
    numerator = math.fsum(a * b for a, b in zip(fx, fy, strict=True))
    return numerator, abs(math.fsum(fx)) + abs(math.fsum(fy))


def agreement(x: Sequence[float], y: Sequence[float]) -> float:
    """``R_a = sum_i x_i y_i / (|sum_i x_i| + |sum_i y_i|)`` (section 4.2, equation (i)).

    Both vectors all zero leave the ratio undefined; it is taken as 0 (no agreement on anything
    positive)."""
    numerator, denominator = agreement_terms(x, y)
    return numerator / denominator if denominator else 0.0


def weight_against(x: Mapping[str, Sequence[float]], y: Mapping[str, Sequence[float]]) -> float:
    """``W_x = (sum_{a in S} R_a) / N`` over the partners ``S`` both ``x`` and ``y`` rated
    (section 4.2, equation (i)); ``x`` and ``y`` map partner -> attribute vector.

    :class:`InvalidReputation` if they have no partner in common (the weight is undefined)."""
    common = [a for a in x if a in y]
    if not common:
        raise InvalidReputation(
            "x and y have rated no partner in common; W_x needs at least one common partner"
        )
    return math.fsum(agreement(x[a], y[a]) for a in common) / len(common)


@dataclass(frozen=True, slots=True)
class RaterWeight:
    """How a rater's weight was found: the paper's peer (largest common set, ties to the
    smallest id) with the size of that set and ``W_x`` against it, and the ``|S|``-weighted mean
    over all ``peers`` (raw values, before normalisation; ``None`` when she has no peer)."""

    rater: str
    peer: str | None
    common: int
    paper: float | None
    mean: float | None
    peers: int
    stamp: int = 0


class RaterWeightedModel(ReputationModel):
    """Rater-weighted multi-attribute trust (Sathiyamoorthy et al., section 4.2).

    Parameters
    ----------
    scale:
        The critical attributes and their range (default: delivery, quality, price on 0 to 5).
        The range must start at 0 or above: with negative scores the sums in ``R_a``'s
        denominator can cancel and the weight is unbounded.
    peers:
        ``"paper"`` (default): W_x against the peer with the largest common set; ``"mean"``: the
        ``|S|``-weighted mean of W_x over every peer.
    newcomer_weight:
        The normalised weight, in [0, 1], of a rater with no peer yet (default 0.5, the weight
        of a rater agreeing with a peer at the middle of the scale).
    by_value:
        Weight each feedback by its transaction value in minor units (default False). A
        feedback on a transaction of value 0 then counts nothing.
    half_life:
        Decay feedback with age: weight ``2 ** (-age / half_life)``, age in the feedback's time
        unit (seconds); ``None`` (default) for no decay.
    prior:
        The trust of a subject with no (weighted) feedback, in [0, 1] (default 0.5).

    Every feedback must carry one score per attribute of ``scale``. The score reads the
    attributes only; the scalar rating is not used. It lies in [0, 1] but is a weighted mean
    satisfaction, not an estimated probability of cooperation, so the model is not marked
    probabilistic.
    """

    name = "weighted"
    properties = ModelProperties(
        probabilistic=False,
        uses_attributes=True,
        source="Sathiyamoorthy, Iyengar, Ramachandran: online-auction trust, section 4.2",
    )

    __slots__ = (
        "_cache",
        "_changed",
        "_high",
        "_latest",
        "_low",
        "_n",
        "_rated",
        "_raters",
        "_received",
        "_span",
        "_tick",
        "by_value",
        "half_life",
        "newcomer_weight",
        "peers",
        "prior",
        "scale",
    )

    def __init__(
        self,
        scale: AttributeScale | None = None,
        *,
        peers: Peers = "paper",
        newcomer_weight: float = 0.5,
        by_value: bool = False,
        half_life: float | None = None,
        prior: float = 0.5,
    ) -> None:
        scale = AttributeScale() if scale is None else scale
        if not isinstance(scale, AttributeScale):
            raise InvalidReputation(f"scale must be an AttributeScale, got {scale!r}")
        if scale.low < 0:
            raise InvalidReputation(
                f"the rater-weighted model needs an attribute scale starting at 0 or above (the "
                f"paper rates 0 to 5), got [{scale.low}, {scale.high}]"
            )
        if peers not in ("paper", "mean"):
            raise InvalidReputation(f"peers must be 'paper' or 'mean', got {peers!r}")
        if not isinstance(by_value, bool):
            raise InvalidReputation(f"by_value must be True or False, got {by_value!r}")
        representable(newcomer_weight, "newcomer_weight", "a finite number in [0, 1]")
        representable(half_life, "half_life", "a positive number of seconds or None")
        representable(prior, "prior", "a finite number in [0, 1]")
        if half_life is not None and (
            isinstance(half_life, bool)
            or not isinstance(half_life, int | float)
            or not math.isfinite(half_life)
            or half_life <= 0
        ):
            raise InvalidReputation(
                f"half_life must be a positive number of seconds or None, got {half_life!r}"
            )
        self.scale = scale
        self.peers: Peers = peers
        self.newcomer_weight = unit_number(newcomer_weight, "newcomer_weight")
        self.by_value = by_value
        self.half_life = None if half_life is None else float(half_life)
        self.prior = unit_number(prior, "prior")
        self._n = len(scale.names)
        self._low = float(scale.low)
        self._high = float(scale.high)
        self._span = float(scale.high - scale.low)
        # One cell per (rater, subject): [count, score sums 1..n, A, B, T] with A = sum of
        # m d v, B = sum of m d (the trust's numerator and denominator) and T the time d is
        # referred to. The same list sits in the rater's row and in the subject's column.
        self._rated: dict[str, dict[str, list[float]]] = {}
        self._raters: dict[str, dict[str, list[float]]] = {}
        self._received: dict[str, list[Feedback]] = {}
        # The update count at which each subject was last rated: a cached rater weight is valid
        # while none of her partners was rated after the cache was filled.
        self._tick = 0
        self._changed: dict[str, int] = {}
        self._cache: dict[str, RaterWeight] = {}
        self._latest = -1

    # -- updates -------------------------------------------------------------------------------

    def check(self, feedback: Feedback) -> None:
        """Refuse feedback without attributes or whose attributes do not fit the scale, and a
        transaction value (with ``by_value``) or time (with ``half_life``) beyond the float
        range, which the model computes with."""
        super().check(feedback)
        for used, number, what in (
            (self.by_value, feedback.value, "transaction value (by_value weighs by it)"),
            (self.half_life is not None, feedback.time, "time (half_life decays by it)"),
        ):
            if used:
                try:
                    float(number)
                except OverflowError:
                    raise InvalidFeedback(
                        f"the feedback of {feedback.rater} on transaction "
                        f"{feedback.transaction}: its {what} is an integer beyond the range of "
                        "a float; at most about 1.8e308"
                    ) from None
        attributes = feedback.attributes
        if (
            attributes is not None
            and len(attributes) == self._n
            and self._low <= min(attributes)
            and max(attributes) <= self._high
        ):
            # The common case in one pass of C-level builtins (the scale's own check, which
            # writes the message, is a Python loop); update cost matters at market scale.
            return
        if attributes is None:
            raise InvalidFeedback(
                f"the rater-weighted model reads critical-attribute ratings, but the feedback of "
                f"{feedback.rater} on transaction {feedback.transaction} has none; give one "
                f"score per attribute ({', '.join(self.scale.names)}) in "
                f"[{self.scale.low:g}, {self.scale.high:g}]"
            )
        self.scale.check(attributes)

    def _apply(self, feedback: Feedback) -> None:
        rater = feedback.rater
        subject = feedback.subject
        attributes: tuple[float, ...] = feedback.attributes  # type: ignore[assignment]
        n = self._n
        row = self._rated.get(rater)
        if row is None:
            row = self._rated[rater] = {}
        cell = row.get(subject)
        if cell is None:
            cell = row[subject] = [0.0] * (n + 4)
            column = self._raters.get(subject)
            if column is None:
                self._raters[subject] = {rater: cell}
            else:
                column[rater] = cell
        cell[0] += 1.0
        total = 0.0
        for i, score in enumerate(attributes, 1):
            cell[i] += score
            total += score
        value = (total / n - self._low) / self._span
        weight = float(feedback.value) if self.by_value else 1.0
        time = feedback.time
        if self.half_life is None:
            cell[n + 1] += weight * value
            cell[n + 2] += weight
        elif time >= cell[n + 3]:
            # Refer the cell to the newer time: decay what it holds, add the new feedback whole.
            factor = 2.0 ** (-(time - cell[n + 3]) / self.half_life)
            cell[n + 1] = cell[n + 1] * factor + weight * value
            cell[n + 2] = cell[n + 2] * factor + weight
            cell[n + 3] = float(time)
        else:
            factor = 2.0 ** (-(cell[n + 3] - time) / self.half_life)
            cell[n + 1] += weight * value * factor
            cell[n + 2] += weight * factor
        received = self._received.get(subject)
        if received is None:
            self._received[subject] = [feedback]
        else:
            received.append(feedback)
        self._tick += 1
        self._changed[subject] = self._tick
        if time > self._latest:
            self._latest = time

    # -- rater weights -------------------------------------------------------------------------

    def weight_basis(self, rater: str) -> RaterWeight:
        """The peer comparison behind ``rater``'s weight (computed lazily, cached per rater)."""
        partners = self._rated.get(rater)
        if not partners:
            return RaterWeight(rater, None, 0, None, None, 0)
        cached = self._cache.get(rater)
        if cached is not None:
            stamp, changed = cached.stamp, self._changed
            if all(changed[a] <= stamp for a in partners):
                return cached
        basis = self._compare(rater, partners)
        self._cache[rater] = basis
        return basis

    def _compare(self, rater: str, partners: dict[str, list[float]]) -> RaterWeight:
        n = self._n
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        for partner, cell in partners.items():
            fx = [cell[i] / cell[0] for i in range(1, n + 1)]
            sx = abs(sum(fx))
            for peer, other in self._raters[partner].items():
                if peer == rater:
                    continue
                count = other[0]
                dot = 0.0
                sy = 0.0
                for i in range(n):
                    fy = other[i + 1] / count
                    dot += fx[i] * fy
                    sy += fy
                denominator = sx + abs(sy)
                r = dot / denominator if denominator else 0.0
                sums[peer] = sums.get(peer, 0.0) + r
                counts[peer] = counts.get(peer, 0) + 1
        if not counts:
            return RaterWeight(rater, None, 0, None, None, 0, self._tick)
        peer = min(counts, key=lambda y: (-counts[y], y))
        paper = sums[peer] / counts[peer]
        mean = math.fsum(sums.values()) / sum(counts.values())
        return RaterWeight(rater, peer, counts[peer], paper, mean, len(counts), self._tick)

    def rater_weight(
        self, rater: str, *, peers: Peers | None = None, normalised: bool = True
    ) -> float:
        """The weight of ``rater``: ``W_x`` against the paper's peer or the mean over peers
        (``peers``, default the model's), divided by ``r_max / 2`` when ``normalised`` so that
        it lies in [0, 1]. A rater without a peer gets the newcomer weight."""
        if peers is None:
            peers = self.peers
        if peers not in ("paper", "mean"):
            raise InvalidReputation(f"peers must be 'paper' or 'mean', got {peers!r}")
        basis = self.weight_basis(rater)
        raw = basis.paper if peers == "paper" else basis.mean
        half = self._high / 2.0
        if raw is None:
            return self.newcomer_weight if normalised else self.newcomer_weight * half
        # Rounding could push a perfect agreement a hair past r_max / 2.
        return min(1.0, raw / half) if normalised else raw

    # -- trust -----------------------------------------------------------------------------------

    def _now(self, now: int | None) -> int:
        if now is None:
            return max(self._latest, 0)
        representable(now, "now", "a non-negative integer (seconds)")
        if isinstance(now, bool) or not isinstance(now, int) or now < 0:
            raise InvalidReputation(f"now must be a non-negative integer (seconds), got {now!r}")
        if now < self._latest:
            raise InvalidReputation(
                f"now = {now} is before the latest feedback time {self._latest}; pass a time at "
                "or after it"
            )
        return now

    def score(self, subject: str, by: str | None = None, *, now: int | None = None) -> float:
        """``T(s) = sum_j W_j m_j d_j v_j / sum_j W_j m_j d_j`` at time ``now`` (default: the
        latest feedback time); the prior when nothing weighs."""
        at = self._now(now)
        column = self._raters.get(subject)
        if not column:
            return self.prior
        n = self._n
        numerator = 0.0
        denominator = 0.0
        for rater, cell in column.items():
            w = self.rater_weight(rater)
            if self.half_life is not None:
                w *= 2.0 ** (-(at - cell[n + 3]) / self.half_life)
            numerator += w * cell[n + 1]
            denominator += w * cell[n + 2]
        if denominator <= 0.0:
            return self.prior
        return min(1.0, max(0.0, numerator / denominator))

    def explain(
        self, subject: str, by: str | None = None, *, now: int | None = None
    ) -> Explanation:
        at = self._now(now)
        received = self._received.get(subject, [])
        rows: list[tuple[Feedback, float, float, float, float]] = []
        for f in received:
            w = self.rater_weight(f.rater)
            m = float(f.value) if self.by_value else 1.0
            d = 1.0 if self.half_life is None else 2.0 ** (-(at - f.time) / self.half_life)
            attributes: tuple[float, ...] = f.attributes  # type: ignore[assignment]
            v = (math.fsum(attributes) / self._n - self._low) / self._span
            rows.append((f, v, w, m, d))
        numerator = math.fsum(v * w * m * d for _, v, w, m, d in rows)
        denominator = math.fsum(w * m * d for _, _, w, m, d in rows)
        value = self.score(subject, now=at)
        if denominator <= 0.0:
            formula = (
                f"no weighted feedback about {subject}: T = prior = {self.prior:g}"
                if not rows
                else f"every weight W m d of {subject}'s feedback is 0: T = prior = {self.prior:g}"
            )
        else:
            formula = (
                f"T({subject}) = sum_j W_j m_j d_j v_j / sum_j W_j m_j d_j = {numerator:.6g} / "
                f"{denominator:.6g} = {value:.6g} ({len(rows)} feedback, peers={self.peers}, "
                f"by_value={self.by_value}, half_life={self.half_life}, now={at})"
            )
        contributions = []
        for f, v, w, m, d in rows:
            basis = self.weight_basis(f.rater)
            how = (
                f"newcomer weight {w:.4g}"
                if basis.peer is None
                else f"W={w:.4g} (peer {basis.peer}, N={basis.common})"
                if self.peers == "paper"
                else f"W={w:.4g} (mean over {basis.peers} peers)"
            )
            share = w * m * d / denominator if denominator > 0.0 else 0.0
            note = f"{how}, m={m:g}, d={d:.4g}"
            contributions.append(Contribution(f.rater, f.transaction, v, share, note))
        contributions.sort(key=lambda c: -c.weight)
        return Explanation(
            subject=subject,
            model=self.name,
            score=value,
            formula=formula,
            quantities={
                "numerator": numerator,
                "denominator": denominator,
                "now": float(at),
                "prior": self.prior,
            },
            contributions=tuple(contributions),
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._received)


MODEL = RaterWeightedModel
