"""What the equilibrium solvers return."""

from __future__ import annotations

from dataclasses import dataclass, field

from trustmarket.analysis.games.payoff_matrix import Number


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """One Nash equilibrium of a bimatrix game: both mixed strategies (probabilities in strategy
    order) and both players' expected payoffs ``x^T A y`` and ``x^T B y``."""

    row: tuple[Number, ...]
    col: tuple[Number, ...]
    row_payoff: Number
    col_payoff: Number

    @property
    def row_support(self) -> tuple[int, ...]:
        return tuple(i for i, p in enumerate(self.row) if p > 0)

    @property
    def col_support(self) -> tuple[int, ...]:
        return tuple(j for j, p in enumerate(self.col) if p > 0)

    def to_json(self) -> dict[str, object]:
        return {
            "row": [_json_number(p) for p in self.row],
            "col": [_json_number(p) for p in self.col],
            "row_payoff": _json_number(self.row_payoff),
            "col_payoff": _json_number(self.col_payoff),
        }


@dataclass(frozen=True, slots=True)
class Component:
    """A Nash subset (von Stengel 2007, section 3.5; Avis, Rosenberg, Savani and von Stengel 2010):
    every pair of a strategy from ``rows`` and one from ``cols`` is an equilibrium, and so is every
    pair of convex combinations of them. With more than one extreme strategy on either side the
    game has infinitely many equilibria along it."""

    rows: tuple[tuple[Number, ...], ...]
    cols: tuple[tuple[Number, ...], ...]

    @property
    def infinite(self) -> bool:
        return len(self.rows) > 1 or len(self.cols) > 1


@dataclass(frozen=True, slots=True)
class EquilibriumSet:
    """The equilibria a method found.

    ``degenerate`` says whether the game is degenerate (some mixed strategy with ``k`` strategies
    in its support has more than ``k`` pure best responses). ``complete`` says whether the list is
    known to hold every equilibrium (for vertex enumeration: every extreme equilibrium; the
    components then describe all the others). ``note`` explains anything the caller should know.
    """

    equilibria: tuple[Equilibrium, ...]
    degenerate: bool
    complete: bool
    method: str
    exact: bool
    components: tuple[Component, ...] = ()
    note: str = ""
    pivots: int | None = field(default=None)

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "equilibria": [e.to_json() for e in self.equilibria],
            "degenerate": self.degenerate,
            "complete": self.complete,
            "method": self.method,
            "exact": self.exact,
        }
        if self.components:
            out["components"] = [
                {
                    "rows": [[_json_number(p) for p in r] for r in c.rows],
                    "cols": [[_json_number(p) for p in s] for s in c.cols],
                    "infinite": c.infinite,
                }
                for c in self.components
            ]
        if self.note:
            out["note"] = self.note
        if self.pivots is not None:
            out["pivots"] = self.pivots
        return out


def _json_number(value: Number) -> float | str:
    """Floats stay floats; Fractions become exact strings such as ``"1/3"``."""
    return str(value) if not isinstance(value, float) else value
