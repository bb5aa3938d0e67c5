"""Checked payoff matrices: rectangular, finite, and either all floats or all exact Fractions."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from trustmarket.core.errors import InvalidGame

#: A payoff or a probability: a float, or an exact Fraction when the game is exact.
Number: TypeAlias = float | Fraction
#: A float matrix (dtype float64) or an exact one (dtype object holding Fractions).
Matrix: TypeAlias = npt.NDArray[Any]


def _entries(value: object, name: str) -> list[list[Any]]:
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise InvalidGame(
                f"{name} must be a 2-dimensional matrix, got an array with {value.ndim} "
                "dimension(s)"
            )
        return [list(row) for row in value]
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidGame(f"{name} must be a list of rows (a matrix), got {type(value).__name__}")
    rows: list[list[Any]] = []
    for i, row in enumerate(value):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise InvalidGame(f"{name} row {i} must be a list of numbers, got {row!r}")
        rows.append(list(row))
    return rows


def _check_number(entry: object, where: str) -> None:
    if isinstance(entry, bool | np.bool_) or not isinstance(entry, numbers.Real):
        raise InvalidGame(f"{where} must be a real number, got {entry!r}")
    if not isinstance(entry, numbers.Rational) and not math.isfinite(float(entry)):
        raise InvalidGame(f"{where} must be finite, got {entry!r}")


def is_exact_input(*matrices: object) -> bool:
    """True when any entry is a ``fractions.Fraction`` (the game is then solved exactly)."""
    for matrix in matrices:
        if isinstance(matrix, np.ndarray) and matrix.dtype.kind in "biuf":
            continue  # a numeric array holds no Fraction
        rows = matrix if isinstance(matrix, Sequence | np.ndarray) else []
        for row in rows:
            if isinstance(row, Sequence | np.ndarray) and any(isinstance(e, Fraction) for e in row):
                return True
    return False


def _numeric_array(value: npt.NDArray[Any], name: str) -> Matrix:
    if value.ndim != 2:
        raise InvalidGame(
            f"{name} must be a 2-dimensional matrix, got an array with {value.ndim} dimension(s)"
        )
    if value.size == 0:
        raise InvalidGame(f"{name} must have at least one row and one column")
    out = value.astype(float)
    if not np.isfinite(out).all():
        i, j = (int(k) for k in np.argwhere(~np.isfinite(out))[0])
        raise InvalidGame(f"{name}[{i}][{j}] must be finite, got {out[i, j]!r}")
    return out


def payoff_matrix(value: object, name: str, *, exact: bool) -> Matrix:
    """Check ``value`` and return it as a float64 matrix, or an object matrix of Fractions.

    Raises :class:`InvalidGame` for an empty or ragged matrix, a non-number, NaN or infinity.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu" and not exact:
        return _numeric_array(value, name)  # the common case, checked without a Python loop
    rows = _entries(value, name)
    if not rows or not rows[0]:
        raise InvalidGame(f"{name} must have at least one row and one column")
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise InvalidGame(
                f"{name} is not rectangular: row 0 has {width} entries but row {i} has {len(row)}"
            )
        for j, entry in enumerate(row):
            _check_number(entry, f"{name}[{i}][{j}]")
    if exact:
        out = np.empty((len(rows), width), dtype=object)
        for i, row in enumerate(rows):
            for j, entry in enumerate(row):
                out[i, j] = Fraction(entry)
        return out
    return np.array([[float(e) for e in row] for row in rows], dtype=float)


def probability_vector(value: object, size: int, name: str, *, exact: bool) -> Matrix:
    """Check a mixed strategy (non-negative, summing to 1, ``size`` entries) and return it."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise InvalidGame(f"{name} must be a list of {size} probabilities, got {value!r}")
    entries: list[Any] = list(value)
    if len(entries) != size:
        raise InvalidGame(f"{name} must have {size} probabilities, got {len(entries)}")
    for k, entry in enumerate(entries):
        _check_number(entry, f"{name}[{k}]")
        if entry < 0:
            raise InvalidGame(f"{name}[{k}] is negative ({entry}); probabilities must be >= 0")
    if exact:
        vector = np.array([Fraction(e) for e in entries], dtype=object)
        if sum(vector) != 1:
            raise InvalidGame(f"{name} sums to {sum(vector)}; probabilities must sum to 1")
        return vector
    floats = np.array([float(e) for e in entries], dtype=float)
    total = float(floats.sum())
    if abs(total - 1.0) > 1e-9:
        raise InvalidGame(f"{name} sums to {total}; probabilities must sum to 1 (within 1e-9)")
    return floats


def as_number(value: Any, exact: bool) -> Number:
    """A matrix entry as a plain Python float or Fraction (never a numpy scalar)."""
    return Fraction(value) if exact else float(value)
