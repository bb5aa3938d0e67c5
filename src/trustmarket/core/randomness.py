"""Seeded randomness (SPEC section 2, "Randomness").

Everything stochastic takes a seed or a :class:`numpy.random.Generator`; results report the seed
so a run can be reproduced.
"""

from __future__ import annotations

import numpy as np

from trustmarket.core.errors import InvalidInput


def check_seed(seed: object) -> int:
    """Return ``seed`` if it is a non-negative int, else raise :class:`InvalidInput`."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInput(f"a seed must be a non-negative int, got {seed!r}")
    return seed


def make_rng(seed: int) -> np.random.Generator:
    """A PCG64 generator from ``seed``: the same seed gives the same stream on every machine."""
    return np.random.default_rng(check_seed(seed))


def permutation(seed: int, n: int) -> list[int]:
    """A reproducible random ordering of ``range(n)`` (used for random tie-breaking)."""
    return [int(i) for i in make_rng(seed).permutation(n)]
