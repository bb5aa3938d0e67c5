"""Parameter checks shared by the reputation models and the credit bureau: one wording for
every refusal.

A Python int is unbounded and a float is not: ``math.isfinite(10**400)`` and ``float(10**400)``
raise OverflowError, and ``repr(10**5000)`` raises ValueError (Python prints at most 4,300
digits). Every numeric parameter passes through :func:`representable` (the checks here call it
first), so such an int is an :class:`InvalidReputation` that names the parameter and its allowed
range, like any other value out of range.
"""

from __future__ import annotations

import math
from typing import TypeVar

from trustmarket.core.errors import InvalidReputation

__all__ = ["at_least", "finite_number", "representable", "shown", "unit_number", "whole_number"]

T = TypeVar("T")


def _digits(value: int) -> int:
    """About how many decimal digits ``value`` has (without printing it)."""
    return int(abs(value).bit_length() * math.log10(2)) + 1


def _beyond_float(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return True
    return False


def shown(value: object) -> str:
    """``repr(value)`` for a message, except an int beyond the float range, which is described
    by its size (its decimal form may be too long to print at all)."""
    if _beyond_float(value):
        assert isinstance(value, int)
        kind = "a negative integer" if value < 0 else "an integer"
        return f"{kind} of about {_digits(value)} digits"
    return repr(value)


def representable(value: T, what: str, allowed: str) -> T:
    """``value`` unchanged, unless it is an int beyond the float range (about 1.8e308): then
    :class:`InvalidReputation` saying ``what`` must be ``allowed`` (the message does not print
    the number)."""
    if _beyond_float(value):
        raise InvalidReputation(
            f"{what} must be {allowed}; got {shown(value)}, beyond the range of a float "
            "(about 1.8e308)"
        )
    return value


def finite_number(value: object, what: str, allowed: str = "a finite number") -> float:
    """``value`` as a float; :class:`InvalidReputation` saying ``what`` must be ``allowed``
    unless it is a finite int or float (booleans are refused; so is an int too large for a
    float)."""
    representable(value, what, allowed)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidReputation(f"{what} must be {allowed}, got {value!r}")
    return float(value)


def at_least(value: object, what: str, low: float, *, strict: bool = False) -> float:
    """``value`` as a finite float ``>= low`` (``> low`` when ``strict``)."""
    bound = f"> {low:g}" if strict else f">= {low:g}"
    number = finite_number(value, what, f"a finite number {bound}")
    if number <= low if strict else number < low:
        raise InvalidReputation(f"{what} must be {bound}, got {number:g}")
    return number


def unit_number(value: object, what: str) -> float:
    """``value`` as a float in [0, 1]."""
    number = finite_number(value, what, "a finite number in [0, 1]")
    if not 0.0 <= number <= 1.0:
        raise InvalidReputation(f"{what} must be in [0, 1], got {number:g}")
    return number


def whole_number(value: object, what: str, low: int, high: int) -> int:
    """``value`` as an int from ``low`` to ``high`` (booleans and floats are refused): a count
    such as a number of periods, samples or draws, bounded so that one call cannot run for
    hours or exhaust memory."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidReputation(
            f"{what} must be an integer from {low:,} to {high:,}, got {shown(value)}"
        )
    return value
