"""The three input forms of eExchangeHouse, behind one value-table interface.

Sandholm, eMediator, section 4: "The setting can have one item, multiple independent items, or
multiple dependent items ... multiple independent units of each item, or multiple dependent units
of each item. Finally, the units can be divisible or indivisible." trustmarket takes three forms:

- :class:`DivisibleItem`: one item cut into ``pieces`` equal pieces, with the seller's cost and the
  buyer's value as piecewise-linear accrual curves over the pieces delivered;
- :class:`IndependentUnits`: several items, each a number of identical units with a per-unit cost
  and value, all independent (values add up; the paper's stock example, section 4.1);
- :class:`DependentTable`: several items with a table of cost and value over every state (units of
  item 1 delivered x units of item 2 delivered x ...; the paper's software example, section 4.2).

A state is the tuple ``x`` of units delivered of each item; the complete delivery is ``X``, the
item counts. Every form answers the two questions the safety band needs (``rest`` = what is still
to come, from ``x`` to ``X``), in the worst case over the bounds it was given:

- :meth:`~Goods.buyer_rest_low`: the least the buyer can value the rest, ``min (v_d(X) - v_d(x))``;
- :meth:`~Goods.seller_rest_high`: the most the rest can cost the seller, ``max (v_s(X) - v_s(x))``.

With independent bounds per state (tables and curves) these are ``low v_d(X) - high v_d(x)`` and
``high v_s(X) - low v_s(x)`` (the paper's "upper bound on how the buyer's value accrues, lower
bound on her valuation of the completed contract"); at ``x = X`` the rest is nothing, so both are
0. With per-unit bounds (independent units) the rest is the units still to come, so they are
``sum_i low_value_i (X_i - x_i)`` and ``sum_i high_cost_i (X_i - x_i)``. All amounts are integer
minor units.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from trustmarket.analysis.safe_exchange.amounts import Bounds
from trustmarket.core.errors import InvalidExchange

State = tuple[int, ...]

#: The most pieces a divisible item may be cut into (the curves are tabulated per piece).
MAX_PIECES = 100_000
#: The most states a dependent table may have.
MAX_TABLE_STATES = 1_000_000


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidExchange(f"{what} must be a non-empty string, got {name!r}")
    return name


def _check_count(count: object, what: str, maximum: int | None = None) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise InvalidExchange(f"{what} must be a whole number of units, got {count!r}")
    if count < 1:
        raise InvalidExchange(f"{what} must be at least 1, got {count}")
    if maximum is not None and count > maximum:
        raise InvalidExchange(f"{what} must be at most {maximum}, got {count}")
    return count


def _check_unique(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidExchange(f"item names must be unique; {name!r} appears twice")
        seen.add(name)


def _check_bounds(value: object, what: str) -> Bounds:
    if not isinstance(value, Bounds):
        raise InvalidExchange(f"{what} must be Bounds, got {type(value).__name__}")
    if value.low < 0:
        raise InvalidExchange(f"{what} must not be negative, got [{value.low}, {value.high}]")
    return value


class Goods(ABC):
    """What is exchanged: item names, unit counts, and the cost and value of every state."""

    #: The name of the input form: ``divisible``, ``independent-units`` or ``dependent``.
    form: str = ""

    @property
    @abstractmethod
    def names(self) -> tuple[str, ...]:
        """The item names, in state order."""

    @property
    @abstractmethod
    def counts(self) -> State:
        """``X``: the units of each item in the complete delivery."""

    @abstractmethod
    def seller_cost(self, x: State) -> Bounds:
        """``v_s(x)``: the seller's cost of having delivered ``x`` (bounds if not known exactly)."""

    @abstractmethod
    def buyer_value(self, x: State) -> Bounds:
        """``v_d(x)``: the buyer's value of having received ``x`` (bounds if not known exactly)."""

    def buyer_rest_low(self, x: State) -> int:
        """The least the buyer can value what is still to come: ``min (v_d(X) - v_d(x))``."""
        if x == self.counts:
            return 0
        return self.buyer_value(self.counts).low - self.buyer_value(x).high

    def seller_rest_high(self, x: State) -> int:
        """The most what is still to deliver can cost the seller: ``max (v_s(X) - v_s(x))``."""
        if x == self.counts:
            return 0
        return self.seller_cost(self.counts).high - self.seller_cost(x).low

    def largest_amount(self) -> int:
        """The largest cost or value bound anywhere in the input."""
        return max(self.seller_cost(self.counts).high, self.buyer_value(self.counts).high)

    @property
    def state_count(self) -> int:
        """How many states there are: ``prod_i (X_i + 1)``."""
        total = 1
        for n in self.counts:
            total *= n + 1
        return total

    def states(self) -> Iterator[State]:
        """Every state, in lexicographic order (the last item varies fastest)."""
        return itertools.product(*(range(n + 1) for n in self.counts))

    def check_state(self, x: object, what: str = "a state") -> State:
        """``x`` as a state tuple, or :class:`InvalidExchange` saying what is allowed."""
        if not isinstance(x, tuple | list) or len(x) != len(self.counts):
            raise InvalidExchange(
                f"{what} must give the units delivered of each of the {len(self.counts)} items "
                f"({', '.join(self.names)}), got {x!r}"
            )
        for name, n, k in zip(self.names, self.counts, x, strict=True):
            if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= n:
                raise InvalidExchange(
                    f"{what}: units of {name!r} must be a whole number from 0 to {n}, got {k!r}"
                )
        return tuple(x)


