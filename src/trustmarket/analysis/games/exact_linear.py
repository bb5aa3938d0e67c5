"""Exact rational linear algebra for the small systems the equilibrium solvers meet."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def solve_exact(
    rows: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]
) -> list[Fraction] | None:
    """The unique solution of ``rows @ x = rhs`` by Gauss-Jordan elimination over the rationals.

    The system may have more equations than unknowns (a degenerate vertex); it is then solved if
    it is consistent and of full column rank. Returns None when the solution is not unique or the
    system is inconsistent.
    """
    if not rows:
        return None
    width = len(rows[0])
    matrix = [[*map(Fraction, row), Fraction(b)] for row, b in zip(rows, rhs, strict=True)]
    pivot_row = 0
    for col in range(width):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            return None  # a free variable: not unique
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row]
        inverse = 1 / pivot[col]
        pivot[:] = [v * inverse for v in pivot]
        for r, other in enumerate(matrix):
            factor = other[col]
            if r != pivot_row and factor != 0:
                other[:] = [a - factor * b for a, b in zip(other, pivot, strict=True)]
        pivot_row += 1
    if any(row[width] != 0 for row in matrix[pivot_row:]):
        return None  # inconsistent
    return [matrix[k][width] for k in range(width)]
