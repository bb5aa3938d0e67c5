"""Parameter checks shared by the reputation models: one wording for every refusal."""

from __future__ import annotations

import math

from trustmarket.core.errors import InvalidReputation

__all__ = ["at_least", "finite_number", "unit_number"]


def finite_number(value: object, what: str) -> float:
    """``value`` as a float; :class:`InvalidReputation` unless it is a finite int or float
    (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidReputation(f"{what} must be a finite number, got {value!r}")
    return float(value)


def at_least(value: object, what: str, low: float, *, strict: bool = False) -> float:
    """``value`` as a finite float ``>= low`` (``> low`` when ``strict``)."""
    number = finite_number(value, what)
    if number <= low if strict else number < low:
        bound = f"> {low:g}" if strict else f">= {low:g}"
        raise InvalidReputation(f"{what} must be {bound}, got {number:g}")
    return number


def unit_number(value: object, what: str) -> float:
    """``value`` as a float in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidReputation(f"{what} must be a finite number in [0, 1], got {value!r}")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise InvalidReputation(f"{what} must be in [0, 1], got {number:g}")
    return number
