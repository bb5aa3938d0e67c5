"""A safe-exchange problem: what is exchanged, the price and the defection costs.

:class:`ExchangeProblem` is the one object a user holds (Sandholm, eMediator, section 4): build it
from one of the three input forms (:meth:`~ExchangeProblem.divisible`,
:meth:`~ExchangeProblem.independent_units`, :meth:`~ExchangeProblem.dependent`), then ask for an
optimal safe plan (:meth:`~ExchangeProblem.plan`) or check a given one
(:meth:`~ExchangeProblem.check`). Everything is in integer minor units of ``currency``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from trustmarket.analysis.safe_exchange.amounts import (
    AmountLike,
    Bounds,
    BoundsLike,
    format_amount,
    parse_amount,
    parse_bounds,
)
from trustmarket.analysis.safe_exchange.goods import (
    DependentTable,
    DivisibleItem,
    Goods,
    IndependentUnits,
    State,
    UnitItem,
)
from trustmarket.analysis.safe_exchange.safety import Band, Order, Safety
from trustmarket.core.errors import InvalidExchange, InvalidInput
from trustmarket.core.money import check_currency

if TYPE_CHECKING:
    from trustmarket.analysis.safe_exchange.checker import SafetyCheck
    from trustmarket.analysis.safe_exchange.plans import Objective, Plan, PlanResult


#: The largest amount (in minor units) any price, cost, value or defection cost may have: sums of
#: them stay exact in the floating point the integer program's solver uses (below 2**53).
MAX_AMOUNT = 10**15


def _non_negative_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidExchange(f"{what} must be an int of minor units, got {value!r}")
    if value < 0:
        raise InvalidExchange(f"{what} must not be negative, got {value}")
    return value


@dataclass(frozen=True)
class ExchangeProblem:
    """A seller delivers ``goods`` and a buyer pays ``price``; vanishing would cost the seller
    ``seller_forgoes`` (e_s) and the buyer ``buyer_forgoes`` (e_d). Amounts in minor units.

    If you do not know the other party's e exactly, give a lower bound: the plan stays safe for
    every larger value.
    """

    goods: Goods
    price: int
    seller_forgoes: int
    buyer_forgoes: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not isinstance(self.goods, Goods):
            raise InvalidExchange(
                "goods must be a DivisibleItem, IndependentUnits or DependentTable, got "
                f"{type(self.goods).__name__}"
            )
        _non_negative_int(self.price, "the price")
        _non_negative_int(self.seller_forgoes, "what the seller forgoes (e_s)")
        _non_negative_int(self.buyer_forgoes, "what the buyer forgoes (e_d)")
        try:
            check_currency(self.currency)
        except InvalidInput as exc:
            raise InvalidExchange(exc.message) from None
        largest = max(
            self.price, self.seller_forgoes, self.buyer_forgoes, self.goods.largest_amount()
        )
        if largest > MAX_AMOUNT:
            raise InvalidExchange(
                f"amounts up to {MAX_AMOUNT} minor units are supported; this exchange has {largest}"
            )

    # -- the three input forms -------------------------------------------------------------
    @classmethod
    def divisible(
        cls,
        name: str,
        pieces: int,
        seller_cost: Sequence[tuple[int, BoundsLike]],
        buyer_value: Sequence[tuple[int, BoundsLike]],
        *,
        price: AmountLike,
        seller_forgoes: AmountLike,
        buyer_forgoes: AmountLike,
        currency: str = "USD",
    ) -> ExchangeProblem:
        """One divisible item in ``pieces`` equal pieces; the curves are breakpoints
        ``(pieces delivered, amount)`` from ``(0, "0")`` to ``(pieces, total)``."""
        currency = _currency(currency)

        def curve(points: object, what: str) -> tuple[tuple[int, Bounds], ...]:
            if not isinstance(points, Sequence) or isinstance(points, str):
                raise InvalidExchange(f"{what} must be a list of (pieces, amount) breakpoints")
            out = []
            for k, point in enumerate(points):
                if not isinstance(point, Sequence) or isinstance(point, str) or len(point) != 2:
                    raise InvalidExchange(f"{what}, breakpoint {k}: expected (pieces, amount)")
                at = cast(int, point[0])  # DivisibleItem checks it is a whole number
                out.append((at, parse_bounds(point[1], currency, f"{what}, breakpoint {k}")))
            return tuple(out)

        goods = DivisibleItem(
            name,
            pieces,
            curve(seller_cost, "the seller's cost curve"),
            curve(buyer_value, "the buyer's value curve"),
        )
        return cls._with(goods, price, seller_forgoes, buyer_forgoes, currency)

    @classmethod
    def independent_units(
        cls,
        items: Sequence[tuple[str, int, BoundsLike, BoundsLike]],
        *,
        price: AmountLike,
        seller_forgoes: AmountLike,
        buyer_forgoes: AmountLike,
        currency: str = "USD",
    ) -> ExchangeProblem:
        """Items given as ``(name, units, unit cost to the seller, unit value to the buyer)``."""
        currency = _currency(currency)
        parsed = []
        for k, item in enumerate(items):
            if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 4:
                raise InvalidExchange(
                    f"item {k}: expected (name, units, unit cost, unit value), got {item!r}"
                )
            name, count, cost, value = item
            parsed.append(
                UnitItem(
                    name,
                    count,
                    parse_bounds(cost, currency, f"the unit cost of {name!r}"),
                    parse_bounds(value, currency, f"the unit value of {name!r}"),
                )
            )
        goods = IndependentUnits(tuple(parsed))
        return cls._with(goods, price, seller_forgoes, buyer_forgoes, currency)

    @classmethod
    def dependent(
        cls,
        items: Sequence[tuple[str, int]],
        table: Mapping[Any, tuple[BoundsLike, BoundsLike]],
        *,
        price: AmountLike,
        seller_forgoes: AmountLike,
        buyer_forgoes: AmountLike,
        currency: str = "USD",
    ) -> ExchangeProblem:
        """Items given as ``(name, units)`` and a table ``{state: (seller cost, buyer value)}``
        over every state (tuples of units delivered, in item order)."""
        currency = _currency(currency)
        for k, item in enumerate(items):
            if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
                raise InvalidExchange(f"item {k}: expected (name, units), got {item!r}")
        if not isinstance(table, Mapping):
            raise InvalidExchange("the table must map each state to (cost, value)")
        rows = {}
        for x, entry in table.items():
            if not isinstance(entry, Sequence) or isinstance(entry, str) or len(entry) != 2:
                raise InvalidExchange(f"table state {x!r}: expected (cost, value)")
            rows[tuple(x) if isinstance(x, list) else x] = (
                parse_bounds(entry[0], currency, f"the seller's cost at {x!r}"),
                parse_bounds(entry[1], currency, f"the buyer's value at {x!r}"),
            )
        goods = DependentTable(
            tuple(name for name, _ in items), tuple(count for _, count in items), rows
        )
        return cls._with(goods, price, seller_forgoes, buyer_forgoes, currency)

    @classmethod
    def _with(
        cls,
        goods: Goods,
        price: AmountLike,
        seller_forgoes: AmountLike,
        buyer_forgoes: AmountLike,
        currency: str,
    ) -> ExchangeProblem:
        return cls(
            goods,
            parse_amount(price, currency, "the price"),
            parse_amount(seller_forgoes, currency, "what the seller forgoes (e_s)"),
            parse_amount(buyer_forgoes, currency, "what the buyer forgoes (e_d)"),
            currency,
        )

    # -- the band and the doors to the planner and the checker -----------------------------
    @property
    def items(self) -> tuple[str, ...]:
        """The item names, in state order."""
        return self.goods.names

    @property
    def counts(self) -> State:
        """``X``: units of each item in the complete delivery."""
        return self.goods.counts

    def band(self, delivered: Sequence[int]) -> Band:
        """The safe payments at ``delivered`` (section 4; SPEC 5):
        ``P - e_d - min(v_d(X) - v_d(x)) <= p <= P + e_s - max(v_s(X) - v_s(x))``."""
        x = self.goods.check_state(
            tuple(delivered) if isinstance(delivered, list) else delivered, "delivered"
        )
        return Band(
            self.price - self.buyer_forgoes - self.goods.buyer_rest_low(x),
            self.price + self.seller_forgoes - self.goods.seller_rest_high(x),
        )

    def plan(
        self,
        objective: Objective | str = "steps",
        safety: Safety | str = Safety.SEQUENTIAL,
        order: Order | str = Order.DELIVER_FIRST,
        *,
        time_limit: float | None = None,
    ) -> PlanResult:
        """An optimal safe plan, or why none exists (:func:`~.planner.plan_exchange`).

        ``time_limit`` (seconds) bounds the integer programs of independent units: when it runs
        out, the best plan found comes back with ``proven`` false."""
        from trustmarket.analysis.safe_exchange.planner import plan_exchange

        return plan_exchange(self, objective, safety, order, time_limit=time_limit)

    def check(self, plan: Plan, safety: Safety | str = Safety.SEQUENTIAL) -> SafetyCheck:
        """Whether ``plan`` is safe and, if not, its first unsafe state
        (:func:`~.checker.check_plan`)."""
        from trustmarket.analysis.safe_exchange.checker import check_plan

        return check_plan(self, plan, safety)

    # -- presentation ----------------------------------------------------------------------
    def format(self, minor: int) -> str:
        """An amount as a decimal string in the exchange's currency."""
        return format_amount(minor, self.currency)

    def describe(self, x: Sequence[int]) -> str:
        """A delivery vector in words, e.g. ``"2 package"`` or ``"nothing"``."""
        parts = [f"{k} {name}" for name, k in zip(self.items, x, strict=True) if k]
        return ", ".join(parts) if parts else "nothing"


def _currency(currency: object) -> str:
    try:
        return check_currency(currency)
    except InvalidInput as exc:
        raise InvalidExchange(exc.message) from None
