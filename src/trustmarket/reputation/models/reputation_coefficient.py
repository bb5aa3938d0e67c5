"""AVALANCHE's reputation coefficient and central rating agency.

Padovan, Sackmann, Eymann, Pippow, Eggs: "Automatisierte Reputationsverfolgung auf einem
agentenbasierten elektronischen Marktplatz", section 3 (SPEC section 4, "Reputation coefficient").

Every agent X keeps a coefficient ``R^X_Y`` in [0, 1] for each partner Y, its estimate of the
probability that Y cooperates, updated after each transaction with the outcome ``r``
(1 cooperated, 0 defected) as an exponentially weighted mean (section 3.2.4, equation (1)):

    R^X_Y <- R^X_Y + alpha (r - R^X_Y)

A central rating agency keeps one coefficient ``R_Y`` per agent and weights each rating by the
rater's own reputation (equations (2) to (5)):

    R_Y <- R_Y + beta (r^X - R_Y),   beta = alpha R_X   (R_X before this transaction)

"Before this transaction" holds for both sides of a trade: the agency's values of the two parties
are taken at the transaction's first feedback and used for the other side's too, so the order in
which the two sides rate does not matter (the last 100,000 transactions rated on one side only
are remembered, ``pending_limit``).

Ratings map to outcomes as +1 -> r = 1 and -1 -> r = 0. A neutral (0) changes nothing: the
paper's outcomes are binary and objective (goods or money received or not), and a neutral does
not say which happened; reading it as r = 0.5 would pull a fully cooperative agent's coefficient
towards 0.5 with every lukewarm rating. A neutral is still recorded (its subject counts as rated).

Unknown agents (section 3.2.4, equation (5), and 4.1) start at the *initial value*: the mean of
the known coefficients (``initial="mean"``, the paper's model; when no coefficient is known yet,
``empty_mean``) or a stated constant (0.5 in the decentralized experiment, 0 to deter identity
changes, [FrRe99]). Whose mean: the agency's coefficients when there is an agency, else the
asking agent's own.

Lookup, section 3.2.5 (the paper's case numbers, tried in the order 3, 2, 1): case 3, the asker's
own experience ``R^X_Y``; case 2, the agency's ``R_Y`` (central mode only); case 1, the initial
value. An agent's first own coefficient for a partner starts from that lookup (case 2 or 1), as
the paper sets ``R^X_{Y,0} = R_Y``. ``score(subject, by=None)`` asks no one in particular: the
agency's value (central mode), or the mean of every agent's own coefficient about the subject
(decentralized mode).

Section 3.2.6: a buyer ranks a seller's asking price by :func:`modified_ask`, ``p (2 - R)``
(equation (6)); a seller ranks a buyer's offer by :func:`modified_offer`, ``R p``.

An update costs O(1): a few dictionary operations.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Literal, NamedTuple

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.checks import finite_number, representable, unit_number
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = ["Lookup", "ReputationCoefficientModel", "modified_ask", "modified_offer"]

Mode = Literal["central", "decentralized"]


def _price(value: object, what: str) -> float:
    number = finite_number(representable(value, what, "a finite number >= 0"), what)
    if number < 0:
        raise InvalidReputation(f"{what} must be >= 0, got {number}")
    return number


def _reputation(value: object) -> float:
    checked = representable(value, "reputation", "a finite number in [0, 1]")
    return unit_number(checked, "reputation")


def modified_ask(price: float, reputation: float) -> float:
    """A buyer's ranking of a seller's asking price, section 3.2.6 equation (6):
    ``p* = p + (R * 0 + (1 - R) p) = p (2 - R)``: the ask plus the expected loss if the seller
    defects (the price paid for goods that never come). Lower is better."""
    return _price(price, "price") * (2.0 - _reputation(reputation))


def modified_offer(price: float, reputation: float) -> float:
    """A seller's ranking of a buyer's offer: ``R p``, the payment expected from a buyer who pays
    with probability R (SPEC section 4, the seller's side of equation (6)). Higher is better."""
    return _price(price, "price") * _reputation(reputation)


class Lookup(NamedTuple):
    """Where a coefficient came from: its ``value``, the paper's ``case`` (3 own experience,
    2 the agency, 1 the initial value; 0 for the decentralized market view with no asker) and a
    ``reason`` in words."""

    value: float
    case: int
    reason: str


class ReputationCoefficientModel(ReputationModel):
    """AVALANCHE's reputation coefficients, with or without the central rating agency.

    Parameters
    ----------
    alpha:
        The weight of the newest outcome, in (0, 1] (default 0.3; the paper gives no value).
    mode:
        ``"central"`` (default): agents keep their own coefficients and the agency keeps one
        per agent (section 4.2); ``"decentralized"``: own coefficients only (section 4.1).
    initial:
        The value of an unknown agent: ``"mean"`` (default, the mean of the known
        coefficients) or a constant in [0, 1] (0.5 in the decentralized experiment, 0 to deter
        identity changes).
    empty_mean:
        The value ``"mean"`` gives while no coefficient is known (default 0.5).
    """

    name = "coefficient"
    properties = ModelProperties(
        probabilistic=True,
        personal_view=True,
        source="Padovan et al.: AVALANCHE, section 3 (reputation coefficient, rating agency)",
    )

    __slots__ = (
        "_about",
        "_agency",
        "_agency_start",
        "_agency_total",
        "_betas",
        "_central",
        "_market",
        "_own",
        "_own_start",
        "_own_total",
        "_pending",
        "_received",
        "alpha",
        "empty_mean",
        "initial",
        "mode",
        "pending_limit",
    )

    def __init__(
        self,
        alpha: float = 0.3,
        *,
        mode: Mode = "central",
        initial: float | Literal["mean"] = "mean",
        empty_mean: float = 0.5,
    ) -> None:
        representable(alpha, "alpha", "a number in (0, 1]")
        representable(initial, "initial", "a finite number in [0, 1] or 'mean'")
        representable(empty_mean, "empty_mean", "a finite number in [0, 1]")
        a = finite_number(alpha, "alpha")
        if not 0.0 < a <= 1.0:
            raise InvalidReputation(f"alpha must be in (0, 1], got {a}")
        if mode not in ("central", "decentralized"):
            raise InvalidReputation(f"mode must be 'central' or 'decentralized', got {mode!r}")
        self.alpha = a
        self.mode: Mode = mode
        self._central = mode == "central"
        self.initial: float | Literal["mean"] = (
            "mean" if initial == "mean" else unit_number(initial, "initial (a constant or 'mean')")
        )
        self.empty_mean = unit_number(empty_mean, "empty_mean")
        # R^X_Y and the value each started from (for explain()).
        self._own: dict[str, dict[str, float]] = {}
        self._own_start: dict[str, dict[str, float]] = {}
        # Decentralized mode only: [sum, count] of each agent's own coefficients (its mean),
        # of the coefficients held about each subject, and of all of them.
        self._own_total: dict[str, list[float]] = {}
        self._about: dict[str, list[float]] = {}
        self._market = [0.0, 0.0]
        # Central mode only: R_Y, its start, [sum, count] of the agency's coefficients, and the
        # beta of each feedback about Y (parallel to _received[Y]; 0 for a neutral).
        self._agency: dict[str, float] = {}
        self._agency_start: dict[str, float] = {}
        self._agency_total = [0.0, 0.0]
        self._betas: dict[str, list[float]] = {}
        self._received: dict[str, list[Feedback]] = {}
        # Central mode: per transaction rated on one side so far, (rater, subject, R_rater,
        # R_subject) from before it; the oldest are forgotten beyond pending_limit.
        self._pending: OrderedDict[str, tuple[str, str, float, float]] = OrderedDict()
        self.pending_limit = 100_000

    # -- the initial value and the lookup --------------------------------------------------------

    @staticmethod
    def _mean(total: list[float] | None, empty: float) -> float:
        if not total or not total[1]:
            return empty
        # Running sums drift by rounding; a mean of values in [0, 1] stays in [0, 1].
        return min(1.0, max(0.0, total[0] / total[1]))

    def _initial_value(self, asker: str | None) -> tuple[float, str]:
        if self.initial != "mean":
            return self.initial, f"the stated initial value {self.initial:g}"
        total: list[float] | None
        if self._central:
            total, whose = self._agency_total, "the agency's"
        elif asker is None:
            total, whose = self._market, "every agent's own"
        else:
            total, whose = self._own_total.get(asker), f"{asker}'s own"
        count = int(total[1]) if total else 0
        if not count:
            return self.empty_mean, f"no coefficient known yet: empty_mean {self.empty_mean:g}"
        return self._mean(total, self.empty_mean), f"the mean of {whose} {count} coefficients"

    def lookup(self, subject: str, by: str | None = None) -> Lookup:
        """``subject``'s coefficient as ``by`` finds it (section 3.2.5): own experience (case 3),
        else the agency's value (case 2, central mode), else the initial value (case 1). With
        ``by=None``: the agency's value (central) or the mean of every agent's own coefficient
        about ``subject`` (decentralized, case 0), else the initial value."""
        if by is not None:
            own = self._own.get(by)
            if own is not None and subject in own:
                return Lookup(own[subject], 3, f"{by}'s own experience with {subject}")
        if self._central:
            value = self._agency.get(subject)
            if value is not None:
                return Lookup(value, 2, f"the rating agency's coefficient of {subject}")
        elif by is None:
            about = self._about.get(subject)
            if about is not None and about[1]:
                return Lookup(
                    self._mean(about, self.empty_mean),
                    0,
                    f"the mean of {int(about[1])} agents' own coefficients of {subject}",
                )
        value, reason = self._initial_value(by)
        return Lookup(value, 1, f"{subject} is unknown: {reason}")

    def coefficient(self, rater: str, subject: str) -> float | None:
        """``R^rater_subject`` if ``rater`` has traded with ``subject``, else ``None``."""
        return self._own.get(rater, {}).get(subject)

    def agency_value(self, agent: str) -> float | None:
        """The agency's ``R_agent`` (central mode), else ``None``."""
        return self._agency.get(agent)

    def score(self, subject: str, by: str | None = None) -> float:
        """The coefficient of ``subject`` as ``by`` finds it (:meth:`lookup`)."""
        return self.lookup(subject, by).value

    # -- updates -------------------------------------------------------------------------------

    def _before(self, feedback: Feedback) -> tuple[float, float] | None:
        """The agency's values of the rater and of the subject as they stood before this
        feedback's transaction (central mode): taken at the transaction's first feedback and
        used again for the other side's, so that both sides are weighted by the reputations
        before the trade (equations (2) to (5)) whichever side rates first."""
        pending = self._pending.pop(feedback.transaction, None)
        if pending is not None:
            first_rater, first_subject, rater_value, subject_value = pending
            if feedback.rater == first_subject and feedback.subject == first_rater:
                return subject_value, rater_value
        return None

    def _agency_or_initial(self, agent: str, asker: str) -> float:
        value = self._agency.get(agent)
        return self._initial_value(asker)[0] if value is None else value

    def _apply(self, feedback: Feedback) -> None:
        subject = feedback.subject
        rater = feedback.rater
        received = self._received.get(subject)
        if received is None:
            received = self._received[subject] = []
            if self._central:
                self._betas[subject] = []
        received.append(feedback)
        before: tuple[float, float] | None = None
        if self._central:
            before = self._before(feedback)
            if before is None:
                before = (
                    self._agency_or_initial(rater, rater),
                    self._agency_or_initial(subject, rater),
                )
                pending = self._pending
                pending[feedback.transaction] = (rater, subject, *before)
                if len(pending) > self.pending_limit:
                    pending.popitem(last=False)
        rating = feedback.rating
        if rating == 0:
            # A neutral says nothing about cooperation: no coefficient moves.
            if self._central:
                self._betas[subject].append(0.0)
            return
        outcome = 1.0 if rating > 0 else 0.0
        alpha = self.alpha
        own = self._own.get(rater)
        if own is None:
            own = self._own[rater] = {}
            self._own_start[rater] = {}
        old = own.get(subject)
        if old is None:
            # The first own coefficient starts where the lookup stood before this transaction
            # (R^X_Y0 = R_Y, or the initial value).
            old = self.lookup(subject, rater).value if before is None else before[1]
            self._own_start[rater][subject] = old
            new = old + alpha * (outcome - old)
            own[subject] = new
            if not self._central:
                self._add_own(rater, subject, new, 1.0)
        else:
            new = old + alpha * (outcome - old)
            own[subject] = new
            if not self._central:
                self._add_own(rater, subject, new - old, 0.0)
        if before is not None:
            rater_value, subject_start = before
            beta = alpha * rater_value
            agency = self._agency
            total = self._agency_total
            old = agency.get(subject)
            if old is None:
                old = subject_start
                self._agency_start[subject] = old
                new = old + beta * (outcome - old)
                total[0] += new
                total[1] += 1.0
            else:
                new = old + beta * (outcome - old)
                total[0] += new - old
            agency[subject] = new
            self._betas[subject].append(beta)

    def _add_own(self, rater: str, subject: str, change: float, count: float) -> None:
        total = self._own_total.get(rater)
        if total is None:
            self._own_total[rater] = [change, count]
        else:
            total[0] += change
            total[1] += count
        about = self._about.get(subject)
        if about is None:
            self._about[subject] = [change, count]
        else:
            about[0] += change
            about[1] += count
        self._market[0] += change
        self._market[1] += count

    # -- explanations --------------------------------------------------------------------------

    def _own_weights(
        self, rater: str, subject: str
    ) -> tuple[float, float, list[tuple[Feedback, float]]]:
        """``R^X_Y = w0 R0 + sum_j w_j r_j`` with ``w_j = alpha (1 - alpha)^(k - j)`` and
        ``w0 = (1 - alpha)^k`` after k updates (equation (1) unrolled)."""
        start = self._own_start[rater][subject]
        mine = [f for f in self._received.get(subject, ()) if f.rater == rater and f.rating != 0]
        keep = 1.0 - self.alpha
        weights: list[tuple[Feedback, float]] = []
        factor = 1.0
        for f in reversed(mine):
            weights.append((f, self.alpha * factor))
            factor *= keep
        weights.reverse()
        return start, factor, weights

    def _agency_weights(self, subject: str) -> tuple[float, float, list[tuple[Feedback, float]]]:
        """``R_Y = w0 R_Y0 + sum_j w_j r_j`` with ``w_j = beta_j prod_{l > j} (1 - beta_l)``
        (equation (2) unrolled)."""
        start = self._agency_start[subject]
        pairs = [
            (f, beta)
            for f, beta in zip(self._received[subject], self._betas[subject], strict=True)
            if f.rating != 0
        ]
        weights: list[tuple[Feedback, float]] = []
        factor = 1.0
        for f, beta in reversed(pairs):
            weights.append((f, beta * factor))
            factor *= 1.0 - beta
        weights.reverse()
        return start, factor, weights

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        found = self.lookup(subject, by)
        quantities: dict[str, float] = {"case": float(found.case), "alpha": self.alpha}
        contributions: list[Contribution] = []
        if found.case == 3:
            assert by is not None
            start, w0, weights = self._own_weights(by, subject)
            formula = self._unrolled(
                f"R^{by}_{subject}", "alpha (1-alpha)^(k-j)", start, w0, weights
            )
            contributions = [
                Contribution(f.rater, f.transaction, float(f.rating > 0), w) for f, w in weights
            ]
            quantities |= {"start": start, "start_weight": w0, "updates": float(len(weights))}
        elif found.case == 2:
            start, w0, weights = self._agency_weights(subject)
            formula = self._unrolled(
                f"R_{subject}",
                "beta_j prod_(l>j) (1-beta_l), beta = alpha R_rater",
                start,
                w0,
                weights,
            )
            contributions = [
                Contribution(f.rater, f.transaction, float(f.rating > 0), w) for f, w in weights
            ]
            quantities |= {"start": start, "start_weight": w0, "updates": float(len(weights))}
        elif found.case == 0:
            raters = sorted(self._own_start_of(subject))
            parts = []
            for rater in raters:
                start, w0, weights = self._own_weights(rater, subject)
                parts.append(f"R^{rater}_{subject} = {self._own[rater][subject]:.6g}")
                contributions += [
                    Contribution(f.rater, f.transaction, float(f.rating > 0), w / len(raters))
                    for f, w in weights
                ]
            formula = (
                f"no asker, decentralized: mean of {len(raters)} own coefficients "
                f"({', '.join(parts)}) = {found.value:.6g}"
            )
        else:
            formula = f"case 1, {found.reason}: R = {found.value:.6g}"
        contributions.sort(key=lambda c: -c.weight)
        return Explanation(
            subject=subject,
            model=self.name,
            score=found.value,
            formula=f"{formula} [{found.reason}]" if found.case else formula,
            quantities=quantities,
            contributions=tuple(contributions),
        )

    def _own_start_of(self, subject: str) -> list[str]:
        return [rater for rater, starts in self._own_start.items() if subject in starts]

    @staticmethod
    def _unrolled(
        name: str, rule: str, start: float, w0: float, weights: list[tuple[Feedback, float]]
    ) -> str:
        outcomes = "".join("1" if f.rating > 0 else "0" for f, _ in weights)
        total = w0 * start + math.fsum(w * float(f.rating > 0) for f, w in weights)
        return (
            f"{name} = w0 R0 + sum_j w_j r_j with w_j = {rule}: {w0:.4g} * {start:.4g} + "
            f"{total - w0 * start:.6g} = {total:.6g} after {len(weights)} outcomes ({outcomes})"
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._received)


MODEL = ReputationCoefficientModel
