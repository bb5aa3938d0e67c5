"""Fast scalar draws from a numpy generator for the instance generators.

The generators make many small random choices (one good at a time). Calling the numpy generator
once per choice costs about a microsecond each; :class:`Draws` takes uniforms from it in blocks
instead. Everything still comes from the one ``numpy.random.default_rng(seed)`` stream, so the
same seed gives the same instance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_BLOCK = 4096


class Draws:
    """Uniform, integer and weighted draws served from blocks of one numpy generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._block: list[float] = []
        self._next = 0

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        if self._next >= len(self._block):
            self._block = self.rng.random(_BLOCK).tolist()
            self._next = 0
        value = self._block[self._next]
        self._next += 1
        return value

    def between(self, low: float, high: float) -> float:
        """A uniform number in [low, high)."""
        return low + (high - low) * self.uniform()

    def integer(self, low: int, high: int) -> int:
        """A uniform integer in [low, high] (both included)."""
        return min(high, low + int(self.uniform() * (high - low + 1)))

    def weighted(self, weights: Sequence[float]) -> int:
        """An index drawn with probability proportional to its (non-negative) weight."""
        total = sum(weights)
        target = self.uniform() * total
        acc = 0.0
        last = 0
        for index, weight in enumerate(weights):
            if weight > 0:
                acc += weight
                last = index
                if target < acc:
                    return index
        return last

    def weighted_array(self, weights: np.ndarray) -> int:
        """As :meth:`weighted`, for a numpy array of weights (cumulative sum and bisection)."""
        cumulative = np.cumsum(weights)
        target = self.uniform() * float(cumulative[-1])
        index = int(np.searchsorted(cumulative, target, side="right"))
        index = min(index, len(weights) - 1)
        while weights[index] <= 0 and index > 0:
            index -= 1
        return index
