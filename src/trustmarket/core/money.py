"""Money as integer minor units with a currency (SPEC section 2, "Money").

No float ever decides a winner or a payment, so :class:`Money` holds an ``int`` count of minor
units (cents for EUR, yen for JPY) and refuses floats, NaN and anything that is not exact.
Arithmetic between amounts checks that the currencies match.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from trustmarket.core.errors import CurrencyError, InvalidAmount

#: ISO 4217 codes and their number of minor-unit digits, plus ``PTS`` (whole points) for
#: experiments that need no real currency. Extend by adding a line: nothing else depends on it.
CURRENCY_DIGITS: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PLN": 2,
    "PTS": 0,
    "SEK": 2,
    "SGD": 2,
    "TND": 3,
    "TRY": 2,
    "USD": 2,
    "ZAR": 2,
}

#: ASCII digits only (``\d`` would admit e.g. Arabic-Indic digits), matched with ``fullmatch``
#: (``$`` would admit a trailing newline).
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


def check_currency(code: object) -> str:
    """Return ``code`` if it is a known currency code, else raise :class:`CurrencyError`."""
    if not isinstance(code, str) or code not in CURRENCY_DIGITS:
        raise CurrencyError(
            f"unknown currency {code!r}; allowed: {', '.join(sorted(CURRENCY_DIGITS))}"
        )
    return code


def _check_minor(minor: object) -> int:
    if isinstance(minor, bool) or not isinstance(minor, int):
        if isinstance(minor, float):
            raise InvalidAmount(
                f"floats are not accepted for money (got {minor!r}); "
                "use integer minor units or a decimal string such as '12.34'"
            )
        raise InvalidAmount(f"minor units must be an int, got {type(minor).__name__} {minor!r}")
    return minor


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: ``minor`` units of ``currency`` (``Money(1234, "EUR")`` is EUR 12.34)."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        _check_minor(self.minor)
        check_currency(self.currency)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: object, currency: str) -> Money:
        """Parse a decimal string such as ``"12.34"`` in ``currency``.

        At most as many decimals as the currency has minor digits; no exponent, no spaces, no
        NaN or infinity. Negative strings parse (``"-1.00"``); use :meth:`require_price` where
        a price is meant.
        """
        check_currency(currency)
        if isinstance(text, float):
            _check_minor(text)
        if isinstance(text, Decimal):
            text = format(text, "f")
        if not isinstance(text, str):
            raise InvalidAmount(
                f"an amount must be a decimal string such as '12.34', got {type(text).__name__}"
            )
        match = _DECIMAL.fullmatch(text)
        if match is None:
            raise InvalidAmount(
                f"malformed amount {text!r}; expected digits with an optional '.' and decimals, "
                "such as '12.34' (no spaces, exponents, NaN or infinity)"
            )
        sign, whole, frac = match.group(1), match.group(2), match.group(3) or ""
        digits = CURRENCY_DIGITS[currency]
        if len(frac) > digits:
            raise InvalidAmount(
                f"{text!r} has {len(frac)} decimals but {currency} allows at most {digits}"
            )
        try:
            minor = int(whole) * 10**digits + int(frac.ljust(digits, "0") or "0")
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise InvalidAmount(
                f"amount has {len(whole)} digits before the decimal point; "
                f"at most {sys.get_int_max_str_digits()} are allowed"
            ) from None
        return cls(-minor if sign else minor, currency)

    @classmethod
    def coerce(cls, value: object, currency: str) -> Money:
        """Accept a :class:`Money`, a decimal string or a :class:`~decimal.Decimal` in ``currency``.

        A :class:`Money` in another currency raises :class:`CurrencyError`. Plain ints are refused
        here because ``5`` could mean 5 cents or 5 euros: build ``Money(5, cur)`` explicitly.
        """
        if isinstance(value, Money):
            if value.currency != currency:
                raise CurrencyError(
                    f"amount {value} is in {value.currency}; this market trades in {currency}"
                )
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            raise InvalidAmount(
                f"ambiguous amount {value!r}: give a decimal string such as '{value}.00' "
                "or Money(minor_units, currency)"
            )
        try:
            return cls.parse(value, currency)
        except InvalidOperation as exc:  # pragma: no cover - Decimal formatting never fails
            raise InvalidAmount(f"malformed amount {value!r}") from exc

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    # -- checks ------------------------------------------------------------------------------
    def require_price(self, what: str = "a price") -> Money:
        """Return self if strictly positive; a price of zero or less is refused."""
        if self.minor <= 0:
            raise InvalidAmount(f"{what} must be positive, got {self}")
        return self

    def require_non_negative(self, what: str = "an amount") -> Money:
        """Return self if zero or more."""
        if self.minor < 0:
            raise InvalidAmount(f"{what} must not be negative, got {self}")
        return self

    # -- arithmetic --------------------------------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyError(
                f"currency mismatch: {self.currency} and {other.currency}; "
                "amounts must be in the same currency"
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise InvalidAmount(f"Money can only be multiplied by an int, got {factor!r}")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same(other).minor

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same(other).minor

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same(other).minor

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same(other).minor

    # -- presentation ------------------------------------------------------------------------
    def decimal(self) -> str:
        """The amount as an exact decimal string, e.g. ``"12.34"`` or ``"-0.05"``."""
        digits = CURRENCY_DIGITS[self.currency]
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**digits)
        return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"

    def to_json(self) -> dict[str, Any]:
        return {"minor": self.minor, "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.currency} {self.decimal()}"
