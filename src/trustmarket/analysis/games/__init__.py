"""Normal-form games and their Nash equilibria (SPEC section 5, "Normal-form games").

>>> from trustmarket.analysis.games import Game
>>> game = Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])  # matching pennies
>>> [e.row for e in game.vertex_enumeration().equilibria]
[(0.5, 0.5)]
"""

from trustmarket.analysis.games.dominance import Reduction
from trustmarket.analysis.games.equilibrium import Component, Equilibrium, EquilibriumSet
from trustmarket.analysis.games.game import METHODS, Game, NPlayerGame

__all__ = [
    "METHODS",
    "Component",
    "Equilibrium",
    "EquilibriumSet",
    "Game",
    "NPlayerGame",
    "Reduction",
]
