"""When a state, and a step, of an exchange is safe (Sandholm, eMediator, section 4; SPEC 5).

A seller delivers goods and a buyer pays the price ``P``, with no third party. At a state
``(x, p)`` (goods ``x`` delivered, ``p`` paid) each party compares finishing the exchange with
vanishing now, which costs the seller ``e_s`` and the buyer ``e_d`` (reputation, the risk of being
caught):

- the seller stays iff what he is still owed covers what the rest costs him, less ``e_s``:
  ``P - p >= (v_s(X) - v_s(x)) - e_s``;
- the buyer stays iff what she still owes is covered by what the rest is worth to her, plus
  ``e_d``: ``P - p <= (v_d(X) - v_d(x)) + e_d``.

So ``(x, p)`` is safe iff ``p`` lies in the **band**

    ``P - e_d - (v_d(X) - v_d(x))  <=  p  <=  P + e_s - (v_s(X) - v_s(x))``

(SPEC: ``[v_d(x) - v_d(X) + P - e_d, v_s(x) + P - v_s(X) + e_s]``), with the worst case over any
bounds the user gave (:mod:`trustmarket.analysis.safe_exchange.goods`).

A **step** delivers a chunk, pays an amount, or both. Two readings of "safe" for a step with
both, offered as :class:`Safety`:

- :attr:`Safety.SEQUENTIAL` (SPEC section 5): the step runs in its stated :class:`Order`, so the
  states it passes through are the one after its first half and the one after the whole step;
  each must be safe. On the paper's examples this gives 3 steps (software) and 9 steps (stocks).
- :attr:`Safety.EITHER_ORDER`: the delivery and the payment of a step are exchanged together and
  neither party can rely on the other moving first, so the state after the delivery alone *and*
  the state after the payment alone must both be safe. This is the reading that reproduces the
  paper's published counts: 5 steps for the software example and 16 for the stock example.

Both agree on steps with a single action, so they give the same fewest deliveries, fewest
payments and fewest deliveries + payments; they differ only in the number of steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TypeVar

from trustmarket.core.errors import InvalidExchange

State = tuple[int, ...]
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class Band:
    """The payments ``p`` that keep both parties in at one state: ``low <= p <= high``.

    ``low = P - e_d - min(v_d(X) - v_d(x))`` (below it the buyer gains by vanishing);
    ``high = P + e_s - max(v_s(X) - v_s(x))`` (above it the seller gains by vanishing).
    """

    low: int
    high: int

    def __contains__(self, payment: object) -> bool:
        return isinstance(payment, int) and self.low <= payment <= self.high

    @property
    def empty(self) -> bool:
        """No payment at all is safe here."""
        return self.low > self.high

    def defector(self, payment: int) -> str | None:
        """Who gains by vanishing at this payment: ``"buyer"``, ``"seller"`` or None."""
        if payment < self.low:
            return "buyer"
        if payment > self.high:
            return "seller"
        return None


class Safety(StrEnum):
    """Which reading of "safe" a step must meet (see the module docstring)."""

    #: Steps run in their stated order; every state passed through is safe (SPEC section 5).
    SEQUENTIAL = "sequential"
    #: Either half of a step may land first; both intermediate states are safe (paper's counts).
    EITHER_ORDER = "either-order"

    @classmethod
    def coerce(cls, value: object) -> Safety:
        return _coerce(cls, value, "safety")


class Order(StrEnum):
    """The order of the two halves of a step that both delivers and pays."""

    DELIVER_FIRST = "deliver-first"
    PAY_FIRST = "pay-first"

    @classmethod
    def coerce(cls, value: object) -> Order:
        return _coerce(cls, value, "order")


def _coerce(cls: type[E], value: object, what: str) -> E:
    if isinstance(value, cls):
        return value
    for member in cls:
        if value == member.value:
            return member
    allowed = ", ".join(str(m.value) for m in cls)
    raise InvalidExchange(f"unknown {what} {value!r}; allowed: {allowed}")


@dataclass(frozen=True, slots=True)
class Moment:
    """A state a step passes through, and what it is called in messages."""

    label: str
    delivered: State
    paid: int


def step_moments(
    before: tuple[State, int],
    after: tuple[State, int],
    safety: Safety,
    order: Order,
) -> list[Moment]:
    """The states a step from ``before`` to ``after`` must keep safe, in the order to check them.

    A single-action step passes through one new state (``after``). A step that both delivers and
    pays also passes through an intermediate state: under :attr:`Safety.SEQUENTIAL` the one its
    :class:`Order` says (``(x', p)`` delivery first, ``(x, p')`` payment first); under
    :attr:`Safety.EITHER_ORDER` both.
    """
    (x, p), (x2, p2) = before, after
    moments: list[Moment] = []
    if x2 != x and p2 != p:
        deliver_first = Moment("after the delivery, before the payment", x2, p)
        pay_first = Moment("after the payment, before the delivery", x, p2)
        if safety is Safety.EITHER_ORDER:
            moments += [deliver_first, pay_first]
        elif order is Order.DELIVER_FIRST:
            moments.append(deliver_first)
        else:
            moments.append(pay_first)
    moments.append(Moment("at the end of the step", x2, p2))
    return moments
