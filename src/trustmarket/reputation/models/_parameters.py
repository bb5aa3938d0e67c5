"""Numeric parameters of the reputation models: refuse an int too large for a float.

A Python int is unbounded and a float is not: ``math.isfinite(10**400)`` and ``float(10**400)``
raise OverflowError. Every numeric parameter of a model passes through :func:`representable`
before it is checked and converted, so such an int is an :class:`InvalidReputation` that names
the parameter and its allowed range, like any other value out of range.
"""

from __future__ import annotations

import math
from typing import TypeVar

from trustmarket.core.errors import InvalidReputation

__all__ = ["representable"]

T = TypeVar("T")


def representable(value: T, what: str, allowed: str) -> T:
    """``value`` unchanged, unless it is an int beyond the float range (about 1.8e308): then
    :class:`InvalidReputation` saying ``what`` must be ``allowed`` (the message does not print
    the number, whose decimal form may be too long to print at all)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            kind = "a negative integer" if value < 0 else "an integer"
            digits = int(value.bit_length() * math.log10(2)) + 1
            raise InvalidReputation(
                f"{what} must be {allowed}; got {kind} of about {digits} digits, beyond the "
                "range of a float (about 1.8e308)"
            ) from None
    return value
