"""The one interface every reputation model has (SPEC section 4).

``update(feedback)`` takes one feedback into the model's state (incrementally: an update costs
O(attributes), never a recomputation over all feedback); ``score(subject, by=None)`` is the
model's current value for ``subject``, as seen by the agent ``by`` for models with personal views;
``explain(subject, by=None)`` says which ratings and weights made that score.

Every model is a small class with a ``name`` and machine-readable :class:`ModelProperties`, so the
tables in the docs and the attack bench are generated from the code (the Axelrod library's
convention for families of strategies).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from trustmarket.core.errors import InvalidFeedback
from trustmarket.reputation.feedback import Feedback

__all__ = ["Contribution", "Explanation", "ModelProperties", "ReputationModel"]


@dataclass(frozen=True, slots=True)
class ModelProperties:
    """What a model is, for tables and for the attack bench.

    ``probabilistic``: the score is an estimate in [0, 1] of the probability that the subject
    cooperates (the attack bench compares it with the truth). ``personal_view``: the score
    depends on who asks (``by``). ``uses_attributes``: the model reads the critical-attribute
    vector. ``global_``: the score comes from a computation over the whole rating graph (such
    as EigenTrust's power iteration), done lazily when a score is asked for after updates.
    ``source``: the paper or system the model comes from.
    """

    probabilistic: bool
    personal_view: bool = False
    uses_attributes: bool = False
    global_: bool = False
    source: str = ""


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feedback's part in a score: who rated, on which transaction, the rating as the model
    reads it, and the weight the model gave it."""

    rater: str
    transaction: str
    rating: float
    weight: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a model gives ``subject`` its ``score``: the formula with its numbers filled in, the
    named quantities it used, and each contributing feedback (most influential first)."""

    subject: str
    model: str
    score: float
    formula: str
    quantities: Mapping[str, float] = field(default_factory=dict)
    contributions: tuple[Contribution, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "model": self.model,
            "score": self.score,
            "formula": self.formula,
            "quantities": dict(self.quantities),
            "contributions": [
                {
                    "rater": c.rater,
                    "transaction": c.transaction,
                    "rating": c.rating,
                    "weight": c.weight,
                    "note": c.note,
                }
                for c in self.contributions
            ],
        }


class ReputationModel(ABC):
    """Base of every reputation model.

    Subclasses set ``name`` and ``properties``, implement :meth:`_apply` (take a checked
    feedback into the state), :meth:`score`, :meth:`explain` and :meth:`subjects`, and extend
    :meth:`check` when they refuse more than a malformed feedback (an attribute vector that does
    not fit their scale, say). ``update`` checks before it applies, so a refused feedback leaves
    the model unchanged.
    """

    name: ClassVar[str]
    properties: ClassVar[ModelProperties]

    def check(self, feedback: Feedback) -> None:
        """Raise the specific error if this model cannot take ``feedback``; change nothing."""
        if not isinstance(feedback, Feedback):
            raise InvalidFeedback(f"expected a Feedback, got {type(feedback).__name__}")

    def update(self, feedback: Feedback) -> None:
        """Take one feedback into the model."""
        self.check(feedback)
        self._apply(feedback)

    def update_many(self, feedback: Iterable[Feedback]) -> int:
        """Take many feedbacks, all checked before any is applied; returns how many."""
        batch = list(feedback)
        for item in batch:
            self.check(item)
        for item in batch:
            self._apply(item)
        return len(batch)

    @abstractmethod
    def _apply(self, feedback: Feedback) -> None:
        """Change the state for one feedback already checked by :meth:`check`."""

    @abstractmethod
    def score(self, subject: str, by: str | None = None) -> float:
        """The model's value for ``subject`` (as seen by ``by`` for personal-view models). A
        subject the model knows nothing about gets the model's stated prior."""

    @abstractmethod
    def explain(self, subject: str, by: str | None = None) -> Explanation:
        """The score of ``subject`` with the ratings and weights that made it."""

    @abstractmethod
    def subjects(self) -> frozenset[str]:
        """Every agent that has received feedback."""

    def scores(self, by: str | None = None) -> dict[str, float]:
        """The score of every known subject."""
        return {subject: self.score(subject, by) for subject in sorted(self.subjects())}
