"""Canonical JSON: one byte form per value, so that a signature or a leaf hash over a value is
well defined (SPEC section 6, issue 7).

The form: objects with their keys sorted by Unicode code point, no insignificant whitespace
(``,`` and ``:`` separators only), strings as UTF-8 with only the escapes JSON requires (``"``,
``\\``, control characters), integers in decimal, floats in Python's shortest round-trip form
(``repr``), ``true``/``false``/``null``. It follows the spirit of RFC 8785 (JSON Canonicalization
Scheme) but sorts keys by code point rather than by UTF-16 unit and writes floats as Python does;
the two agree on every ASCII-keyed object without floats.

Refused, with :class:`~trustmarket.core.errors.InvalidJson`: NaN and infinities, keys that are not
strings, types JSON does not have (bytes, sets, dates, ...), strings with lone surrogates (they
have no UTF-8 form). Tuples are written as arrays.
"""

from __future__ import annotations

import json
import math
from typing import TypeAlias

from trustmarket.core.errors import InvalidJson

#: A value canonical JSON can represent.
JsonValue: TypeAlias = (
    bool
    | int
    | float
    | str
    | list["JsonValue"]
    | tuple["JsonValue", ...]
    | dict[str, "JsonValue"]
    | None
)

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)


def _check(value: object, where: str) -> None:
    """Walk ``value`` and raise :class:`InvalidJson` at the first part with no canonical form."""
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidJson(f"{where} is {value!r}; only finite numbers have a JSON form")
        return
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidJson(
                f"{where} holds a lone surrogate; only valid Unicode text has a UTF-8 form"
            ) from None
        return
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _check(item, f"{where}[{position}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidJson(
                    f"{where} has the key {key!r} of type {type(key).__name__}; "
                    "object keys must be strings"
                )
            _check(key, f"{where} key {key!r}")
            _check(item, f"{where}[{key!r}]")
        return
    raise InvalidJson(
        f"{where} is of type {type(value).__name__}; allowed: None, bool, int, float, str, "
        "list, tuple and dict with str keys"
    )


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plain(value: object) -> bool:
    """True if ``value`` holds only plain JSON types and every object key is a ``str``: then
    the encoder alone gives the canonical form (or raises, for NaN or a lone surrogate). A
    quick walk without the paths :func:`_check` builds for its messages."""
    stack = [value]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is dict:
            for key, item in current.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    return False
                if type(item) in _LEAVES:
                    continue
                stack.append(item)
        elif kind is list or kind is tuple:
            stack.extend(current)  # type: ignore[arg-type]
        elif kind not in _LEAVES:
            return False
    return True


def canonical_json(value: object) -> bytes:
    """The canonical JSON bytes of ``value`` (UTF-8, sorted keys, no whitespace).

    Parameters
    ----------
    value
        None, bool, int, finite float, str, list or tuple of values, dict of str to values.

    Returns
    -------
    bytes
        The one byte form of ``value``; equal values give equal bytes.

    Raises
    ------
    InvalidJson
        If any part of ``value`` has no canonical JSON form; the message says where.
    """
    if _plain(value):
        try:
            return _ENCODER.encode(value).encode("utf-8")
        except ValueError:  # NaN, infinity or a lone surrogate: _check says where
            pass
    _check(value, "the value")
    return _ENCODER.encode(value).encode("utf-8")


def _refuse_constant(name: str) -> object:
    raise InvalidJson(f"{name} is not JSON; only finite numbers are allowed")


def _unique_keys(pairs: list[tuple[str, JsonValue]]) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {}
    for key, item in pairs:
        if key in result:
            raise InvalidJson(f"the key {key!r} appears twice in one object")
        result[key] = item
    return result


def parse_canonical(data: bytes) -> JsonValue:
    """Parse bytes that must be the canonical JSON of a value, and return the value.

    The inverse of :func:`canonical_json`: ``parse_canonical(canonical_json(v)) == v`` (tuples
    come back as lists), and any bytes that are not exactly ``canonical_json`` of what they
    parse to (extra whitespace, unsorted or duplicate keys, ``1.0e0`` for ``1.0``, invalid
    UTF-8, NaN) are refused with :class:`InvalidJson`.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidJson(f"canonical JSON is bytes, not {type(data).__name__}")
    raw = bytes(data)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJson(f"canonical JSON is UTF-8: {exc}") from None
    try:
        value: JsonValue = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"not JSON: {exc}") from None
    if canonical_json(value) != raw:
        raise InvalidJson(
            "JSON is not in canonical form (sorted keys, no whitespace, shortest numbers); "
            f"expected {canonical_json(value)[:80]!r}"
        )
    return value
