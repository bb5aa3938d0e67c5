"""Exchange plans, planning objectives and planning results (Sandholm, eMediator, section 4).

A plan is a sequence of steps from ``(0, 0)`` (nothing delivered, nothing paid) to ``(X, P)``
(everything delivered, the price paid). A :class:`Step` delivers a chunk (units of each item),
pays an amount, or both; deliveries and payments never go back. The planner minimises one of the
paper's four :class:`Objective` counts.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum

from trustmarket.analysis.safe_exchange.safety import Order, Safety, _coerce
from trustmarket.core.errors import InvalidExchange

State = tuple[int, ...]


class Objective(StrEnum):
    """What the planner minimises (the paper's objectives (1)-(4), section 4)."""

    #: (1) the number of deliveries (chunks of goods).
    DELIVERIES = "deliveries"
    #: (2) the number of payments.
    PAYMENTS = "payments"
    #: (3) the number of deliveries plus the number of payments.
    DELIVERIES_AND_PAYMENTS = "deliveries+payments"
    #: (4) the number of steps, where a step may hold both a delivery and a payment.
    STEPS = "steps"

    @classmethod
    def coerce(cls, value: object) -> Objective:
        return _coerce(cls, value, "objective")


@dataclass(frozen=True, slots=True)
class Step:
    """One step: deliver the chunk ``deliver`` (units of each item) and pay ``pay`` minor units.

    Either may be empty (all zeros, 0), not both.
    """

    deliver: State
    pay: int

    def __post_init__(self) -> None:
        if not isinstance(self.deliver, tuple) or any(
            isinstance(k, bool) or not isinstance(k, int) or k < 0 for k in self.deliver
        ):
            raise InvalidExchange(
                f"a step delivers a tuple of whole, non-negative unit counts, got {self.deliver!r}"
            )
        if isinstance(self.pay, bool) or not isinstance(self.pay, int) or self.pay < 0:
            raise InvalidExchange(
                f"a step pays a non-negative whole number of minor units, got {self.pay!r}"
            )
        if self.pay == 0 and not any(self.deliver):
            raise InvalidExchange("a step must deliver something, pay something, or both")

    @property
    def delivers(self) -> bool:
        return any(self.deliver)

    @property
    def pays(self) -> bool:
        return self.pay > 0


@dataclass(frozen=True, slots=True)
class Plan:
    """A sequence of steps; ``order`` says which half of a two-action step comes first."""

    steps: tuple[Step, ...]
    order: Order = Order.DELIVER_FIRST

    def __post_init__(self) -> None:
        if not isinstance(self.steps, tuple) or not all(isinstance(s, Step) for s in self.steps):
            raise InvalidExchange("a plan's steps must be a tuple of Step")
        object.__setattr__(self, "order", Order.coerce(self.order))

    @property
    def deliveries(self) -> int:
        """How many steps deliver something."""
        return sum(s.delivers for s in self.steps)

    @property
    def payments(self) -> int:
        """How many steps pay something."""
        return sum(s.pays for s in self.steps)

    @property
    def count(self) -> dict[str, int]:
        """The four objective counts of this plan."""
        return {
            Objective.STEPS.value: len(self.steps),
            Objective.DELIVERIES.value: self.deliveries,
            Objective.PAYMENTS.value: self.payments,
            Objective.DELIVERIES_AND_PAYMENTS.value: self.deliveries + self.payments,
        }

    def states(self, items: int) -> list[tuple[State, int]]:
        """The states ``(x, p)`` after each step, starting with ``(0, 0)``."""
        x = (0,) * items
        p = 0
        out = [(x, p)]
        for step in self.steps:
            if len(step.deliver) != items:
                raise InvalidExchange(
                    f"a step delivers {len(step.deliver)} item counts; the exchange has {items}"
                )
            x = tuple(a + b for a, b in zip(x, step.deliver, strict=True))
            p += step.pay
            out.append((x, p))
        return out

    @classmethod
    def from_states(cls, states: list[tuple[State, int]], order: Order) -> Plan:
        """The plan that passes through ``states`` (consecutive equal states are skipped)."""
        steps: list[Step] = []
        for (x, p), (x2, p2) in itertools.pairwise(states):
            if (x, p) == (x2, p2):
                continue
            steps.append(Step(tuple(b - a for a, b in zip(x, x2, strict=True)), p2 - p))
        return cls(tuple(steps), order)


@dataclass(frozen=True, slots=True)
class PlanResult:
    """What the planner found: an optimal safe plan, or why no safe plan exists.

    ``optimum`` is the minimised count (the objective's value); when no plan exists, ``reason``
    explains the first state that cannot be made safe and ``stuck_at`` is the furthest delivery
    the exchange can safely reach.

    ``proven`` is false only when a ``time_limit`` ran out before the integer programs proved
    the plan optimal: ``plan`` is then the best safe plan found (checked like every plan) and
    ``optimum`` its count, and no plan has fewer than ``lower_bound`` (the optimum lies in
    ``[lower_bound, optimum]``). When proven, ``lower_bound`` equals ``optimum``; both are None
    when no plan exists (that verdict is always proven).
    """

    objective: Objective
    safety: Safety
    order: Order
    plan: Plan | None
    optimum: int | None = None
    reason: str | None = None
    stuck_at: State | None = None
    proven: bool = True
    lower_bound: int | None = None

    @property
    def found(self) -> bool:
        """Whether a safe plan exists."""
        return self.plan is not None