@dataclass(frozen=True, eq=True)
class DivisibleItem(Goods):
    """One divisible item delivered in ``pieces`` equal pieces, with accrual curves.

    ``seller_cost`` and ``buyer_value`` are breakpoints ``(pieces delivered, amount)`` from
    ``(0, 0)`` to ``(pieces, total)``, amounts as :class:`Bounds`. Between breakpoints the curves
    are linear; a value between two minor units is rounded down on the low curve and up on the
    high one, which is exact for payments in whole minor units (the band is
    ``ceil(v_d) - ... <= p <= floor(v_s) + ...``).
    """

    name: str
    pieces: int
    seller_cost_curve: tuple[tuple[int, Bounds], ...]
    buyer_value_curve: tuple[tuple[int, Bounds], ...]
    _cost: tuple[tuple[int, ...], tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _value: tuple[tuple[int, ...], tuple[int, ...]] = field(init=False, repr=False, compare=False)

    form = "divisible"

    def __post_init__(self) -> None:
        _check_name(self.name, "the item name")
        _check_count(self.pieces, "pieces", MAX_PIECES)
        object.__setattr__(
            self, "_cost", self._tabulate(self.seller_cost_curve, "the seller's cost curve")
        )
        object.__setattr__(
            self, "_value", self._tabulate(self.buyer_value_curve, "the buyer's value curve")
        )

    def _tabulate(self, curve: object, what: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if not isinstance(curve, tuple | list) or len(curve) < 2:
            raise InvalidExchange(
                f"{what} needs at least two breakpoints, (0, 0) and ({self.pieces}, total)"
            )
        points: list[tuple[int, Bounds]] = []
        for k, point in enumerate(curve):
            if not isinstance(point, tuple | list) or len(point) != 2:
                raise InvalidExchange(f"{what}, breakpoint {k}: expected (pieces, amount)")
            at, amount = point
            if isinstance(at, bool) or not isinstance(at, int):
                raise InvalidExchange(
                    f"{what}, breakpoint {k}: pieces must be a whole number, got {at!r}"
                )
            points.append((at, _check_bounds(amount, f"{what}, breakpoint {k}")))
        if points[0][0] != 0 or points[-1][0] != self.pieces:
            raise InvalidExchange(
                f"{what} must run from 0 to {self.pieces} pieces; it runs from {points[0][0]} "
                f"to {points[-1][0]}"
            )
        for (a, _), (b, _) in itertools.pairwise(points):
            if b <= a:
                raise InvalidExchange(
                    f"{what}: breakpoints must be in strictly increasing order of pieces; "
                    f"{b} follows {a}"
                )
        if points[0][1] != Bounds(0, 0):
            raise InvalidExchange(f"{what} must be 0 at 0 pieces (nothing delivered)")
        low = [0] * (self.pieces + 1)
        high = [0] * (self.pieces + 1)
        for (a, va), (b, vb) in itertools.pairwise(points):
            span = b - a
            for k in range(a, b + 1):
                low[k] = (va.low * span + (vb.low - va.low) * (k - a)) // span
                high[k] = -((-(va.high * span + (vb.high - va.high) * (k - a))) // span)
        return tuple(low), tuple(high)

    def largest_amount(self) -> int:
        return max(b.high for _, b in (*self.seller_cost_curve, *self.buyer_value_curve))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    @property
    def counts(self) -> State:
        return (self.pieces,)

    def seller_cost(self, x: State) -> Bounds:
        low, high = self._cost
        return Bounds(low[x[0]], high[x[0]])

    def buyer_value(self, x: State) -> Bounds:
        low, high = self._value
        return Bounds(low[x[0]], high[x[0]])


@dataclass(frozen=True, slots=True)
class UnitItem:
    """One item of :class:`IndependentUnits`: ``count`` identical units, each costing the seller
    ``unit_cost`` and worth ``unit_value`` to the buyer (paper, Table 1: Δv_s/Δx_i, Δv_d/Δx_i)."""

    name: str
    count: int
    unit_cost: Bounds
    unit_value: Bounds

    def __post_init__(self) -> None:
        _check_name(self.name, "an item name")
        _check_count(self.count, f"the unit count of {self.name!r}")
        _check_bounds(self.unit_cost, f"the unit cost of {self.name!r}")
        _check_bounds(self.unit_value, f"the unit value of {self.name!r}")


@dataclass(frozen=True)
class IndependentUnits(Goods):
    """Independent units of independent items: ``v_s(x) = sum_i c_i x_i``, ``v_d(x) =
    sum_i w_i x_i`` (Sandholm, eMediator, section 4.1)."""

    items: tuple[UnitItem, ...]

    form = "independent-units"

    def __post_init__(self) -> None:
        if not isinstance(self.items, tuple) or not self.items:
            raise InvalidExchange("independent units need at least one item")
        for item in self.items:
            if not isinstance(item, UnitItem):
                raise InvalidExchange(f"items must be UnitItem, got {type(item).__name__}")
        _check_unique([i.name for i in self.items])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.items)

    @property
    def counts(self) -> State:
        return tuple(i.count for i in self.items)

    def seller_cost(self, x: State) -> Bounds:
        return Bounds(
            sum(i.unit_cost.low * k for i, k in zip(self.items, x, strict=True)),
            sum(i.unit_cost.high * k for i, k in zip(self.items, x, strict=True)),
        )

    def buyer_value(self, x: State) -> Bounds:
        return Bounds(
            sum(i.unit_value.low * k for i, k in zip(self.items, x, strict=True)),
            sum(i.unit_value.high * k for i, k in zip(self.items, x, strict=True)),
        )

    def buyer_rest_low(self, x: State) -> int:
        """``sum_i low_value_i (X_i - x_i)``: the units still to come at their lowest value."""
        return sum(i.unit_value.low * (i.count - k) for i, k in zip(self.items, x, strict=True))

    def seller_rest_high(self, x: State) -> int:
        """``sum_i high_cost_i (X_i - x_i)``: the units still to deliver at their highest cost."""
        return sum(i.unit_cost.high * (i.count - k) for i, k in zip(self.items, x, strict=True))


@dataclass(frozen=True)
class DependentTable(Goods):
    """Dependent units and items: cost and value given for every state (paper, Table 2).

    ``table`` maps each state (a tuple of units delivered, in ``item_names`` order) to
    ``(seller cost, buyer value)``; it must list every state from ``(0, ..., 0)`` to the counts,
    and nothing else, and be 0 at ``(0, ..., 0)``.
    """

    item_names: tuple[str, ...]
    item_counts: tuple[int, ...]
    table: Mapping[State, tuple[Bounds, Bounds]]

    form = "dependent"

    def __post_init__(self) -> None:
        if not isinstance(self.item_names, tuple) or not self.item_names:
            raise InvalidExchange("a dependent table needs at least one item")
        for name in self.item_names:
            _check_name(name, "an item name")
        _check_unique(self.item_names)
        if not isinstance(self.item_counts, tuple) or len(self.item_counts) != len(self.item_names):
            raise InvalidExchange(
                f"give one unit count per item: {len(self.item_names)} names, "
                f"{len(self.item_counts) if isinstance(self.item_counts, tuple) else '?'} counts"
            )
        for name, n in zip(self.item_names, self.item_counts, strict=True):
            _check_count(n, f"the unit count of {name!r}")
        if self.state_count > MAX_TABLE_STATES:
            raise InvalidExchange(
                f"a dependent table may have at most {MAX_TABLE_STATES} states; these counts "
                f"make {self.state_count}"
            )
        if not isinstance(self.table, Mapping):
            raise InvalidExchange("the table must map each state to (cost, value)")
        for x, entry in self.table.items():
            self.check_state(x, f"table state {x!r}")
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise InvalidExchange(f"table state {x!r}: expected (cost, value)")
            _check_bounds(entry[0], f"the seller's cost at {x!r}")
            _check_bounds(entry[1], f"the buyer's value at {x!r}")
        missing = [x for x in self.states() if x not in self.table]
        if missing:
            shown = ", ".join(str(x) for x in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise InvalidExchange(
                f"the table misses {len(missing)} of the {self.state_count} states the item "
                f"counts {self.item_counts} make: {shown}{more}; list every state from "
                f"{tuple(0 for _ in self.item_counts)} to {self.item_counts}"
            )
        origin = tuple(0 for _ in self.item_counts)
        if self.table[origin] != (Bounds(0, 0), Bounds(0, 0)):
            raise InvalidExchange(
                f"the cost and value of delivering nothing, state {origin}, must be 0"
            )

    def largest_amount(self) -> int:
        return max(max(c.high, v.high) for c, v in self.table.values())

    @property
    def names(self) -> tuple[str, ...]:
        return self.item_names

    @property
    def counts(self) -> State:
        return self.item_counts

    def seller_cost(self, x: State) -> Bounds:
        return self.table[tuple(x)][0]

    def buyer_value(self, x: State) -> Bounds:
        return self.table[tuple(x)][1]
