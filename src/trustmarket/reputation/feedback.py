"""Feedback records and the log that admits them (SPEC section 4).

Feedback is recorded per settled transaction, by each side about the other: a scalar rating in
{-1, 0, +1} and, optionally, a vector of critical-attribute ratings on a stated scale (the
online-auction trust paper's "delivery time, quality as promised, price as expected", rated 0 to
5), with the transaction's value and time. One transaction, one feedback per side.

:class:`Feedback` checks its own fields; :class:`FeedbackLog` checks that a feedback fits its
transaction (known, rater and subject are its two parties, this side has not rated yet, the
attributes fit the log's scale) before it records it and passes it to the attached models.
Nothing is half-applied: a refused feedback leaves the log and every model as they were.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustmarket.core.errors import DuplicateFeedback, InvalidFeedback, InvalidInput
from trustmarket.core.events import check_time
from trustmarket.core.ids import check_id

if TYPE_CHECKING:
    from trustmarket.reputation.model import ReputationModel

__all__ = ["RATINGS", "AttributeScale", "Feedback", "FeedbackLog", "Transaction"]

#: The scalar ratings: negative, neutral, positive.
RATINGS = (-1, 0, 1)


@dataclass(frozen=True, slots=True)
class AttributeScale:
    """The critical attributes a rater scores, and the closed range ``[low, high]`` of each score.

    The default is the online-auction trust paper's: three attributes rated 0 to 5.
    """

    names: tuple[str, ...] = ("delivery", "quality", "price")
    low: float = 0.0
    high: float = 5.0

    def __post_init__(self) -> None:
        if not isinstance(self.names, tuple) or not self.names:
            raise InvalidInput("an attribute scale needs a non-empty tuple of attribute names")
        if len(set(self.names)) != len(self.names):
            raise InvalidInput(f"attribute names must be distinct, got {self.names!r}")
        for name in self.names:
            if not isinstance(name, str) or not name:
                raise InvalidInput(f"attribute names must be non-empty strings, got {name!r}")
        for bound in (self.low, self.high):
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise InvalidInput(f"scale bounds must be numbers, got {bound!r}")
            if not math.isfinite(bound):
                raise InvalidInput(f"scale bounds must be finite, got {bound!r}")
        if not self.low < self.high:
            raise InvalidInput(
                f"an attribute scale needs low < high, got [{self.low}, {self.high}]"
            )

    def check(self, attributes: Sequence[float], what: str = "attributes") -> None:
        """Raise :class:`InvalidFeedback` unless ``attributes`` has one score per attribute,
        each within ``[low, high]``."""
        if len(attributes) != len(self.names):
            raise InvalidFeedback(
                f"{what} must have {len(self.names)} scores ({', '.join(self.names)}), "
                f"got {len(attributes)}"
            )
        for name, score in zip(self.names, attributes, strict=True):
            if not self.low <= score <= self.high:
                raise InvalidFeedback(
                    f"{what}: {name} = {score} is off the scale; allowed {self.low} to {self.high}"
                )


@dataclass(frozen=True, slots=True)
class Transaction:
    """A settled trade between a buyer and a seller: its value in minor units and its time."""

    id: str
    buyer: str
    seller: str
    value: int = 0
    time: int = 0

    def __post_init__(self) -> None:
        check_id(self.id, "transaction id")
        check_id(self.buyer, "buyer")
        check_id(self.seller, "seller")
        if self.buyer == self.seller:
            raise InvalidFeedback(f"transaction {self.id}: buyer and seller are both {self.buyer}")
        _check_value(self.value)
        check_time(self.time)

    def other(self, party: str) -> str:
        """The counterparty of ``party``; :class:`InvalidFeedback` if ``party`` is not in it."""
        if party == self.buyer:
            return self.seller
        if party == self.seller:
            return self.buyer
        raise InvalidFeedback(
            f"{party} is not a party to transaction {self.id} (its parties: {self.buyer}, "
            f"{self.seller})"
        )


@dataclass(frozen=True, slots=True)
class Feedback:
    """One rater's feedback about one subject after one transaction.

    ``rating`` is -1, 0 or +1. ``attributes`` (optional) holds one score per critical attribute
    of the scale the models use. ``value`` is the transaction value in minor units (>= 0) and
    ``time`` the time of the feedback in seconds on the caller's clock.
    """

    transaction: str
    rater: str
    subject: str
    rating: int
    time: int = 0
    value: int = 0
    attributes: tuple[float, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        check_id(self.transaction, "transaction id")
        check_id(self.rater, "rater")
        check_id(self.subject, "subject")
        if self.rater == self.subject:
            raise InvalidFeedback(f"{self.rater} cannot rate itself")
        if isinstance(self.rating, bool) or self.rating not in RATINGS:
            raise InvalidFeedback(f"rating must be -1, 0 or +1, got {self.rating!r}")
        check_time(self.time)
        _check_value(self.value)
        if self.attributes is not None:
            if not isinstance(self.attributes, tuple):
                raise InvalidFeedback(
                    f"attributes must be a tuple of scores, got {type(self.attributes).__name__}"
                )
            for score in self.attributes:
                if isinstance(score, bool) or not isinstance(score, int | float):
                    raise InvalidFeedback(f"attribute scores must be numbers, got {score!r}")
                if not math.isfinite(score):
                    raise InvalidFeedback(f"attribute scores must be finite, got {score!r}")


def _check_value(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidFeedback(
            f"a transaction value must be a non-negative integer of minor units, got {value!r}"
        )


class FeedbackLog:
    """The transactions and the feedback left on them, passed on to the attached models.

    One transaction, one feedback per side: the rater must be one of its parties and the subject
    the other, and each side rates once. With an attribute ``scale``, attribute vectors must fit
    it (feedback without attributes is always allowed).
    """

    def __init__(
        self, scale: AttributeScale | None = None, models: Iterable[ReputationModel] = ()
    ) -> None:
        self.scale = scale
        self._transactions: dict[str, Transaction] = {}
        self._feedback: list[Feedback] = []
        self._rated: set[tuple[str, str]] = set()
        self._models: list[ReputationModel] = list(models)

    def attach(self, model: ReputationModel) -> None:
        """Send every later feedback to ``model`` too (earlier feedback is replayed into it)."""
        model.update_many(self._feedback)
        self._models.append(model)

    def record(self, transaction: Transaction) -> None:
        """Register a settled transaction; its id must be new."""
        if not isinstance(transaction, Transaction):
            raise InvalidFeedback(f"expected a Transaction, got {type(transaction).__name__}")
        if transaction.id in self._transactions:
            raise InvalidFeedback(f"transaction {transaction.id} is already recorded")
        self._transactions[transaction.id] = transaction

    def check(self, feedback: Feedback) -> None:
        """Raise the specific error if ``feedback`` cannot be admitted; change nothing."""
        if not isinstance(feedback, Feedback):
            raise InvalidFeedback(f"expected a Feedback, got {type(feedback).__name__}")
        transaction = self._transactions.get(feedback.transaction)
        if transaction is None:
            raise InvalidFeedback(
                f"unknown transaction {feedback.transaction}: record it before its feedback"
            )
        expected = transaction.other(feedback.rater)
        if feedback.subject != expected:
            raise InvalidFeedback(
                f"{feedback.rater} can only rate {expected} after transaction {transaction.id}, "
                f"not {feedback.subject}"
            )
        if (transaction.id, feedback.rater) in self._rated:
            raise DuplicateFeedback(
                f"{feedback.rater} has already left feedback on transaction {transaction.id}; "
                "one feedback per side"
            )
        if feedback.value != transaction.value:
            raise InvalidFeedback(
                f"feedback value {feedback.value} differs from transaction {transaction.id}'s "
                f"value {transaction.value}"
            )
        if feedback.attributes is not None and self.scale is not None:
            self.scale.check(feedback.attributes)
        for model in self._models:
            model.check(feedback)

    def add(self, feedback: Feedback) -> Feedback:
        """Admit ``feedback`` (see :meth:`check`), record it and update every attached model."""
        self.check(feedback)
        self._rated.add((feedback.transaction, feedback.rater))
        self._feedback.append(feedback)
        for model in self._models:
            model.update(feedback)
        return feedback

    def leave(
        self,
        transaction: str,
        rater: str,
        rating: int,
        *,
        attributes: Sequence[float] | None = None,
        time: int | None = None,
    ) -> Feedback:
        """Build the feedback of ``rater`` on ``transaction`` (subject, value and, by default,
        time taken from the transaction) and :meth:`add` it."""
        known = self._transactions.get(transaction)
        if known is None:
            raise InvalidFeedback(
                f"unknown transaction {transaction}: record it before its feedback"
            )
        feedback = Feedback(
            transaction=transaction,
            rater=rater,
            subject=known.other(rater),
            rating=rating,
            time=known.time if time is None else time,
            value=known.value,
            attributes=None if attributes is None else tuple(attributes),
        )
        return self.add(feedback)

    def transaction(self, transaction_id: str) -> Transaction:
        """The recorded transaction with this id."""
        try:
            return self._transactions[transaction_id]
        except KeyError:
            raise InvalidFeedback(f"unknown transaction {transaction_id}") from None

    def about(self, subject: str) -> tuple[Feedback, ...]:
        """Every feedback received by ``subject``, oldest first."""
        return tuple(f for f in self._feedback if f.subject == subject)

    def __iter__(self) -> Iterator[Feedback]:
        return iter(self._feedback)

    def __len__(self) -> int:
        return len(self._feedback)
