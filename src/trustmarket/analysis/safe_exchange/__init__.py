"""Safe exchange planning: eExchangeHouse (Sandholm, eMediator, section 4; SPEC section 5).

A seller and a buyer with no third party split an exchange into chunks so that at every moment
each prefers finishing to vanishing. Build an :class:`ExchangeProblem` from one of three input
forms, then :meth:`~ExchangeProblem.plan` an optimal safe plan under one of four
:class:`Objective` s and two readings of :class:`Safety`, or :meth:`~ExchangeProblem.check` a
given :class:`Plan`. Everything is exact, in integer minor units. See docs/safe-exchange.md.
"""

from trustmarket.analysis.safe_exchange.amounts import Bounds
from trustmarket.analysis.safe_exchange.checker import SafetyCheck, UnsafeState, check_plan
from trustmarket.analysis.safe_exchange.goods import (
    DependentTable,
    DivisibleItem,
    Goods,
    IndependentUnits,
    UnitItem,
)
from trustmarket.analysis.safe_exchange.json_format import (
    check_to_json,
    plan_from_json,
    plan_to_json,
    problem_from_json,
    result_to_json,
)
from trustmarket.analysis.safe_exchange.paper import (
    PAPER_STEPS,
    dependent_items_example,
    published_dependent_plan,
    stock_example,
)
from trustmarket.analysis.safe_exchange.planner import plan_exchange
from trustmarket.analysis.safe_exchange.plans import Objective, Plan, PlanResult, Step
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem
from trustmarket.analysis.safe_exchange.safety import Band, Order, Safety

__all__ = [
    "PAPER_STEPS",
    "Band",
    "Bounds",
    "DependentTable",
    "DivisibleItem",
    "ExchangeProblem",
    "Goods",
    "IndependentUnits",
    "Objective",
    "Order",
    "Plan",
    "PlanResult",
    "Safety",
    "SafetyCheck",
    "Step",
    "UnitItem",
    "UnsafeState",
    "check_plan",
    "check_to_json",
    "dependent_items_example",
    "plan_exchange",
    "plan_from_json",
    "plan_to_json",
    "problem_from_json",
    "published_dependent_plan",
    "result_to_json",
    "stock_example",
]
