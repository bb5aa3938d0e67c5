"""Checked payoff matrices: rectangular, finite, and either all floats or all exact Fractions;
and the normalised float view of a player's payoffs that every float computation works on."""

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
    return np.array(
        [[_as_float(e, name, i, j) for j, e in enumerate(row)] for i, row in enumerate(rows)]
    )


def _as_float(entry: Any, name: str, i: int, j: int) -> float:
    try:
        return float(entry)
    except OverflowError:  # an int or Fraction beyond the largest float
        raise InvalidGame(
            f"{name}[{i}][{j}] is too large for a float game (at most about 1.8e308); "
            "solve it exactly (--exact, or Fractions) instead"
        ) from None


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


def solver_view(matrix: Matrix) -> npt.NDArray[np.float64]:
    """One player's payoffs as the float computations see them: the positive affine map
    ``1 + (M - min M) / 2**e`` with ``2**e`` the power of two just above the range
    ``max M - min M``, so the entries lie in [1, 2) and span between 1/2 and 1 (all ones when the
    payoffs are constant).

    Nash equilibria do not change when a player's payoffs are multiplied by a positive constant or
    shifted by a constant, but the solvers' tolerances are absolute: on this view they mean the
    same thing in every game (a difference below about 1e-9 of a player's payoff range is a tie),
    whatever the scale or offset of the payoffs. The map is exact whenever ``M - min M`` is (a
    power of two scales without rounding): integer payoffs keep their ties and their exact linear
    relations. Exact games get the same view, computed in rationals and rounded once; their
    answers are still decided in rationals on the original payoffs.
    """
    if matrix.dtype == object:
        return _exact_view(matrix)
    low, high = float(matrix.min()), float(matrix.max())
    if low == high:
        return np.ones(matrix.shape)
    span = high - low
    if math.isfinite(span):
        shifted = matrix - low
    else:  # the range overflows: halve first (exact but for subnormals, far below the range)
        shifted = matrix * 0.5 - low * 0.5
        span = high * 0.5 - low * 0.5
    e = math.frexp(span)[1]
    if -1021 <= e <= 1021:
        shifted *= math.ldexp(1.0, -e)  # exact (np.ldexp is ten times slower)
    else:  # 2**-e is not a normal float
        shifted = np.ldexp(shifted, -e)
    shifted += 1.0
    return np.asarray(shifted, dtype=np.float64)


def _exact_view(matrix: Matrix) -> npt.NDArray[np.float64]:
    low, high = min(matrix.flat), max(matrix.flat)
    if low == high:
        return np.ones(matrix.shape)
    span = Fraction(high - low)
    # the least e with span < 2**e (as math.frexp gives it for a float span)
    e = span.numerator.bit_length() - span.denominator.bit_length()
    while span >= Fraction(2) ** e:
        e += 1
    while span < Fraction(2) ** (e - 1):
        e -= 1
    unit = Fraction(2) ** e
    return np.array(
        [[float(1 + (v - low) / unit) for v in row] for row in matrix], dtype=np.float64
    )
