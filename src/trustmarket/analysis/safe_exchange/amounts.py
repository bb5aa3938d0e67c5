"""Amounts of money and bounds on them, as integer minor units (SPEC section 2, "Money").

The planner works in integer minor units (cents for USD) of the exchange's currency throughout:
prices, costs, values, defection costs and every planned payment are ``int``. No float decides a
payment. Amounts come in as decimal strings (``"25864.60"``), :class:`~decimal.Decimal` or
:class:`~trustmarket.core.money.Money`, exactly as elsewhere in trustmarket.

A value the planner's user does not know exactly (the other party's cost or value) may be given as
:class:`Bounds`, a closed range ``[low, high]``; the planner then keeps the exchange safe for every
value in the range (Sandholm, eMediator, section 4: "He can use bounds on the other party's
values and the exchange plan will still be safe").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Union

from trustmarket.core.errors import InvalidExchange, InvalidInput
from trustmarket.core.money import CURRENCY_DIGITS, Money

#: What a single amount may be given as.
AmountLike = Union[Money, str, Decimal]  # noqa: UP007 - a runtime alias, kept readable
#: What a possibly uncertain amount may be given as: an amount, a ``(low, high)`` pair or Bounds.
BoundsLike = Union[AmountLike, "Bounds", Sequence[AmountLike]]


@dataclass(frozen=True, slots=True)
class Bounds:
    """An amount known to lie in ``[low, high]`` (integer minor units, ``low <= high``).

    An exactly known amount is ``Bounds(v, v)``.
    """

    low: int
    high: int

    def __post_init__(self) -> None:
        for side in (self.low, self.high):
            if isinstance(side, bool) or not isinstance(side, int):
                raise InvalidExchange(f"bounds must be integer minor units, got {side!r}")
        if self.low > self.high:
            raise InvalidExchange(
                f"bounds [{self.low}, {self.high}] are empty; the low end must not exceed the high"
            )

    @classmethod
    def exact(cls, value: int) -> Bounds:
        """The bounds of an exactly known amount."""
        return cls(value, value)

    @property
    def is_exact(self) -> bool:
        return self.low == self.high


def parse_amount(value: object, currency: str, what: str) -> int:
    """``value`` as integer minor units of ``currency``, refusing negatives; ``what`` names the
    field in the error message."""
    try:
        minor = Money.coerce(value, currency).minor
    except InvalidInput as exc:
        raise InvalidExchange(f"{what}: {exc.message}") from None
    if minor < 0:
        raise InvalidExchange(f"{what} must not be negative, got {format_amount(minor, currency)}")
    return minor


def parse_bounds(value: object, currency: str, what: str) -> Bounds:
    """An amount or a ``[low, high]`` pair of amounts as :class:`Bounds` (both ends >= 0)."""
    if isinstance(value, Bounds):
        if value.low < 0:
            raise InvalidExchange(f"{what} must not be negative, got {value}")
        return value
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise InvalidExchange(
                f"{what}: bounds are a pair [low, high] of amounts, got {len(value)} values"
            )
        low = parse_amount(value[0], currency, f"{what} (low end)")
        high = parse_amount(value[1], currency, f"{what} (high end)")
        if low > high:
            raise InvalidExchange(
                f"{what}: the low end {format_amount(low, currency)} exceeds the high end "
                f"{format_amount(high, currency)}"
            )
        return Bounds(low, high)
    return Bounds.exact(parse_amount(value, currency, what))


def format_amount(minor: int, currency: str) -> str:
    """``minor`` units as an exact decimal string, e.g. ``2586460`` USD -> ``"25864.60"``."""
    return Money(minor, currency).decimal() if currency in CURRENCY_DIGITS else str(minor)
