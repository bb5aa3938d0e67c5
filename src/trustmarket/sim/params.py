"""Typed scenario parameters: declared once as a frozen dataclass, checked on the way in.

A scenario's parameters are a frozen dataclass whose fields are declared with :func:`param`
(default, help text, bounds or choices). :func:`build` turns a mapping of names to values -
Python values or the strings of ``--param k=v`` - into an instance, and refuses an unknown name,
a value of the wrong type or one out of range with :class:`InvalidSimulation`, saying what is
allowed. :func:`describe` lists the parameters for ``trustmarket sim list`` and the docs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

from trustmarket.core.errors import InvalidSimulation

__all__ = ["ParamInfo", "build", "describe", "param", "parse_assignments", "with_values"]

P = TypeVar("P")

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def param(
    default: Any,
    help: str,
    *,
    low: float | None = None,
    high: float | None = None,
    open_low: bool = False,
    choices: Sequence[str] | None = None,
) -> Any:
    """A dataclass field for a scenario parameter: ``low``/``high`` bound numbers (``low`` is
    exclusive with ``open_low``), ``choices`` lists the allowed strings."""
    metadata = {
        "help": help,
        "low": low,
        "high": high,
        "open_low": open_low,
        "choices": tuple(choices) if choices is not None else None,
    }
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class ParamInfo:
    """One parameter as ``sim list`` shows it."""

    name: str
    kind: str
    default: Any
    help: str
    allowed: str


def _kinds(cls: type) -> dict[str, type]:
    hints = get_type_hints(cls)
    kinds: dict[str, type] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        kinds[f.name] = hint if hint in (bool, int, float, str) else str
    return kinds


def _allowed(meta: Mapping[str, Any], kind: type) -> str:
    if meta.get("choices"):
        return "one of " + ", ".join(meta["choices"])
    if kind is bool:
        return "true or false"
    low, high = meta.get("low"), meta.get("high")
    name = "an integer" if kind is int else "a number"
    if low is not None and high is not None:
        left = "(" if meta.get("open_low") else "["
        return f"{name} in {left}{low:g}, {high:g}]"
    if low is not None:
        return f"{name} {'>' if meta.get('open_low') else '>='} {low:g}"
    if high is not None:
        return f"{name} <= {high:g}"
    return name if kind in (int, float) else "text"


def describe(cls: type) -> list[ParamInfo]:
    """Every parameter of the dataclass ``cls`` with its type, default, help and what it
    allows."""
    kinds = _kinds(cls)
    return [
        ParamInfo(
            f.name,
            kinds[f.name].__name__,
            f.default,
            str(f.metadata.get("help", "")),
            _allowed(f.metadata, kinds[f.name]),
        )
        for f in dataclasses.fields(cls)
    ]


def _convert(name: str, raw: object, kind: type, meta: Mapping[str, Any]) -> object:
    allowed = _allowed(meta, kind)
    value: object = raw
    if kind is bool:
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            value = raw.strip().lower() in _TRUE
        elif not isinstance(raw, bool):
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
    elif kind in (int, float):
        if isinstance(raw, bool):
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
        try:
            if isinstance(raw, str):
                value = int(raw) if kind is int else float(raw)
            elif kind is int and isinstance(raw, float) and raw.is_integer():
                value = int(raw)
            elif kind is float and isinstance(raw, int | float):
                value = float(raw)
        except ValueError:
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}") from None
        if not isinstance(value, kind):
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
        number = float(value)  # type: ignore[arg-type,unused-ignore]
        low, high = meta.get("low"), meta.get("high")
        if (
            not math.isfinite(number)
            or (low is not None and (number < low or (meta.get("open_low") and number == low)))
            or (high is not None and number > high)
        ):
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
    else:
        if not isinstance(raw, str):
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
        choices = meta.get("choices")
        if choices and raw not in choices:
            raise InvalidSimulation(f"parameter {name} must be {allowed}, got {raw!r}")
    return value


def build(cls: type[P], values: Mapping[str, object] | None = None) -> P:
    """An instance of the parameter dataclass ``cls`` from ``values`` (defaults for the rest).

    Strings are converted to the field's type; an unknown name, a wrong type or a value out of
    range raises :class:`InvalidSimulation` naming the parameter and what it allows."""
    values = dict(values or {})
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise InvalidSimulation(
            f"unknown parameter {', '.join(unknown)}; the parameters are {', '.join(fields)}"
        )
    kinds = _kinds(cls)
    converted = {
        name: _convert(name, raw, kinds[name], fields[name].metadata)
        for name, raw in values.items()
    }
    for name, f in fields.items():
        if name not in converted:
            _convert(name, f.default, kinds[name], f.metadata)  # a default must be valid too
    instance = cls(**converted)
    check = getattr(instance, "check", None)
    if callable(check):
        check()
    return instance


def with_values(instance: P, values: Mapping[str, object]) -> P:
    """``instance`` with ``values`` replaced, checked as :func:`build` checks."""
    current = dataclasses.asdict(instance)  # type: ignore[call-overload]
    return build(type(instance), {**current, **values})


def _join_distribution_arguments(parts: list[str]) -> list[str]:
    """Glue ``["uniform:0", "1"]`` back into ``["uniform:0,1"]`` (see parse_assignments)."""
    if not any(":" in p for p in parts):
        return parts
    values: list[str] = []
    for piece in parts:
        if ":" in piece or not values:
            values.append(piece)
        else:
            values[-1] += f",{piece}"
    return values


def parse_assignments(items: Iterable[str]) -> dict[str, list[str]]:
    """``["k=v", "k2=a,b"]`` as ``{"k": ["v"], "k2": ["a", "b"]}``: a comma lists the values of a
    grid. A distribution ``name:a,b`` keeps its own commas: once a value has the form
    ``name:...``, a piece without a colon continues the value before it, so
    ``F=uniform:0,1,uniform:0,2`` is two values. A malformed item raises
    :class:`InvalidSimulation`."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise InvalidSimulation(
                f"a parameter is written name=value (or name=v1,v2), got {item!r}"
            )
        if name in out:
            raise InvalidSimulation(f"parameter {name} is given twice; list values as {name}=v1,v2")
        parts = [v.strip() for v in value.split(",")]
        if any(not v for v in parts):
            raise InvalidSimulation(f"parameter {name} has an empty value in {item!r}")
        out[name] = _join_distribution_arguments(parts)
    return out
