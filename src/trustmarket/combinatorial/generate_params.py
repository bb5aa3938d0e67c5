"""Parameters of the instance generators: defaults, ranges and the check of overrides by name.

Each distribution declares its parameters as :class:`Param` values (the paper's defaults where the
paper gives one). :func:`resolve_params` merges a caller's overrides into the defaults and refuses
unknown names, wrong types and out-of-range values with a message saying what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from trustmarket.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Param:
    """One generator parameter: its default, type (``int``, ``float`` or ``bool``) and range.

    ``low``/``high`` bound the value (inclusive unless ``low_open``/``high_open``); booleans
    ignore the range.
    """

    default: float | int | bool
    doc: str
    kind: type = float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def allowed(self) -> str:
        if self.kind is bool:
            return "true or false"
        what = "an int" if self.kind is int else "a number"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        low = "-inf" if self.low == -math.inf else f"{self.low:g}"
        high = "inf" if self.high == math.inf else f"{self.high:g}"
        return f"{what} in {left}{low}, {high}{right}"


class Params:
    """The resolved parameters of one generator run, read by name with the type they have."""

    def __init__(self, values: Mapping[str, float | int | bool]) -> None:
        self._values = dict(values)

    def f(self, name: str) -> float:
        return float(self._values[name])

    def i(self, name: str) -> int:
        return int(self._values[name])

    def b(self, name: str) -> bool:
        return bool(self._values[name])

    def as_dict(self) -> dict[str, float | int | bool]:
        return dict(self._values)


def _check(distribution: str, name: str, spec: Param, value: object) -> float | int | bool:
    problem = f"parameter {name!r} of {distribution!r} must be {spec.allowed()}, got {value!r}"
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise InvalidInput(problem)
        return value
    if isinstance(value, bool):
        raise InvalidInput(problem)
    if spec.kind is int:
        if not isinstance(value, int):
            raise InvalidInput(problem)
        number: float | int = value
    else:
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(problem)
        number = float(value)
    too_low = number <= spec.low if spec.low_open else number < spec.low
    too_high = number >= spec.high if spec.high_open else number > spec.high
    if too_low or too_high:
        raise InvalidInput(problem)
    return number


def resolve_params(
    distribution: str, specs: Mapping[str, Param], overrides: Mapping[str, object]
) -> Params:
    """The defaults of ``specs`` with ``overrides`` applied, each checked against its spec."""
    unknown = sorted(set(overrides) - set(specs))
    if unknown:
        allowed = ", ".join(specs) or "(none)"
        raise InvalidInput(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"for distribution {distribution!r}; allowed: {allowed}"
        )
    values: dict[str, float | int | bool] = {}
    for name, spec in specs.items():
        value = overrides.get(name, spec.default)
        values[name] = _check(distribution, name, spec, value)
    return Params(values)


def probability(default: float, doc: str, *, high_open: bool = False) -> Param:
    """A probability in [0, 1] (or [0, 1) where 1 would make a loop endless)."""
    return Param(default, doc, float, 0.0, 1.0, high_open=high_open)


def positive(default: float, doc: str) -> Param:
    return Param(default, doc, float, 0.0, math.inf, low_open=True)


def count(default: int, doc: str, low: int = 1, high: float = math.inf) -> Param:
    return Param(default, doc, int, low, high)
