"""Better allocations for a hard component: iterated local search on the bid-insertion move.

On components whose LP gap no search tree closes in useful time (CATS arbitrary at 256 goods and
thousands of bids: 25% to 32% after the root cuts), the final gap is mostly the allocation found,
and stochastic local search is known to find good allocations of such instances quickly (Hoos
and Boutilier 2000, Casanova). This is a plain form of it, used to hand HiGHS a better first
incumbent:

* The move inserts one bid and removes the winners it conflicts with (those holding one of its
  goods, or a bid of its XOR group: the conflict graph of :func:`.branch.conflicts`). Its gain
  is the bid's price minus theirs.
* Descent takes the move of largest gain while one gains (best improvement); a bid without
  conflicts gains its whole price, so descent also fills free goods.
* A round forces a few bids in, drawn uniformly, descends, and keeps the result if it is worth
  at least as much as the current one (plateaus are crossed), otherwise returns to it. The best
  allocation seen is the result.

Every decision is an exact integer comparison; the random draws come from a seeded generator,
and the number of rounds is fixed unless the deadline comes first, so without a binding deadline
the result is reproducible. It handles goods of one unit each (the CATS families); a component
with multi-unit goods is returned unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from trustmarket.combinatorial.branch import conflicts
from trustmarket.combinatorial.instance import Instance

#: Bids forced into the allocation at the start of each round.
KICK = 3

#: Largest component searched: the conflict matrix is n x n booleans (36 MB at this size).
MAX_BIDS = 6000


def single_unit(inst: Instance, bids: Sequence[int]) -> bool:
    """Whether every good these bids ask for has one unit and every bid asks for one of each."""
    return all(
        units == 1 and inst.goods[good].units == 1
        for b in bids
        for good, units in inst.bids[b].bundle
    )


def improve(
    inst: Instance,
    bids: Sequence[int],
    start: Sequence[int],
    *,
    rounds: int,
    deadline: float | None = None,
    seed: int = 0,
) -> tuple[int, list[int]]:
    """The best allocation found from ``start`` (bid indices among ``bids``, feasible) in at most
    ``rounds`` rounds of iterated local search, or until ``deadline`` (a ``perf_counter`` time).

    Returns (value, bid indices); the value is never below the start's.
    """
    cols = list(bids)
    n = len(cols)
    start_value = sum(inst.bids[b].price for b in start)
    if n == 0 or n > MAX_BIDS or not single_unit(inst, cols):
        return start_value, list(start)
    price = np.array([inst.bids[b].price for b in cols], dtype=np.int64)
    # With one unit of each good, two bids conflict exactly when they cannot win together, and
    # inserting a bid removes exactly the winners it conflicts with. The diagonal is set too: a
    # winner "conflicts" with itself, so inserting it again gains nothing.
    conflict = conflicts(inst, cols)
    np.fill_diagonal(conflict, True)
    position = {b: j for j, b in enumerate(cols)}
    # cost[k]: the total price of the winners that inserting k would remove (exact int64).
    cost = np.zeros(n, dtype=np.int64)
    winners: set[int] = set()

    def add(j: int) -> None:
        np.add(cost, price[j], out=cost, where=conflict[j])
        winners.add(j)

    def insert(j: int) -> None:
        row = conflict[j]
        for loser in [w for w in winners if row[w]]:
            np.subtract(cost, price[loser], out=cost, where=conflict[loser])
            winners.discard(loser)
        add(j)

    def reset(chosen: Sequence[int]) -> None:
        cost[:] = 0
        winners.clear()
        for j in chosen:
            add(j)

    def descend() -> None:
        while True:
            gain = price - cost
            j = int(np.argmax(gain))
            if gain[j] <= 0:
                return
            insert(j)

    reset([position[b] for b in start])
    rng = np.random.default_rng(seed)
    descend()
    current = sorted(winners)
    current_value = int(price[current].sum())
    best, best_value = current, current_value
    for _ in range(rounds):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        for j in rng.choice(n, size=min(KICK, n), replace=False):
            insert(int(j))
        descend()
        value = int(price[list(winners)].sum())
        if value >= current_value:
            current, current_value = sorted(winners), value
            if value > best_value:
                best, best_value = current, value
        else:
            reset(current)
    if best_value <= start_value:
        return start_value, list(start)
    return best_value, [cols[j] for j in best]
