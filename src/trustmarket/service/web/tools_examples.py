"""The examples the tools pages start from: published games, eCommitter's contract shapes, the
safe-exchange examples of docs/safe-exchange.md (the paper's software and stocks, a divisible
dataset) and the credit bureau's figure 4 setting. A visitor edits them; none is special."""

from __future__ import annotations

from typing import Any

from trustmarket.analysis.safe_exchange.paper import TABLE_1, TABLE_2

__all__ = ["BUREAU_DEFAULTS", "CONTRACT_DEFAULTS", "EXCHANGE_EXAMPLES", "GAME_PRESETS"]

#: name -> (title, A, B): the row player's and the column player's payoffs.
GAME_PRESETS: dict[str, tuple[str, list[list[float]], list[list[float]]]] = {
    "prisoners-dilemma": ("Prisoners' dilemma", [[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "matching-pennies": ("Matching pennies", [[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
    "battle-of-the-sexes": ("Battle of the sexes", [[2, 0], [0, 1]], [[1, 0], [0, 2]]),
    "degenerate": ("A degenerate game", [[1, 1], [0, 1]], [[1, 1], [1, 0]]),
    "rock-paper-scissors": (
        "Rock, paper, scissors",
        [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
        [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
    ),
}

#: docs/contracts.md's tutorial: trapezoid shapes, rescaled to integrate to 1.
CONTRACT_DEFAULTS: dict[str, Any] = {
    "contractor": "0:0 4:1 8:1 12:0",
    "contractee": "0:0 2:1 6:1 10:0",
    "normalize": True,
    "rho": "6",
    "a": "1",
    "b": "1",
}

#: The paper's figure 4: C = 0.02, F and G uniform on [0, 1].
BUREAU_DEFAULTS: dict[str, str] = {
    "C": "0.02",
    "L": "0.1",
    "F": "uniform:0,1",
    "G": "uniform:0,1",
    "L_max": "1",
}

_SOFTWARE: dict[str, Any] = {
    "form": "dependent",
    "currency": "USD",
    "price": "22",
    "seller_forgoes": "2",
    "buyer_forgoes": "2",
    "items": [{"name": "plug-in", "units": 1}, {"name": "package", "units": 4}],
    "table": [
        {"delivered": [p, d], "cost": cost, "value": value}
        for (p, d), (cost, value) in TABLE_2.items()
    ],
}

_STOCKS: dict[str, Any] = {
    "form": "independent-units",
    "currency": "USD",
    "price": "25864.60",
    "seller_forgoes": "1000",
    "buyer_forgoes": "1500",
    "items": [
        {"name": name, "units": units, "unit_cost": cost, "unit_value": value}
        for name, units, cost, value in TABLE_1
    ],
}

_DATASET: dict[str, Any] = {
    "form": "divisible",
    "currency": "EUR",
    "price": "550.00",
    "seller_forgoes": "10.00",
    "buyer_forgoes": "10.00",
    "item": "dataset",
    "pieces": 100,
    "seller_cost": [[0, "0"], [50, "350.00"], [100, "500.00"]],
    "buyer_value": [[0, "0"], [100, ["590.00", "610.00"]]],
}

#: name -> (title, problem document).
EXCHANGE_EXAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    "software": ("Software: a package on 4 disks and a plug-in (dependent values)", _SOFTWARE),
    "stocks": ("Stocks: 240 shares of 5 stocks (independent units)", _STOCKS),
    "dataset": ("A dataset in 100 pieces, the buyer's value known within bounds", _DATASET),
}
