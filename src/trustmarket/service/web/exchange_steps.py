"""A safe exchange's plan as the single actions its parties confirm, for the exchange page.

The service executes a plan one action at a time: within each step the delivery and the payment
in the plan's order (``deliver-first`` unless it says ``pay-first``), as
:func:`trustmarket.service.exchanges.plan_actions` does on the plan itself. This reads the same
sequence off the plan document that :meth:`~trustmarket.service.exchanges.Exchanges.describe`
returns, with what each party has delivered and paid after each action.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["PlanAction", "chunk_text", "plan_actions_of", "plan_items"]


@dataclass(frozen=True)
class PlanAction:
    """One action of the plan: who confirms what, the state after it, and how far it is."""

    number: int
    step: int
    kind: str  # "deliver" or "pay"
    by: str
    deliver: dict[str, int] | None
    pay: str | None
    delivered_after: dict[str, int]
    paid_after: str
    state: str  # "done", "next" or "to do"

    @property
    def what(self) -> str:
        """What the action hands over, e.g. ``"1 package"`` or ``"10.00"``."""
        return chunk_text(self.deliver or {}) if self.kind == "deliver" else str(self.pay)


def chunk_text(chunk: dict[str, int]) -> str:
    """A delivery as text: ``{"package": 3}`` is ``"3 package"``."""
    return ", ".join(f"{units} {name}" for name, units in chunk.items() if units) or "nothing"


def plan_items(plan: dict[str, Any]) -> list[str]:
    """The items a plan delivers, in the order they first appear."""
    names: dict[str, None] = {}
    for step in plan.get("steps", []):
        for name in step.get("deliver") or {}:
            names.setdefault(name, None)
    return list(names)


def _decimals(plan: dict[str, Any]) -> int:
    """The decimals of the plan's amounts (its currency's minor units)."""
    places = [
        -int(Decimal(step["pay"]).as_tuple().exponent)
        for step in plan.get("steps", [])
        if step.get("pay")
    ]
    return max([0, *places])


def plan_actions_of(exchange: dict[str, Any]) -> list[PlanAction]:
    """The actions of an exchange as ``describe`` shows it (``plan``, ``seller``, ``buyer``,
    ``done``, ``status``), in the order the service expects them."""
    plan = exchange["plan"]
    pay_first = plan.get("order") == "pay-first"
    quantum = Decimal(1).scaleb(-_decimals(plan))
    delivered = dict.fromkeys(plan_items(plan), 0)
    paid = Decimal(0)
    actions: list[PlanAction] = []
    for step_number, step in enumerate(plan.get("steps", []), start=1):
        halves: list[tuple[str, Any]] = []
        chunk = {name: units for name, units in (step.get("deliver") or {}).items() if units}
        if chunk:
            halves.append(("deliver", chunk))
        if step.get("pay") and Decimal(step["pay"]) != 0:
            halves.append(("pay", step["pay"]))
        if pay_first:
            halves.reverse()
        for kind, what in halves:
            if kind == "deliver":
                for name, units in what.items():
                    delivered[name] += units
            else:
                paid += Decimal(what)
            index = len(actions)
            if index < exchange["done"]:
                state = "done"
            elif index == exchange["done"] and exchange["status"] == "active":
                state = "next"
            else:
                state = "to do"
            actions.append(
                PlanAction(
                    number=index + 1,
                    step=step_number,
                    kind=kind,
                    by=exchange["seller"] if kind == "deliver" else exchange["buyer"],
                    deliver=what if kind == "deliver" else None,
                    pay=what if kind == "pay" else None,
                    delivered_after=dict(delivered),
                    paid_after=str(paid.quantize(quantum)),
                    state=state,
                )
            )
    return actions
