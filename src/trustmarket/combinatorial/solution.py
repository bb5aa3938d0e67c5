"""What a winner-determination solve returns (SPEC 3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Solution:
    """The accepted bids and their value, with the proof status.

    ``value`` and ``bound`` are exact integers in the instance's minor units. ``bound`` is a
    proven upper bound on the optimum: equal to ``value`` when the status is optimal (gap 0).
    ``seconds`` and ``nodes`` describe the work done and are the only non-deterministic fields.
    """

    value: int
    winners: tuple[str, ...]
    status: Status
    bound: int
    seconds: float
    solver: str
    nodes: int = 0

    @property
    def optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    @property
    def gap(self) -> float:
        """Relative gap (bound - value) / bound; 0.0 when optimal."""
        if self.bound <= self.value:
            return 0.0
        return (self.bound - self.value) / max(abs(self.bound), 1)
