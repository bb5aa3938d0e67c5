"""Identifiers (SPEC section 2, "Ids").

Ids are strings the caller chooses, or ULIDs the system makes. Engines read no clock, so
:func:`new_ulid` takes the timestamp and the random generator from the caller.
"""

from __future__ import annotations

import re

import numpy as np

from trustmarket.core.errors import InvalidId

MAX_ID_LENGTH = 128
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")  # used with fullmatch: no trailing newline
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]


def check_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it is a valid id, else raise :class:`InvalidId` saying why.

    Allowed: 1 to 128 characters, letters, digits and ``. _ : @ -``, starting with a letter or
    digit.
    """
    if not isinstance(value, str):
        raise InvalidId(f"{what} must be a string, got {type(value).__name__}")
    if not value or len(value) > MAX_ID_LENGTH or _ID.fullmatch(value) is None:
        raise InvalidId(
            f"invalid {what} {value!r}: use 1 to {MAX_ID_LENGTH} letters, digits and . _ : @ -, "
            "starting with a letter or digit"
        )
    return value


def new_ulid(timestamp_ms: int, rng: np.random.Generator) -> str:
    """A ULID (26 Crockford base-32 characters: 48-bit time, 80 random bits).

    The time and the randomness come from the caller so that ids are reproducible from a seed.
    """
    return ulid_from_bytes(timestamp_ms, rng.bytes(10))


def ulid_from_bytes(timestamp_ms: int, randomness: bytes) -> str:
    """The ULID of ``timestamp_ms`` and 10 bytes of ``randomness`` (e.g. ``os.urandom(10)``)."""
    if isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, int):
        raise InvalidId(f"ULID timestamp must be integer milliseconds, got {timestamp_ms!r}")
    if not 0 <= timestamp_ms < 2**48:
        raise InvalidId(f"ULID timestamp must be in [0, 2**48) ms, got {timestamp_ms}")
    if not isinstance(randomness, bytes) or len(randomness) != 10:
        raise InvalidId(f"a ULID takes 10 random bytes, got {randomness!r}")
    value = (timestamp_ms << 80) | int.from_bytes(randomness, "big")
    # 26 digits of 5 bits: 13 lookups of two digits (10 bits) each.
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10)])
