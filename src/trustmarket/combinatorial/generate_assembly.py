"""Turn generated bidders into an :class:`Instance` exactly as the CATS format would read it back.

A generator yields bidders, each a list of ``(bundle, price in cents)`` bids. Bids get the ids
``"0"``, ``"1"``, ... in order; a bidder with two or more bids is one XOR group, numbered like the
dummy good that :func:`~trustmarket.combinatorial.cats.format_cats` writes for it (``goods + k``
for the k-th such bidder), and is named by its lowest bid id; a bidder with one bid is an OR bid
named by its own id. So ``parse_cats(format_cats(instance)) == instance``.
"""

from __future__ import annotations

from collections.abc import Iterable

from trustmarket.combinatorial.instance import BundleBid, Good, Instance
from trustmarket.core.errors import InvalidInput

#: One generated bid: the sorted, distinct goods of its bundle and its price in cents.
Bid = tuple[tuple[int, ...], int]

#: Prices are written with two decimals (cents).
DECIMALS = 2
_PER_UNIT = 100.0


def cents(value: float) -> int:
    """A price in money units rounded to whole cents."""
    return round(float(value) * _PER_UNIT)


def prune_bidder(bids: Iterable[Bid]) -> list[Bid]:
    """A bidder's bids without those no optimal allocation needs (CATS removes dominated bids).

    A bid is dropped when its price is below one cent, or when another bid of the same bidder asks
    for a subset of its goods at a price at least as high (an earlier bid wins a tie, so of two
    identical bundles the first or the dearer one stays). Bids of different XOR bidders are never
    compared: one bidder's cheaper subset does not make another bidder's bid useless.
    """
    bundles: list[frozenset[int]] = []
    prices: list[int] = []
    alive: list[bool] = []
    by_size: dict[int, list[int]] = {}
    same: dict[frozenset[int], int] = {}
    for bundle, price in bids:
        if price < 1 or not bundle:
            continue
        goods = frozenset(bundle)
        twin = same.get(goods)
        if twin is not None and alive[twin]:
            if prices[twin] >= price:
                continue
            alive[twin] = False
        size = len(goods)
        smaller = (k for n, ks in by_size.items() if n < size for k in ks)
        if any(alive[k] and prices[k] >= price and bundles[k] < goods for k in smaller):
            continue
        for n, ks in by_size.items():
            if n > size:
                for k in ks:
                    if alive[k] and price >= prices[k] and goods < bundles[k]:
                        alive[k] = False
        same[goods] = len(bundles)
        by_size.setdefault(size, []).append(len(bundles))
        bundles.append(goods)
        prices.append(price)
        alive.append(True)
    return [
        (tuple(sorted(goods)), price)
        for goods, price, keep in zip(bundles, prices, alive, strict=True)
        if keep
    ]


def assemble(goods: int, bids: int, bidders: Iterable[list[Bid]], *, what: str) -> Instance:
    """The instance with the first ``bids`` bids of these bidders (the last bidder may be cut).

    ``bidders`` may be endless; it is read only until ``bids`` bids are in hand. A generator that
    keeps yielding empty bidders (nothing it can place) is stopped with ``InvalidInput``.
    """
    out: list[BundleBid] = []
    groups = 0
    empty_run = 0
    for bidder in bidders:
        if not bidder:
            empty_run += 1
            if empty_run > 1000 + 20 * bids:
                break
            continue
        empty_run = 0
        chosen = bidder[: bids - len(out)]
        first = len(out)
        group = goods + groups if len(chosen) > 1 else None
        if group is not None:
            groups += 1
        for bundle, price in chosen:
            bid_id = str(len(out))
            out.append(
                BundleBid(
                    bid_id,
                    str(first) if group is not None else bid_id,
                    price,
                    tuple((g, 1) for g in bundle),
                    group,
                )
            )
        if len(out) == bids:
            break
    if len(out) < bids:
        raise InvalidInput(
            f"{what}: could place only {len(out)} of the {bids} bids asked for; allowed: more "
            "goods or fewer bids for these parameters"
        )
    return Instance(tuple(Good(str(g)) for g in range(goods)), tuple(out), DECIMALS)
