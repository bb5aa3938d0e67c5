"""Pure-strategy Nash equilibria, for two players and for n players.

A profile is a pure equilibrium when every player's payoff there is the maximum of her payoffs over
her own strategies with the others' strategies fixed (Nash 1951; any game-theory text, e.g.
Osborne and Rubinstein 1994, definition 14.1). Computed for all profiles at once: compare each
player's payoff array with its maximum along her own axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def pure_profiles(payoffs: list[npt.NDArray[Any]]) -> list[tuple[int, ...]]:
    """Every pure equilibrium profile of the game whose player p has payoff array ``payoffs[p]``
    (one axis per player, player p's strategies along axis p), in lexicographic order."""
    mask = np.ones(payoffs[0].shape, dtype=bool)
    for player, u in enumerate(payoffs):
        mask &= u == u.max(axis=player, keepdims=True)
    return [tuple(int(i) for i in profile) for profile in np.argwhere(mask)]
