"""Dataclasses to JSON-ready values and back, checking every field on the way in.

Engines keep their state and events in plain dataclasses (and a few hot records in
``typing.NamedTuple`` classes, serialised by field name the same way). This module turns them
into dicts of JSON types (``Money`` as ``{"minor": int, "currency": str}``, enums by value,
tuples as lists) and rebuilds them from such dicts, raising
:class:`~trustmarket.core.errors.InvalidInput` with the path of the offending field
(``events[3].amount.minor: expected int``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Hashable
from typing import Any, TypeVar, cast

from trustmarket.core.errors import InvalidInput, TrustmarketError
from trustmarket.core.money import Money

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, Money, enums, tuples and dicts into JSON types, recursively."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Money):
        return value.to_json()
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        kind = getattr(type(value), "kind", None)
        if isinstance(kind, str):
            out["type"] = kind
        for f in dataclasses.fields(value):
            out[f.name] = to_jsonable(getattr(value, f.name))
        return out
    if _is_named_tuple(type(value)):  # a record kept as a tuple: by field name, like a dataclass
        return {name: to_jsonable(item) for name, item in zip(value._fields, value, strict=True)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    raise TypeError(f"cannot serialise {type(value).__name__}")


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_named_tuple(cls: Any) -> bool:
    """A ``typing.NamedTuple`` class (engines keep some hot records as tuples: the garbage
    collector stops tracking a tuple of plain values, a slotted object it tracks forever)."""
    return isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")


def _with_path(exc: TrustmarketError, path: str) -> TrustmarketError:
    """A copy of ``exc`` (same class and attributes) whose message starts with ``path: ``.

    Built without calling ``__init__``, whose signature differs between error classes (e.g.
    :class:`~trustmarket.core.errors.BidSyntaxError` also takes the text and column).
    """
    message = f"{path}: {exc.message}"
    new = type(exc).__new__(type(exc))
    new.__dict__.update(exc.__dict__)
    new.args = (message,)
    new.message = message
    return new


def _fail(path: str, expected: str, data: Any) -> InvalidInput:
    shown = repr(data)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidInput(f"{path}: expected {expected}, got {shown}")


def from_jsonable(tp: Any, data: Any, path: str = "value") -> Any:
    """Rebuild a value of type ``tp`` from JSON data, validating as it goes."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        errors: list[InvalidInput] = []
        for option in options:
            if option is type(None):
                continue
            try:
                return from_jsonable(option, data, path)
            except InvalidInput as exc:
                errors.append(exc)
        if len(errors) == 1:  # an optional value: keep the specific error (e.g. InvalidAmount)
            raise errors[0]
        raise InvalidInput(f"{path}: {'; or '.join(exc.message for exc in errors)}")
    if tp is Any:
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise _fail(path, "true or false", data)
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise _fail(path, "an integer", data)
        return data
    if tp is str:
        if not isinstance(data, str):
            raise _fail(path, "a string", data)
        return data
    if tp is Money:
        if not isinstance(data, dict) or set(data) != {"minor", "currency"}:
            raise _fail(path, 'an amount {"minor": int, "currency": str}', data)
        try:
            return Money(data["minor"], data["currency"])
        except TrustmarketError as exc:
            raise _with_path(exc, path) from exc
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in tp)
            raise _fail(path, f"one of {allowed}", data) from None
    if origin is tuple or origin is list:
        if not isinstance(data, list):
            raise _fail(path, "a list", data)
        args = typing.get_args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(data):
                raise _fail(path, f"a list of {len(args)} items", data)
            items = [
                from_jsonable(a, d, f"{path}[{i}]")
                for i, (a, d) in enumerate(zip(args, data, strict=True))
            ]
        else:
            items = [from_jsonable(args[0], d, f"{path}[{i}]") for i, d in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if origin is set:
        if not isinstance(data, list):
            raise _fail(path, "a list", data)
        (item_tp,) = typing.get_args(tp)
        return {from_jsonable(item_tp, d, f"{path}[{i}]") for i, d in enumerate(data)}
    if origin is dict:
        if not isinstance(data, dict):
            raise _fail(path, "an object", data)
        _, value_tp = typing.get_args(tp)
        return {str(k): from_jsonable(value_tp, v, f"{path}.{k}") for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_from_jsonable(tp, data, path)
    if _is_named_tuple(tp):
        return _record_from_jsonable(tp, data, path)
    raise TypeError(f"cannot deserialise type {tp!r}")


def _required_fields(cls: Any) -> dict[str, bool]:
    """The fields a record is built from, each with whether it must be given."""
    if _is_named_tuple(cls):
        return {name: name not in cls._field_defaults for name in cls._fields}
    return {
        f.name: f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        for f in dataclasses.fields(cls)
        if f.init
    }


def _record_from_jsonable(cls: type[T], data: Any, path: str) -> T:
    if not isinstance(data, dict):
        raise _fail(path, f"an object for {cls.__name__}", data)
    hints = _hints(cast(Hashable, cls))
    fields = _required_fields(cls)
    unknown = set(data) - set(fields) - {"type"}
    if unknown:
        raise InvalidInput(
            f"{path}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(fields)}"
        )
    kwargs: dict[str, Any] = {}
    for name, required in fields.items():
        if name in data:
            kwargs[name] = from_jsonable(hints[name], data[name], f"{path}.{name}")
        elif required:
            raise InvalidInput(f"{path}: missing field {name!r}")
    try:
        return cls(**kwargs)
    except TrustmarketError as exc:
        raise _with_path(exc, path) from exc
